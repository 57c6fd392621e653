/**
 * The frame of a tagged or fail-safe entry: what it carries besides its value (when it was
 * created, until when it is fresh, its tags), written in front of the serializer's bytes and
 * inside the protocol envelope, which is unchanged (to the envelope, frame and value are one
 * payload). A frame is bytes rather than a tuple the serializer encodes, so every serializer
 * (arrow and custom ones included) can be framed, and a hit can read the frame without
 * decoding the value.
 *
 *   'c' 'k' 'f'  version (1)  createdAt (f64 BE, epoch ms)  freshUntil (f64 BE, epoch ms; 0 = no logical expiry)
 *   tag count (u16 BE), then per tag: length (u16 BE) ‖ UTF-8 bytes
 *   then the serializer's bytes
 *
 * Ordinary caches write no frame, and framed caches store under keys of their own
 * (`framedSerializerCode`): neither ever reads the other's bytes as its value. Tags are written
 * from well-formed strings, so they read back exactly (a tag altered on the way would only stop
 * matching its stamps; the envelope's checksum is what catches altered bytes).
 */
import { IntegrityError } from '../errors';
import { serializerCode } from '../keys/serializer-code';

const MAGIC = Buffer.from('ckf', 'latin1');
const VERSION = 1;
const FIXED_BYTES = MAGIC.length + 1 + 8 + 8 + 2;

/** What a frame says about its entry. */
export interface FrameFields {
  /** Epoch ms the value's computation started (tag stamps at or after it invalidate the entry). */
  readonly createdAt: number;
  /** Epoch ms until which the entry is fresh; `Infinity` when it has no logical expiry. */
  readonly freshUntil: number;
  /** The entry's tags, as the tags function returned them. */
  readonly tags: readonly string[];
}

/** A frame read back: its fields and the serializer's bytes after it (a view, not a copy). */
export interface ReadFrame extends FrameFields {
  readonly body: Buffer;
}

/** `fields` framed in front of `body` (the serializer's bytes). */
export function frameEntry(fields: FrameFields, body: Buffer): Buffer {
  const tags = fields.tags.map((tag) => Buffer.from(tag, 'utf8'));
  let size = FIXED_BYTES + body.length;
  for (const tag of tags) size += 2 + tag.length;
  const out = Buffer.allocUnsafe(size);
  MAGIC.copy(out, 0);
  let at = MAGIC.length;
  out[at++] = VERSION;
  out.writeDoubleBE(fields.createdAt, at);
  out.writeDoubleBE(fields.freshUntil === Number.POSITIVE_INFINITY ? 0 : fields.freshUntil, at + 8);
  out.writeUInt16BE(tags.length, at + 16);
  at += 18;
  for (const tag of tags) {
    out.writeUInt16BE(tag.length, at);
    tag.copy(out, at + 2);
    at += 2 + tag.length;
  }
  body.copy(out, at);
  return out;
}

/** Reads a frame; throws `IntegrityError` for bytes that are not one this library wrote. */
export function readFrame(bytes: Buffer): ReadFrame {
  if (bytes.length < FIXED_BYTES || bytes.compare(MAGIC, 0, MAGIC.length, 0, MAGIC.length) !== 0 || bytes[MAGIC.length] !== VERSION) {
    throw malformed('it does not start with a frame header');
  }
  let at = MAGIC.length + 1;
  const createdAt = bytes.readDoubleBE(at);
  const freshUntil = bytes.readDoubleBE(at + 8);
  const count = bytes.readUInt16BE(at + 16);
  at += 18;
  if (!Number.isFinite(createdAt) || !Number.isFinite(freshUntil)) throw malformed('its times are not finite');
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) throw malformed('its tag list is truncated');
    const length = bytes.readUInt16BE(at);
    if (length === 0 || at + 2 + length > bytes.length) throw malformed('its tag list is truncated');
    tags.push(bytes.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  return { createdAt, freshUntil: freshUntil === 0 ? Number.POSITIVE_INFINITY : freshUntil, tags, body: bytes.subarray(at) };
}

/** The serializer's bytes of a framed entry (the frame skipped, not checked beyond its lengths). */
export function frameBody(bytes: Buffer): Buffer {
  let at = FIXED_BYTES;
  const count = bytes.readUInt16BE(FIXED_BYTES - 2);
  for (let i = 0; i < count; i++) at += 2 + bytes.readUInt16BE(at);
  return bytes.subarray(at);
}

/**
 * The key code of a framed cache with serializer code `code`: derived like a custom serializer's
 * (`x` + 4 hex digits), so framed entries never share a key with ordinary ones.
 */
export function framedSerializerCode(code: string): string {
  return serializerCode(`cachekit-frame:${code}`);
}

function malformed(why: string): IntegrityError {
  return new IntegrityError(`A framed cache entry is malformed: ${why}.`);
}
