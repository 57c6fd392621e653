import { DEFAULTS } from '../config/options';

/**
 * How long an L1 entry lives, in ms, for a cache whose entries expire after `ttlSeconds`
 * (0 = never). With an L2, L1 expires `DEFAULTS.l1ExpiryLeadMs` before the L2 copy so it
 * never outlives it, and with no L2 expiry it still re-reads after a while so other
 * processes' writes become visible. Without an L2, L1 is the only copy and lives the TTL.
 */
export function l1LifetimeMs(ttlSeconds: number, hasL2: boolean): number {
  const ttlMs = ttlSeconds * 1000;
  if (!hasL2) return ttlSeconds === 0 ? Number.POSITIVE_INFINITY : ttlMs;
  if (ttlSeconds === 0) return DEFAULTS.l1TtlWhenNoExpirySeconds * 1000;
  return ttlMs - DEFAULTS.l1ExpiryLeadMs;
}
