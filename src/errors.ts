/**
 * Error classes of cachekit. Every class carries a stable `code` so callers can branch
 * without string matching, and keeps the original error in `cause`. What each code means is in
 * `error-codes.ts`.
 */
import type { BackendErrorKind } from './error-codes';

/** Options accepted by every cachekit error constructor. */
export interface CachekitErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of every error cachekit throws. */
export class CachekitError extends Error {
  /** Stable, machine-readable error code (for example `ERR_CONFIGURATION`). */
  readonly code: string;

  constructor(message: string, code: string, options?: CachekitErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option, environment variable or preset combination is invalid. Thrown when a wrapper is built. */
export class ConfigurationError extends CachekitError {
  constructor(message: string, options?: CachekitErrorOptions) {
    super(message, 'ERR_CONFIGURATION', options);
  }
}

/** Arguments could not be turned into a deterministic cache key. */
export class KeyGenerationError extends CachekitError {
  /** Path of the offending value inside the arguments, e.g. `args[0].user.tags`. */
  readonly path: string;
  /** Type name of the offending value. */
  readonly valueType: string;

  constructor(message: string, path: string, valueType: string, options?: CachekitErrorOptions) {
    super(message, 'ERR_KEY_GENERATION', options);
    this.path = path;
    this.valueType = valueType;
  }
}

/**
 * Base of the errors that carry their class's code unless the failure names a more precise one
 * (`options.code`: the native core's `ERR_CIPHERTEXT_TOO_SHORT` inside a DecryptionError, say).
 */
abstract class RefinableError extends CachekitError {
  /** The class's code, for a failure without a more precise one. */
  static readonly defaultCode: string;

  constructor(message: string, options?: CachekitErrorOptions & { code?: string }) {
    super(message, options?.code ?? new.target.defaultCode, options);
  }
}

/** A value could not be encoded by the configured serializer. */
export class SerializationError extends RefinableError {
  static override readonly defaultCode: string = 'ERR_SERIALIZATION';
}

/** Stored bytes failed an integrity check (checksum, size, format, bounds): the entry is a miss. */
export class IntegrityError extends RefinableError {
  static override readonly defaultCode: string = 'ERR_INTEGRITY';
}

/** Encryption is misconfigured or a fail-closed read met an entry it cannot trust. */
export class EncryptionError extends RefinableError {
  static override readonly defaultCode: string = 'ERR_ENCRYPTION';
}

/** Ciphertext did not authenticate under the expected key, tenant and cache key. */
export class DecryptionError extends RefinableError {
  static override readonly defaultCode: string = 'ERR_DECRYPTION';
}

/**
 * A call stopped waiting for the cached function at `factoryTimeout.hard` and had no stale
 * value to serve. The function was not aborted: it goes on and its result is stored.
 */
export class FactoryTimeoutError extends CachekitError {
  constructor(message: string, options?: CachekitErrorOptions) {
    super(message, 'ERR_FACTORY_TIMEOUT', options);
  }
}

export type { BackendErrorKind } from './error-codes';

/** Longest key fragment kept in a BackendError, so logs never carry whole keys. */
const MAX_KEY_IN_ERROR = 50;

/** A backend operation failed. `kind` tells the reliability layer whether retrying can help. */
export class BackendError extends CachekitError {
  /** Classification of the failure. */
  readonly kind: BackendErrorKind;
  /** Backend operation that failed (`get`, `set`, ...). */
  readonly operation: string | undefined;
  /** The key involved, truncated. */
  readonly key: string | undefined;

  constructor(
    message: string,
    kind: BackendErrorKind = 'unknown',
    details: { operation?: string; key?: string; cause?: unknown } = {},
  ) {
    super(message, `ERR_BACKEND_${kind.toUpperCase()}`, { cause: details.cause });
    this.kind = kind;
    this.operation = details.operation;
    this.key =
      details.key !== undefined && details.key.length > MAX_KEY_IN_ERROR
        ? `${details.key.slice(0, MAX_KEY_IN_ERROR)}...`
        : details.key;
  }

  /** True when the failure may go away by itself (connection reset, loading, failover). */
  get isTransient(): boolean {
    return this.kind === 'transient';
  }
}
