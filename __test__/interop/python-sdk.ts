/**
 * Typed calls of the Python scripts in `scripts/python-interop/` for the live interop suite.
 */
import { runPython, type PythonRun } from '../support/python-env';
import type { InteropCall, InteropCase } from './cases';
import type { Tagged } from './tagged';

/** How the Python side encrypts: the tenant is its `deployment_uuid` (null: the SDK's default). */
export interface PythonEncryption {
  readonly masterKeyHex: string;
  readonly tenant: string | null;
}

/** One entry `write_entries.py` wrote, or the error the SDK raised for that case. */
export type PythonWritten = { id: string; key: string; storedHex: string; ttl: number; error?: undefined } | { id: string; error: string };

/** `write_entries.py`'s answer. */
export interface PythonWriteOutput {
  sdkVersion: string;
  written: PythonWritten[];
  keysInRedis: string[];
}

/** One read of `read_entries.py`. */
export interface PythonReadResult {
  id: string;
  key: string;
  present: boolean;
  storedHex: string | null;
  hit: boolean;
  value?: Tagged;
  reencodedHex?: string;
  miss?: string;
}

/** `read_entries.py`'s answer. */
export interface PythonReadOutput {
  sdkVersion: string;
  results: PythonReadResult[];
}

/** `keys.py`'s answer. */
export interface PythonKeysOutput {
  sdkVersion: string;
  keys: ({ id: string; key: string; canonicalArgsHex: string; flatArgs: Tagged; error?: undefined } | { id: string; error: string })[];
}

function requestOf(redisUrl: string, namespace: string, encryption: PythonEncryption | undefined) {
  const env: Record<string, string> = encryption ? { CACHEKIT_MASTER_KEY: encryption.masterKeyHex } : {};
  return {
    redisUrl,
    namespace,
    encryption: encryption ? { tenant: encryption.tenant } : null,
    env,
  };
}

/** Python's decorated functions return each case's value, so the SDK stores them. */
export function pythonWrite(
  redisUrl: string,
  namespace: string,
  cases: readonly InteropCase[],
  encryption?: PythonEncryption,
): Promise<PythonRun<PythonWriteOutput>> {
  const { env, ...request } = requestOf(redisUrl, namespace, encryption);
  return runPython<PythonWriteOutput>('write_entries.py', { ...request, cases }, env);
}

/** Python's decorated functions (whose bodies raise) are called, so values can only come from the cache. */
export function pythonRead(
  redisUrl: string,
  namespace: string,
  calls: readonly InteropCall[],
  encryption?: PythonEncryption,
): Promise<PythonRun<PythonReadOutput>> {
  const { env, ...request } = requestOf(redisUrl, namespace, encryption);
  return runPython<PythonReadOutput>('read_entries.py', { ...request, cases: calls }, env);
}

/** The keys (and canonical argument bytes) the SDK computes for calls. */
export function pythonKeys(namespace: string, calls: readonly InteropCall[]): Promise<PythonRun<PythonKeysOutput>> {
  return runPython<PythonKeysOutput>('keys.py', { namespace, calls });
}
