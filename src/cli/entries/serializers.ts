/**
 * The built-in serializers as stored entries name them: by key code (the `s` of `:1s`) and by
 * envelope format tag. Custom serializers are named by a hash or a free tag, which says nothing
 * about how to read them, so their entries are checked up to their envelope only.
 */
import { resolveSerializer } from '../../codec/serializers/resolve';
import type { Serializer, SerializerName } from '../../codec/serializers/serializer';
import { serializerCode } from '../../keys/serializer-code';

/** A built-in serializer: its key code, its envelope format tag (and AAD format), and how to load it. */
interface BuiltIn {
  readonly code: string;
  readonly format: string;
  readonly name: SerializerName;
}

// The format tags are those the serializers declare; arrow's is spelled out so that apache-arrow
// (an optional peer) is only loaded to decode an arrow value.
const BUILT_INS: readonly BuiltIn[] = [
  { name: 'standard', format: resolveSerializer('standard').format! },
  { name: 'auto', format: resolveSerializer('auto').format! },
  { name: 'json', format: resolveSerializer('json').format! },
  { name: 'arrow', format: 'arrow' },
].map(({ name, format }) => ({ name: name as SerializerName, format, code: serializerCode(name) }));

/** Envelope formats (and AAD formats) that may go with a key code; every built-in's when the code is unknown. */
export function formatsForCode(code: string | undefined): string[] {
  if (code === undefined) return BUILT_INS.map((b) => b.format);
  const known = BUILT_INS.find((b) => b.code === code);
  return known === undefined ? [] : [known.format];
}

/** The serializer that reads envelope format `format`, or undefined for a custom one. Throws when arrow's peer is missing. */
export function serializerForFormat(format: string): Serializer | undefined {
  const known = BUILT_INS.find((b) => b.format === format);
  return known === undefined ? undefined : resolveSerializer(known.name);
}
