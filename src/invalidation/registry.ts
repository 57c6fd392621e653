/**
 * One invalidation bus per Redis backend and channel, started by the first cache that needs
 * it and closed with the backend (its subscriber connection must not keep a process alive
 * after `backend.close()`).
 */
import type { RedisBackend } from '../backends/redis/backend';
import type { Logger } from '../observability/logger';
import { detached } from '../observability/detached';
import { observedBuses } from '../observability/observed';
import { InvalidationBus } from './bus';
import { redisTransport } from './redis-transport';

const buses = new WeakMap<RedisBackend, Map<string, InvalidationBus>>();

/** The bus of `backend` on `channel`, started on first use. */
export function busOf(backend: RedisBackend, channel: string, degradedTtlMs: number, logger: () => Logger): InvalidationBus {
  let byChannel = buses.get(backend);
  if (byChannel === undefined) {
    byChannel = new Map();
    buses.set(backend, byChannel);
    const started = byChannel;
    backend.onClose(async () => {
      await Promise.all([...started.values()].map((bus) => bus.close()));
      started.clear();
    });
  }
  // Caches asking for another degraded TTL on the same channel get a bus (and subscriber) of their own.
  const id = `${channel}\u0000${degradedTtlMs}`;
  let bus = byChannel.get(id);
  if (bus === undefined) {
    // The bus serves every cache of the process: its connection is nobody's request.
    bus = detached(() => new InvalidationBus(redisTransport(backend.client, channel), { degradedTtlMs, logger, label: channel }));
    byChannel.set(id, bus);
    observedBuses.add(bus);
  }
  return bus;
}
