/**
 * Reading a stored key back into its parts: the inverse of the key formats, for tools that
 * look at what a cache holds (the `cachekit` CLI). Recognised, in this order:
 *
 * - lock keys, `{data key}:lock` (backends derive them; no data key ends in `:lock`);
 * - default-mode keys, `t:{tenant}:[ns:{namespace}:]func:{function}:(args|key):{part}:{ic}{code}`,
 *   where `{function}` is `{module}:{name}` (cachekit for Node) or `{module}.{name}`
 *   (cachekit-py); a key shortened to `{head}#{hash}` keeps its tenant and whatever parts its
 *   head holds whole;
 * - interop keys, `{namespace}:{operation}:{64 hex digits}`.
 *
 * Anything else is `foreign`: not a key any cachekit SDK writes.
 */
import { SHORTENED_KEY_MARKER } from './key-text';

/** A default-mode key's parts. Absent parts are `undefined` (a shortened key loses its tail). */
export interface DefaultKeyParts {
  readonly kind: 'default';
  /** The tenant, percent-decoded. */
  readonly tenant: string;
  /** The key without `t:{tenant}:`: what encryption and keyed integrity bind an entry to. */
  readonly logicalKey: string;
  /** The namespace as written in the key (escaped parts decoded), or undefined when the key has none. */
  readonly namespace: string | undefined;
  /** `{module}:{name}` or cachekit-py's `{module}.{name}` (decoded), when known. */
  readonly function: string | undefined;
  /** Whether the integrity envelope is on (the `1` of `:1s`), when known. */
  readonly integrity: boolean | undefined;
  /** The serializer code (`s`, `a`, `o`, `w`, `x…`), when known. */
  readonly serializerCode: string | undefined;
  /** True when the key was shortened (`{head}#{hash}`) and its tail is lost. */
  readonly shortened: boolean;
}

/** An interop key's parts. */
export interface InteropKeyParts {
  readonly kind: 'interop';
  readonly namespace: string;
  readonly operation: string;
}

/** A stored key, read back. */
export type StoredKeyParts =
  | DefaultKeyParts
  | InteropKeyParts
  | { readonly kind: 'lock'; readonly dataKey: string; readonly data: DefaultKeyParts | InteropKeyParts }
  | { readonly kind: 'foreign' };

const LOCK_SUFFIX = ':lock';
const TENANT_SCOPE = /^t:([^:]+):/;
// Escaped parts hold no `:` and no `#` (key-segment.ts); the tail is `:{0|1}{code}`.
const DEFAULT_LOGICAL = /^(?:ns:([^:#]+):)?func:([^:#]+)(?::([^:#]+))?:(?:args|key):[^:#]+:([01])([a-z]|x[0-9a-f]{4})$/;
// The head of a shortened key: whichever leading parts it holds whole.
const SHORTENED_HEAD = /^(?:ns:([^:#]+):)?(?:func:([^:#]+)(?::([^:#]+))?:(?:args|key):)?/;
const INTEROP_SEGMENT = '[a-z0-9][a-z0-9._-]{0,63}';
const INTEROP_KEY = new RegExp(`^(${INTEROP_SEGMENT}):(${INTEROP_SEGMENT}):[0-9a-f]{64}$`);
const RESERVED_INTEROP_NAMESPACES: ReadonlySet<string> = new Set(['ns', 'nsapi']);

/** The parts of `key`. Never throws: a key of no known format is `foreign`. */
export function parseStoredKey(key: string): StoredKeyParts {
  if (key.endsWith(LOCK_SUFFIX)) {
    const dataKey = key.slice(0, -LOCK_SUFFIX.length);
    const data = parseDataKey(dataKey);
    return data.kind === 'foreign' ? data : { kind: 'lock', dataKey, data };
  }
  return parseDataKey(key);
}

function parseDataKey(key: string): DefaultKeyParts | InteropKeyParts | { readonly kind: 'foreign' } {
  return parseDefaultKey(key) ?? parseInteropKey(key) ?? { kind: 'foreign' };
}

function parseDefaultKey(key: string): DefaultKeyParts | undefined {
  const scope = TENANT_SCOPE.exec(key);
  if (scope === null) return undefined;
  const tenant = decoded(scope[1]!);
  if (tenant === undefined) return undefined;
  const logicalKey = key.slice(scope[0].length);
  const full = DEFAULT_LOGICAL.exec(logicalKey);
  if (full !== null) {
    return {
      kind: 'default',
      tenant,
      logicalKey,
      namespace: optionalPart(full[1]),
      function: functionLabel(full[2]!, full[3]),
      integrity: full[4] === '1',
      serializerCode: full[5],
      shortened: false,
    };
  }
  const marker = logicalKey.lastIndexOf(SHORTENED_KEY_MARKER);
  if (marker < 0 || !/^[0-9a-f]{32}$/.test(logicalKey.slice(marker + 1))) return undefined;
  const head = SHORTENED_HEAD.exec(logicalKey.slice(0, marker))!;
  return {
    kind: 'default',
    tenant,
    logicalKey,
    namespace: optionalPart(head[1]),
    function: head[2] === undefined ? undefined : functionLabel(head[2], head[3]),
    integrity: undefined,
    serializerCode: undefined,
    shortened: true,
  };
}

function parseInteropKey(key: string): InteropKeyParts | undefined {
  const match = INTEROP_KEY.exec(key);
  if (match === null) return undefined;
  const [, namespace, operation] = match as unknown as [string, string, string];
  if (RESERVED_INTEROP_NAMESPACES.has(namespace) || namespace.includes('..') || operation.includes('..')) return undefined;
  return { kind: 'interop', namespace, operation };
}

/** `{module}:{name}` of cachekit for Node, or cachekit-py's single `{module}.{name}` part. */
function functionLabel(first: string, second: string | undefined): string {
  const module = decoded(first) ?? first;
  return second === undefined ? module : `${module}:${decoded(second) ?? second}`;
}

function optionalPart(part: string | undefined): string | undefined {
  return part === undefined ? undefined : (decoded(part) ?? part);
}

/** Percent-decoding of an escaped part, or undefined when it is not valid escaping. */
function decoded(part: string): string | undefined {
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
