/**
 * A TCP proxy in its own process that delays every reply from Redis by a set time, so a
 * fault scenario can make Redis slow without freezing it. Its own process, so the delay timers
 * do not share the event loop of the cache being measured.
 *
 * argv: targetPort initialDelayMs. Prints `port <n>` once listening; each stdin line
 * `delay <ms>` changes the delay for replies sent from then on.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

const [targetText, delayText] = process.argv.slice(2);
const targetPort = Number(targetText);
let delayMs = Number(delayText ?? '0');

const server = net.createServer((client) => {
  const upstream = net.connect(targetPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  // Every chunk waits the same time, and equal-delay timers fire in the order they were set,
  // so replies keep their order.
  upstream.on('data', (chunk: Buffer) => {
    if (delayMs <= 0) client.write(chunk);
    else setTimeout(() => client.writable && client.write(chunk), delayMs);
  });
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', () => setTimeout(end, delayMs));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const match = /^delay (\d+(?:\.\d+)?)$/.exec(line.trim());
  if (match !== null) delayMs = Number(match[1]);
});
// The parent closing stdin (or dying) ends the proxy.
process.stdin.on('end', () => process.exit(0));
