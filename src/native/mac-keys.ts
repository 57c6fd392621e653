/**
 * Keyed integrity: HMAC-SHA256 frames under tenant MAC keys derived from the master keyring.
 */
import { type Generated, binding, requireBytes } from './binding';
import { NO_OUTPUT, TenantKeyHandleView } from './tenant-keys';

export const MAC_FRAME_OVERHEAD: number = binding.MAC_FRAME_OVERHEAD;
/** First bytes of a keyed-integrity frame: `ckm` and frame version 1 (the fingerprint follows). */
const MAC_MAGIC = [0x63, 0x6b, 0x6d, 0x01] as const;
/** Bytes of the key fingerprint that follows the magic. */
const MAC_FINGERPRINT_BYTES = 16;

/** Whether `bytes` are long enough for a keyed-integrity frame and start with its magic. */
function isMacFrame(bytes: Uint8Array): boolean {
  if (bytes.length < MAC_FRAME_OVERHEAD) return false;
  for (let i = 0; i < MAC_MAGIC.length; i++) if (bytes[i] !== MAC_MAGIC[i]) return false;
  return true;
}

/**
 * The key fingerprint a keyed-integrity frame names (a copy), or `undefined` when `bytes` are
 * not such a frame. Reads the header only: nothing is verified.
 */
export function macFrameFingerprint(bytes: Uint8Array): Buffer | undefined {
  requireBytes(bytes, 'bytes');
  if (!isMacFrame(bytes)) return undefined;
  return Buffer.from(bytes.subarray(MAC_MAGIC.length, MAC_MAGIC.length + MAC_FINGERPRINT_BYTES));
}

/**
 * A tenant's keyed-integrity keys, from {@link MasterKeyring.deriveTenantMacKeys}: HMAC-SHA256
 * under HKDF-derived keys (domain `integrity_mac`) of the current master key, which signs, and
 * of the previous ones, which only verify. Key bytes stay in Rust and are zeroised when the
 * handle is garbage-collected. A frame is `"ckm" 01 ‖ fingerprint(16) ‖ tag(32) ‖ payload`.
 */
export class TenantMacKeys extends TenantKeyHandleView {
  readonly #handle: InstanceType<typeof Generated.TenantMacKeyHandle>;

  /** Not for direct use: call {@link MasterKeyring.deriveTenantMacKeys}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.TenantMacKeyHandle>) {
    super(token, handle, 'TenantMacKeys', 'MasterKeyring#deriveTenantMacKeys()');
    this.#handle = handle;
  }

  /** `payload` framed with a tag under the current key, bound to `aad`. */
  seal(payload: Uint8Array, aad: Uint8Array): Buffer {
    requireBytes(payload, 'payload');
    requireBytes(aad, 'aad');
    const out = payload.length <= binding.MAX_COMPRESSED_SIZE ? Buffer.allocUnsafe(payload.length + MAC_FRAME_OVERHEAD) : NO_OUTPUT;
    this.#handle.sealInto(payload, aad, out);
    return out;
  }

  /**
   * The payload of `framed` (a view into it) once its tag verifies under the key its
   * fingerprint names and `aad`; otherwise `ERR_NOT_KEYED_ENTRY`, `ERR_UNKNOWN_KEY_FINGERPRINT`
   * or `ERR_MAC_MISMATCH`.
   */
  verify(framed: Uint8Array, aad: Uint8Array): Buffer {
    requireBytes(framed, 'framed');
    requireBytes(aad, 'aad');
    this.#handle.verify(framed, aad);
    return Buffer.from(framed.buffer, framed.byteOffset + MAC_FRAME_OVERHEAD, framed.byteLength - MAC_FRAME_OVERHEAD);
  }

  /**
   * Whether `framed` names a previous master key's MAC key (false for anything that is not a
   * frame). Read here from the header: every L2 hit asks, and a native call would cost more
   * than comparing 20 bytes.
   */
  signedWithPreviousKey(framed: Uint8Array): boolean {
    requireBytes(framed, 'framed');
    if (!isMacFrame(framed)) return false;
    const current = this.currentFingerprint;
    for (let i = 0; i < current.length; i++) if (framed[MAC_MAGIC.length + i] !== current[i]) return true;
    return false;
  }

}
