/**
 * Turns the `serializer` option into a Serializer, validating it: a built-in name (or one of
 * cachekit-py's aliases) or an object implementing the Serializer interface.
 */
import { ConfigurationError } from '../../errors';
import { serializerCode } from '../../keys/serializer-code';
import { createArrowSerializer } from './arrow-serializer';
import { jsonSerializer } from './json-serializer';
import { autoSerializer, standardSerializer } from './msgpack-serializers';
import { SERIALIZER_ALIASES, type Serializer } from './serializer';

/** The Serializer for an option value; throws ConfigurationError for anything else. */
export function resolveSerializer(option: unknown): Serializer {
  if (typeof option === 'string') {
    const name = Object.hasOwn(SERIALIZER_ALIASES, option) ? SERIALIZER_ALIASES[option] : undefined;
    switch (name) {
      case 'standard':
        return standardSerializer;
      case 'json':
        return jsonSerializer;
      case 'auto':
        return autoSerializer;
      case 'arrow':
        return createArrowSerializer();
      default:
        throw new ConfigurationError(
          `serializer: unknown serializer ${JSON.stringify(option)}; use "standard", "json", "auto", "arrow" or a Serializer object`,
        );
    }
  }
  if (typeof option === 'object' && option !== null) {
    const candidate = option as Partial<Serializer>;
    if (typeof candidate.name !== 'string' || candidate.name === '' || typeof candidate.serialize !== 'function' || typeof candidate.deserialize !== 'function') {
      throw new ConfigurationError(
        'serializer: a custom serializer needs a non-empty `name` and `serialize(value)` / `deserialize(bytes)` methods',
      );
    }
    if (candidate.format !== undefined && (typeof candidate.format !== 'string' || candidate.format === '')) {
      throw new ConfigurationError(`serializer ${JSON.stringify(candidate.name)}: \`format\` must be a non-empty string`);
    }
    serializerCode(candidate as Serializer); // validates `code`
    return candidate as Serializer;
  }
  throw new ConfigurationError(
    `serializer: expected a serializer name or a Serializer object, got ${option === null ? 'null' : typeof option}`,
  );
}

/** The key code of a serializer option (`"standard"` → `s`, a custom object → `x…`). */
export function serializerCodeOf(option: unknown): string {
  return serializerCode(resolveSerializer(option));
}
