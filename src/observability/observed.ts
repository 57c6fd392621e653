/**
 * Everything the process-wide observers (metrics, the health checker) look at: every cached
 * function and every guarded backend built so far. Held weakly, so a wrapper that is dropped
 * stops being reported instead of being kept alive by its metrics.
 */
import type { CacheStats } from '../cache/stats';
import type { L1Cache } from '../l1/l1-cache';
import type { InvalidationBus } from '../invalidation/bus';
import type { ResilientBackend } from '../reliability/resilient-backend';

/** A cached function as observers see it. */
export interface ObservedCache {
  /** `{module}.{name}`. */
  readonly label: string;
  /** Namespace label (`default` when none is set). */
  readonly namespace: string;
  readonly stats: CacheStats;
  /** Its L1 (possibly shared with other functions), or undefined without one. */
  readonly l1: L1Cache | undefined;
  /** Its owner id in that L1 (for per-function entry counts). */
  readonly owner: number;
  /** The guarded backend once a call resolved it; undefined before, null for L1-only. Never resolves one. */
  resolvedBackend(): ResilientBackend | null | undefined;
  /** The invalidation bus it is on, once known (null: none). */
  invalidationBus(): InvalidationBus | null | undefined;
}

/** A set that holds its members weakly, and tells listeners about each new one. */
export class WeakCollection<T extends object> {
  private readonly members = new Set<WeakRef<T>>();
  private readonly listeners = new Set<(member: T) => void>();
  /** Drops the reference of a collected member, so a process that builds wrappers on the fly and never scrapes does not keep them. */
  private readonly collected = new FinalizationRegistry<WeakRef<T>>((ref) => this.members.delete(ref));
  /** Members kept alive as long as their owner (see `addOwnedBy`). */
  private readonly owned = new WeakMap<object, T>();

  /** Adds `member` and tells the listeners. */
  add(member: T): void {
    const ref = new WeakRef(member);
    this.members.add(ref);
    this.collected.register(member, ref);
    for (const listener of this.listeners) listener(member);
  }

  /** Adds `member`, kept alive exactly as long as `owner` (nothing else needs to hold it). */
  addOwnedBy(owner: object, member: T): void {
    this.owned.set(owner, member);
    this.add(member);
  }

  /** The members still alive (dead references are dropped on the way). */
  live(): T[] {
    const out: T[] = [];
    for (const ref of this.members) {
      const member = ref.deref();
      if (member === undefined) this.members.delete(ref);
      else out.push(member);
    }
    return out;
  }

  /** Calls `listener` for each member added from now on; returns the function that stops it. */
  onAdd(listener: (member: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Every cached function built in this process. */
export const observedCaches = new WeakCollection<ObservedCache>();

/** Every guarded backend the cached functions share (one per backend, namespace and settings). */
export const observedBackends = new WeakCollection<ResilientBackend>();

/** Every invalidation bus (one per Redis backend and channel). */
export const observedBuses = new WeakCollection<InvalidationBus>();
