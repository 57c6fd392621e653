/**
 * What the CLI tells about one entry: the same fields in the table for people and in the JSON
 * line for scripts.
 */

/** How an entry's bytes are laid out. */
export type EntryFormat =
  /** The checksummed envelope (LZ4 + xxHash3-64) of a plaintext entry. */
  | 'envelope'
  /** Encrypted default-mode entry: sealed frame naming its key's fingerprint. */
  | 'sealed'
  /** Plaintext envelope framed with an HMAC under the tenant's key (keyed integrity). */
  | 'keyed'
  /** Interop value: one plain MessagePack document. */
  | 'interop'
  /** Encrypted interop value: bare AES-256-GCM ciphertext. */
  | 'interop-sealed'
  /** cachekit-py's auto-mode CK frame. */
  | 'python-ck'
  /** Serializer bytes without an envelope (integrity off). */
  | 'raw'
  /** A stampede-lock key. */
  | 'lock'
  | 'unknown';

/**
 * The judgement on an entry:
 * - `ok`: every check that could run passed;
 * - `bad`: a check failed for sure (checksum, decode bounds, tag under a known key, damaged file):
 *   the library reads it as a miss, and `verify --delete-bad` removes it;
 * - `unverified`: its checks need something not at hand (its key, a master key, a serializer);
 * - `key-mismatch`: it names a key fingerprint none of the given master keys has;
 * - `foreign`: not a cachekit entry (another application's key); never judged or removed.
 */
export type Verdict = 'ok' | 'bad' | 'unverified' | 'key-mismatch' | 'foreign';

/** One entry, as reported. */
export interface EntryReport {
  readonly key: string | null;
  readonly file: string | null;
  readonly keyKind: 'default' | 'interop' | 'lock' | 'foreign' | 'unknown';
  readonly tenant: string | null;
  readonly namespace: string | null;
  readonly function: string | null;
  /** Seconds to expiry; null = never expires. */
  readonly ttlSeconds: number | null;
  readonly storedBytes: number;
  readonly format: EntryFormat;
  /** The serializer's format tag (`msgpack`, `auto`, `json`, …) when known. */
  readonly serializer: string | null;
  /** Whether the envelope is bound to its tenant and key (null when not an envelope). */
  readonly keyBound: boolean | null;
  readonly compressedBytes: number | null;
  readonly originalBytes: number | null;
  /** The envelope checksum: `ok`, `failed`, `not-checked` (could not be reached), or `none` (no envelope). */
  readonly checksum: 'ok' | 'failed' | 'not-checked' | 'none';
  /** The cipher of a sealed entry. */
  readonly algorithm: string | null;
  /** Hex fingerprint of the derived key a sealed or keyed entry names (never key material). */
  readonly keyFingerprint: string | null;
  /** Whether that key is the given master key's current one, a previous one, or none of them. */
  readonly sealedWith: 'current' | 'previous' | 'unknown' | null;
  readonly verdict: Verdict;
  /** What failed or could not be checked, in words. */
  readonly problem: string | null;
  /** The decoded value, when asked for and readable. */
  readonly value?: unknown;
}
