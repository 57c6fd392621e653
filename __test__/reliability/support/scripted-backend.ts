/**
 * A CacheBackend whose behaviour each test scripts: answer, fail with a given error, hang until
 * released, or answer after a delay on a manual clock. For unit tests of reliability policy
 * only — integration tests use the real backends.
 */
import type { BackendCallOptions, BackendHealth, CacheBackend } from '../../../src/backends/types';
import type { ManualClock } from './manual-clock';

/** What the next call does. */
export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'error'; error: unknown }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number };

interface Hung {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Scripted in-test backend with a real in-memory store and call accounting. */
export class ScriptedBackend implements CacheBackend {
  readonly backendType = 'scripted';
  /** Declares that it can cancel work, so the guard hands it the give-up signal (recorded in `signals`). */
  cancellable = true;
  readonly store = new Map<string, Buffer>();
  readonly locks = new Map<string, string>();
  readonly calls: Record<string, number> = {};
  readonly signals: AbortSignal[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly script: Behaviour[] = [];
  private fallback: Behaviour = { kind: 'ok' };
  private readonly hung: Hung[] = [];

  constructor(private readonly clock?: ManualClock) {}

  /** Queues behaviours for the next calls (any operation), in order. */
  next(...behaviours: Behaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  /** Behaviour once the script is used up. */
  always(behaviour: Behaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /** Lets every hung call answer normally. */
  releaseHung(): void {
    for (const h of this.hung.splice(0)) h.resolve();
  }

  /** Makes every hung call reject with `error`. */
  failHung(error: unknown): void {
    for (const h of this.hung.splice(0)) h.reject(error);
  }

  get hungCount(): number {
    return this.hung.length;
  }

  private async perform<T>(operation: string, options: BackendCallOptions | undefined, work: () => T): Promise<T> {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    if (options?.signal !== undefined) this.signals.push(options.signal);
    const behaviour = this.script.shift() ?? this.fallback;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (behaviour.kind === 'error') throw behaviour.error;
      if (behaviour.kind === 'hang') {
        await new Promise<void>((resolve, reject) => this.hung.push({ resolve, reject }));
      }
      if (behaviour.kind === 'delay') {
        const clock = this.clock;
        if (clock === undefined) throw new Error('delay needs a ManualClock');
        await new Promise<void>((resolve) => clock.setTimeout(resolve, behaviour.ms));
      }
      return work();
    } finally {
      this.inFlight--;
    }
  }

  get(key: string, options?: BackendCallOptions): Promise<Buffer | null> {
    return this.perform('get', options, () => this.store.get(key) ?? null);
  }

  set(key: string, value: Buffer, _ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    return this.perform('set', options, () => {
      this.store.set(key, value);
    });
  }

  delete(key: string, options?: BackendCallOptions): Promise<boolean> {
    return this.perform('delete', options, () => this.store.delete(key));
  }

  exists(key: string, options?: BackendCallOptions): Promise<boolean> {
    return this.perform('exists', options, () => this.store.has(key));
  }

  async healthCheck(): Promise<BackendHealth> {
    return { ok: true, latencyMs: 0, backendType: this.backendType, details: {} };
  }

  acquireLock(key: string, token: string, _leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    return this.perform('acquireLock', options, () => {
      if (this.locks.has(key)) return false;
      this.locks.set(key, token);
      return true;
    });
  }

  renewLock(key: string, token: string, _leaseMs: number, options?: BackendCallOptions): Promise<boolean> {
    return this.perform('renewLock', options, () => this.locks.get(key) === token);
  }

  releaseLock(key: string, token: string, options?: BackendCallOptions): Promise<boolean> {
    return this.perform('releaseLock', options, () => {
      if (this.locks.get(key) !== token) return false;
      this.locks.delete(key);
      return true;
    });
  }
}
