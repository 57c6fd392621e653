/**
 * Which entries a command works on. On Redis a selection is a few `SCAN MATCH` patterns (coarse,
 * filtered by the server) plus an exact test of each key (`parseStoredKey`), so no key of
 * another application is ever taken for a cache entry. A file cache names its entries by a hash
 * of their key, so there a selection is every entry or one exact key.
 */
import { escapeGlob } from '../../backends/redis/clear-prefix';
import { escapeKeySegment } from '../../keys/key-segment';
import { parseStoredKey, type StoredKeyParts } from '../../keys/parse-stored-key';
import { percentEncode } from '../../keys/tenant-scope';

/** A set of entries to visit. */
export interface Selection {
  /** What was asked for, for messages. */
  readonly label: string;
  /** Redis `SCAN MATCH` patterns, scanned one after another. */
  readonly patterns: readonly string[];
  /** Exact test of a key the patterns matched (pattern index given: each pattern has its own test). */
  readonly accepts: (key: string, patternIndex: number) => boolean;
  /** For a file cache: the one key selected; undefined when the selection is every entry or cannot be made there. */
  readonly exactKey: string | undefined;
  /** Whether the selection is every entry (all a file cache can select besides one key). */
  readonly everything: boolean;
}

const GLOB_CHARACTERS = /[*?[\]\\]/;

/** Entries whose stored key matches a Redis glob `pattern` (default `*`: everything). */
export function patternSelection(pattern = '*'): Selection {
  const literal = !GLOB_CHARACTERS.test(pattern);
  return {
    label: `keys matching ${JSON.stringify(pattern)}`,
    patterns: [pattern],
    accepts: () => true,
    exactKey: literal ? pattern : undefined,
    everything: pattern === '*',
  };
}

/** What `clear` and `stats --namespace` select by: parts of the key, all given ones must match. */
export interface KeyPartsFilter {
  readonly namespace?: string | undefined;
  /** `{module}:{name}`, or a bare `{name}` of any module (and the interop operation of that name). */
  readonly function?: string | undefined;
  readonly tenant?: string | undefined;
}

/** Every entry of any cachekit key format (and its lock keys): `clear --all`. */
export function cachekitSelection(): Selection {
  return {
    label: 'every cachekit entry',
    patterns: ['*'],
    accepts: (key) => parseStoredKey(key).kind !== 'foreign',
    exactKey: undefined,
    everything: true,
  };
}

/** Entries whose key parts match `filter` (default-mode keys, and interop keys unless a tenant is asked for). */
export function partsSelection(filter: KeyPartsFilter): Selection {
  const defaultPattern = `t:${filter.tenant === undefined ? '*' : escapeGlob(percentEncode(filter.tenant))}:${defaultMiddle(filter)}`;
  const patterns = [defaultPattern];
  // Interop keys carry no tenant: a tenant filter never selects them.
  const interopPattern = filter.tenant === undefined ? interopGlob(filter) : undefined;
  if (interopPattern !== undefined) patterns.push(interopPattern);
  return {
    label: describeFilter(filter),
    patterns,
    accepts: (key, index) => {
      const parts = parseStoredKey(key);
      const data = parts.kind === 'lock' ? parts.data : parts;
      return index === 0 ? data.kind === 'default' && matchesDefault(data, filter) : data.kind === 'interop' && matchesInterop(data, filter);
    },
    exactKey: undefined,
    everything: false,
  };
}

/** The part of the default-mode glob after the tenant: as precise as the filter allows. */
function defaultMiddle(filter: KeyPartsFilter): string {
  const namespace = filter.namespace === undefined ? '' : `ns:${escapeGlob(escapeKeySegment(filter.namespace))}:`;
  if (filter.function === undefined) return `${namespace}*`;
  return `${namespace === '' ? '*' : namespace}func:*${escapeGlob(escapeFunction(filter.function))}:*`;
}

/** Interop keys are `{namespace}:{operation}:{hash}`; a `module:name` function has no interop form. */
function interopGlob(filter: KeyPartsFilter): string | undefined {
  if (filter.function !== undefined && filter.function.includes(':')) return undefined;
  const namespace = filter.namespace === undefined ? '*' : escapeGlob(filter.namespace);
  const operation = filter.function === undefined ? '*' : escapeGlob(filter.function);
  return `${namespace}:${operation}:*`;
}

function matchesDefault(parts: Extract<StoredKeyParts, { kind: 'default' }>, filter: KeyPartsFilter): boolean {
  if (filter.tenant !== undefined && parts.tenant !== filter.tenant) return false;
  if (filter.namespace !== undefined && parts.namespace !== filter.namespace) return false;
  if (filter.function !== undefined) {
    const label = parts.function;
    if (label === undefined) return false;
    if (filter.function.includes(':')) return label === filter.function;
    // A bare name matches `{module}:{name}` and cachekit-py's `{module}.{name}`.
    return label.endsWith(`:${filter.function}`) || label.endsWith(`.${filter.function}`) || label === filter.function;
  }
  return true;
}

function matchesInterop(parts: Extract<StoredKeyParts, { kind: 'interop' }>, filter: KeyPartsFilter): boolean {
  if (filter.namespace !== undefined && parts.namespace !== filter.namespace) return false;
  return filter.function === undefined || parts.operation === filter.function;
}

/** `module:name` escaped part by part, as the key holds it. */
function escapeFunction(label: string): string {
  return label.split(':').map(escapeKeySegment).join(':');
}

function describeFilter(filter: KeyPartsFilter): string {
  const parts = [
    filter.namespace === undefined ? undefined : `namespace ${JSON.stringify(filter.namespace)}`,
    filter.function === undefined ? undefined : `function ${JSON.stringify(filter.function)}`,
    filter.tenant === undefined ? undefined : `tenant ${JSON.stringify(filter.tenant)}`,
  ].filter((part) => part !== undefined);
  return `entries of ${parts.join(', ')}`;
}
