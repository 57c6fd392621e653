// Placeholder demo until the cache API lands: hashes a value through the native core.
import { blake2b256 } from 'cachekit';
console.log('blake2b256("cachekit") =', blake2b256(Buffer.from('cachekit')).toString('hex'));
