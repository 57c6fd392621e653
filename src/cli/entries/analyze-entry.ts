/**
 * Judges one stored entry with the library's own readers: the native envelope checks, the
 * sealed-frame encryptor, the keyed-integrity authenticator, the interop codec and the
 * serializers. Each layer is opened as a read would open it, so an entry the CLI calls `ok` is
 * one a cache would serve and one it calls `bad` is one a cache would count as a miss.
 */
import { keyBoundFormat, KEY_BOUND_FORMAT_SEPARATOR } from '../../codec/codec';
import { createInteropValueCodec, type InteropValueCodec } from '../../codec/interop-value';
import { describePythonFrame, hasPythonFrameMagic } from '../../codec/python-frame';
import { parseSealed } from '../../encryption/sealed-frame';
import { CachekitError, ConfigurationError, DecryptionError } from '../../errors';
import { parseStoredKey, type DefaultKeyParts, type StoredKeyParts } from '../../keys/parse-stored-key';
import { ByteStorage, type EnvelopeDescription, macFrameFingerprint, NativeErrorCode } from '../../native';
import { logSafeLine, storedField } from '../../observability/log-safe-text';
import type { StoredEntry } from './entry-source';
import type { EntryReport } from './entry-report';
import type { KeyMaterial } from './key-material';
import { formatsForCode, serializerForFormat } from './serializers';

/** The parts of a report a layer decides. */
type Findings = Partial<EntryReport> & Pick<EntryReport, 'verdict'>;

/** What an AAD binds besides tenant and key: the serializer format and whether an envelope is inside. */
interface SealedLayout {
  readonly format: string;
  readonly compressed: boolean;
}

const SEALED_MAGIC = [0x63, 0x6b, 0x6e, 0x01];
const NO_KEY_GIVEN = 'pass --master-key (or set CACHEKIT_MASTER_KEY) to check it';
const KEY_UNKNOWN = 'its stored key is not known here (a file cache names entries by a hash of their key), and the check is bound to it; pass the exact key to check it';

/** Judges entries; one per command run (it keeps the codecs it builds). */
export class EntryAnalyzer {
  private readonly storage = new ByteStorage();
  private readonly interopPlain: InteropValueCodec = createInteropValueCodec();
  private readonly interopSealed: InteropValueCodec | undefined;

  constructor(
    private readonly keys: KeyMaterial | undefined,
    private readonly decode: boolean,
  ) {
    this.interopSealed = keys === undefined ? undefined : createInteropValueCodec({ encryption: keys.interop });
  }

  /** The report of one entry. */
  analyze(entry: StoredEntry): EntryReport {
    const parts = entry.key === undefined ? undefined : parseStoredKey(entry.key);
    // Another application's key is never judged (nor decoded), whatever its bytes look like.
    const findings: Findings = parts?.kind === 'foreign' ? { verdict: 'foreign', problem: 'not a key any cachekit SDK writes' } : this.judge(entry, parts);
    return { ...baseReport(entry, parts), ...findings, ...(this.decode ? {} : { value: undefined }) };
  }

  private judge(entry: StoredEntry, parts: StoredKeyParts | undefined): Findings {
    if (entry.unreadable !== undefined) {
      return { verdict: entry.unreadable.corrupt ? 'bad' : 'unverified', problem: entry.unreadable.reason };
    }
    if (parts?.kind === 'lock') return { format: 'lock', verdict: 'ok' };
    const value = entry.value ?? Buffer.alloc(0);
    const known = parts?.kind === 'default' ? parts : undefined;
    if (startsWith(value, SEALED_MAGIC)) return this.sealed(value, known);
    if (macFrameFingerprint(value) !== undefined) return this.keyed(value, known);
    if (parts?.kind === 'interop') return this.interop(value, entry.key!);
    if (hasPythonFrameMagic(value)) return pythonFrame(value);
    if (known?.integrity === false) return { format: 'raw', checksum: 'none', ...this.payload(value, formatsForCode(known.serializerCode)[0]) };
    if (known !== undefined) return this.envelope(value, known);
    return this.unknownKey(value);
  }

  /** A plaintext envelope; `binding` (when given) checks a key-bound format tag and the key's serializer. */
  private envelope(bytes: Buffer, binding: DefaultKeyParts | undefined): Findings {
    const description = this.describe(bytes);
    return description instanceof Error ? invalidEnvelope(description) : this.checkedEnvelope(bytes, description, binding);
  }

  /** What the envelope declares, or the error of a value that is no envelope. */
  private describe(bytes: Buffer): EnvelopeDescription | Error {
    try {
      return this.storage.describe(bytes);
    } catch (error) {
      return error as Error;
    }
  }

  private checkedEnvelope(bytes: Buffer, description: EnvelopeDescription, binding: DefaultKeyParts | undefined): Findings {
    const [format = '', bound] = description.format.split(KEY_BOUND_FORMAT_SEPARATOR);
    const layout: Findings = {
      format: 'envelope',
      serializer: storedField(format),
      keyBound: bound !== undefined,
      compressedBytes: description.compressedSize,
      originalBytes: description.originalSize,
      checksum: 'failed',
      verdict: 'bad',
    };
    let payload: Buffer;
    try {
      payload = this.storage.retrieve(bytes).data;
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { ...layout, checksum: code === NativeErrorCode.CHECKSUM_MISMATCH ? 'failed' : 'not-checked', problem: messageOf(error) };
    }
    const checked: Findings = { ...layout, checksum: 'ok', verdict: 'ok' };
    if (binding !== undefined) {
      const expected = formatsForCode(binding.serializerCode);
      if (binding.serializerCode !== undefined && expected.length > 0 && !expected.includes(format)) {
        return { ...checked, verdict: 'bad', problem: `its format tag "${storedField(format)}" is not the serializer its key names (${expected.join(', ')})` };
      }
      if (bound !== undefined && description.format !== keyBoundFormat(format, { key: binding.logicalKey, tenant: binding.tenant })) {
        return { ...checked, verdict: 'bad', problem: 'its envelope is bound to another key or tenant: copied or moved here' };
      }
    }
    return { ...checked, ...this.payload(payload, format) };
  }

  /** Decodes serializer bytes; a failure is `bad` (a cache would count the read as a miss). */
  private payload(payload: Buffer, format: string | undefined): Findings {
    let serializer: ReturnType<typeof serializerForFormat>;
    try {
      serializer = format === undefined ? undefined : serializerForFormat(format);
    } catch (error) {
      if (error instanceof ConfigurationError) return { verdict: 'ok', problem: `not decoded: ${error.message}` };
      throw error;
    }
    if (serializer === undefined) return { verdict: 'ok', problem: 'written by a custom serializer: checked up to its envelope, not decoded' };
    try {
      return { serializer: format ?? null, verdict: 'ok', value: serializer.deserialize(payload) };
    } catch (error) {
      return { verdict: 'bad', problem: `does not decode as ${format}: ${messageOf(error)}` };
    }
  }

  /** An encrypted default-mode entry: the frame names the key; the AAD binds tenant, key and layout. */
  private sealed(value: Buffer, parts: DefaultKeyParts | undefined): Findings {
    let header: ReturnType<typeof parseSealed>;
    try {
      header = parseSealed(value);
    } catch (error) {
      return { format: 'sealed', verdict: 'bad', problem: messageOf(error) };
    }
    const frame: Findings = { format: 'sealed', algorithm: header.algorithm, keyFingerprint: header.fingerprint.toString('hex'), verdict: 'unverified' };
    if (this.keys === undefined) return { ...frame, problem: `encrypted: ${NO_KEY_GIVEN}` };
    if (parts === undefined) return { ...frame, problem: `encrypted, and ${KEY_UNKNOWN}` };
    const { sealed } = this.keys;
    return this.openProtected(frame, parts, (layout) => {
      const context = { key: parts.logicalKey, tenant: parts.tenant };
      return { plaintext: sealed.decrypt(value, context, layout), previous: sealed.sealedWithPreviousKey(value, context) };
    });
  }

  /** A keyed-integrity entry: the MAC frame names the key; the tag binds tenant, key and layout. */
  private keyed(value: Buffer, parts: DefaultKeyParts | undefined): Findings {
    const frame: Findings = { format: 'keyed', keyFingerprint: macFrameFingerprint(value)!.toString('hex'), verdict: 'unverified' };
    if (this.keys === undefined) return { ...frame, problem: `keyed integrity: ${NO_KEY_GIVEN}` };
    if (parts === undefined) return { ...frame, problem: `keyed integrity, and ${KEY_UNKNOWN}` };
    const { keyed } = this.keys;
    return this.openProtected(frame, parts, (layout) => {
      const context = { key: parts.logicalKey, tenant: parts.tenant };
      return { plaintext: keyed.verify(value, context, layout), previous: keyed.sealedWithPreviousKey(value, context) };
    });
  }

  /**
   * Opens a sealed or keyed entry under each layout its key allows (one, unless the key was
   * shortened and lost its serializer suffix), then checks what is inside.
   */
  private openProtected(frame: Findings, parts: DefaultKeyParts, open: (layout: SealedLayout) => { plaintext: Buffer; previous: boolean }): Findings {
    const layouts = sealedLayouts(parts);
    if (layouts.length === 0) return { ...frame, problem: 'written by a custom serializer, whose format (bound into the check) is not known here' };
    let failure: unknown;
    for (const layout of layouts) {
      let opened: { plaintext: Buffer; previous: boolean };
      try {
        opened = open(layout);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === NativeErrorCode.UNKNOWN_KEY_FINGERPRINT) {
          return { ...frame, sealedWith: 'unknown', verdict: 'key-mismatch', problem: 'it names a key none of the given master keys derives for its tenant: another master key sealed it' };
        }
        if (!(error instanceof CachekitError)) throw error;
        failure = error;
        continue;
      }
      const sealedWith = opened.previous ? 'previous' : 'current';
      const inner = layout.compressed ? this.envelope(opened.plaintext, undefined) : { format: 'raw' as const, checksum: 'none' as const, ...this.payload(opened.plaintext, layout.format) };
      return { ...inner, ...frame, sealedWith, verdict: inner.verdict, problem: inner.problem ?? null };
    }
    return { ...frame, sealedWith: 'current', verdict: 'bad', problem: `does not authenticate for its key and tenant (altered, or moved from another key): ${messageOf(failure)}` };
  }

  /** An interop entry: plain MessagePack, or (with a master key) its bare ciphertext. */
  private interop(value: Buffer, key: string): Findings {
    try {
      return { format: 'interop', serializer: 'msgpack', checksum: 'none', verdict: 'ok', value: this.interopPlain.decode(value) };
    } catch (plainError) {
      if (hasPythonFrameMagic(value)) return pythonFrame(value);
      const sealed = this.interopSealed;
      if (sealed === undefined) {
        return { format: 'unknown', verdict: 'unverified', problem: `not plain MessagePack (${messageOf(plainError)}); if it is an encrypted interop entry, ${NO_KEY_GIVEN}` };
      }
      const tenant = this.keys!.interopTenant;
      try {
        return { format: 'interop-sealed', serializer: 'msgpack', checksum: 'none', verdict: 'ok', value: sealed.decode(value, { key, tenant }) };
      } catch (error) {
        if (error instanceof DecryptionError) {
          return { format: 'unknown', verdict: 'unverified', problem: `neither plain MessagePack nor decryptable with the given master key for tenant "${storedField(tenant)}" (pass --tenant if another tenant sealed it)` };
        }
        return { format: 'interop-sealed', verdict: 'bad', problem: `decrypts, but is not an interop value: ${messageOf(error)}` };
      }
    }
  }

  /** An entry whose key is unknown (a file entry found by walking): judged by its bytes alone. */
  private unknownKey(value: Buffer): Findings {
    const description = this.describe(value);
    if (!(description instanceof Error)) return this.checkedEnvelope(value, description, undefined);
    try {
      return { format: 'raw', serializer: 'msgpack', checksum: 'none', verdict: 'ok', value: this.interopPlain.decode(value) };
    } catch {
      return {
        format: 'unknown',
        verdict: 'unverified',
        problem: `neither an envelope nor a MessagePack document (an encrypted interop value, or a custom serializer's bytes), and ${KEY_UNKNOWN}`,
      };
    }
  }
}

function invalidEnvelope(error: Error): Findings {
  return { format: 'envelope', checksum: 'not-checked', verdict: 'bad', problem: `not a valid envelope: ${messageOf(error)}` };
}

/** The AAD layouts a default-mode key allows: the one its suffix names, or every built-in one. */
function sealedLayouts(parts: DefaultKeyParts): SealedLayout[] {
  const formats = formatsForCode(parts.serializerCode);
  const compressions = parts.integrity === undefined ? [true, false] : [parts.integrity];
  return compressions.flatMap((compressed) => formats.map((format) => ({ format, compressed })));
}

function pythonFrame(value: Buffer): Findings {
  return {
    format: 'python-ck',
    verdict: 'unverified',
    problem: `${describePythonFrame(value)}: cachekit-py's auto-mode container, which only cachekit-py checks and reads`,
  };
}

function baseReport(entry: StoredEntry, parts: StoredKeyParts | undefined): EntryReport {
  const data = parts?.kind === 'lock' ? parts.data : parts;
  return {
    key: entry.key ?? null,
    file: entry.file ?? null,
    keyKind: parts === undefined ? 'unknown' : parts.kind,
    tenant: data?.kind === 'default' ? data.tenant : null,
    namespace: data?.kind === 'default' || data?.kind === 'interop' ? (data.namespace ?? null) : null,
    function: data?.kind === 'default' ? (data.function ?? null) : data?.kind === 'interop' ? data.operation : null,
    ttlSeconds: entry.ttlSeconds,
    storedBytes: entry.storedBytes,
    format: 'unknown',
    serializer: null,
    keyBound: null,
    compressedBytes: null,
    originalBytes: null,
    checksum: 'not-checked',
    algorithm: null,
    keyFingerprint: null,
    sealedWith: null,
    verdict: 'unverified',
    problem: null,
  };
}

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

/** An error's message, made safe: errors about stored bytes may quote them. */
function messageOf(error: unknown): string {
  return logSafeLine(error instanceof Error ? error.message : String(error), 300);
}
