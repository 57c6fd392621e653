/**
 * The master keyring: the current and previous master keys, held in Rust, from which tenant
 * keys are derived.
 */
import { inspect } from 'node:util';
import { type Generated, binding, checkedBytes, codedError, isNativeError, requireString } from './binding';
import { TenantMacKeys } from './mac-keys';
import { TenantKeys, constructionToken } from './tenant-keys';

/** A master key as configuration gives it: 64 hex digits, or 32 bytes (copied, not kept). */
export type MasterKeyInput = string | Uint8Array;

/**
 * A cache's master keys — the current one and up to three previous ones of a rotation — held
 * in Rust only (zeroised when the keyring is garbage-collected) and never returned. Tenants'
 * encryption and keyed-integrity keys are derived from it on demand, so nothing in JavaScript
 * needs to keep key bytes. Created by {@link loadMasterKeyring}.
 */
export class MasterKeyring {
  readonly #handle: InstanceType<typeof Generated.MasterKeyringHandle>;

  /** Not for direct use: call {@link loadMasterKeyring}. */
  constructor(token: symbol, handle: InstanceType<typeof Generated.MasterKeyringHandle>) {
    if (token !== constructionToken) {
      throw codedError('ERR_INVALID_ARGUMENT', 'MasterKeyring cannot be constructed directly; call loadMasterKeyring()');
    }
    this.#handle = handle;
  }

  /** How many previous (read-only) keys the keyring holds. */
  get previousKeyCount(): number {
    return this.#handle.previousKeyCount;
  }

  /** The encryption keys of `tenantId` (1–1024 UTF-8 bytes), as {@link deriveTenantKeys} derives them. */
  deriveTenantKeys(tenantId: string): TenantKeys {
    requireString(tenantId, 'tenantId');
    return new TenantKeys(constructionToken, this.#handle.deriveTenantKeys(tenantId));
  }

  /** The keyed-integrity keys of `tenantId` (1–1024 UTF-8 bytes). */
  deriveTenantMacKeys(tenantId: string): TenantMacKeys {
    requireString(tenantId, 'tenantId');
    return new TenantMacKeys(constructionToken, this.#handle.deriveTenantMacKeys(tenantId));
  }

  /** The number of previous keys only — never key material. */
  toJSON(): { previousKeys: number } {
    return { previousKeys: this.previousKeyCount };
  }

  /** Inspection shows what JSON shows. */
  [inspect.custom](): string {
    return `MasterKeyring { previousKeys: ${this.previousKeyCount} }`;
  }
}

/** Which key of {@link loadMasterKeyring} an error is about: `'current'` or the index of a previous key. */
export type FailedKey = 'current' | number;

/**
 * Loads a keyring: `current` and up to three distinct `previous` keys, each 64 hex digits or
 * 32 bytes, none all zero. Hex is parsed in Rust (the text is never decoded into a JavaScript
 * Buffer) and bytes are copied, so callers may wipe their Buffers afterwards. A refused key
 * throws a coded error whose `failedKey` says which one; messages never echo key material.
 */
export function loadMasterKeyring(current: MasterKeyInput, previous: readonly MasterKeyInput[] = []): MasterKeyring {
  const handle = blaming('current', () =>
    typeof current === 'string' ? binding.masterKeyringFromHex(current) : binding.masterKeyringFromBytes(checkedBytes(current, 'masterKey')),
  );
  previous.forEach((key, index) =>
    blaming(index, () => (typeof key === 'string' ? handle.addPreviousHex(key) : handle.addPreviousBytes(checkedBytes(key, `previousMasterKeys[${index}]`)))),
  );
  return new MasterKeyring(constructionToken, handle);
}

/** Runs `load`, marking a coded error with the key it concerns. */
function blaming<T>(failedKey: FailedKey, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (isNativeError(error)) Object.assign(error, { failedKey });
    throw error;
  }
}
