/**
 * `arrow` (key code `w`, envelope format `arrow`): an apache-arrow `Table` as Arrow IPC file
 * bytes, read back as a `Table`. apache-arrow is an optional peer dependency, loaded the first
 * time an arrow codec is created, so nobody else pays for it.
 */
import { createRequire } from 'node:module';
import { ConfigurationError, SerializationError } from '../../errors';
import { UNDECODABLE_VALUE } from '../msgpack/value-decoder';
import { UNENCODABLE_VALUE } from '../msgpack/value-encoder';
import type { Serializer } from './serializer';

/** The part of apache-arrow this serializer uses. */
interface ArrowModule {
  Table: abstract new (...args: never[]) => object;
  tableToIPC(table: object, type: 'file'): Uint8Array;
  tableFromIPC(bytes: Uint8Array): object;
}

let arrowModule: ArrowModule | undefined;

/** Loads apache-arrow, or throws a ConfigurationError saying how to install it. */
export function loadArrow(): ArrowModule {
  if (arrowModule !== undefined) return arrowModule;
  try {
    arrowModule = createRequire(import.meta.url)('apache-arrow') as ArrowModule;
  } catch (error) {
    throw new ConfigurationError(
      'serializer "arrow" needs the optional peer dependency apache-arrow: run `npm install apache-arrow` (version 15 or later)',
      { cause: error },
    );
  }
  return arrowModule;
}

/**
 * Creates the arrow serializer. Pass your own `apache-arrow` module (`import * as arrow from
 * 'apache-arrow'`) when your code is ESM: without it the serializer loads the package with
 * `require`, which is its CommonJS copy, and Tables of one copy cannot be written by the other.
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
