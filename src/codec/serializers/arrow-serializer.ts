/**
 * `arrow` (key code `w`, envelope format `arrow`): an apache-arrow `Table` as Arrow IPC file
 * bytes, read back as a `Table`. apache-arrow is an optional peer dependency, loaded the first
 * time an arrow codec is created, so nobody else pays for it.
 *
 * apache-arrow ships two copies, ES module and CommonJS, and the IPC writer of one silently
 * writes wrong bytes for a Table of the other. An app gets the copy of its own module system,
 * so cachekit loads the copy of the module system it was loaded through (src/module-system.ts):
 * the ES module copy once the process has imported cachekit, else the CommonJS copy. Then the
 * app's Tables are stored, and Tables of the app's copy come back.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, SerializationError } from '../../errors';
import { esmImportResolver, type ImportResolver } from '../../module-system';
import { UNDECODABLE_VALUE } from '../../msgpack/value-decoder';
import { UNENCODABLE_VALUE } from '../../msgpack/value-encoder';
import type { Serializer } from './serializer';

/** The part of apache-arrow this serializer uses. */
interface ArrowModule {
  Table: abstract new (...args: never[]) => object;
  tableToIPC(table: object, type: 'file'): Uint8Array;
  tableFromIPC(bytes: Uint8Array): object;
}

let arrowModule: ArrowModule | undefined;

function missingArrow(error: unknown): ConfigurationError {
  return new ConfigurationError(
    'serializer "arrow" needs the optional peer dependency apache-arrow: run `npm install apache-arrow` (version 15 or later)',
    { cause: error },
  );
}

function esmNeedsNewerNode(cause?: unknown): ConfigurationError {
  return new ConfigurationError(
    `serializer "arrow" in an ES module app loads apache-arrow's ES module copy with require(), which this Node (${process.versions.node}) refuses: ` +
      'it needs Node 20.19+ or 22.12+, without --no-experimental-require-module. ' +
      "Fix: pass `serializer: createArrowSerializer(arrow)` with `import * as arrow from 'apache-arrow'`, or upgrade Node.",
    { cause },
  );
}

/**
 * apache-arrow's ES module copy, the one an ES module app gets from `import`. It is loaded
 * synchronously (codecs are created synchronously) with `require()` of an ES module, which
 * returns the very module instance `import` gives (Node 20.19+ / 22.12+).
 */
function loadEsmCopy(resolve: ImportResolver): ArrowModule {
  let entry: string;
  try {
    entry = fileURLToPath(resolve('apache-arrow'));
  } catch (error) {
    // Node before 20.6 has no synchronous import.meta.resolve (and no require() of ES modules).
    if (error instanceof TypeError) throw esmNeedsNewerNode(error);
    throw missingArrow(error);
  }
  try {
    return createRequire(import.meta.url)(entry) as ArrowModule;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_REQUIRE_ESM') throw esmNeedsNewerNode(error);
    throw error;
  }
}

/**
 * Loads apache-arrow — the copy of the module system cachekit was loaded through — or throws a
 * ConfigurationError saying how to install it.
 */
export function loadArrow(): ArrowModule {
  if (arrowModule !== undefined) return arrowModule;
  const resolve = esmImportResolver();
  if (resolve !== undefined) {
    arrowModule = loadEsmCopy(resolve);
  } else {
    try {
      arrowModule = createRequire(import.meta.url)('apache-arrow') as ArrowModule;
    } catch (error) {
      throw missingArrow(error);
    }
  }
  return arrowModule;
}

/**
 * Creates the arrow serializer. Without an argument it uses the apache-arrow copy of the module
 * system cachekit was loaded through, which is the app's; pass your own module (`import * as
 * arrow from 'apache-arrow'`) when your Tables come from the other copy (say, an ES module app
 * that loads apache-arrow with `createRequire`), since one copy cannot write the other's Tables.
 * Throws a ConfigurationError when apache-arrow is missing.
 */
export function createArrowSerializer(arrowModule?: object): Serializer {
  const arrow = arrowModule === undefined ? loadArrow() : checkModule(arrowModule);
  return Object.freeze({
    name: 'arrow',
    code: 'w',
    format: 'arrow',
    serialize(value: unknown): Uint8Array {
      if (!hasPrototype(value, arrow.Table.prototype)) {
        if (value instanceof arrow.Table) {
          // apache-arrow's Symbol.hasInstance says yes across copies, but the IPC writer of one
          // copy silently writes wrong bytes for a Table of the other.
          throw new SerializationError(
            'Cannot serialize (arrow): the Table comes from another copy of apache-arrow (ESM vs CommonJS); create the codec with createArrowSerializer(arrow), passing the module your code imports',
            { code: UNENCODABLE_VALUE },
          );
        }
        const type = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'Object') : typeof value;
        throw new SerializationError(`Cannot serialize (arrow): value is ${type}; the arrow serializer stores apache-arrow Tables`, {
          code: UNENCODABLE_VALUE,
        });
      }
      return arrow.tableToIPC(value as object, 'file');
    },
    deserialize(bytes: Uint8Array): unknown {
      // tableFromIPC reads an empty input as an empty table; an IPC file is framed by ARROW1.
      if (!hasFileMagic(bytes)) {
        throw new SerializationError('Cannot deserialize (arrow): the bytes are not an Arrow IPC file (no ARROW1 magic)', {
          code: UNDECODABLE_VALUE,
        });
      }
      try {
        return arrow.tableFromIPC(bytes);
      } catch (error) {
        throw new SerializationError(`Cannot deserialize (arrow): ${(error as Error).message}`, { code: UNDECODABLE_VALUE, cause: error });
      }
    },
  });
}

/** True when `prototype` is on the prototype chain of `value` (no Symbol.hasInstance). */
function hasPrototype(value: unknown, prototype: object): boolean {
  let current: unknown = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : null;
  while (current !== null) {
    if (current === prototype) return true;
    current = Object.getPrototypeOf(current);
  }
  return false;
}

function checkModule(candidate: object): ArrowModule {
  const arrow = candidate as Partial<ArrowModule>;
  if (typeof arrow.Table !== 'function' || typeof arrow.tableToIPC !== 'function' || typeof arrow.tableFromIPC !== 'function') {
    throw new ConfigurationError('createArrowSerializer(arrow): expected the apache-arrow module (with Table, tableToIPC and tableFromIPC)');
  }
  return arrow as ArrowModule;
}

const MAGIC = Buffer.from('ARROW1', 'latin1');

function hasFileMagic(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.length >= 2 * MAGIC.length + 2 && buf.subarray(0, MAGIC.length).equals(MAGIC) && buf.subarray(-MAGIC.length).equals(MAGIC);
}
