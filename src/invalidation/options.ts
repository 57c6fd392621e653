/**
 * The `invalidation` option: whether a cache's L1 is kept coherent across processes by the
 * invalidation bus, and how. On by default when the L2 is Redis and L1 is on; a clear
 * `ConfigurationError` where it was asked for and cannot work.
 */
import { describeValue } from '../describe-value';
import { parseTtlSeconds } from '../config/duration';
import { ConfigurationError } from '../errors';

/** `invalidation.bus` in object form. */
export interface InvalidationBusOptions {
  /** Pub/sub channel (a prefix of the shard channels on a Cluster). Default `cachekit:l1`. */
  channel?: string;
  /**
   * Lifetime cap of L1 entries while the bus is disconnected, seconds or a duration string.
   * Default `'1s'`: the longest a process serves an L1 copy it may not have heard was replaced.
   */
  degradedTtl?: number | string;
}

/** The `invalidation` option. */
export interface InvalidationOptions {
  /** The bus: `true` (defaults), `false`, or its settings. */
  bus?: boolean | InvalidationBusOptions;
}

/** Resolved bus settings; `enabled: 'default'` means "if the backend turns out to be Redis". */
export interface ResolvedInvalidation {
  readonly enabled: boolean | 'default';
  readonly channel: string;
  readonly degradedTtlMs: number;
}

/** Defaults of the bus. */
export const INVALIDATION_DEFAULTS = { channel: 'cachekit:l1', degradedTtlSeconds: 1 } as const;

const DEFAULT: ResolvedInvalidation = {
  enabled: 'default',
  channel: INVALIDATION_DEFAULTS.channel,
  degradedTtlMs: INVALIDATION_DEFAULTS.degradedTtlSeconds * 1000,
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknown(value: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const name of Object.keys(value)) {
    if (!known.includes(name)) {
      throw new ConfigurationError(`Unknown option \`${path}${name}\`. Known: ${known.map((k) => `${path}${k}`).join(', ')}.`);
    }
  }
}

/** Validates the `invalidation` option. Throws `ConfigurationError` naming the option, the value and the fix. */
export function resolveInvalidation(value: unknown): ResolvedInvalidation {
  if (value === undefined) return DEFAULT;
  if (value === false) return { ...DEFAULT, enabled: false };
  if (!isPlainObject(value)) {
    throw new ConfigurationError(
      `Option \`invalidation\` must be false or { bus }; got ${describeValue(value)}. Fix: e.g. invalidation: { bus: { degradedTtl: '2s' } }, or false.`,
    );
  }
  rejectUnknown(value, ['bus'], 'invalidation.');
  const bus = value.bus;
  if (bus === undefined) return DEFAULT;
  if (typeof bus === 'boolean') return { ...DEFAULT, enabled: bus };
  if (!isPlainObject(bus)) {
    throw new ConfigurationError(
      `Option \`invalidation.bus\` must be true, false or { channel, degradedTtl }; got ${describeValue(bus)}.`,
    );
  }
  rejectUnknown(bus, ['channel', 'degradedTtl'], 'invalidation.bus.');
  let channel: string = INVALIDATION_DEFAULTS.channel;
  if (bus.channel !== undefined) {
    if (typeof bus.channel !== 'string' || bus.channel.length === 0 || bus.channel.length > 200 || /[\s{}]/.test(bus.channel)) {
      throw new ConfigurationError(
        `Option \`invalidation.bus.channel\` must be a non-empty name without spaces or braces (braces would change the Cluster hash tag); got ${describeValue(bus.channel)}. Fix: e.g. 'myapp:l1'.`,
      );
    }
    channel = bus.channel;
  }
  let degradedTtlMs = DEFAULT.degradedTtlMs;
  if (bus.degradedTtl !== undefined) {
    const seconds = parseTtlSeconds(bus.degradedTtl, 'invalidation.bus.degradedTtl');
    if (seconds === 0) {
      throw new ConfigurationError("Option `invalidation.bus.degradedTtl` must be above 0 (it caps L1 lifetimes). Fix: e.g. '1s'.");
    }
    degradedTtlMs = seconds * 1000;
  }
  return { enabled: true, channel, degradedTtlMs };
}
