/**
 * Which L1 a wrapper uses: one process-wide L1 shared by every cache (its budget from
 * `CACHEKIT_L1_MAX_SIZE_MB`, default 100 MiB), or a private one when a function sets its own
 * `l1.maxBytes`/`l1.maxEntries`. Sharing one budget keeps memory bounded however many
 * functions are cached.
 */
import { DEFAULTS } from '../config/options';
import { environmentSettings } from '../config/env';
import type { ResolvedL1 } from '../config/resolve-options';
import { L1Cache } from '../l1/l1-cache';

let shared: L1Cache | undefined;

/** The process-wide L1, created on first use. */
export function sharedL1(): L1Cache {
  if (shared === undefined) {
    const env = environmentSettings();
    shared = new L1Cache({
      maxBytes: env.l1MaxBytes ?? DEFAULTS.l1MaxBytes,
      maxEntries: env.l1MaxEntries,
      sweepIntervalMs: env.l1SweepIntervalMs ?? DEFAULTS.l1SweepIntervalMs,
    });
  }
  return shared;
}

/** The L1 for a wrapper with these settings. */
export function l1For(settings: ResolvedL1): L1Cache {
  if (settings.maxBytes === undefined && settings.maxEntries === undefined) return sharedL1();
  const env = environmentSettings();
  return new L1Cache({
    maxBytes: settings.maxBytes ?? DEFAULTS.l1MaxBytes,
    maxEntries: settings.maxEntries,
    sweepIntervalMs: env.l1SweepIntervalMs ?? DEFAULTS.l1SweepIntervalMs,
  });
}
