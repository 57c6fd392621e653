/**
 * The arrow serializer: apache-arrow Tables through the whole pipeline, refusal of other
 * values and of non-IPC bytes, and the clear error when the optional peer dependency is
 * missing (checked in a child process whose module resolution cannot find apache-arrow).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as arrowEsm from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/errors';
import { createCodec } from '../../src/codec/codec';
import { createArrowSerializer } from '../../src/codec/serializers/arrow-serializer';

// The package as `serializer: 'arrow'` loads it (require: the CommonJS copy) and as ESM code imports it.
const arrowCjs = createRequire(__filename)('apache-arrow') as typeof arrowEsm;

const context = { key: 'k' };

describe('arrow serializer', () => {
  const table = arrowCjs.tableFromArrays({ id: Int32Array.from([1, 2, 3]), name: ['a', 'b', 'c'], score: Float64Array.from([0.5, 1.5, 2.5]) });

  it.each([true, false])('round-trips a Table (integrity %s)', (integrity) => {
    const codec = createCodec({ serializer: 'arrow', integrity });
    const read = codec.decode(codec.encode(table, context), context) as typeof table;
    expect(read.numRows).toBe(3);
    expect(read.toArray().map((row) => row.toJSON())).toEqual(table.toArray().map((row) => row.toJSON()));
  });

  it('writes Tables of an ESM import when given that module', () => {
    const esmTable = arrowEsm.tableFromArrays({ id: Int32Array.from([7, 8]) });
    const codec = createCodec({ serializer: createArrowSerializer(arrowEsm) });
    expect(codec.serializerCode).toBe('w');
    const read = codec.decode(codec.encode(esmTable, context), context) as typeof esmTable;
    expect(read.toArray().map((row) => row.toJSON())).toEqual([{ id: 7 }, { id: 8 }]);
  });

  it('refuses a Table of the other apache-arrow copy instead of writing wrong bytes', () => {
    const esmTable = arrowEsm.tableFromArrays({ id: Int32Array.from([7, 8]) });
    expect(() => createCodec({ serializer: 'arrow' }).encode(esmTable, context)).toThrow(/another copy of apache-arrow/);
  });

  it('refuses a value that is not a Table', () => {
    expect(() => createCodec({ serializer: 'arrow' }).encode({ id: [1] }, context)).toThrow(/apache-arrow Tables/);
  });

  it('refuses bytes that are not an Arrow IPC file, even empty ones', () => {
    const codec = createCodec({ serializer: 'arrow', integrity: false });
    expect(() => codec.decode(Buffer.alloc(0), context)).toThrow(SerializationError);
    expect(() => codec.decode(Buffer.from('hello'), context)).toThrow(SerializationError);
  });

  it('names the missing peer dependency and the fix', () => {
    const repo = path.resolve(__dirname, '..', '..');
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'apache-arrow') throw Object.assign(new Error("Cannot find module 'apache-arrow'"), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const { createCodec } = require('./src/codec/codec.ts');
      try { createCodec({ serializer: 'arrow' }); console.log('created'); }
      catch (error) { console.log(error.name + ': ' + error.message); }
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(output).toContain('ConfigurationError');
    expect(output).toContain('npm install apache-arrow');
  });
});
