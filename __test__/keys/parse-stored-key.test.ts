/**
 * parseStoredKey reads back what the key formats write: round trips through functionKey,
 * tenantScopedKey, interopKey and cachekit-py's key layout, shortened keys, lock keys, and
 * other applications' keys (foreign, never mistaken for a cache key).
 */
import { describe, expect, it } from 'vitest';
import { functionKey, interopKey, tenantScopedKey } from '../../src/keys';
import { parseStoredKey } from '../../src/keys/parse-stored-key';

describe('parseStoredKey', () => {
  it('reads a default-mode key back into tenant, namespace, function and suffix', () => {
    const logical = functionKey({ namespace: 'users', module: 'app/services', name: 'getUser', args: [42], serializer: 'json', integrity: false });
    expect(parseStoredKey(tenantScopedKey('org:42/é', logical))).toEqual({
      kind: 'default',
      tenant: 'org:42/é',
      logicalKey: logical,
      namespace: 'users',
      function: 'app/services:getUser',
      integrity: false,
      serializerCode: 'o',
      shortened: false,
    });
  });

  it('decodes escaped parts and reads keys without a namespace', () => {
    const logical = functionKey({ namespace: 'a:b c', module: 'm', name: 'f#1', args: [] });
    const parts = parseStoredKey(tenantScopedKey('default', logical));
    expect(parts).toMatchObject({ kind: 'default', namespace: 'a:b c', function: 'm:f#1', integrity: true, serializerCode: 's' });
    expect(parseStoredKey(tenantScopedKey('default', functionKey({ module: 'm', name: 'f' })))).toMatchObject({ namespace: undefined, function: 'm:f' });
  });

  it("reads cachekit-py's layout (module.qualname in one part)", () => {
    const key = `t:default:ns:test:func:__main__.get_user:args:${'3870b2ea'.repeat(8)}:1s`;
    expect(parseStoredKey(key)).toMatchObject({ kind: 'default', tenant: 'default', namespace: 'test', function: '__main__.get_user', serializerCode: 's' });
  });

  it('keeps the tenant and the whole leading parts of a shortened key, and says its suffix is lost', () => {
    const long = functionKey({ namespace: 'n', module: 'm'.repeat(300), name: 'f', args: [] });
    expect(long).toContain('#');
    expect(parseStoredKey(tenantScopedKey('acme', long))).toEqual({
      kind: 'default',
      tenant: 'acme',
      logicalKey: long,
      namespace: 'n',
      function: undefined,
      integrity: undefined,
      serializerCode: undefined,
      shortened: true,
    });
  });

  it('reads interop keys and the lock keys of both formats', () => {
    const interop = interopKey('prices', 'get_price', [1]);
    expect(parseStoredKey(interop)).toEqual({ kind: 'interop', namespace: 'prices', operation: 'get_price' });
    const data = tenantScopedKey('default', functionKey({ module: 'm', name: 'f' }));
    expect(parseStoredKey(`${data}:lock`)).toMatchObject({ kind: 'lock', dataKey: data, data: { kind: 'default', function: 'm:f' } });
    expect(parseStoredKey(`${interop}:lock`)).toMatchObject({ kind: 'lock', data: { kind: 'interop' } });
  });

  it.each([
    'session:abc',
    'app:lock',
    'users:get:notahash',
    `ns:get:${'a'.repeat(64)}`,
    't:acme:func:m:f:args:h:2s',
    't:%ZZ:func:m:f:args:h:1s',
    't:acme:some:other:thing',
    '',
  ])('calls %j foreign', (key) => {
    expect(parseStoredKey(key)).toEqual({ kind: 'foreign' });
  });
});
