/**
 * prom-client, the optional peer dependency behind `registerMetrics()`: loaded the first time
 * metrics are registered, so nobody else pays for it. It ships one CommonJS copy, so `require`
 * here gives the very module an ES module app imports.
 */
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import { ConfigurationError } from '../../errors';

/** The prom-client module. */
export type PromClientModule = typeof PromClient;

/** What `registerMetrics()` needs of a registry (prom-client's `Registry` has it). */
export interface MetricsRegistry {
  registerMetric(metric: never): void;
  removeSingleMetric(name: string): void;
}

let loaded: PromClientModule | undefined;

/** prom-client, or a `ConfigurationError` saying how to install it. */
export function promClient(): PromClientModule {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('prom-client') as PromClientModule;
  } catch (error) {
    throw new ConfigurationError('registerMetrics() needs the optional peer dependency prom-client: run `npm install prom-client` (version 15 or later).', {
      cause: error,
    });
  }
  return loaded;
}
