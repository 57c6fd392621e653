import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__test__/**/*.test.ts'],
    // Native addons and real child processes: run each file in its own forked process.
    pool: 'forks',
    globalSetup: ['__test__/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Expected warnings (corrupt entries, dropped writes) would drown the report; tests that
    // check logging pass their own logger.
    env: { CACHEKIT_LOG_LEVEL: 'error' },
  },
});
