/**
 * Orders strings by Unicode code point, which is the order of their UTF-8 bytes and of Python's
 * `sorted()`. JS `<` and the default `sort()` compare UTF-16 code units instead, which puts
 * U+10000 (surrogates 0xD800…) before U+FF61: the trap the protocol's
 * `map_key_sort_supplementary` vector pins.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * Moves surrogate code units (0xD800–0xDFFF, which only start code points ≥ U+10000) above
 * every other unit, so the first differing unit decides as the code points would.
 */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}
