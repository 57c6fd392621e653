/**
 * The `func:{module}.{name}` segment: sanitising as cachekit-py does, module names derived
 * from files, the caller's file from the stack, and the small BLAKE2b used for x-codes
 * (checked against the native BLAKE2b-256/128, whose digest lengths it must also produce).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors';
import { blake2b128, blake2b256 } from '../../src/native';
import { blake2b } from '../../src/keys/blake2b-small';
import { callerFile, functionPath, moduleNameFromFile } from '../../src/keys/function-identity';
import { serializerCode } from '../../src/keys/serializer-code';

describe('functionPath', () => {
  it('keeps [A-Za-z0-9_.] and turns every other code point into one _', () => {
    expect(functionPath('__main__', 'get_user')).toBe('__main__.get_user');
    expect(functionPath('src/users-service', 'get user')).toBe('src_users_service.get_user');
    expect(functionPath('m', '<lambda>')).toBe('m._lambda_');
    expect(functionPath('m', 'caf\u00e9\u{1F600}')).toBe('m.caf__');
  });

  it('collapses runs of dots and cuts to 200 characters', () => {
    expect(functionPath('a..b', '.c')).toBe('a.b.c');
    expect(functionPath('m'.repeat(300), 'f')).toHaveLength(200);
  });

  it('refuses an empty module or name', () => {
    expect(() => functionPath('', 'f')).toThrow(ConfigurationError);
    expect(() => functionPath('m', '')).toThrow(/anonymous/);
  });
});

describe('moduleNameFromFile', () => {
  it('uses the path relative to the root, without extension, dotted', () => {
    expect(moduleNameFromFile('/app/src/users/service.ts', '/app')).toBe('src.users.service');
    expect(moduleNameFromFile('file:///app/lib/index.mjs', '/app')).toBe('lib.index');
  });

  it('falls back to the absolute path outside the root', () => {
    expect(moduleNameFromFile('/srv/other/job.js', '/app')).toBe('srv.other.job');
  });
});

describe('callerFile', () => {
  it('names the file of the function that called the caller', () => {
    const whoCalledMe = (): string | undefined => callerFile();
    expect(whoCalledMe()).toBe(__filename);
  });
});

describe('BLAKE2b with any digest length', () => {
  it('matches the native BLAKE2b-256 and BLAKE2b-128, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
        expect(blake2b(data, 32).equals(blake2b256(data))).toBe(true);
        expect(blake2b(data, 16).equals(blake2b128(data))).toBe(true);
      }),
      { numRuns: 200 },
    );
    for (const length of [0, 127, 128, 129, 256, 257]) {
      const data = new Uint8Array(length).fill(7);
      expect(blake2b(data, 32).equals(blake2b256(data))).toBe(true);
    }
  });

  it('is the 2-byte digest behind cachekit-py x-codes ("cbor" → x23d5)', () => {
    expect(blake2b(Buffer.from('cbor'), 2).toString('hex')).toBe('23d5');
    expect(serializerCode('cbor')).toBe('x23d5');
  });

  it('refuses digest lengths outside 1–64', () => {
    expect(() => blake2b(new Uint8Array(), 0)).toThrow(RangeError);
    expect(() => blake2b(new Uint8Array(), 65)).toThrow(RangeError);
  });
});
