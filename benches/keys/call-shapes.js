'use strict';
/** The argument lists the key benchmarks build keys for. */
const tenFields = {
  id: 12345,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  score: 98.5,
  tags: ['admin', 'beta'],
  created: '2024-01-01T00:00:00Z',
  team: 'analytics',
  limit: 50,
  region: 'eu-west-1',
};

const callShapes = [
  { label: 'f()', args: [] },
  { label: 'f(42)', args: [42] },
  { label: 'f("user-123", true)', args: ['user-123', true] },
  { label: 'f({10-field object})', args: [tenFields] },
];

module.exports = { callShapes };
