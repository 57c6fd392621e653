/**
 * `maxValueBytes` on both sides of the store. A value whose serialized bytes pass it is not
 * written (the built-in MessagePack serializers stop writing there); stored bytes whose payload
 * passes it are not read: this cache could never have written them, and reading them would cost
 * the memory the limit exists to cap.
 */
import { ConfigurationError, IntegrityError, SerializationError } from '../errors';
import { CodecErrorCode } from './error-codes';

/** Validates a `maxValueBytes` option: a positive whole number of bytes, or undefined (no limit). */
export function checkMaxValueBytes(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(
      `maxValueBytes: expected a positive whole number of bytes, got ${typeof value === 'number' ? value : JSON.stringify(value) ?? typeof value}. ` +
        'Fix: pass e.g. 10 * 1024 * 1024, or leave it out for no limit of its own.',
    );
  }
  return value;
}

/** Refuses (SerializationError, `ERR_VALUE_TOO_LARGE`) serialized bytes of `length` over the limit. */
export function refuseOversizedValue(length: number, maxValueBytes: number | undefined): void {
  if (maxValueBytes !== undefined && length > maxValueBytes) {
    throw new SerializationError(`The serialized value is ${length} bytes, over maxValueBytes (${maxValueBytes}).`, {
      code: CodecErrorCode.VALUE_TOO_LARGE,
    });
  }
}

/** Refuses (IntegrityError, `ERR_INPUT_TOO_LARGE`) a stored payload of `length` over the limit. */
export function refuseOversizedPayload(length: number, maxValueBytes: number | undefined): void {
  if (maxValueBytes !== undefined && length > maxValueBytes) {
    throw new IntegrityError(`The stored value is ${length} bytes, over maxValueBytes (${maxValueBytes}); this cache never writes such values.`, {
      code: CodecErrorCode.INPUT_TOO_LARGE,
    });
  }
}
