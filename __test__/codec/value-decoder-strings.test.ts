/**
 * Strings in the MessagePack decoder: any byte sequence in a str decodes to exactly what a
 * strict UTF-8 decoder gives (a leading U+FEFF kept), or is refused when it is not valid
 * UTF-8 — including bytes that decode leniently to U+FFFD and text that holds U+FFFD itself.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/errors';
import { ValueDecoder } from '../../src/msgpack/value-decoder';

const decoder = new ValueDecoder('standard');
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A MessagePack str (str 8 / str 16) holding `bytes`. */
function str(bytes: Uint8Array): Buffer {
  const header = bytes.length < 256 ? Buffer.from([0xd9, bytes.length]) : Buffer.from([0xda, bytes.length >> 8, bytes.length & 0xff]);
  return Buffer.concat([header, bytes]);
}

/** The same str as the value of a one-key map, so map values and keys are covered too. */
function inMap(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x81, 0xa1, 0x6b]), str(bytes)]);
}

function expectDecodes(bytes: Uint8Array): void {
  if (isUtf8(bytes)) {
    const text = strict.decode(bytes);
    expect(decoder.decode(str(bytes))).toBe(text);
    expect(decoder.decode(inMap(bytes))).toEqual({ k: text });
  } else {
    expect(() => decoder.decode(str(bytes))).toThrow(SerializationError);
    expect(() => decoder.decode(inMap(bytes))).toThrow(SerializationError);
  }
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('MessagePack strings', () => {
  it('decode exactly when valid UTF-8 and are refused otherwise (random bytes)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => expectDecodes(bytes)), { numRuns: 2000 });
  });

  it('decode exactly when valid UTF-8 and are refused otherwise (text with one byte changed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (text, at, byte) => {
        const bytes = utf8(text);
        expectDecodes(bytes);
        if (bytes.length > 0) {
          bytes[at % bytes.length] = byte;
          expectDecodes(bytes);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keep a real U+FFFD and a leading U+FEFF, and refuse the ill-formed sequences a lenient decoder would turn into U+FFFD', () => {
    for (const text of ['\uFFFD', 'a\uFFFDb', `${'x'.repeat(40)}\uFFFD`, '\uFEFFbom', `\uFEFF${'y'.repeat(30)}`, 'é'.repeat(20)]) {
      expectDecodes(utf8(text));
    }
    const illFormed = [
      [0xc3, 0x28], // bad continuation
      [0xed, 0xa0, 0x80], // UTF-16 surrogate
      [0xc0, 0xaf], // overlong
      [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
      [0xe2, 0x82], // truncated
      [0xff],
    ];
    for (const sequence of illFormed) {
      for (const padding of [0, 12, 70]) {
        const bytes = new Uint8Array([...Buffer.from('z'.repeat(padding)), ...sequence]);
        expect(isUtf8(bytes)).toBe(false);
        expectDecodes(bytes);
      }
    }
  });
});
