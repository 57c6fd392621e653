/**
 * The integrity step: the protocol's ByteStorage envelope (LZ4 block + xxHash3-64 in a
 * MessagePack array), built and checked by the native core. Native failures become
 * `IntegrityError`s (on read) or `SerializationError`s (on write) carrying the native code.
 */
import { IntegrityError, SerializationError } from '../errors';
import { storedField } from '../observability/log-safe-text';
import { ByteStorage, NativeErrorCode, isNativeError } from '../native';
import { CodecErrorCode } from './error-codes';

/** Wraps payloads in the envelope and unwraps them, checking the envelope's format tag. */
export class EnvelopeStep {
  private readonly storage = new ByteStorage();

  /** The envelope of `data` tagged `format`. `data` is copied before this returns. */
  store(data: Uint8Array, format: string): Buffer {
    try {
      return this.storage.store(data, format);
    } catch (error) {
      throw storeError(error);
    }
  }

  /** As `store`, off the main thread. `data` must not change until the promise settles. */
  async storeAsync(data: Uint8Array, format: string): Promise<Buffer> {
    try {
      return await this.storage.storeAsync(data, format);
    } catch (error) {
      throw storeError(error);
    }
  }

  /**
   * The payload of `envelope`, which must carry `format`. A declared payload length over
   * `maxSize` is refused before the payload is allocated.
   */
  retrieve(envelope: Uint8Array, format: string, maxSize?: number): Buffer {
    let retrieved: { data: Buffer; format: string };
    try {
      retrieved = this.storage.retrieve(envelope, maxSize);
    } catch (error) {
      throw retrieveError(error);
    }
    return checkFormat(retrieved, format);
  }

  /** As `retrieve`, off the main thread. `envelope` must not change until the promise settles. */
  async retrieveAsync(envelope: Uint8Array, format: string, maxSize?: number): Promise<Buffer> {
    let retrieved: { data: Buffer; format: string };
    try {
      retrieved = await this.storage.retrieveAsync(envelope, maxSize);
    } catch (error) {
      throw retrieveError(error);
    }
    return checkFormat(retrieved, format);
  }
}

function checkFormat(retrieved: { data: Buffer; format: string }, format: string): Buffer {
  if (retrieved.format !== format) {
    throw new IntegrityError(
      // The stored format is whatever the entry's writer put there: shortened and escaped.
      `The entry was written by serializer format "${storedField(retrieved.format)}", but this cache reads "${storedField(format)}".`,
      { code: CodecErrorCode.FORMAT_MISMATCH },
    );
  }
  return retrieved.data;
}

function storeError(error: unknown): unknown {
  if (!isNativeError(error)) return error;
  if (error.code === NativeErrorCode.INPUT_TOO_LARGE) {
    return new SerializationError(`Cannot store the value: ${error.message} (the envelope limit is 512 MiB)`, {
      code: CodecErrorCode.VALUE_TOO_LARGE,
      cause: error,
    });
  }
  return new SerializationError(`Cannot store the value: ${error.message}`, { code: error.code, cause: error });
}

function retrieveError(error: unknown): unknown {
  if (!isNativeError(error)) return error;
  return new IntegrityError(`Stored bytes failed the integrity envelope: ${error.message}`, { code: error.code, cause: error });
}
