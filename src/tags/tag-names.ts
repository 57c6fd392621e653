/**
 * Tags as users write them, and the stored keys of their invalidation stamps.
 *
 * A tag is scoped by tenant and nothing else: `t:{percent-encoded tenant}:tag:{escaped tag}`.
 * Tags group entries across functions and namespaces (`product:42` covers the product, its
 * price and its reviews, whoever caches them), while a tenant's stamps never reach another
 * tenant's entries. No function key starts with `tag:` (they start with `ns:` or `func:`), so
 * stamps live beside entries without ever being mistaken for one.
 */
import { describeValue } from '../describe-value';
import { ConfigurationError } from '../errors';
import { escapeKeySegment, isEscapableKeySegment } from '../keys/key-segment';
import { tenantScopedKey } from '../keys/tenant-scope';

/** Longest tag, in UTF-16 code units. */
export const MAX_TAG_LENGTH = 200;
/** Most tags one entry (or one invalidation) carries: each costs a lookup on every hit. */
export const MAX_TAGS = 64;

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * `value` as a list of distinct tags; throws `ConfigurationError` naming `source` for anything
 * but an array of at most `MAX_TAGS` non-empty strings of at most `MAX_TAG_LENGTH` characters.
 */
export function checkTags(value: unknown, source: string): readonly string[] {
  if (!Array.isArray(value)) {
    throw new ConfigurationError(`${source} must be an array of tag strings; got ${describeValue(value)}. Fix: e.g. ['product:42'].`);
  }
  if (value.length === 0) return EMPTY;
  const tags = new Set<string>();
  for (const tag of value) {
    if (typeof tag !== 'string' || tag === '' || tag.length > MAX_TAG_LENGTH || !isEscapableKeySegment(tag)) {
      throw new ConfigurationError(
        `${source} holds ${describeValue(tag)}, which is not a tag. Fix: tags are non-empty strings of at most ${MAX_TAG_LENGTH} characters (valid Unicode).`,
      );
    }
    tags.add(tag);
  }
  if (tags.size > MAX_TAGS) {
    throw new ConfigurationError(`${source} holds ${tags.size} tags; at most ${MAX_TAGS} are allowed (each one is checked on every hit). Fix: use broader tags.`);
  }
  return [...tags];
}

/** `t:{tenant}:tag:`: what every stamp key of `tenant` starts with. */
export function stampPrefixOfTenant(tenant: string): string {
  return tenantScopedKey(tenant, 'tag:');
}

/** The stamp-key prefix of the tenant a stored key `t:{tenant}:…` belongs to. */
export function stampPrefixOfKey(storedKey: string): string {
  return `${storedKey.slice(0, storedKey.indexOf(':', 2) + 1)}tag:`;
}

/** The stored key of `tag`'s stamp under `prefix` (from `stampPrefixOfTenant` or `stampPrefixOfKey`). */
export function stampKey(prefix: string, tag: string): string {
  return prefix + escapeKeySegment(tag);
}
