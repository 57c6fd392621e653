import { cache, MemoryBackend } from 'cachekit';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { userPayload } = require('./benches/lib/payload.js');
const mem = new MemoryBackend();
const ckm = cache(async function g(id) { return userPayload(id); }, { backend: mem, l1: false, ttl: 3600, module: 'bench' });
let id = 1000;
async function t(name, fn, n = 100000) {
  const s = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - s) * 1000 / n).toFixed(2), 'µs');
}
await ckm(42); await ckm.flush();
for (let r = 0; r < 3; r++) await t('mem hit (before misses)', () => ckm(42));
await t('mem miss+write', async () => { await ckm(id++); await ckm.flush(); });
for (let r = 0; r < 3; r++) await t('mem hit (after)', () => ckm(42));
console.log(ckm.cacheInfo());
process.exit(0);
