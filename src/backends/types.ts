/**
 * The backend protocol: bytes in, bytes out. Backends move bytes and report failures as
 * `BackendError`s; what a failure means (retry, bypass, breaker) is decided in `reliability/`.
 */

/** Per-operation options every backend method accepts. */
export interface BackendCallOptions {
  /**
   * Aborts the wait for this operation: the backend rejects with a `BackendError` of kind
   * `timeout` (its work may go on; a late result is dropped). Backends set no deadlines of their
   * own: through the cache, the reliability layer bounds every call, and passes a signal only
   * to a backend that declares `cancellable`; used directly, a backend is bounded by the
   * signal its caller gives it.
   */
  signal?: AbortSignal;
}

/** Result of `healthCheck()`. */
export interface BackendHealth {
  /** Whether the backend answered correctly. */
  ok: boolean;
  /** Round-trip latency of the check in milliseconds (-1 when it failed). */
  latencyMs: number;
  /** Short backend type name: `redis`, `file`, `memory`, ... */
  backendType: string;
  /** Backend-specific facts (version, sizes, error text). Never holds keys or values. */
  details: Record<string, unknown>;
}

/** One entry of a batched write. */
export interface BackendEntry {
  key: string;
  value: Buffer;
  /** Seconds until expiry; `undefined` or `0` means no expiry. */
  ttlSeconds?: number;
}

/**
 * The protocol every L2 backend implements. Keys are the physical keys (already scoped by
 * tenant where applicable); values are opaque bytes.
 */
export interface CacheBackend {
  /** Short backend type name used in stats, health and metrics (`redis`, `file`, `memory`). */
  readonly backendType: string;
  /**
   * True when the backend can stop an operation's work (an HTTP request, a query) when its
   * signal aborts. The reliability layer then hands every call the signal of the moment it
   * gives the operation up. Leave it unset when work cannot be recalled (Redis commands, file
   * system calls): no signal is made, which saves its cost on every call.
   */
  readonly cancellable?: boolean;

  /** Bytes stored under `key`, or `null` when absent or expired. */
  get(key: string, options?: BackendCallOptions): Promise<Buffer | null>;
  /**
   * Stores `value`; `ttlSeconds` undefined or 0 means no expiry. The backend may still read
   * `value` until the returned promise settles (Redis auto-pipelining writes it on a later
   * tick), so callers must not mutate it before then.
   */
  set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void>;
  /** Removes `key`; true if something was removed. */
  delete(key: string, options?: BackendCallOptions): Promise<boolean>;
  /** Whether `key` holds a live entry. */
  exists(key: string, options?: BackendCallOptions): Promise<boolean>;
  /** Checks the backend end to end; never throws. */
  healthCheck(): Promise<BackendHealth>;

  // ---- optional capabilities, detected at run time ----

  /** Remaining TTL in whole seconds; `null` when the key is missing or never expires. */
  getTtl?(key: string, options?: BackendCallOptions): Promise<number | null>;
  /** Resets the TTL of an existing key; false when the key is missing. */
  refreshTtl?(key: string, ttlSeconds: number, options?: BackendCallOptions): Promise<boolean>;
  /**
   * Tries once to take the lock guarding `key` (the backend derives the lock key, `key:lock`
   * on Redis) for `leaseMs`, owned by `token`. True when acquired.
   */
  acquireLock?(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean>;
  /** Extends a lock still owned by `token`; false when it was lost. */
  renewLock?(key: string, token: string, leaseMs: number, options?: BackendCallOptions): Promise<boolean>;
  /** Releases the lock only if `token` still owns it (compare-and-delete). */
  releaseLock?(key: string, token: string, options?: BackendCallOptions): Promise<boolean>;
  /**
   * Optional, beside the three lock methods: `set`, then `releaseLock` once the value is
   * stored — one command on Redis instead of two. A lock holder writes its value with it.
   */
  setAndReleaseLock?(key: string, value: Buffer, ttlSeconds: number | undefined, token: string, options?: BackendCallOptions): Promise<void>;
  /** Batched `get`, results in the order of `keys`. */
  getMany?(keys: readonly string[], options?: BackendCallOptions): Promise<Array<Buffer | null>>;
  /** Batched `set`. */
  setMany?(entries: readonly BackendEntry[], options?: BackendCallOptions): Promise<void>;
  /** Removes every key starting with `prefix`; returns how many were removed. */
  clearPrefix?(prefix: string, options?: BackendCallOptions): Promise<number>;
  /**
   * Runs `issue` (synchronously) so that the commands it starts leave together, in one write,
   * where the transport can: a read and the lock asked with it then cost one round trip's worth
   * of system calls at both ends. Returns what `issue` returned. Without it, `issue` just runs.
   */
  together?<T>(issue: () => T): T;
  /** Releases connections, timers and handles. Idempotent. */
  close?(): Promise<void>;
}
