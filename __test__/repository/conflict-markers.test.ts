import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

/** Lines that open, split or close an unresolved merge, as git writes them. */
const MARKER = '^(<{7}|={7}|>{7})( |$)';

describe('the repository', () => {
  it('holds no unresolved merge conflict markers in any tracked file', () => {
    // A merge left half-resolved once landed in BENCHMARKS.md; nothing else would notice.
    let found = '';
    try {
      found = execFileSync('git', ['grep', '-n', '-I', '-E', MARKER, '--', '.'], { cwd: root, encoding: 'utf8' });
    } catch (error) {
      // git grep exits 1 when nothing matches.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(found).toBe('');
  });
});
