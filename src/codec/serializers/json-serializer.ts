/**
 * `json` (key code `o`, envelope format `json`): `JSON.stringify` / `JSON.parse`, with their
 * semantics (toJSON honoured, Dates become strings, undefined properties dropped, NaN becomes
 * null). For values that are JSON already, or to read the bytes with any JSON tool.
 */
import { SerializationError } from '../../errors';
import { utf8ReadStrict } from '../../msgpack/text';
import { UNDECODABLE_VALUE } from '../../msgpack/value-decoder';
import { UNENCODABLE_VALUE } from '../../msgpack/value-encoder';
import type { Serializer } from './serializer';

function serialize(value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new SerializationError(`Cannot serialize (json): ${(error as Error).message}`, { code: UNENCODABLE_VALUE, cause: error });
  }
  if (text === undefined) {
    throw new SerializationError(`Cannot serialize (json): value is ${typeof value}, which JSON has no form for`, {
      code: UNENCODABLE_VALUE,
    });
  }
  return Buffer.from(text, 'utf8');
}

// No decode budget here, unlike MessagePack: JSON spends at least two bytes of text on every
// element, and its densest shape (`[{},{},…]`) measured 21 bytes of heap per byte of text, under
// the MessagePack budget's 32. Readers refuse texts longer than maxValueBytes before this runs.
function deserialize(bytes: Uint8Array): unknown {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = utf8ReadStrict(buf, 0, buf.length);
  if (text === undefined) throw new SerializationError('Cannot deserialize (json): the bytes are not valid UTF-8', { code: UNDECODABLE_VALUE });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SerializationError(`Cannot deserialize (json): ${(error as Error).message}`, { code: UNDECODABLE_VALUE, cause: error });
  }
}

/** The JSON serializer. */
export const jsonSerializer: Serializer = Object.freeze({ name: 'json', code: 'o', format: 'json', serialize, deserialize });
