/**
 * The calls and values the live interop suite exchanges with the Python SDK. Each case is one
 * decorated function (operation + Python signature), one call and the value it returns.
 *
 * `args` is the flat positional argument array, which is what a Node caller passes and what
 * the interop key hashes. `pythonCall`, when present, is how the Python side calls the same
 * function instead (keywords, omitted defaults): the SDK binds it to the same flat array, so
 * both sides must land on one key.
 */
import { tag, type Tagged } from './tagged';

/** A Python parameter: a name and, optionally, a default (tagged JSON). */
export interface PythonParam {
  readonly name: string;
  readonly default?: Tagged;
}

/** A call as both sides describe it (see the file comment). */
export interface InteropCall {
  readonly id: string;
  readonly operation: string;
  readonly params: readonly PythonParam[];
  readonly args: readonly Tagged[];
  readonly pythonCall?: { readonly args?: readonly Tagged[]; readonly kwargs?: Readonly<Record<string, Tagged>> };
}

/** A call and the value the function returns. */
export interface InteropCase extends InteropCall {
  readonly value: Tagged;
}

const p = (name: string, defaultValue?: Tagged): PythonParam => (defaultValue === undefined ? { name } : { name, default: defaultValue });

/**
 * Values and arguments of every shape the issue names: ints (up to the uint64 / int64 ends),
 * floats (integral ones too), strings with non-ASCII (and map keys whose UTF-16 order differs
 * from code-point order), nested maps, lists, bytes, date-times, dates, null; keyword and
 * default-argument binding on the Python side.
 */
export const VALUE_CASES: readonly InteropCase[] = [
  { id: 'int', operation: 'num.square', params: [p('n')], args: [7], value: 49 },
  {
    id: 'int-extremes',
    operation: 'num.extremes',
    params: [p('n')],
    args: [-3],
    value: [-1, 255, 65_536, -9_007_199_254_740_991, tag.int('-9223372036854775808'), tag.int('18446744073709551615')],
  },
  {
    id: 'float',
    operation: 'price.quote',
    params: [p('unit_price'), p('quantity')],
    args: [tag.float('19.99'), 3],
    value: { total: tag.float('59.97'), unit: tag.float('19.99'), tax_rate: tag.float('0.2'), rounded: tag.float('60.0') },
  },
  {
    id: 'string-non-ascii',
    operation: 'greeting.render',
    params: [p('name'), p('locale')],
    args: ['Zoë', 'ja-JP'],
    value: 'こんにちは、Zoë Ørsted! 🎉 ﬀ — ½ ∑',
  },
  {
    id: 'nested-map-kwargs-default',
    operation: 'user.profile',
    params: [p('user_id'), p('include_deleted', false)],
    args: [1001, false],
    pythonCall: { kwargs: { user_id: 1001 } },
    value: {
      name: 'Åsa Öberg',
      active: true,
      tags: ['admin', 'ops'],
      scores: { math: tag.float('9.5'), art: 7 },
      // Code-point order (é, ﬀ U+FB00, 😀 U+1F600, z…) differs from UTF-16 order (😀 before ﬀ).
      order: { z: 1, é: 2, '😀': 3, ﬀ: 4, Z: 5 },
      address: { city: 'Malmö', geo: { lat: tag.float('55.605'), lon: tag.float('13.0038') } },
    },
  },
  {
    id: 'list',
    operation: 'batch.items',
    params: [p('ids')],
    args: [[3, 1, 2]],
    value: [1, 'two', tag.float('3.5'), null, [true, false], [], {}],
  },
  {
    id: 'bytes',
    operation: 'blob.fetch',
    params: [p('digest')],
    args: [tag.bytes('00ff10a5')],
    value: tag.bytes('00ff1062797465730000c0c1'),
  },
  {
    id: 'datetime',
    operation: 'event.at',
    params: [p('when'), p('zone', 'UTC')],
    args: [tag.datetime('2024-05-06T07:08:09.123000+00:00'), 'UTC'],
    pythonCall: { args: [tag.datetime('2024-05-06T07:08:09.123000+00:00')] },
    value: { at: tag.datetime('2024-05-06T07:08:09.123000+00:00'), midnight: tag.datetime('2000-01-01T00:00:00+00:00') },
  },
  {
    id: 'search-map-arg',
    operation: 'search.run',
    params: [p('query'), p('page', 1)],
    args: [{ q: 'café crème', filters: { tags: ['a', 'b'], min_score: tag.float('1.5'), ﬀ: true, '😀': false } }, 2],
    pythonCall: { kwargs: { page: 2, query: { q: 'café crème', filters: { tags: ['a', 'b'], min_score: tag.float('1.5'), ﬀ: true, '😀': false } } } },
    value: { hits: [{ id: 1, title: 'Crème brûlée' }], total: 1 },
  },
  { id: 'null', operation: 'user.find', params: [p('email')], args: [null], value: null },
];

/**
 * Calendar dates cross as the protocol's `{"__date__": true, "value": …}` map: Python revives
 * it as a `date`, Node's interop reader leaves it a plain map (it revives `__datetime__` only).
 */
export const DATE_CASE: InteropCase = {
  id: 'date',
  operation: 'calendar.day',
  params: [p('year'), p('day_of_year')],
  args: [2024, 127],
  value: { day: tag.date('2024-05-06'), open_from: tag.time('09:30:00') },
};

/**
 * Extra key-only calls (no cache entry): argument shapes whose canonical form has traps —
 * sets, UUIDs, date-times below a millisecond and with offsets, integral floats (which collapse
 * to integers in keys), -0.0, the integer range ends, code-point-ordered map keys, no args.
 */
export const KEY_ONLY_CALLS: readonly InteropCall[] = [
  { id: 'no-args', operation: 'config.load', params: [], args: [] },
  { id: 'integral-float', operation: 'k.float', params: [p('x'), p('y')], args: [tag.float('2.0'), tag.float('-0.0')] },
  { id: 'float-fraction', operation: 'k.float', params: [p('x'), p('y')], args: [tag.float('0.1'), tag.float('-1e-300')] },
  { id: 'int-ends', operation: 'k.int', params: [p('a'), p('b'), p('c')], args: [tag.int('18446744073709551615'), tag.int('-9223372036854775808'), -33] },
  { id: 'set', operation: 'k.set', params: [p('s')], args: [tag.set(3, 'b', 1, tag.float('2.0'), 'a', 2)] },
  { id: 'uuid', operation: 'k.uuid', params: [p('id')], args: [tag.uuid('3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B')] },
  {
    id: 'datetime-micro-offset',
    operation: 'k.when',
    params: [p('a'), p('b'), p('c')],
    args: [tag.datetime('2024-05-06T07:08:09.123456+05:30'), tag.datetime('1969-12-31T23:59:59.999999+00:00'), tag.datetime('2024-05-06T07:08:09-08:00')],
  },
  {
    id: 'unicode-keys',
    operation: 'k.map',
    params: [p('m')],
    args: [{ '😀': 1, ﬀ: 2, é: 3, Z: 4, a: [{ ß: null, ss: tag.bytes('') }] }],
  },
  {
    id: 'keywords-reordered',
    operation: 'k.kw',
    params: [p('a'), p('b', 'x'), p('c', tag.float('1.5'))],
    args: [1, 'y', tag.float('1.5')],
    pythonCall: { kwargs: { b: 'y', a: 1 } },
  },
];
