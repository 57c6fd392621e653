import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ERROR_CODES, errorCodeInfo } from '../../src/error-codes';
import { NativeErrorCode, isNativeError } from '../../src/native';
import { classifyError } from '../../src/reliability/classify-error';
import { integrityReason } from '../../src/observability/integrity-reason';

const root = join(__dirname, '..', '..');

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(extension))
    .map((name) => join(dir, name));
}

function codesIn(files: readonly string[], quote: string): Set<string> {
  const pattern = new RegExp(`${quote}(ERR_[A-Z0-9_]+)${quote}`, 'g');
  const codes = new Set<string>();
  for (const file of files) for (const match of readFileSync(file, 'utf8').matchAll(pattern)) codes.add(match[1]!);
  return codes;
}

/** Every code string the Rust crates can hand to JavaScript. */
const rustCodes = codesIn([...filesUnder(join(root, 'crates', 'cachekit-core', 'src'), '.rs'), ...filesUnder(join(root, 'crates', 'cachekit-napi', 'src'), '.rs')], '"');

describe('the error-code table', () => {
  test('finds the native codes in the Rust sources (the scan works)', () => {
    expect(rustCodes.size).toBeGreaterThan(20);
    expect(rustCodes).toContain('ERR_CHECKSUM_MISMATCH');
  });

  test('holds every code the Rust side can emit, as a native code with a category', () => {
    for (const code of rustCodes) {
      const info = errorCodeInfo(code);
      expect(info, code).toBeDefined();
      expect(info?.origin, code).toBe('native');
      expect(['transient', 'permanent', 'timeout', 'authentication', 'unknown', 'integrity'], code).toContain(info?.category);
    }
  });

  test('holds no native code the Rust side no longer emits', () => {
    const tableNative = Object.entries(ERROR_CODES).filter(([, info]) => info.origin === 'native').map(([code]) => code);
    expect(new Set(tableNative)).toEqual(rustCodes);
  });

  test('the codes of stored bytes that failed verification classify as integrity, with a reason', () => {
    for (const code of ['ERR_AUTHENTICATION_FAILED', 'ERR_DECODE_BOUNDS', 'ERR_SIZE_MISMATCH', 'ERR_DESERIALIZATION_FAILED', 'ERR_CIPHERTEXT_TOO_SHORT']) {
      const error = Object.assign(new Error('native'), { code });
      expect(classifyError(error), code).toBe('integrity');
      expect(integrityReason(error), code).not.toBe('other');
    }
  });

  test('every integrity code has a metrics reason, and only integrity codes have one', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect('reason' in info, code).toBe(info.category === 'integrity');
    }
  });

  test('every ERR_ code written in src/ is in the table (Node and driver codes aside)', () => {
    const foreign = new Set(['ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_REQUIRE_ESM']);
    const written = codesIn(filesUnder(join(root, 'src'), '.ts'), "'");
    for (const code of written) {
      if (!foreign.has(code)) expect(errorCodeInfo(code), code).toBeDefined();
    }
  });

  test('NativeErrorCode names each native code, and isNativeError recognises them', () => {
    expect(NativeErrorCode.CHECKSUM_MISMATCH).toBe('ERR_CHECKSUM_MISMATCH');
    expect(new Set(Object.values(NativeErrorCode))).toEqual(rustCodes);
    expect(isNativeError(Object.assign(new Error('x'), { code: 'ERR_MAC_MISMATCH' }))).toBe(true);
    expect(isNativeError(Object.assign(new Error('x'), { code: 'ERR_CONFIGURATION' }))).toBe(false);
  });
});
