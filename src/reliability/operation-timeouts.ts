/**
 * The deadline of each backend operation: an adaptive timeout per operation (created on first
 * use; the three lock commands share one), a fixed one for whole-namespace operations. With
 * adaptive timeouts off (`timeouts: false`) every operation still has a deadline — the default
 * ceiling, fixed — because backends hold no timers: nothing else would bound a frozen server.
 */
import { AdaptiveTimeout, type AdaptiveTimeoutStats } from './adaptive-timeout';
import type { OperationName } from './operation-result';
import { DEFAULT_TIMEOUTS, type AdaptiveTimeoutOptions } from './options';

/** Lock operations are all one short command each; they share one latency window. */
const TIMEOUT_GROUP: Readonly<Partial<Record<OperationName, OperationName>>> = {
  renewLock: 'acquireLock',
  releaseLock: 'acquireLock',
};

/** Operations that scan a namespace: rare, operator-driven, given `clearPrefixMs`. */
const BULK_OPERATIONS: ReadonlySet<OperationName> = new Set(['clearPrefix']);

/** Per-operation deadlines of one backend facade. */
export class OperationTimeouts {
  private readonly options: Readonly<AdaptiveTimeoutOptions> | false;
  private readonly adaptive = new Map<OperationName, AdaptiveTimeout>();

  constructor(options: Readonly<AdaptiveTimeoutOptions> | false) {
    this.options = options;
  }

  /** The adaptive timeout that sets `operation`'s deadline, or undefined when it has none. */
  adaptiveFor(operation: OperationName): AdaptiveTimeout | undefined {
    const options = this.options;
    if (options === false || BULK_OPERATIONS.has(operation)) return undefined;
    const group = TIMEOUT_GROUP[operation] ?? operation;
    let timeout = this.adaptive.get(group);
    if (timeout === undefined) {
      timeout = new AdaptiveTimeout(options);
      this.adaptive.set(group, timeout);
    }
    return timeout;
  }

  /** The fixed deadline of an operation without an adaptive one, ms. */
  fixedMs(operation: OperationName): number {
    const options = this.options === false ? DEFAULT_TIMEOUTS : this.options;
    return BULK_OPERATIONS.has(operation) ? options.clearPrefixMs : options.maxMs;
  }

  /** The longest deadline any ordinary operation can get, ms. */
  get ceilingMs(): number {
    return this.options === false ? DEFAULT_TIMEOUTS.maxMs : this.options.maxMs;
  }

  /** Stats of every adaptive timeout created so far, by operation (group). */
  stats(): Partial<Record<OperationName, AdaptiveTimeoutStats>> {
    const stats: Partial<Record<OperationName, AdaptiveTimeoutStats>> = {};
    for (const [operation, timeout] of this.adaptive) stats[operation] = timeout.stats();
    return stats;
  }
}
