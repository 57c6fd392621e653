// The heap each MessagePack shape costs once decoded, next to the decode budget's estimate
// (src/msgpack/decode-cost.ts): for each shape, an array of 200 000 elements is decoded
// after a warm-up, and heapUsed + external retained with the value alive, after two full GCs,
// is divided by the count. Run from source (the pre-scan is internal):
//   node --expose-gc --import tsx benches/decode-cost.mjs
import { checkDecodeBounds, MAX_DECODE_DEPTH } from '../src/msgpack/bounds.ts';
import { DECODE_COST, autoExtensionCost, standardExtensionCost } from '../src/msgpack/decode-cost.ts';
import { ValueDecoder } from '../src/msgpack/value-decoder.ts';
import { ValueEncoder } from '../src/msgpack/value-encoder.ts';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc --import tsx benches/decode-cost.mjs');

const N = 200_000;
const decoders = { standard: new ValueDecoder('standard'), auto: new ValueDecoder('auto') };
const encoders = { standard: new ValueEncoder('standard'), auto: new ValueEncoder('auto') };
const extensionCosts = { standard: standardExtensionCost, auto: autoExtensionCost };

/** An array32 of `count` elements, each the MessagePack bytes `item(i)` returns. */
function arrayOf(count, item) {
  const head = Buffer.from([0xdd, 0, 0, 0, 0]);
  head.writeUInt32BE(count, 1);
  return Buffer.concat([head, ...Array.from({ length: count }, (_, i) => item(i))]);
}
const hex = (text) => () => Buffer.from(text, 'hex');
const encoded = (profile, valueOf) => (i) => Buffer.from(encoders[profile].encode(valueOf(i)));
const text = (length) => encoded('standard', (i) => `${i}`.padStart(length, 'x').slice(-length));

const shapes = [
  ['fixint', 'standard', hex('01')],
  ['float64', 'standard', encoded('standard', (i) => i + 0.5)],
  ['empty map', 'standard', hex('80')],
  ['empty array', 'standard', hex('90')],
  ['{a: i}', 'standard', encoded('standard', (i) => ({ a: i % 100 }))],
  ['{a, b, c, d, e}', 'standard', encoded('standard', (i) => ({ a: i % 100, b: 1, c: 2, d: 3, e: 4 }))],
  ['[i]', 'standard', encoded('standard', (i) => [i % 100])],
  ['[i, i]', 'standard', encoded('standard', (i) => [i % 100, 1])],
  ['string of 2', 'standard', text(2)],
  ['string of 8', 'standard', text(8)],
  ['string of 30', 'standard', text(30)],
  ['string of 100', 'standard', text(100)],
  ['empty bin', 'standard', hex('c400')],
  ['bin of 16', 'standard', () => Buffer.concat([Buffer.from('c410', 'hex'), Buffer.alloc(16)])],
  ['fixext1 (MsgpackExtension)', 'standard', hex('d40500')],
  ['timestamp32 (Date)', 'standard', hex('d6ff00000001')],
  ['auto Date', 'auto', encoded('auto', () => new Date(1))],
  ['auto BigInt (23 digits)', 'auto', encoded('auto', () => 12345678901234567890123n)],
  ['auto empty Uint8Array', 'auto', encoded('auto', () => new Uint8Array(0))],
  ['auto empty ArrayBuffer', 'auto', encoded('auto', () => new ArrayBuffer(0))],
  ['auto empty Map', 'auto', encoded('auto', () => new Map())],
  ['auto empty Set', 'auto', encoded('auto', () => new Set())],
  ['auto undefined', 'auto', encoded('auto', () => undefined)],
];

const retained = () => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

console.log('| shape | MessagePack B | heap B (measured) | heap B (estimated) | measured per byte |');
console.log('| :-- | --: | --: | --: | --: |');
for (const [name, profile, item] of shapes) {
  const bytes = arrayOf(N, item);
  const decoder = decoders[profile];
  // Priced on 1000 elements, which always fit the budget (the whole array may not: that is the point).
  const sample = arrayOf(1000, item);
  const estimate = (checkDecodeBounds(sample, 0, sample.length, MAX_DECODE_DEPTH, extensionCosts[profile]) - DECODE_COST.array) / 1000;
  decodeUnbudgeted(decoder, bytes); // warm-up
  globalThis.gc();
  globalThis.gc();
  const before = retained();
  let value = decodeUnbudgeted(decoder, bytes);
  globalThis.gc();
  globalThis.gc();
  const heap = (retained() - before) / N;
  const perElement = (bytes.length - 5) / N;
  console.log(`| ${name} | ${perElement.toFixed(1)} | ${heap.toFixed(0)} | ${estimate.toFixed(0)} | ${(heap / perElement).toFixed(1)} |`);
  value = undefined;
}

/** Decodes `bytes` even when the budget would refuse them (by decoding 1000-element slices). */
function decodeUnbudgeted(decoder, bytes) {
  try {
    return decoder.decode(bytes);
  } catch {
    const size = (bytes.length - 5) / N;
    const parts = [];
    for (let at = 5; at < bytes.length; at += 1000 * size) {
      const items = bytes.subarray(at, Math.min(bytes.length, at + 1000 * size));
      parts.push(decoder.decode(arrayOf(items.length / size, (i) => items.subarray(i * size, (i + 1) * size))));
    }
    return parts.flat();
  }
}
