/**
 * Child process for the lifecycle test: leaves every kind of background work pending — a
 * backend call that never answers, a queued operation, a lock lease being renewed for a
 * function that never finishes, a lock waiter polling — then calls `close()` (or not, with
 * `no-close`) and returns. The process must exit by itself: nothing may hold the event loop.
 */
import { runWithLock } from '../../../src/reliability/distributed-lock';
import { ResilientBackend } from '../../../src/reliability/resilient-backend';
import { ScriptedBackend } from './scripted-backend';

async function main(): Promise<void> {
  const backend = new ScriptedBackend();
  const resilient = new ResilientBackend(backend, { backpressure: { maxConcurrent: 1, queueSize: 10, queueTimeoutMs: 60_000 } });
  backend.always({ kind: 'hang' });
  void resilient.get('hung');
  void resilient.get('queued');
  backend.always({ kind: 'ok' });
  backend.locks.set('held-elsewhere', 'other');

  const open = new ResilientBackend(backend, { lock: { leaseMs: 60_000 } });
  void runWithLock({ backend: open, key: 'long', leaseMs: 60_000, waitTimeoutMs: 60_000, recheck: async () => undefined, compute: () => new Promise<string>(() => {}) });
  void runWithLock({ backend: open, key: 'held-elsewhere', leaseMs: 60_000, waitTimeoutMs: 60_000, recheck: async () => undefined, compute: async () => 'x' });
  await new Promise((resolve) => setImmediate(resolve));
  if (process.argv[2] !== 'no-close') {
    await resilient.close();
    await open.close();
  }
  process.stdout.write('returned\n');
}

void main();
