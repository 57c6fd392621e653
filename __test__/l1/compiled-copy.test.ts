/**
 * Copiers compiled for a template's shape: the copy they build is the generic copier's, for
 * every value the serializers decode and for keys written to break generated code; templates
 * of one shape share a copier, templates of another do not; large shapes and processes that
 * forbid code generation keep the generic walk.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoSerializer, jsonSerializer, standardSerializer } from '../../src/codec';
import { COMPILE_LATER, compiledCopierFor, compilesPerSecond, copierSourceOf } from '../../src/l1/compiled-copy';
import { COPIES_BEFORE_COMPILING, L1Template, copyTemplate, footprintOf } from '../../src/l1/value-template';
import { autoValue, jsonValue, standardValue } from '../codec/arbitraries';
import { assertDistIsFresh } from '../support/package-sandbox';

/** Every container reachable from `a` is a different object from its twin in `b`. */
function sharesNoContainer(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return true;
  if (a === b) return false;
  if (a instanceof Map || a instanceof Set || ArrayBuffer.isView(a) || a instanceof Date) return true;
  return Object.keys(a).every((k) => sharesNoContainer((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** No limit on compiles: these tests compile hundreds of shapes in a second. */
const UNLIMITED = { take: () => true };

/** The compiled copier of `template`, which the test needs to exist. */
function compiled(template: unknown): (t: unknown) => unknown {
  const copier = compiledCopierFor(template, copyTemplate, UNLIMITED);
  if (typeof copier !== 'function') throw new Error('expected a compiled copier');
  return copier;
}

describe('copiers compiled for a template shape', () => {
  it('copy every value the serializers decode as the generic copier does, sharing no container (property)', () => {
    const cases = [
      { serializer: standardSerializer, values: standardValue },
      { serializer: autoSerializer, values: autoValue },
      { serializer: jsonSerializer, values: jsonValue },
    ];
    for (const { serializer, values } of cases) {
      fc.assert(
        fc.property(values, (value) => {
          const decoded = serializer.deserialize(serializer.serialize(value));
          if (footprintOf(decoded) === undefined) return;
          const copier = compiledCopierFor(decoded, copyTemplate, UNLIMITED);
          if (typeof copier !== 'function') return;
          const copy = copier(decoded);
          // isDeepStrictEqual, not toStrictEqual: the latter compares own "constructor" keys as types.
          expect(isDeepStrictEqual(copy, copyTemplate(decoded))).toBe(true);
          expect(sharesNoContainer(decoded, copy)).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('treat keys as data: quotes, code, "__proto__", numbers, line separators and lone surrogates', () => {
    const hostile = [
      '"});globalThis.pwned=1;({"',
      "'];globalThis.pwned=1;//",
      '`${globalThis.pwned=1}`',
      '*/globalThis.pwned=1/*',
      'a\nb',
      'a\u2028b\u2029c',
      '\ud800',
      '',
      '0',
      '01',
      '-1',
      'class',
      'constructor',
      'hasOwnProperty',
      '__proto__',
    ];
    const template = JSON.parse(
      JSON.stringify(Object.fromEntries(hostile.map((key, i) => [key, { inner: { [key]: [i, { [key]: key }] } }]))),
    ) as Record<string, unknown>;
    const copy = compiled(template)(template) as Record<string, unknown>;
    expect(isDeepStrictEqual(copy, copyTemplate(template))).toBe(true);
    expect(Object.keys(copy)).toEqual(Object.keys(template));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(sharesNoContainer(template, copy)).toBe(true);
  });

  it('copy containers they do not write out (Date, Map, Set, typed arrays, null-prototype objects) with the generic copier', () => {
    const template = {
      when: new Date(1_700_000_000_000),
      map: new Map([['k', { v: 1 }]]),
      set: new Set([1, 2]),
      bytes: Buffer.from([1, 2, 3]),
      floats: new Float32Array([1.5]),
      bare: Object.assign(Object.create(null) as object, { x: { y: 1 } }),
      list: [new Date(0), { deep: new Map([[1, 2]]) }],
    };
    const copy = compiled(template)(template) as typeof template;
    expect(copy).toStrictEqual(copyTemplate(template));
    expect(copy.when).not.toBe(template.when);
    expect(copy.map).not.toBe(template.map);
    expect(copy.map.get('k')).not.toBe(template.map.get('k'));
    expect(copy.bytes).not.toBe(template.bytes);
    expect(Object.getPrototypeOf(copy.bare)).toBeNull();
    expect((copy.bare as { x: object }).x).not.toBe((template.bare as { x: object }).x);
    expect(copy.list[1]).not.toBe(template.list[1]);
  });

  it('are shared by templates of one shape and differ between shapes, each copy holding its own template values', () => {
    const first = { id: 1, profile: { name: 'Ada', tags: ['a', 'b'] }, lines: [{ sku: 'x' }] };
    const second = { id: 2, profile: { name: 'Bob', tags: ['c'] }, lines: [{ sku: 'y' }] };
    const longer = { id: 3, profile: { name: 'Cy', tags: [] }, lines: [{ sku: 'z' }, { sku: 'w' }] };
    const primitiveWhereObject = { id: 4, profile: 'none', lines: [{ sku: 'v' }] };
    const copier = compiled(first);
    expect(compiled(second)).toBe(copier);
    expect(copier(second)).toStrictEqual(second);
    expect(compiled(longer)).not.toBe(copier);
    expect(compiled(primitiveWhereObject)).not.toBe(copier);
    expect(compiled(longer)(longer)).toStrictEqual(longer);
    expect(compiled(primitiveWhereObject)(primitiveWhereObject)).toStrictEqual(primitiveWhereObject);
  });

  it('are not compiled for values of more than 64 containers or very long sources, nor for primitives', () => {
    const wide = { rows: Array.from({ length: 64 }, (_, i) => ({ i })) };
    expect(copierSourceOf(wide)).toBeUndefined();
    expect(copierSourceOf({ rows: Array.from({ length: 62 }, (_, i) => ({ i })) })).toBeDefined();
    expect(copierSourceOf({ [`k${'x'.repeat(20_000)}`]: 1 })).toBeUndefined();
    expect(copierSourceOf('text')).toBeUndefined();
    expect(copierSourceOf(null)).toBeUndefined();
  });

  it('are compiled for at most the budget of new shapes per second; known shapes are still answered', () => {
    const budget = compilesPerSecond(2);
    const shapes = [{ a: {} }, { b: {} }, { c: {} }].map((shape) => JSON.parse(JSON.stringify(shape)) as object);
    const [first, second, third] = shapes.map((shape) => compiledCopierFor(shape, copyTemplate, budget));
    expect(typeof first).toBe('function');
    expect(typeof second).toBe('function');
    expect(third).toBe(COMPILE_LATER);
    expect(compiledCopierFor({ a: {} }, copyTemplate, budget)).toBe(first);
    const later = Date.now() + 1_000;
    expect(budget.take(later)).toBe(true);
  });

  it('leave a template refused a compile on exact generic copies', () => {
    // Spend the process's budget for this second on new shapes, then copy a template of another.
    for (let i = 0; i < 64; i++) compiledCopierFor({ [`spent${i}_${Date.now()}`]: { i } }, copyTemplate);
    const value = { refused: { at: Date.now() }, list: [{ x: 1 }] };
    const template = new L1Template(structuredClone(value));
    for (let i = 0; i < COPIES_BEFORE_COMPILING * 2; i++) {
      const copy = template.copy();
      expect(copy).toStrictEqual(value);
      expect(sharesNoContainer(template.value, copy)).toBe(true);
    }
  });

  it('take over a template after its first copies, every copy before and after exact and unshared', () => {
    const value = { id: 9, customer: { name: 'Ada', address: { city: 'London' } }, lines: [{ qty: 1, flags: ['gift'] }] };
    const template = new L1Template(structuredClone(value));
    const copies = Array.from({ length: COPIES_BEFORE_COMPILING * 3 }, () => template.copy() as typeof value);
    for (const copy of copies) {
      expect(copy).toStrictEqual(value);
      expect(sharesNoContainer(template.value, copy)).toBe(true);
    }
    copies[0]!.customer.address.city = 'changed';
    copies.at(-1)!.lines[0]!.flags.push('changed');
    expect(template.copy()).toStrictEqual(value);
  });

  it('leave a process that forbids code generation from strings on the generic copier, hits still exact', () => {
    assertDistIsFresh();
    const script = `
      const { cache } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/index.cjs'))});
      const record = (id) => ({ id, profile: { name: 'n' + id, tags: ['a', 'b'] }, lines: [{ qty: id }] });
      const cached = cache(async function loadRecord(id) { return record(id); }, { backend: null });
      (async () => {
        const seen = [];
        for (let i = 0; i < 40; i++) {
          const value = await cached(7);
          seen.push(JSON.stringify(value) === JSON.stringify(record(7)));
          value.profile.tags.push('mutated');
        }
        process.stdout.write(JSON.stringify(seen.every(Boolean)));
      })();
    `;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' });
    expect(out).toBe('true');
  });
});
