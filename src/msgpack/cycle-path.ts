/**
 * Cycle diagnosis for the encoders. Tracking every ancestor on the hot path costs a scan per
 * container, so the encoders only bound the depth; a cyclic value overruns that bound, and
 * only then is it walked again here to report where the cycle closes.
 */

/** `.name` for identifier-like keys, `["a b"]` otherwise. */
export function propertySegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * The path (from `rootLabel`) of the first reference back to an ancestor in `root`, or
 * undefined when the value is merely deep. Follows arrays, plain objects, Maps, Sets and
 * `toJSON()` results, as the encoders do.
 */
export function findCyclePath(root: unknown, rootLabel: string): string | undefined {
  const ancestors = new Set<object>();
  const visit = (value: unknown, path: string): string | undefined => {
    if (value === null || typeof value !== 'object') return undefined;
    if (ancestors.has(value)) return path;
    ancestors.add(value);
    try {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = visit(value[i], `${path}[${i}]`);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      if (value instanceof Map) {
        let index = 0;
        for (const [key, item] of value) {
          const found =
            visit(key, `${path}<Map key ${index}>`) ??
            visit(item, typeof key === 'string' ? `${path}.get(${JSON.stringify(key)})` : `${path}<Map entry ${index}>`);
          if (found !== undefined) return found;
          index++;
        }
        return undefined;
      }
      if (value instanceof Set) {
        let index = 0;
        for (const item of value) {
          const found = visit(item, `${path}<Set element ${index++}>`);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const toJSON = (value as { toJSON?: unknown }).toJSON;
        return typeof toJSON === 'function' ? visit(toJSON.call(value), path) : undefined;
      }
      for (const key of Object.keys(value)) {
        const found = visit((value as Record<string, unknown>)[key], path + propertySegment(key));
        if (found !== undefined) return found;
      }
      return undefined;
    } finally {
      ancestors.delete(value);
    }
  };
  return visit(root, rootLabel);
}
