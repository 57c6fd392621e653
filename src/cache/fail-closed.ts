import { EncryptionError } from '../errors';

/**
 * Throws `EncryptionError` for an entry that failed to open when the cache is encrypted and
 * fails closed (`encryption.failClosed`); otherwise returns, and the entry is a miss.
 */
export function throwIfFailClosed(failsClosed: boolean, error: unknown): void {
  if (!failsClosed) return;
  const code = (error as { code?: unknown }).code;
  throw new EncryptionError('A cached entry failed decryption or authentication and this cache fails closed (encryption.failClosed).', {
    code: typeof code === 'string' ? code : 'ERR_ENCRYPTION',
    cause: error,
  });
}
