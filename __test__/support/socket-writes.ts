/**
 * What a RedisBackend writes to its socket, one string per write handed to the operating
 * system: Node hands a socket's queued chunks over in one `_writev` (after `uncork`) or one
 * `_write` each, and both are wrapped here on the live socket, which keeps writing to the real
 * server. The RESP text of every command is there to read (`*2\r\n$3\r\nget\r\n…`).
 */
import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import type { RedisBackend } from '../../src/backends/redis/backend';

type WriteCallback = (error?: Error | null) => void;
interface Chunk {
  chunk: string | Uint8Array;
  encoding: BufferEncoding;
}
interface SocketInternals {
  _write(chunk: string | Uint8Array, encoding: BufferEncoding, callback: WriteCallback): void;
  _writev(chunks: Chunk[], callback: WriteCallback): void;
}

function text(chunk: string | Uint8Array): string {
  return typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1');
}

/** Starts recording the writes of `backend`'s (connected) socket; the returned list fills as it writes. */
export function recordSocketWrites(backend: RedisBackend): string[] {
  const socket = (backend.client as Redis).stream as Socket & SocketInternals;
  const writes: string[] = [];
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    writes.push(text(chunk));
    write(chunk, encoding, callback);
  };
  socket._writev = (chunks, callback) => {
    writes.push(chunks.map(({ chunk }) => text(chunk)).join(''));
    writev(chunks, callback);
  };
  return writes;
}

/** The commands in one recorded write, by name in lower case (`['get', 'set']`). */
export function commandsIn(write: string): string[] {
  // Every command is an array whose first bulk string is its name: `*<n>\r\n$<len>\r\n<name>\r\n`.
  return [...write.matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)].map((match) => match[1]!.toLowerCase());
}
