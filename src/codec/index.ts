/**
 * The value codec: serializers (standard, json, auto, arrow, custom), the integrity envelope
 * and encryption as one pipeline, and the interop value format. MessagePack itself is in
 * `../msgpack/`, the encryption steps in `../encryption/`.
 */
export { createCodec, DEFAULT_ASYNC_THRESHOLD, type Codec, type EntryContext, type CodecOptions } from './codec';
export { createInteropValueCodec, type InteropValueCodec, type InteropValueCodecOptions } from './interop-value';
export { CodecErrorCode } from './error-codes';
export { PythonFrameError, hasPythonFrameMagic } from './python-frame';
export { standardSerializer, autoSerializer } from './serializers/msgpack-serializers';
export { jsonSerializer } from './serializers/json-serializer';
export { createArrowSerializer } from './serializers/arrow-serializer';
export { resolveSerializer, serializerCodeOf } from './serializers/resolve';
export type { Serializer, SerializerName } from './serializers/serializer';
