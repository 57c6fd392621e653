/**
 * Node's side of an interop entry built from the library's own pieces (interop key, interop
 * value codec, tenant-keys encryption) over a plain ioredis client: the exact bytes and keys
 * `cache(fn, { interop })` has to produce, checked against the Python SDK without the wrapper.
 */
import type { Redis } from 'ioredis';
import { createTenantKeysEncryptor } from '../../src/encryption/tenant-keys-encryptor';
import type { ValueEncryptor } from '../../src/encryption/value-encryptor';
import { createInteropValueCodec, type InteropValueCodec } from '../../src/codec/interop-value';
import { interopKey } from '../../src/keys/interop-key';

/** Encryption shared with the Python side. */
export interface SharedEncryption {
  /** 64 hex characters (32 bytes), the value of CACHEKIT_MASTER_KEY on both sides. */
  readonly masterKeyHex: string;
  /** The tenant both sides derive keys and AADs from (Python: `deployment_uuid`). */
  readonly tenant: string;
}

/** Reads and writes interop entries in one namespace. */
export interface NodeInteropStore {
  readonly codec: InteropValueCodec;
  /** The encryptor, when encrypting (to look inside ciphertexts in tests). */
  readonly encryptor: ValueEncryptor | undefined;
  /** The key of a call. */
  keyOf(operation: string, args: readonly unknown[]): string;
  /** Stores `value` for the call, as `cache()` does on a miss; returns the key. */
  write(operation: string, args: readonly unknown[], value: unknown): Promise<string>;
  /** The decoded value stored for the call, or `{ present: false }`. */
  read(operation: string, args: readonly unknown[]): Promise<{ present: false } | { present: true; value: unknown }>;
}

/** A store over `redis` for `namespace`, plain or encrypted. */
export function createNodeInteropStore(redis: Redis, namespace: string, encryption?: SharedEncryption): NodeInteropStore {
  const encryptor = encryption ? createTenantKeysEncryptor({ masterKey: Buffer.from(encryption.masterKeyHex, 'hex') }) : undefined;
  const codec = createInteropValueCodec({ encryption: encryptor });
  const tenant = encryption?.tenant;
  const keyOf = (operation: string, args: readonly unknown[]): string => interopKey(namespace, operation, args);
  return {
    codec,
    encryptor,
    keyOf,
    async write(operation, args, value) {
      const key = keyOf(operation, args);
      await redis.set(key, codec.encode(value, { key, tenant }));
      return key;
    },
    async read(operation, args) {
      const key = keyOf(operation, args);
      const stored = await redis.getBuffer(key);
      if (stored === null) return { present: false };
      return { present: true, value: codec.decode(stored, { key, tenant }) };
    },
  };
}
