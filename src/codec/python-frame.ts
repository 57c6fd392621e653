/**
 * Recognising cachekit-py's auto-mode container, the CK v3 frame (`43 4B 03`, u32 BE header
 * length, JSON header, payload). It is Python-SDK-internal: no other SDK may decode it. When a
 * read fails on bytes that start with the `CK` magic, the failure is reported as such, with the
 * fix, instead of as generic corruption.
 */
import { IntegrityError } from '../errors';
import type { ErrorCode } from '../error-codes';
import { storedField } from '../observability/log-safe-text';

/** Error code of an entry written by cachekit-py's auto mode. */
export const PYTHON_FRAME_ERROR = 'ERR_PYTHON_FRAME' satisfies ErrorCode;

const MAGIC_C = 0x43;
const MAGIC_K = 0x4b;

/** True when `bytes` start with the CK frame magic. */
export function hasPythonFrameMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === MAGIC_C && bytes[1] === MAGIC_K;
}

/**
 * What can be read from a frame's prefix and header (version, serializer), as a phrase such as
 * `a CK v3 frame (serializer "orjson")`; stored text in it is shortened and escaped.
 */
export function describePythonFrame(bytes: Uint8Array): string {
  if (bytes.length < 7) return `a truncated CK frame (${bytes.length} bytes)`;
  const version = bytes[2]!;
  const headerLength = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(3);
  if (version !== 3) return `a CK frame of unknown version ${version}`;
  if (7 + headerLength > bytes.length) return 'a CK v3 frame whose header runs past its end';
  try {
    const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 7, headerLength).toString('utf8')) as { s?: unknown };
    // The header is stored data: its serializer name is shortened and escaped.
    return typeof header.s === 'string' && header.s !== '' ? `a CK v3 frame (serializer "${storedField(header.s)}")` : 'a CK v3 frame';
  } catch {
    return 'a CK v3 frame with an unreadable header';
  }
}

/** An entry written by cachekit-py in auto mode; the read is a miss. */
export class PythonFrameError extends IntegrityError {
  constructor(bytes: Uint8Array, cause?: unknown) {
    super(
      `This entry is ${describePythonFrame(bytes)}, cachekit-py's auto-mode container, which only cachekit-py reads. ` +
        'To share cached data between Node and Python, use interop mode on both sides (keys {namespace}:{operation}:{hash}, plain MessagePack values).',
      { code: PYTHON_FRAME_ERROR, cause },
    );
  }
}

/** Rethrows `error`, as a `PythonFrameError` when `bytes` carry the CK magic. */
export function rethrowWithFrameDiagnosis(bytes: Uint8Array, error: unknown): never {
  if (hasPythonFrameMagic(bytes)) throw new PythonFrameError(bytes, error);
  throw error;
}
