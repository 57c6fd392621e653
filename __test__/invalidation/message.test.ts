/**
 * The bus message: round trips, and anything malformed, truncated, oversized or of another
 * version is refused (a peer must never act on bytes it cannot read exactly).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ITEMS, MAX_ITEM_BYTES, decodeMessage, encodeMessage } from '../../src/invalidation/message';
import { resolveInvalidation } from '../../src/invalidation/options';
import { ConfigurationError } from '../../src/errors';

const sender = randomBytes(16);

describe('invalidation bus messages', () => {
  it('round-trip keys, prefixes and the drop-everything kind', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 40 }), fc.constantFrom('keys' as const, 'prefixes' as const), (items, kind) => {
        const decoded = decodeMessage(encodeMessage(sender, kind, items));
        expect(decoded).toEqual({ sender, kind, items });
      }),
    );
    expect(decodeMessage(encodeMessage(sender, 'all', []))).toEqual({ sender, kind: 'all', items: [] });
  });

  it('refuses truncated, extended, foreign or corrupted frames', () => {
    const frame = encodeMessage(sender, 'keys', ['t:default:func:m:n:args:abc:1m', 'second']);
    for (let cut = 0; cut < frame.length; cut++) expect(decodeMessage(frame.subarray(0, cut))).toBeUndefined();
    expect(decodeMessage(Buffer.concat([frame, Buffer.from([0])]))).toBeUndefined();
    const otherVersion = Buffer.from(frame);
    otherVersion[3] = 3;
    expect(decodeMessage(otherVersion)).toBeUndefined();
    const unknownKind = Buffer.from(frame);
    unknownKind[20] = 9;
    expect(decodeMessage(unknownKind)).toBeUndefined();
    expect(decodeMessage(Buffer.from('PING'))).toBeUndefined();
    const notUtf8 = encodeMessage(sender, 'keys', ['abcd']);
    notUtf8[notUtf8.length - 2] = 0xff;
    expect(decodeMessage(notUtf8)).toBeUndefined();
  });

  it('writes keys, prefixes and everything as version 1 (older peers read them) and tags as version 2', () => {
    const tags = encodeMessage(sender, 'tags', ['1767225600000:t:default:tag:product:1']);
    expect(tags[3]).toBe(2);
    expect(decodeMessage(tags)).toEqual({ sender, kind: 'tags', items: ['1767225600000:t:default:tag:product:1'] });
    for (const kind of ['keys', 'prefixes', 'all'] as const) expect(encodeMessage(sender, kind, [])[3]).toBe(1);
    // A tags kind inside a version 1 frame is not something any sender writes: refused.
    const downgraded = Buffer.from(tags);
    downgraded[3] = 1;
    expect(decodeMessage(downgraded)).toBeUndefined();
  });

  it('refuses to encode more than its limits allow', () => {
    expect(() => encodeMessage(sender, 'keys', Array.from({ length: MAX_ITEMS + 1 }, () => 'k'))).toThrow(RangeError);
    expect(() => encodeMessage(sender, 'keys', ['x'.repeat(MAX_ITEM_BYTES + 1)])).toThrow(RangeError);
  });
});

describe('the invalidation option', () => {
  it('defaults to "on when the L2 is Redis", and validates with the fix in the message', () => {
    expect(resolveInvalidation(undefined)).toEqual({ enabled: 'default', channel: 'cachekit:l1', degradedTtlMs: 1000 });
    expect(resolveInvalidation(false).enabled).toBe(false);
    expect(resolveInvalidation({ bus: { channel: 'app:l1', degradedTtl: '250ms' } })).toEqual({ enabled: true, channel: 'app:l1', degradedTtlMs: 250 });
    for (const bad of [true, { bus: 'yes' }, { bux: true }, { bus: { channel: 'a b' } }, { bus: { channel: 'x{1}' } }, { bus: { degradedTtl: 0 } }]) {
      expect(() => resolveInvalidation(bad)).toThrow(ConfigurationError);
    }
  });
});

describe('asking for the bus where it cannot work', () => {
  it('is refused when the cache is built, naming the backend and the fix', async () => {
    const { cache, MemoryBackend } = await import('../../src');
    const lookup = async (id: number) => id;
    for (const backend of [new MemoryBackend(), null]) {
      const error = (() => {
        try {
          cache(lookup, { backend, name: `busless${backend === null ? 'Null' : 'Memory'}`, invalidation: { bus: true } });
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('expected a ConfigurationError');
      })();
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toMatch(/invalidation\.bus.*needs a Redis L2.*Fix:/);
    }
  });
});
