/**
 * The loaded binding and the argument checks every wrapper of `../native.ts` runs first.
 * N-API's own conversion errors ("Get TypedArray info failed") name neither the argument nor
 * the fix, so public entry points check argument types first (an instanceof costs ~1 ns).
 */
import type * as Generated from '../../index.js';
import { errorCodeInfo, type NativeErrorCode } from '../error-codes';
import { loadNativeBinding } from '../native-loader';

/** The generated binding (`index.js`); only the modules of `src/native/` call it. */
export const binding = loadNativeBinding<typeof Generated>();

/** The generated binding's types. */
export type { Generated };

/** Whether `error` was thrown by the native core (an `Error` carrying a {@link NativeErrorCode}). */
export function isNativeError(error: unknown): error is Error & { code: NativeErrorCode } {
  return error instanceof Error && errorCodeInfo((error as { code?: unknown }).code as string)?.origin === 'native';
}

export function codedError(code: NativeErrorCode, message: string): Error & { code: NativeErrorCode } {
  return Object.assign(new Error(message), { code });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : typeof value;
}

export function requireBytes(value: unknown, name: string): void {
  if (!(value instanceof Uint8Array)) {
    throw codedError('ERR_INVALID_ARGUMENT', `${name} must be a Uint8Array or Buffer, got ${describe(value)}`);
  }
}

export function requireString(value: unknown, name: string): void {
  if (typeof value !== 'string') {
    throw codedError('ERR_INVALID_ARGUMENT', `${name} must be a string, got ${describe(value)}`);
  }
}

export function checkedBytes(value: unknown, name: string): Uint8Array {
  requireBytes(value, name);
  return value as Uint8Array;
}
