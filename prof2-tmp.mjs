import { cache, MemoryBackend } from 'cachekit';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { userPayload } = require('./benches/lib/payload.js');
const mem = new MemoryBackend();
const ckm = cache(async function g(id) { return userPayload(id); }, { backend: mem, l1: false, ttl: 3600, module: 'bench' });
let id = 1000;
await ckm(42); await ckm.flush();
for (let i = 0; i < 100000; i++) { await ckm(id++); await ckm.flush(); }
const s = performance.now();
for (let i = 0; i < 100000; i++) await ckm(42);
console.log(((performance.now() - s) * 1000 / 100000).toFixed(2));
process.exit(0);
