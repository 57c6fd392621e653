/**
 * A tiny typed event emitter. The reliability components emit rare events (state changes,
 * failures) to the observability layer; `EventEmitter` would work but loses the payload types
 * and throws on an `error` event nobody listens to, which a cache must never do.
 */

/** Maps event names to their payload types. */
export type EventMap = object;

/** A listener for one event. */
export type Listener<T> = (payload: T) => void;

/** Typed `on`/`off`/`emit` over an event map. Listener exceptions are contained, never thrown. */
export class TypedEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Array<Listener<never>>>();

  /** Registers `listener` for `event`; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const current = this.listeners.get(event) ?? [];
    // Copy on write so an emit in progress keeps iterating its own snapshot.
    this.listeners.set(event, [...current, listener as Listener<never>]);
    return () => this.off(event, listener);
  }

  /** Removes `listener` from `event`. */
  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const current = this.listeners.get(event);
    if (current === undefined) return;
    const next = current.filter((l) => l !== listener);
    if (next.length === 0) this.listeners.delete(event);
    else this.listeners.set(event, next);
  }

  /** Whether anything listens to `event` (lets hot paths skip building payloads). */
  has<K extends keyof Events>(event: K): boolean {
    return this.listeners.has(event);
  }

  /** Calls every listener of `event`. A throwing listener is reported on `process` and skipped. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const current = this.listeners.get(event);
    if (current === undefined) return;
    for (const listener of current) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        // An observer bug must not turn into a cache failure; surface it without throwing.
        process.emitWarning(`cachekit: a '${String(event)}' listener threw: ${String(error)}`, 'CachekitListenerWarning');
      }
    }
  }
}
