/**
 * test-vectors/python-frame.json: cachekit-py's CK v3 frames are Python-SDK-internal, so every
 * frame in the file (frame rows, the error rows that carry the CK magic, and the encrypted-read
 * rows) is refused by every codec setting with a PythonFrameError that names interop mode. The
 * two error rows without the magic are other SDKs' containers, not frames.
 */
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors';
import { createCodec } from '../../src/codec/codec';
import { createTenantKeysEncryptor } from '../../src/encryption/tenant-keys-encryptor';
import { createInteropValueCodec } from '../../src/codec/interop-value';
import { PYTHON_FRAME_ERROR, PythonFrameError, hasPythonFrameMagic } from '../../src/codec/python-frame';
import { hex, loadVectors } from '../support/vectors';

interface FrameRow {
  name: string;
  frame_hex: string;
}
const file = loadVectors<{
  frame_vectors: FrameRow[];
  error_vectors: FrameRow[];
  encrypted_read_vectors: FrameRow[];
  encrypted_reader: { master_key_hex: string; tenant_id: string; cache_key: string };
}>('python-frame.json');

const allRows = [...file.frame_vectors, ...file.error_vectors, ...file.encrypted_read_vectors];
const frames = allRows.filter((row) => hasPythonFrameMagic(hex(row.frame_hex)));
const notFrames = allRows.filter((row) => !hasPythonFrameMagic(hex(row.frame_hex)));

const reader = file.encrypted_reader;
const encryption = createTenantKeysEncryptor({ masterKey: hex(reader.master_key_hex) });
const context = { key: reader.cache_key, tenant: reader.tenant_id };

type Reader = [string, { decode(bytes: Uint8Array, context: { key: string; tenant: string }): unknown }];
const readers: Reader[] = [
  ...(['standard', 'auto', 'json', 'arrow'] as const).flatMap((serializer): Reader[] => [
    [`${serializer}, integrity on`, createCodec({ serializer })],
    [`${serializer}, integrity off`, createCodec({ serializer, integrity: false })],
    [`${serializer}, encrypted`, createCodec({ serializer, encryption })],
  ]),
  ['interop value', createInteropValueCodec()],
  ['interop value, encrypted', createInteropValueCodec({ encryption })],
];

describe('python-frame.json', () => {
  it('holds 29 frames with the CK magic and 2 other containers', () => {
    expect(frames).toHaveLength(29);
    expect(notFrames.map((row) => row.name).sort()).toEqual(['bare_envelope_fed_to_frame_reader', 'plain_msgpack_fed_to_frame_reader']);
  });

  describe.each(readers)('%s', (_label, codec) => {
    it.each(frames.map((row) => [row.name, row] as const))('refuses %s as a cachekit-py frame', (_name, row) => {
      let caught: unknown;
      try {
        codec.decode(hex(row.frame_hex), context);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PythonFrameError);
      expect(caught).toBeInstanceOf(IntegrityError);
      expect((caught as PythonFrameError).code).toBe(PYTHON_FRAME_ERROR);
      expect((caught as Error).message).toMatch(/interop mode/);
    });
  });
});
