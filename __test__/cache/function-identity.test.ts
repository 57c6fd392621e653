/**
 * Two different functions never share entries silently (issue 12, item 6). A function's
 * identity is its namespace, module and name; a second, different function object claiming an
 * identity already taken in the process is refused at wrap time with a ConfigurationError that
 * names both call sites and the fix. The same function object wrapped again shares entries,
 * as intended. Closures from one factory are different function objects even with the same
 * source text: they are refused too (see src/cache/identity-registry.ts for why).
 */
import { randomUUID } from 'node:crypto';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cache } from '../../src/cache';
import { cached } from '../../src/decorators';
import { RedisBackend } from '../../src/backends/redis/backend';
import { ConfigurationError } from '../../src/errors';
import { assertDistIsFresh, createPackageSandbox, type PackageSandbox } from '../support/package-sandbox';
import { thrown } from '../support/thrown';

const run = randomUUID().slice(0, 8);
let counter = 0;
/** A module of its own per test: identities are process-wide. */
const uniqueModule = () => `identity_${run}_${++counter}`;

/** The distinct `function-identity.test.ts:line` locations a message names. */
function locationsIn(message: string): Set<string> {
  return new Set(message.match(/function-identity\.test\.ts:\d+/g) ?? []);
}

describe('one identity, one function', () => {
  it('refuses the second closure of a factory (backend: null), naming both call sites and the fix', () => {
    const module = uniqueModule();
    function makeLoader(table: string) {
      const load = async (id: number) => `${table} row ${id}`;
      return cache(load, { backend: null, module });
    }
    const users = makeLoader('users');
    const error = thrown(() => makeLoader('orders'));
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(`${module}:load`);
    // Both claims come from the same line inside makeLoader, called from two lines here.
    expect(locationsIn(message).size).toBeGreaterThanOrEqual(3);
    expect(message).toContain('same source text');
    expect(message).toMatch(/`name`/);
    expect(message).toMatch(/`namespace`/);
    expect(users.wrapped).toBeTypeOf('function');
  });

  it('refuses a different function under a name and module already taken', () => {
    const module = uniqueModule();
    cache(async function loadUser(id: number) {
      return `user ${id}`;
    }, { backend: null, module });
    const error = thrown(() =>
      cache(async function loadUser(id: number) {
        return `order ${id}`;
      }, { backend: null, module }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(locationsIn((error as Error).message).size).toBe(2);
    expect((error as Error).message).not.toContain('same source text');
  });

  it('gives closures of one factory their own entries when each names its namespace', async () => {
    const module = uniqueModule();
    function makeLoader(table: string) {
      return cache(async (id: number) => `${table} row ${id}`, { backend: null, module, name: 'load', namespace: table });
    }
    const users = makeLoader('users');
    const orders = makeLoader('orders');
    expect(await users(1)).toBe('users row 1');
    expect(await orders(1)).toBe('orders row 1');
  });

  it('applies to cache.local too: a second closure is refused, the same function shares', () => {
    const module = uniqueModule();
    const makeClient = (url: string) => cache.local(() => ({ url }), { module, name: 'client' });
    makeClient('redis://a');
    expect(thrown(() => makeClient('redis://b'))).toBeInstanceOf(ConfigurationError);
    function connect() {
      return { connected: true };
    }
    const first = cache.local(connect, { module });
    const second = cache.local(connect, { module });
    expect(second()).toBe(first());
  });

  it('leaves interop operations unclaimed: naming an operation declares the sharing', () => {
    const namespace = `identity-${run}`;
    const options = { backend: null, interop: 'get_user', namespace } as const;
    cache(async (id: number) => ({ id, from: 'reader' }), options);
    expect(() => cache(async (id: number) => ({ id, from: 'writer' }), options)).not.toThrow();
  });

  it('refuses a second class built by one factory when @cached would give it the same identity', async () => {
    const module = uniqueModule();
    function makeRepo(table: string) {
      class Repo {
        @cached({ backend: null, module })
        async get(id: number) {
          return `${table} row ${id}`;
        }
      }
      return new Repo();
    }
    expect(await makeRepo('users').get(1)).toBe('users row 1');
    // The decorator wraps per class on its first call, so that is where the refusal comes.
    expect(thrown(() => makeRepo('orders').get(1))).toBeInstanceOf(ConfigurationError);
  });

  it('lets one class be instantiated many times and subclassed (one function per identity)', async () => {
    const module = uniqueModule();
    let runs = 0;
    class Repo {
      @cached({ backend: null, module })
      async get(id: number) {
        runs++;
        return `row ${id}`;
      }
    }
    class AuditedRepo extends Repo {}
    expect(await new Repo().get(1)).toBe('row 1');
    expect(await new Repo().get(1)).toBe('row 1');
    expect(await new AuditedRepo().get(1)).toBe('row 1');
    expect(runs).toBe(2);
  });
});

describe('the same function wrapped twice (real Redis)', () => {
  const url = inject('redisUrl');
  let backend: RedisBackend;

  beforeAll(() => {
    backend = new RedisBackend({ url });
  });
  afterAll(async () => {
    await backend.close();
  });

  it('shares its entries, as intended (tests, or one function with two wrappers)', async () => {
    const module = uniqueModule();
    let runs = 0;
    async function loadUser(id: number) {
      runs++;
      return `user ${id}`;
    }
    const first = cache(loadUser, { backend, module, l1: false });
    const second = cache(loadUser, { backend, module, l1: false, ttl: 60 });
    expect(await first(1)).toBe('user 1');
    await first.flush();
    expect(await second(1)).toBe('user 1');
    expect(runs).toBe(1);
  });
});

describe('a minified bundle (esbuild --minify) in a child process', () => {
  let sandbox: PackageSandbox;

  beforeAll(() => {
    assertDistIsFresh();
    sandbox = createPackageSandbox();
  });
  afterAll(() => sandbox?.remove());

  it('refuses the second function the minifier gave the same name, instead of serving the first one\'s entries', async () => {
    sandbox.write('users.js', [
      "import { cache } from 'cachekit';",
      'export function userLoader(backend) {',
      '  async function loadUser(id) { return `user ${id}`; }',
      '  return cache(loadUser, { backend });',
      '}',
    ].join('\n'));
    sandbox.write('orders.js', [
      "import { cache } from 'cachekit';",
      'export function orderLoader(backend) {',
      '  async function loadOrder(id) { return `order ${id}`; }',
      '  return cache(loadOrder, { backend });',
      '}',
    ].join('\n'));
    sandbox.write('entry.js', [
      "import { userLoader } from './users.js';",
      "import { orderLoader } from './orders.js';",
      'const getUser = userLoader(null);',
      'const report = { userName: getUser.wrapped.name, user: await getUser(1) };',
      'try {',
      '  const getOrder = orderLoader(null);',
      '  Object.assign(report, { orderName: getOrder.wrapped.name, order: await getOrder(1) });',
      '} catch (error) {',
      '  Object.assign(report, { refused: error.name, message: error.message });',
      '}',
      'console.log(JSON.stringify(report));',
    ].join('\n'));
    const outfile = `${sandbox.dir}/bundle.mjs`;
    buildSync({ entryPoints: [`${sandbox.dir}/entry.js`], bundle: true, minify: true, format: 'esm', platform: 'node', external: ['cachekit'], outfile, logLevel: 'silent' });
    const result = await sandbox.run(outfile, { deadlineMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, string>;
    expect(report.user).toBe('user 1');
    // The scenario: the minifier renamed both inner functions alike.
    expect(report.userName).toMatch(/^[a-zA-Z_$]{1,2}$/);
    expect(report.order).not.toBe('user 1');
    expect(report.refused).toBe('ConfigurationError');
    expect(report.message).toMatch(/`name`/);
  });
});
