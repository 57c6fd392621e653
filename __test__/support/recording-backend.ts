/**
 * The real memory backend, recording the keys and TTLs it was asked to write, so tests can
 * check key layout and TTL handling without reaching into the backend's internals.
 */
import { MemoryBackend } from '../../src/backends/memory';
import type { BackendCallOptions } from '../../src/backends/types';

/** One `set` call as the backend received it. */
export interface RecordedWrite {
  key: string;
  bytes: number;
  ttlSeconds: number | undefined;
}

/** MemoryBackend that records writes. */
export class RecordingBackend extends MemoryBackend {
  readonly writes: RecordedWrite[] = [];

  override async set(key: string, value: Buffer, ttlSeconds?: number, options?: BackendCallOptions): Promise<void> {
    this.writes.push({ key, bytes: value.length, ttlSeconds });
    return super.set(key, value, ttlSeconds, options);
  }
}
