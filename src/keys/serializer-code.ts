/**
 * The serializer code at the end of a default-format key (`…:{ic}{code}`). Keys of different
 * serializers never collide, so switching serializer never reads bytes the new one cannot parse.
 */
import { ConfigurationError } from '../errors';
import { isWellFormedString } from '../msgpack/text';
import { blake2b } from './blake2b-small';

/** Codes of the serializer names cachekit-py knows, plus this SDK's `json` and `standard`. */
const NAMED_CODES: ReadonlyMap<string, string> = new Map([
  ['default', 's'],
  ['std', 's'],
  ['standard', 's'],
  ['auto', 'a'],
  ['pythonic', 'a'],
  ['orjson', 'o'],
  ['json', 'o'],
  ['arrow', 'w'],
  ['local', 'l'],
]);

const EXPLICIT_CODE = /^(?:[a-z]|x[0-9a-f]{4})$/;

/** What identifies a serializer for its key code: a name, or an object with a name (and maybe a code). */
export type SerializerIdentity = string | { readonly name: string; readonly code?: string | undefined };

/**
 * The key code of a serializer: `s`, `a`, `o`, `w`, `l` for the named ones; `x` + 4 hex digits
 * (BLAKE2b with a 2-byte digest) of the name for any other name, and of `<custom>:{name}` for a
 * serializer object without its own `code`, as cachekit-py 0.20+ derives them. An empty or
 * non-string identity is a `ConfigurationError`, never a default code: a key that fell back to
 * `s` would name entries another serializer wrote.
 */
export function serializerCode(identity: SerializerIdentity): string {
  if (typeof identity === 'string') {
    if (identity === '') throw new ConfigurationError('serializer: an empty name is not a serializer; use "standard", "json", "auto", "arrow" or a Serializer object');
    return NAMED_CODES.get(identity) ?? derivedCode(identity);
  }
  if (typeof identity === 'object' && identity !== null && typeof identity.name === 'string') {
    if (identity.name === '') throw new ConfigurationError('serializer: a Serializer object needs a non-empty `name`');
    if (identity.code === undefined) return derivedCode(`<custom>:${identity.name}`);
    if (typeof identity.code !== 'string' || !EXPLICIT_CODE.test(identity.code)) {
      throw new ConfigurationError(
        `serializer ${JSON.stringify(identity.name)}: code ${JSON.stringify(identity.code)} is not a key code; use one lowercase letter or "x" + 4 hex digits, or leave it out to derive one from the name`,
      );
    }
    return identity.code;
  }
  throw new ConfigurationError(
    `serializer: ${identity === null ? 'null' : typeof identity} is not a serializer identity; pass a name ("standard", "json", "auto", "arrow") or a Serializer object`,
  );
}

function derivedCode(identity: string): string {
  if (!isWellFormedString(identity)) {
    throw new ConfigurationError(`serializer: ${JSON.stringify(identity)} holds a lone surrogate, which has no UTF-8 form to hash`);
  }
  return `x${blake2b(Buffer.from(identity, 'utf8'), 2).toString('hex')}`;
}
