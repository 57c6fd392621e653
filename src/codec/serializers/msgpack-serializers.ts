/**
 * The two MessagePack serializers: `standard` (cross-language, cachekit-py's StandardSerializer
 * format) and `auto` (JS-rich, exact round trips). Both use cachekit's own encoder/decoder
 * (chosen over msgpackr by measurement and for the protocol's rules; see BENCHMARKS).
 */
import { ValueDecoder } from '../../msgpack/value-decoder';
import { ValueEncoder } from '../../msgpack/value-encoder';
import type { LimitedSerializer, Serializer } from './serializer';

function msgpackSerializer(profile: 'standard' | 'auto', name: string, code: string, format: string): LimitedSerializer {
  const encoder = new ValueEncoder(profile);
  const decoder = new ValueDecoder(profile);
  return Object.freeze({
    name,
    code,
    format,
    serialize: (value: unknown): Uint8Array => Buffer.from(encoder.encode(value)),
    serializeTransient: (value: unknown): Uint8Array => encoder.encode(value),
    serializeTransientWithin: (value: unknown, maxBytes: number): Uint8Array => encoder.encode(value, maxBytes),
    deserialize: (bytes: Uint8Array): unknown => decoder.decode(bytes),
  });
}

/**
 * `standard` (key code `s`, envelope format `msgpack`): MessagePack that cachekit-py's
 * StandardSerializer reads. Dates travel as `{"__datetime__": true, "value": iso}` and come back
 * as Dates; `undefined` becomes null; Maps need string keys; Sets and class instances without
 * `toJSON` are refused; integers come back as numbers (BigInts beyond 2^53).
 */
export const standardSerializer: Serializer = msgpackSerializer('standard', 'standard', 's', 'msgpack');

/**
 * `auto` (key code `a`, envelope format `auto`): MessagePack with tags for `undefined`, -0,
 * Dates, BigInts, Maps, Sets, typed arrays and ArrayBuffers, so those come back exactly.
 * Node-only: other SDKs cannot read it. Class instances are refused (their prototype would be lost).
 */
export const autoSerializer: Serializer = msgpackSerializer('auto', 'auto', 'a', 'auto');
