'use strict';
/** The same ~1 KB result object every comparison caches. */
function userPayload(id) {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    active: true,
    createdAt: '2026-01-02T03:04:05.678Z',
    roles: ['reader', 'writer', 'reviewer'],
    profile: {
      bio: 'Writes about caching, distributed systems and the occasional cat. '.repeat(4),
      location: 'Lisbon',
      website: 'https://example.com/users/profile',
      followers: 1234,
      following: 567,
    },
    tags: Array.from({ length: 20 }, (_, i) => `tag-${i}`),
    scores: Array.from({ length: 20 }, (_, i) => i * 1.5),
  };
}

module.exports = { userPayload };
