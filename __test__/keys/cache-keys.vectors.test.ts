/**
 * test-vectors/cache-keys.json (cachekit-py auto-mode keys) through `cacheKey`, plus the extra
 * verified keys of the Python reference (§2.4). Every row is expressible in JS: the one Python
 * float (`3.0` in multiple_args) is passed as `float64(3)`, which the vector reader produces
 * for any JSON literal written with a fraction.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors';
import { Float64, float64 } from '../../src/msgpack/tagged-values';
import { cacheKey } from '../../src/keys/cache-key';
import { loadVectorText, parseJsonKeepingFloats } from './support/tagged-json';

interface KeyRow {
  name: string;
  namespace: string | null;
  function_module: string;
  function_qualname: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  integrity_checking: boolean;
  serializer_type?: unknown;
  serializer_class?: string;
  expected_key?: string;
}

const file = parseJsonKeepingFloats(loadVectorText('cache-keys.json')) as {
  vectors: KeyRow[];
  error_vectors: KeyRow[];
  serializer_object_vectors: KeyRow[];
};

function keyOf(row: KeyRow, serializer: unknown): string {
  return cacheKey({
    namespace: row.namespace,
    module: row.function_module,
    name: row.function_qualname,
    args: row.args,
    kwargs: row.kwargs,
    integrity: row.integrity_checking,
    serializer: serializer as string,
  });
}

describe('cache-keys.json vectors', () => {
  it('has the rows the pinned revision holds', () => {
    expect(file.vectors).toHaveLength(21);
    expect(file.error_vectors).toHaveLength(4);
    expect(file.serializer_object_vectors).toHaveLength(5);
  });

  it.each(file.vectors.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    expect(keyOf(row, row.serializer_type)).toBe(row.expected_key);
  });

  it.each(file.error_vectors.map((row) => [row.name, row] as const))('refuses %s', (_name, row) => {
    expect(() => keyOf(row, row.serializer_type)).toThrow(ConfigurationError);
  });

  it.each(file.serializer_object_vectors.map((row) => [row.name, row] as const))(
    '%s: a serializer object is keyed by <custom>:{name}',
    (_name, row) => {
      const serializer = { name: row.serializer_class!, serialize: () => new Uint8Array(), deserialize: () => null };
      expect(keyOf(row, serializer)).toBe(row.expected_key);
    },
  );

  it('reads the 3.0 of multiple_args as a float marker, and a bare 3 gives a different key', () => {
    const row = file.vectors.find((r) => r.name === 'multiple_args')!;
    expect(row.args[2]).toBeInstanceOf(Float64);
    expect(keyOf({ ...row, args: [1, 'two', 3] }, 'std')).not.toBe(row.expected_key);
  });
});

describe('cacheKey validation', () => {
  it('validates every call, even right after a valid key with the same text', () => {
    expect(cacheKey({ namespace: '5', module: 'm', name: 'f' })).toMatch(/^ns:5:func:m\.f:args:/);
    expect(() => cacheKey({ namespace: 5 as unknown as string, module: 'm', name: 'f' })).toThrow(ConfigurationError);
    expect(cacheKey({ module: 'm', name: 'f', integrity: true })).toMatch(/:1s$/);
    expect(() => cacheKey({ module: 'm', name: 'f', integrity: 'true' as unknown as boolean })).toThrow(ConfigurationError);
  });
});

describe('reference §2.4 keys (independently computed)', () => {
  const base = { module: 'm', name: 'f' } as const;

  it('encodes integer widths like msgpack-python', () => {
    expect(cacheKey({ ...base, namespace: 'ns1', args: [-1, 300, -200, 70000] })).toBe(
      'ns:ns1:func:m.f:args:f4f7de5487fb0923ed7e6b320240b5767b9d40a5b4c7004e8ade99c0ea19fff7:1s',
    );
  });

  it('hashes floats, None, bools, bytes, tuples, dicts and -0.0 like Python', () => {
    const args = [1.5, null, true, Buffer.from([0, 1]), [1, 2], { b: 2, a: 1 }, float64(-0)];
    expect(cacheKey({ ...base, args })).toBe(
      'func:m.f:args:0e249358a9d1fa4b6a95fb2e1b0f544a411dd39c1f7b5f210d94c674b1063970:1s',
    );
  });

  it('marks integrity off with 0', () => {
    expect(cacheKey({ module: 'app.svc', name: 'search', integrity: false })).toBe(
      'func:app.svc.search:args:f9cf3864b6e929eb73f84cf6d69409e0bd7575f8cf6feafe3a543b0f7267b2b2:0s',
    );
  });

  it('shortens a key longer than 250 characters to 50 characters + ":" + 32 hex digits', () => {
    expect(cacheKey({ ...base, namespace: 'n'.repeat(200) })).toBe(
      'ns:nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn:4d23a96bf5e12ddd4c64cfabc3aae05f',
    );
  });
});
