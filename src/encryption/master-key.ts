/**
 * Master keys from configuration: strict hex, exactly 32 bytes. Node's `Buffer.from(hex)`
 * silently stops at the first bad character, so it is never used to parse a key. Error
 * messages say what is wrong without ever echoing the key.
 */
import { ConfigurationError } from '../errors';

/** Master keys are exactly this many bytes. */
export const MASTER_KEY_BYTES = 32;
/** At most this many previous keys stay readable during a rotation. */
export const MAX_PREVIOUS_MASTER_KEYS = 3;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** Parses one master key given as hex or raw bytes; `source` names it in errors. */
export function parseMasterKey(input: unknown, source: string): Buffer {
  if (input instanceof Uint8Array) {
    if (input.length !== MASTER_KEY_BYTES) {
      throw new ConfigurationError(`${source} must be exactly ${MASTER_KEY_BYTES} bytes; got ${input.length} bytes. Fix: generate one with \`openssl rand -hex 32\`.`);
    }
    return Buffer.from(input);
  }
  if (typeof input !== 'string') {
    throw new ConfigurationError(`${source} must be a 64-character hex string or ${MASTER_KEY_BYTES} bytes; got ${typeof input}.`);
  }
  if (!HEX_KEY.test(input)) {
    const what =
      input.length !== 64
        ? `${input.length} characters (a 32-byte key is 64 hex digits)`
        : 'characters that are not hex digits (no spaces, prefixes or line breaks allowed)';
    throw new ConfigurationError(`${source} is not a valid master key: it has ${what}. Fix: generate one with \`openssl rand -hex 32\`.`);
  }
  const key = Buffer.alloc(MASTER_KEY_BYTES);
  for (let i = 0; i < MASTER_KEY_BYTES; i++) key[i] = Number.parseInt(input.slice(i * 2, i * 2 + 2), 16);
  return key;
}

/**
 * Parses the previous keys of a rotation: a comma-separated hex list (as in
 * `CACHEKIT_PREVIOUS_MASTER_KEYS`) or an array; at most three, none equal to the current key.
 */
export function parsePreviousMasterKeys(input: unknown, current: Buffer, source: string): Buffer[] {
  if (input === undefined || input === '') return [];
  const items: unknown[] = typeof input === 'string' ? input.split(',').map((s) => s.trim()) : Array.isArray(input) ? input : [input];
  if (items.length > MAX_PREVIOUS_MASTER_KEYS) {
    throw new ConfigurationError(`${source} lists ${items.length} keys; at most ${MAX_PREVIOUS_MASTER_KEYS} previous keys are allowed. Fix: drop the oldest.`);
  }
  return items.map((item, index) => {
    const key = parseMasterKey(item, `${source}[${index}]`);
    if (key.equals(current)) {
      throw new ConfigurationError(`${source}[${index}] is the current master key. Fix: list only keys that were replaced.`);
    }
    return key;
  });
}
