/**
 * The key format `cache()` stores under (src/keys/function-key.ts): escaped parts, a shortened
 * form no short key can take, no key in the lock key space, and injectivity — every stored key
 * reads back into the tenant, namespace, module, name, returned key or arguments hash, and
 * flags it was built from, so distinct inputs give distinct keys (property-tested over
 * alphabets made of the characters the old format confused).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clearPrefixes, storedKeyFunction } from '../../src/cache/function-keys';
import { ConfigurationError, KeyGenerationError } from '../../src/errors';
import { argsHash } from '../../src/keys/cache-key';
import { createFunctionKeyBuilder, functionKey, functionKeyPrefix } from '../../src/keys/function-key';
import { escapeKeySegment } from '../../src/keys/key-segment';
import { codePointLength } from '../../src/keys/key-text';
import { tenantScopedKey } from '../../src/keys/tenant-scope';

/** One call of one cached function: everything its stored key is made of. */
interface KeyInput {
  tenant: string;
  namespace: string | undefined;
  module: string;
  name: string;
  /** Arguments hashed into `args:`, or the string a `key` function returned. */
  call: { args: Array<number | string> } | { key: string };
  integrity: boolean;
  code: string;
}

/** The wrapper's key options for `input` (its tenant scope, identity, flags and key function). */
function functionKeyOptions(input: KeyInput) {
  const returned = 'key' in input.call ? input.call.key : undefined;
  return {
    keyPrefix: tenantScopedKey(input.tenant, ''),
    namespace: input.namespace,
    module: input.module,
    name: input.name,
    integrity: input.integrity,
    serializerCode: input.code,
    keyFunction: returned === undefined ? undefined : () => returned,
  };
}

function storedKeyOf(input: KeyInput): string {
  return storedKeyFunction(functionKeyOptions(input))('args' in input.call ? input.call.args : [], undefined);
}

/** Reads a stored key that was not shortened back into its parts (the inverse of the format). */
function readBack(stored: string): Omit<KeyInput, 'call'> & { kind: string; value: string } {
  const parts = stored.split(':');
  const take = (expected?: string): string => {
    const part = parts.shift();
    if (part === undefined || (expected !== undefined && part !== expected)) throw new Error(`unexpected key shape: ${stored}`);
    return part;
  };
  take('t');
  const tenant = decodeURIComponent(take());
  const namespace = parts[0] === 'ns' ? (take(), decodeURIComponent(take())) : undefined;
  take('func');
  const module = decodeURIComponent(take());
  const name = decodeURIComponent(take());
  const kind = take();
  const value = decodeURIComponent(take());
  const flags = take();
  if (parts.length > 0) throw new Error(`unexpected key shape: ${stored}`);
  return { tenant, namespace, module, name, kind, value, integrity: flags[0] === '1', code: flags.slice(1) };
}

/** The characters the old format replaced, collapsed or used as structure, and a few plain ones. */
const confusable = fc.constantFrom(':', '%', '#', ' ', '_', '\n', '\r', '\t', '.', '-', '/', '{', '}', 'a', 'A', '2', '3', 'é', '\u2028', '\u200b', '😀', 'l', 'o', 'c', 'k');
const part = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: confusable, minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: confusable, minLength: 100, maxLength: 300 }) },
);
const keyInput: fc.Arbitrary<KeyInput> = fc.record({
  tenant: fc.string({ unit: confusable, minLength: 1, maxLength: 8 }),
  namespace: fc.option(part, { nil: undefined }),
  module: part,
  name: part,
  call: fc.oneof(
    fc.record({ args: fc.array(fc.oneof(fc.integer(), fc.string({ unit: confusable, maxLength: 6 })), { maxLength: 3 }) }),
    fc.record({ key: part }),
  ),
  integrity: fc.boolean(),
  code: fc.constantFrom('s', 'a', 'o', 'w', 'l', 'x2263'),
});

/** Swaps one character for one the old format confused it with (or for its own escaped form). */
const CONFUSIONS: Record<string, string[]> = {
  ' ': ['_', '%20'],
  '\n': ['_', ' ', '\r'],
  '\r': ['_', '\n'],
  _: [' ', '\n'],
  ':': ['%3A', '.', '#'],
  '.': [':', '/', '..'],
  '/': ['.', '_'],
  '-': ['_'],
  '#': [':', '%23'],
  '%': ['%25'],
};
function confuse(text: string, at: number, pick: number): string {
  const characters = Array.from(text);
  const i = at % characters.length;
  const options = CONFUSIONS[characters[i]!] ?? ['_'];
  characters[i] = options[pick % options.length]!;
  return characters.join('');
}

describe('escapeKeySegment', () => {
  it('leaves plain text alone and percent-encodes %, :, #, blanks and invisible characters', () => {
    expect(escapeKeySegment('src.users.repo')).toBe('src.users.repo');
    expect(escapeKeySegment('café-😀/{x}')).toBe('café-😀/{x}');
    expect(escapeKeySegment('drop table')).toBe('drop%20table');
    expect(escapeKeySegment('a:b#c%d')).toBe('a%3Ab%23c%25d');
    expect(escapeKeySegment('a\nb\rc\td')).toBe('a%0Ab%0Dc%09d');
    expect(escapeKeySegment('\u2028\u202e\u200b\u00a0')).toBe('%E2%80%A8%E2%80%AE%E2%80%8B%C2%A0');
  });

  it('decodes back to its input, and never holds ":" or "#"', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: confusable, maxLength: 40 }), (a, b) => {
        for (const text of [a, b]) {
          const escaped = escapeKeySegment(text);
          expect(decodeURIComponent(escaped)).toBe(text);
          expect(escaped).not.toMatch(/[:#\s]/u);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('cache() key format', () => {
  it('keeps ordinary keys readable: ns:{namespace}:func:{module}:{name}:args:{hash}:{ic}{code}', () => {
    expect(functionKey({ namespace: 'users', module: 'src.users.repo', name: 'UserRepo.byId', args: [42] })).toBe(
      `ns:users:func:src.users.repo:UserRepo.byId:args:${argsHash([42])}:1s`,
    );
    expect(functionKey({ module: 'm', name: 'f', integrity: false, serializer: 'json' })).toBe(`func:m:f:args:${argsHash([])}:0o`);
  });

  it('reads back into exactly the parts it was built from (so distinct inputs give distinct keys)', () => {
    fc.assert(
      fc.property(keyInput, (input) => {
        const stored = storedKeyOf(input);
        if (stored.includes('#')) return; // shortened: covered below
        const read = readBack(stored);
        expect(read).toEqual({
          tenant: input.tenant,
          namespace: input.namespace,
          module: input.module,
          name: input.name,
          kind: 'args' in input.call ? 'args' : 'key',
          value: 'args' in input.call ? argsHash(input.call.args) : input.call.key,
          integrity: input.integrity,
          code: input.code,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('gives distinct keys to inputs that differ by one confusable character in any part', () => {
    const fields = ['tenant', 'namespace', 'module', 'name', 'key'] as const;
    fc.assert(
      fc.property(keyInput, fc.constantFrom(...fields), fc.nat(), fc.nat(), (input, field, at, pick) => {
        const other: KeyInput = { ...input };
        if (field === 'key') {
          if (!('key' in input.call)) return;
          other.call = { key: confuse(input.call.key, at, pick) };
        } else {
          const text = input[field];
          if (text === undefined) return;
          other[field] = confuse(text, at, pick);
        }
        expect(storedKeyOf(other)).not.toBe(storedKeyOf(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives distinct keys to any two distinct inputs', () => {
    fc.assert(
      fc.property(keyInput, keyInput, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(storedKeyOf(a)).not.toBe(storedKeyOf(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('shortens a key over 250 characters to 50 + "#" + 32 hex digits, a form no short key takes', () => {
    fc.assert(
      fc.property(keyInput, (input) => {
        const stored = storedKeyOf(input);
        const logical = stored.slice(stored.indexOf(':', 2) + 1);
        if (!logical.includes('#')) {
          expect(codePointLength(logical)).toBeLessThanOrEqual(250);
          return;
        }
        const [head, hash, ...rest] = logical.split('#');
        expect(rest).toEqual([]);
        expect(codePointLength(head!)).toBe(50);
        expect(hash).toMatch(/^[0-9a-f]{32}$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('never lands a short custom key on a shortened key, even one spelling it out', () => {
    const identity = { module: 'm', name: 'search', integrity: true, code: 's', tenant: 'default', namespace: undefined };
    fc.assert(
      fc.property(fc.string({ unit: confusable, minLength: 260, maxLength: 400 }), (long) => {
        const stored = storedKeyOf({ ...identity, call: { key: long } });
        const forged = stored.slice('t:default:func:m:search:key:'.length);
        expect(forged.length).toBeLessThan(250);
        expect(storedKeyOf({ ...identity, call: { key: forged } })).not.toBe(stored);
      }),
      { numRuns: 200 },
    );
  });

  it('never ends a key in ":lock", the lock key space backends derive ({key}:lock)', () => {
    const lockish = fc.constantFrom('lock', ':lock', 'x:lock', 'lock:lock', 'laptops:lock');
    fc.assert(
      fc.property(keyInput, lockish, (input, key) => {
        expect(storedKeyOf(input).endsWith(':lock')).toBe(false);
        expect(storedKeyOf({ ...input, call: { key } }).endsWith(':lock')).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('the prebuilt builder returns what functionKey returns', () => {
    const double = fc.double().filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d));
    const args = fc.array(fc.oneof(fc.integer(), double, fc.string(), fc.boolean(), fc.constant(null)), { maxLength: 4 });
    fc.assert(
      fc.property(keyInput, args, (input, call) => {
        const options = { namespace: input.namespace, module: input.module, name: input.name, integrity: input.integrity };
        const built = createFunctionKeyBuilder({ ...options, serializerCode: input.code })(call);
        expect(built).toBe(functionKey({ ...options, args: call, serializer: { name: 'any', code: input.code } }));
      }),
      { numRuns: 300 },
    );
  });

  it('clears every key of a function by its prefixes, shortened ones included', () => {
    fc.assert(
      fc.property(keyInput, (input) => {
        const stored = storedKeyOf(input);
        expect(clearPrefixes(functionKeyOptions(input)).some((prefix) => stored.startsWith(prefix))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('separates functions whose names are prefixes of each other when clearing', () => {
    const prefix = functionKeyPrefix({ module: 'm', name: 'get' });
    expect(functionKey({ module: 'm', name: 'getAll' }).startsWith(prefix)).toBe(false);
    expect(functionKey({ module: 'm:get', name: 'x' }).startsWith(prefix)).toBe(false);
  });

  it('refuses parts that cannot be keys: empty, non-string, or with a lone surrogate', () => {
    expect(() => functionKeyPrefix({ module: '', name: 'f' })).toThrow(ConfigurationError);
    expect(() => functionKeyPrefix({ module: 'm', name: '' })).toThrow(/anonymous/);
    expect(() => functionKeyPrefix({ module: 'm\ud800', name: 'f' })).toThrow(ConfigurationError);
    expect(() => functionKeyPrefix({ namespace: 'n\udc00', module: 'm', name: 'f' })).toThrow(ConfigurationError);
    const custom = storedKeyFunction({
      keyPrefix: 't:default:', namespace: undefined, module: 'm', name: 'f', integrity: true, serializerCode: 's',
      keyFunction: (x: string) => x,
    });
    expect(() => custom(['a\ud800'], undefined)).toThrow(KeyGenerationError);
    expect(() => custom([''], undefined)).toThrow(KeyGenerationError);
  });
});
