/**
 * The README's examples run as written. A fenced block is runnable when the line right above
 * its opening fence is the HTML comment `<!-- runnable -->` (invisible on GitHub and npm):
 *
 *     <!-- runnable -->
 *     ```ts
 *     ...
 *     ```
 *
 * Each runnable block is written unchanged to a file in a sandbox where `cachekit` resolves to
 * this package (built dist/), and run in its own child process (`ts` blocks through tsx) with
 * `REDIS_URL` pointing at the test redis-server. It must exit with code 0, by itself: a block
 * that leaves a connection open never exits and fails here. Blocks read the URL as
 * `process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'`, so a reader can run them as they are.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertDistIsFresh, createPackageSandbox, type PackageSandbox } from '../support/package-sandbox';
import { README, runnableBlocks } from '../support/readme-blocks';

const blocks = runnableBlocks(readFileSync(README, 'utf8'));

describe('README examples', () => {
  const redisUrl = inject('redisUrl');
  let sandbox: PackageSandbox;
  /** Longest a block may take: far above a process that only loads cachekit (measured below). */
  let deadlineMs = 0;

  beforeAll(async () => {
    assertDistIsFresh();
    sandbox = createPackageSandbox();
    const baseline = await sandbox.run(sandbox.write('baseline.ts', "import 'cachekit';\n"), { deadlineMs: 120_000 });
    expect(baseline.code, baseline.stderr).toBe(0);
    deadlineMs = 20 * baseline.elapsedMs + 20_000;
  }, 150_000);
  afterAll(() => sandbox?.remove());

  it('marks the quick start runnable', () => {
    expect(blocks.map((b) => b.section)).toContain('Quick start');
  });

  it.each(blocks.map((b) => [`${b.section} (README.md:${b.line})`, b] as const))(
    '%s runs as written and exits by itself',
    async (_label, block) => {
      expect(['ts', 'js']).toContain(block.language);
      const file = sandbox.write(`readme-${block.line}.${block.language === 'ts' ? 'ts' : 'mjs'}`, block.code);
      const result = await sandbox.run(file, { env: { REDIS_URL: redisUrl }, deadlineMs });
      expect(result.exitedByItself, `still running after ${deadlineMs} ms: something keeps the process alive`).toBe(true);
      expect(result.code, result.stderr).toBe(0);
    },
    180_000,
  );
});
