/**
 * The release workflow (.github/workflows/ci.yml) is valid and does what the package claims:
 * every target in `napi.targets` is built and its binary loaded by tests on that target, on
 * Node 20, 22 and 24; a tag publishes every package with provenance, at one version. actionlint
 * runs through `go install` from the Go module proxy (pinned), cached under node_modules/.cache.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../support/installed-package';

const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'ci.yml');
const ACTIONLINT = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';
const TOOLS = path.join(ROOT, 'node_modules', '.cache', 'cachekit-tools');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { target?: string[]; node?: number[] } };
  steps: Step[];
}

const workflow = load(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, Job> };
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  repository?: { url?: string };
  napi: { targets: string[] };
};

/** Jobs that build the addon for a matrix of targets. */
const buildJobs = Object.entries(workflow.jobs).filter(([, job]) => job.strategy?.matrix.target !== undefined);

describe('the release workflow', () => {
  it('passes actionlint', async () => {
    const installed = await runCommand('go', ['install', ACTIONLINT], { cwd: ROOT, env: { ...process.env, GOBIN: TOOLS }, timeoutMs: 280_000 });
    expect(installed.code, installed.stderr).toBe(0);
    const lint = await runCommand(path.join(TOOLS, 'actionlint'), [WORKFLOW], { cwd: ROOT, env: process.env });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.code).toBe(0);
  }, 300_000);

  it('builds every target in napi.targets, runs tests on it under Node 20, 22 and 24, and uploads its binary', () => {
    const built = buildJobs.flatMap(([, job]) => job.strategy!.matrix.target!);
    expect([...built].sort()).toEqual([...manifest.napi.targets].sort());
    for (const [name, job] of buildJobs) {
      expect(job.strategy!.matrix.node, name).toEqual([20, 22, 24]);
      const runs = job.steps.map((s) => s.run ?? '').join('\n');
      expect(runs, `${name} runs tests that load the binary`).toMatch(/npm test|vitest run __test__\/native/);
      const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
      expect(upload?.with?.name, name).toBe('bindings-${{ matrix.target }}');
    }
  });

  it('publishes on a tag, after every build, with provenance, the tag naming the version', () => {
    const publish = workflow.jobs.publish!;
    expect(publish.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect([...(publish.needs ?? [])].sort()).toEqual(['lint', ...buildJobs.map(([name]) => name)].sort());
    expect(publish.permissions?.['id-token']).toBe('write');
    const script = publish.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('node scripts/stage-release.mjs staged --binaries artifacts');
    expect(script).toContain('test "$GITHUB_REF_NAME" = "v$(node -p "require(\'./package.json\').version")"');
    const publishes = script.split('\n').filter((line) => line.includes('npm publish'));
    expect(publishes.length).toBeGreaterThan(0);
    for (const line of publishes) expect(line).toContain('--provenance');
    // npm refuses provenance for a package without a repository.
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\//);
  });

  it('stages every package at the root version, the main one pinning each platform package exactly', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cachekit-stage-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'stage-release.mjs'), out, '--only-available'], { cwd: ROOT, stdio: 'ignore' });
      const main = JSON.parse(readFileSync(path.join(out, 'cachekit', 'package.json'), 'utf8')) as { version: string; optionalDependencies: Record<string, string> };
      const platforms = readdirSync(path.join(ROOT, 'npm')).map((dir) => `cachekit-${dir}`);
      expect(main.optionalDependencies).toEqual(Object.fromEntries(platforms.map((name) => [name, manifest.version])));
      for (const dir of readdirSync(out).filter((d) => d !== 'cachekit')) {
        expect(JSON.parse(readFileSync(path.join(out, dir, 'package.json'), 'utf8')).version, dir).toBe(manifest.version);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
