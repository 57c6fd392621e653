/**
 * The invalidation bus's message: which stored keys, key prefixes or tags changed, from which
 * process. Never values. Binary, versioned, length-prefixed:
 *
 *   'c' 'k' 'i'  version (1)  instance id (16 bytes)  kind (1)  count (u16 BE)
 *   then per item: length (u16 BE) ‖ UTF-8 bytes
 *
 * Kinds: 1 = keys changed (a write, an invalidation; peers drop their L1 copies), 2 = prefixes
 * cleared (`cacheClear()`), 3 = everything (no items: a sender whose queue of failed
 * announcements overflowed; peers drop every L1 entry of the caches on the bus), 4 = tags
 * stamped (`invalidateTags()`; each item is `{epoch ms}:{stamp key}`, and peers raise their
 * stamp table to it). Keys, prefixes and stamp keys carry their tenant prefix, so a message
 * never crosses tenants.
 *
 * Versions: 1 carries kinds 1–3; 2 adds kind 4. A sender writes each frame in the lowest
 * version that can carry it, so frames of kinds 1–3 stay version 1 and a process of an older
 * release (which refuses any other version) keeps reading them during a rolling deploy; it
 * refuses tag frames, and it has no tagged caches to apply them to.
 * Decoding is strict: anything malformed, oversized or of an unknown version is refused.
 */

const MAGIC = Buffer.from('cki', 'latin1');
/** Newest format version (see above); frames of kinds 1–3 are still written as version 1. */
export const MESSAGE_VERSION = 2;
/** Bytes of a process's instance id. */
export const INSTANCE_ID_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + INSTANCE_ID_BYTES + 1 + 2;
/** Largest item (a stored key or prefix) in bytes; stored keys are at most 250 characters. */
export const MAX_ITEM_BYTES = 1024;
/** Most items in one message; a larger batch goes out as several messages. */
export const MAX_ITEMS = 512;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** What a message says changed. */
export type MessageKind = 'keys' | 'prefixes' | 'all' | 'tags';

const KIND_CODES: Record<MessageKind, number> = { keys: 1, prefixes: 2, all: 3, tags: 4 };
/** The version each kind first appeared in: the version its frames are written in. */
const KIND_VERSIONS: Record<MessageKind, number> = { keys: 1, prefixes: 1, all: 1, tags: 2 };
const KINDS_BY_CODE: ReadonlyMap<number, MessageKind> = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as MessageKind]));

/** A decoded message. */
export interface BusMessage {
  readonly sender: Buffer;
  readonly kind: MessageKind;
  readonly items: readonly string[];
}

/** Encodes one message (at most `MAX_ITEMS` items, each at most `MAX_ITEM_BYTES`). */
export function encodeMessage(sender: Buffer, kind: MessageKind, items: readonly string[]): Buffer {
  if (sender.length !== INSTANCE_ID_BYTES) throw new RangeError(`instance id must be ${INSTANCE_ID_BYTES} bytes`);
  if (items.length > MAX_ITEMS) throw new RangeError(`at most ${MAX_ITEMS} items per message`);
  const encoded = items.map((item) => Buffer.from(item, 'utf8'));
  let size = HEADER_BYTES;
  for (const bytes of encoded) {
    if (bytes.length > MAX_ITEM_BYTES) throw new RangeError(`an item of ${bytes.length} bytes exceeds ${MAX_ITEM_BYTES}`);
    size += 2 + bytes.length;
  }
  const out = Buffer.allocUnsafe(size);
  MAGIC.copy(out, 0);
  let at = MAGIC.length;
  out[at++] = KIND_VERSIONS[kind];
  sender.copy(out, at);
  at += INSTANCE_ID_BYTES;
  out[at++] = KIND_CODES[kind];
  out.writeUInt16BE(encoded.length, at);
  at += 2;
  for (const bytes of encoded) {
    out.writeUInt16BE(bytes.length, at);
    at += 2;
    bytes.copy(out, at);
    at += bytes.length;
  }
  return out;
}

/** Decodes a message; undefined for anything that is not a well-formed message of this version. */
export function decodeMessage(frame: Buffer): BusMessage | undefined {
  if (frame.length < HEADER_BYTES || !frame.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  let at = MAGIC.length;
  const version = frame[at++] as number;
  if (version < 1 || version > MESSAGE_VERSION) return undefined;
  const sender = Buffer.from(frame.subarray(at, at + INSTANCE_ID_BYTES));
  at += INSTANCE_ID_BYTES;
  const kind = KINDS_BY_CODE.get(frame[at++] as number);
  if (kind === undefined || KIND_VERSIONS[kind] > version) return undefined;
  const count = frame.readUInt16BE(at);
  at += 2;
  if (count > MAX_ITEMS) return undefined;
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 2 > frame.length) return undefined;
    const length = frame.readUInt16BE(at);
    at += 2;
    if (length > MAX_ITEM_BYTES || at + length > frame.length) return undefined;
    let item: string;
    try {
      item = strictUtf8.decode(frame.subarray(at, at + length));
    } catch {
      return undefined; // not UTF-8: not a key this library wrote
    }
    items.push(item);
    at += length;
  }
  return at === frame.length ? { sender, kind, items } : undefined;
}
