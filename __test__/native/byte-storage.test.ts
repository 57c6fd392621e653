/** ByteStorage through the binding: round trips, formats, coded errors, async variants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteStorage, isNativeError } from '../../src/native';
import { thrown } from '../support/thrown';

const storage = new ByteStorage();

describe('ByteStorage', () => {
  it('round-trips arbitrary bytes and formats', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.string({ maxLength: 40 }), (data, format) => {
        const { data: back, format: backFormat } = storage.retrieve(storage.store(data, format));
        expect(back.equals(data)).toBe(true);
        expect(backFormat).toBe(format);
      }),
      { numRuns: 300 },
    );
  });

  it('never returns different data after a bit flip or a truncation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.nat(), fc.nat(), (data, at, cut) => {
        const envelope = storage.store(data);
        const flipped = Buffer.from(envelope);
        const bit = at % (flipped.length * 8);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        try {
          expect(storage.retrieve(flipped).data.equals(data)).toBe(true);
        } catch (error) {
          expect(isNativeError(error)).toBe(true);
        }
        const truncated = envelope.subarray(0, cut % envelope.length);
        expect(isNativeError(thrown(() => storage.retrieve(truncated)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('describes an envelope without decompressing it: block length, declared size, format', () => {
    const data = Buffer.from('abc'.repeat(1000));
    const envelope = storage.store(data, 'json|k:0011');
    const description = storage.describe(envelope);
    expect(description).toEqual({ compressedSize: expect.any(Number), originalSize: data.length, format: 'json|k:0011' });
    expect(description.compressedSize).toBeGreaterThan(0);
    expect(description.compressedSize).toBeLessThan(data.length);
    // The checksum is retrieve's to check: a flipped literal still describes, and fails retrieve.
    const flipped = Buffer.from(envelope);
    flipped[3 + description.compressedSize - 2]! ^= 1;
    expect(storage.describe(flipped)).toEqual(description);
    expect(thrown(() => storage.retrieve(flipped))).toMatchObject({ code: 'ERR_CHECKSUM_MISMATCH' });
    expect(thrown(() => storage.describe(Buffer.from('not an envelope')))).toMatchObject({ code: 'ERR_DESERIALIZATION_FAILED' });
  });

  it('writes its default format, or the one a call names', () => {
    const arrow = new ByteStorage('arrow');
    expect(arrow.defaultFormat).toBe('arrow');
    expect(arrow.retrieve(arrow.store(Buffer.from('x'))).format).toBe('arrow');
    expect(storage.defaultFormat).toBe('msgpack');
    expect(storage.retrieve(storage.store(Buffer.from('x'), 'orjson')).format).toBe('orjson');
  });

  it('reads from Uint8Array views, not only Buffers', () => {
    const backing = new Uint8Array(300).map((_, index) => index % 7);
    const view = backing.subarray(10, 250);
    const envelope = storage.store(view);
    expect(envelope.equals(storage.store(Buffer.from(view)))).toBe(true);
    const framed = new Uint8Array(envelope.length + 4);
    framed.set(envelope, 2);
    expect(storage.retrieve(framed.subarray(2, 2 + envelope.length)).data.equals(Buffer.from(view))).toBe(true);
  });

  it('throws coded errors that say what was wrong', () => {
    const notAnEnvelope = thrown(() => storage.retrieve(Buffer.from([0xc0])));
    expect(notAnEnvelope.code).toBe('ERR_DESERIALIZATION_FAILED');
    expect(notAnEnvelope.message).toMatch(/array/);
    const empty = thrown(() => storage.retrieve(new Uint8Array()));
    expect(empty.code).toBe('ERR_DECODE_BOUNDS');
    // Ten bytes are stored as one literal run: 94 c4 0b a0, then the literals.
    const envelope = storage.store(Buffer.from('abcdefghij'));
    const corrupt = Buffer.from(envelope);
    corrupt[4]! ^= 0x01;
    const mismatch = thrown(() => storage.retrieve(corrupt));
    expect(mismatch.code).toBe('ERR_CHECKSUM_MISMATCH');
    expect(mismatch.message).toMatch(/checksum/);
    expect(storage.validate(corrupt)).toBe(false);
    expect(storage.validate(envelope)).toBe(true);
  });

  it('estimates compression as input length over block length', () => {
    expect(storage.estimateCompression(Buffer.alloc(4096, 0x41))).toBeGreaterThan(50);
    expect(storage.estimateCompression(new Uint8Array())).toBe(0);
  });

  it('storeAsync and retrieveAsync round-trip a large value and agree with the sync calls', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let index = 0; index < data.length; index += 1) data[index] = (index * 31) & 0xff;
    const envelope = await storage.storeAsync(data);
    expect(envelope.equals(storage.store(data))).toBe(true);
    const { data: back, format } = await storage.retrieveAsync(envelope);
    expect(back.equals(data)).toBe(true);
    expect(format).toBe('msgpack');
  });

  it('runs the async variants off the event loop: a queued callback runs before they settle', async () => {
    const data = Buffer.alloc(32 * 1024 * 1024, 7);
    const order: string[] = [];
    const stored = storage.storeAsync(data).then((envelope) => {
      order.push('stored');
      return envelope;
    });
    await new Promise<void>((resolve) => setImmediate(() => { order.push('immediate'); resolve(); }));
    const envelope = await stored;
    expect(order).toEqual(['immediate', 'stored']);
    expect((await storage.retrieveAsync(envelope)).data.equals(data)).toBe(true);
  });

  it('rejects async calls with coded errors', async () => {
    await expect(storage.retrieveAsync(Buffer.from([0x93, 0xc0, 0xc0, 0xc0]))).rejects.toMatchObject({
      code: 'ERR_DESERIALIZATION_FAILED',
    });
  });

  it('refuses a declared size over the caller\'s limit before allocating it, sync and async', async () => {
    // 16 MiB of zeros: LZ4 packs it into ~64 KiB, within the protocol's 1000:1.
    const envelope = storage.store(Buffer.alloc(16 * 1024 * 1024));
    const allocations: number[] = [];
    const allocUnsafe = Buffer.allocUnsafe;
    Buffer.allocUnsafe = (size: number) => {
      allocations.push(size);
      return allocUnsafe(size);
    };
    try {
      expect(thrown(() => storage.retrieve(envelope, 1024 * 1024))).toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    } finally {
      Buffer.allocUnsafe = allocUnsafe;
    }
    expect(allocations).toEqual([]);
    await expect(storage.retrieveAsync(envelope, 1024 * 1024)).rejects.toMatchObject({ code: 'ERR_INPUT_TOO_LARGE' });
    expect(storage.retrieve(envelope, 16 * 1024 * 1024).data.length).toBe(16 * 1024 * 1024);
    expect((await storage.retrieveAsync(envelope, 2 ** 40)).data.length).toBe(16 * 1024 * 1024);
  });

  it('names a bad size limit', () => {
    const envelope = storage.store(Buffer.from('x'));
    for (const limit of [-1, Number.NaN, '10' as unknown as number]) {
      expect(thrown(() => storage.retrieve(envelope, limit))).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/maxOriginalSize/) });
    }
  });
});
