import { describe, expect, it } from 'vitest';
import { storedKeyFunction } from '../../src/cache/function-keys';
import { functionKey } from '../../src/keys/function-key';

describe('stored keys of a cached function', () => {
  const options = {
    keyPrefix: 't:default:',
    namespace: undefined,
    module: 'app.users',
    name: 'getUser',
    integrity: true,
    serializerCode: 's',
    keyFunction: undefined,
  };

  it('are functionKey() behind the tenant prefix, memoised or not, for every call shape', () => {
    const storedKey = storedKeyFunction(options);
    const expected = (args: unknown[]) => `t:default:${functionKey({ module: 'app.users', name: 'getUser', integrity: true, args })}`;
    for (let round = 0; round < 2; round++) {
      for (const args of [[42], ['alice'], [true], [1.5], ['a', 2], [], [{ nested: [1] }]]) {
        expect(storedKey(args, undefined)).toBe(expected(args));
      }
    }
    // Past the single-argument memo's limit (4,096) it starts over and keys stay the same.
    for (let i = 0; i < 5000; i++) storedKey([i], undefined);
    expect(storedKey([42], undefined)).toBe(expected([42]));
    expect(storedKey([4999], undefined)).toBe(expected([4999]));
  });
});
