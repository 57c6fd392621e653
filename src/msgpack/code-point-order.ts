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

/**
 * Sorts strings by code point in place. UTF-16 order (`<`) agrees with code-point order unless
 * a surrogate meets a unit ≥ U+E000, so the sort compares with `<` and a linear check of
 * neighbours decides whether the slower comparator is needed. Short arrays (object keys, the
 * common case) use an insertion sort, which beats the engine's sort below about 16 items.
 */
export function sortByCodePoint(keys: string[]): string[] {
  const length = keys.length;
  if (length <= 16) {
    for (let i = 1; i < length; i++) {
      const key = keys[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > key) {
        keys[j + 1] = keys[j]!;
        j--;
      }
      keys[j + 1] = key;
    }
  } else {
    keys.sort();
  }
  for (let i = 1; i < length; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) > 0) return keys.sort(compareCodePoints);
  }
  return keys;
}
