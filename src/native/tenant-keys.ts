/**
 * Tenant key handles: AES-256-GCM / ChaCha20-Poly1305 under HKDF-SHA256 keys that stay in
 * Rust, and what every handle shows of itself (tenant, fingerprints, never key bytes).
 */
import { inspect } from 'node:util';
import { type Generated, binding, codedError, describe, requireBytes, requireString } from './binding';

/** AEAD algorithms `TenantKeys` accepts; `aes-256-gcm` is the default and the interoperable one. */
export type AeadAlgorithm = 'aes-256-gcm' | 'chacha20-poly1305';

/** Nonce + tag: what sealing adds to a plaintext. */
export const AEAD_OVERHEAD = 28;

/**
 * Stands in for an output the native side will refuse before writing (an oversized
 * plaintext, a too-short ciphertext), so no absurd allocation happens first.
 */
export const NO_OUTPUT = Buffer.alloc(0);

export function algorithmId(algorithm: AeadAlgorithm | undefined): number {
  if (algorithm === undefined || algorithm === 'aes-256-gcm') return 0;
  if (algorithm === 'chacha20-poly1305') return 1;
  return binding.aeadAlgorithmId(String(algorithm)); // throws ERR_UNKNOWN_ALGORITHM
}

export function sealOutput(plaintext: Uint8Array): Buffer {
  return plaintext.length <= binding.MAX_UNCOMPRESSED_SIZE ? Buffer.allocUnsafe(plaintext.length + AEAD_OVERHEAD) : NO_OUTPUT;
}

export function openOutput(ciphertext: Uint8Array): Buffer {
  return ciphertext.length >= AEAD_OVERHEAD ? Buffer.allocUnsafe(ciphertext.length - AEAD_OVERHEAD) : NO_OUTPUT;
}

/** What `JSON.stringify` and inspection show of a {@link TenantKeys}: never key bytes. */
export interface TenantKeysDescription {
  /** The tenant the keys belong to. */
  tenantId: string;
  /** Lowercase hex fingerprint of the current derived encryption key. */
  fingerprint: string;
  /** How many previous master keys can still decrypt. */
  previousKeys: number;
}

/** Options of {@link deriveTenantKeys}. */
export interface DeriveTenantKeysOptions {
  /**
   * Up to three earlier 32-byte master keys whose derived keys still decrypt (never
   * encrypt), for key rotation. None may repeat the current key or each other.
   */
  previousMasterKeys?: Uint8Array[];
}

export const constructionToken = Symbol('cachekit native key handle');

/** What a tenant's key handles share: the tenant, the keys' fingerprints, a description without key bytes. */
export abstract class TenantKeyHandleView {
  readonly #kind: string;
  readonly #tenantId: string;
  readonly #fingerprints: readonly Buffer[];

  /** Checks the construction token, so only the library's factories build handles. */
  protected constructor(token: symbol, handle: { readonly tenantId: string; fingerprints(): Buffer[] }, kind: string, factory: string) {
    if (token !== constructionToken) {
      throw codedError('ERR_INVALID_ARGUMENT', `${kind} cannot be constructed directly; call ${factory}`);
    }
    this.#kind = kind;
    this.#tenantId = handle.tenantId;
    this.#fingerprints = handle.fingerprints();
  }

  /** The tenant these keys belong to. */
  get tenantId(): string {
    return this.#tenantId;
  }

  /** Fingerprint (16 bytes) of the current key. */
  fingerprint(): Buffer {
    return Buffer.from(this.#fingerprints[0]!);
  }

  /** Fingerprints of every key: current first, then previous keys in the order given. */
  fingerprints(): Buffer[] {
    return this.#fingerprints.map((fingerprint) => Buffer.from(fingerprint));
  }

  /** The current key's fingerprint, not copied (callers must not change it). */
  protected get currentFingerprint(): Buffer {
    return this.#fingerprints[0]!;
  }

  /** Tenant id and fingerprints only — never key material. */
  toJSON(): TenantKeysDescription {
    return {
      tenantId: this.tenantId,
      fingerprint: this.#fingerprints[0]!.toString('hex'),
      previousKeys: this.#fingerprints.length - 1,
    };
  }

  /** Inspection shows what JSON shows. */
  [inspect.custom](): string {
    const { tenantId, fingerprint, previousKeys } = this.toJSON();
    return `${this.#kind} { tenantId: ${JSON.stringify(tenantId)}, fingerprint: '${fingerprint}', previousKeys: ${previousKeys} }`;
  }
}

/**
 * A tenant's derived keys, from {@link deriveTenantKeys}. Key bytes stay in Rust and are
 * zeroised when the handle is garbage-collected; JSON and inspection show only the tenant id
 * and fingerprints. Ciphertexts are `nonce(12) ‖ ciphertext ‖ tag(16)`; nonces come from this
 * handle's counter (unique per handle, `ERR_NONCE_EXHAUSTED` after 2^32 - 1 encryptions).
 */
export class TenantKeys extends TenantKeyHandleView {
  readonly #handle: InstanceType<typeof Generated.TenantKeyHandle>;

  /** Not for direct use: call {@link deriveTenantKeys}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.TenantKeyHandle>) {
    super(token, handle, 'TenantKeys', 'deriveTenantKeys()');
    this.#handle = handle;
  }

  /** Seals `plaintext` under the current key, bound to `aad`. */
  encrypt(plaintext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(plaintext, 'plaintext');
    requireBytes(aad, 'aad');
    return this.#into(plaintext, aad, algorithm, sealOutput(plaintext), true);
  }

  /** Verifies and decrypts with the current key. */
  decrypt(ciphertext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(ciphertext, 'ciphertext');
    requireBytes(aad, 'aad');
    return this.#into(ciphertext, aad, algorithm, openOutput(ciphertext), false);
  }

  #into(input: Uint8Array, aad: Uint8Array, algorithm: AeadAlgorithm | undefined, out: Buffer, seal: boolean): Buffer {
    if (seal) this.#handle.encryptInto(input, aad, algorithmId(algorithm), out);
    else this.#handle.decryptInto(input, aad, algorithmId(algorithm), out);
    return out;
  }

  /**
   * Verifies and decrypts with the key (current or previous) whose fingerprint is
   * `fingerprint`. No other key is tried: an unknown fingerprint is `ERR_UNKNOWN_KEY_FINGERPRINT`.
   */
  decryptWith(fingerprint: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, algorithm?: AeadAlgorithm): Buffer {
    requireBytes(fingerprint, 'fingerprint');
    requireBytes(ciphertext, 'ciphertext');
    requireBytes(aad, 'aad');
    const out = openOutput(ciphertext);
    this.#handle.decryptWithInto(fingerprint, ciphertext, aad, algorithmId(algorithm), out);
    return out;
  }

}

/**
 * Derives a tenant's keys from a 32-byte master key: HKDF-SHA256 keys for the domains
 * `encryption`, `authentication` and `cache_keys`, salted with the UTF-8 `tenantId`
 * (1–1024 bytes), plus decrypt-only keys from up to three distinct `previousMasterKeys`.
 */
export function deriveTenantKeys(masterKey: Uint8Array, tenantId: string, options?: DeriveTenantKeysOptions): TenantKeys {
  requireBytes(masterKey, 'masterKey');
  requireString(tenantId, 'tenantId');
  const previous = options?.previousMasterKeys;
  if (previous !== undefined) {
    if (!Array.isArray(previous)) throw codedError('ERR_INVALID_ARGUMENT', `previousMasterKeys must be an array, got ${describe(previous)}`);
    previous.forEach((key, index) => requireBytes(key, `previousMasterKeys[${index}]`));
  }
  const handle = binding.deriveTenantKeyHandle(masterKey, tenantId, previous);
  return new TenantKeys(constructionToken, handle);
}

/** Bytes a keyed-integrity frame adds before its payload: magic (4), key fingerprint (16), HMAC-SHA256 tag (32). */
