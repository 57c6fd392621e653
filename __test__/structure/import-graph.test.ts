/**
 * The layering of src/, checked on the real import graph (every `import`, `export … from`,
 * `import()` and `require()`, type-only ones included), read with the TypeScript compiler's own
 * pre-processor so no source is executed: no cycles anywhere, and the low layers (msgpack/,
 * keys/, encryption/, codec/) never reach up into the layers built on them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const srcDir = resolve(__dirname, '..', '..', 'src');

function sourceFiles(): string[] {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => name.split('\\').join('/'));
}

/** The module (path under src/) a relative specifier of `from` names, or undefined for packages and the generated loader. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(srcDir, dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.startsWith(srcDir) && existsSync(candidate)) return relative(srcDir, candidate).split('\\').join('/');
  }
  return undefined;
}

/** Module → the src/ modules it imports. */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles()) {
    const info = ts.preProcessFile(readFileSync(join(srcDir, file), 'utf8'), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      const target = resolveSpecifier(file, ref.fileName);
      if (target !== undefined) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const graph = importGraph();

/**
 * The one cycle left, and only through a type: `function-runs.ts` names the engine's types
 * (`import type`), the engine constructs `FunctionRuns`. Both files belong to the engine's
 * owners; folding the types out is theirs to do. Any other cycle fails.
 */
function isKnownTypeOnlyCycle(cycle: readonly string[]): boolean {
  return cycle.length === 2 && cycle[0] === 'cache/cache-engine.ts' && cycle[1] === 'cache/function-runs.ts';
}

/** Imports of modules under `layer` that leave the modules `allowed` says they may use. */
function importsOutside(layer: string, allowed: (target: string) => boolean): string[] {
  const bad: string[] = [];
  for (const [from, targets] of graph) {
    if (!from.startsWith(layer)) continue;
    for (const target of targets) if (!target.startsWith(layer) && !allowed(target)) bad.push(`${from} → ${target}`);
  }
  return bad;
}

/** Leaf modules at the root of src/ that any layer may use. */
const ROOT_LEAVES = new Set(['errors.ts', 'error-codes.ts', 'describe-value.ts']);
const under = (...layers: string[]) => (target: string) => ROOT_LEAVES.has(target) || layers.some((layer) => target.startsWith(layer));

describe('the import graph of src/', () => {
  test('is read: it has the modules and edges it should', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('msgpack/value-decoder.ts')).toContain('msgpack/bounds.ts');
    expect(graph.get('codec/codec.ts')).toContain('encryption/value-encryptor.ts');
  });

  test('has no import cycles', () => {
    expect(cycles(graph).filter((cycle) => !isKnownTypeOnlyCycle(cycle))).toEqual([]);
  });

  test('msgpack/ imports nothing but itself and the root leaves (errors, error codes)', () => {
    expect(importsOutside('msgpack/', under())).toEqual([]);
  });

  test('keys/ builds on msgpack/, the native core and collections only — never codec/, cache/, backends/ …', () => {
    expect(importsOutside('keys/', (target) => under('msgpack/', 'collections/')(target) || target === 'native.ts' || target === 'native-loader.ts')).toEqual([]);
  });

  test('encryption/ builds on the native core only — never codec/ or cache/', () => {
    expect(importsOutside('encryption/', (target) => under('collections/')(target) || target === 'native.ts' || target === 'native-loader.ts')).toEqual([]);
  });

  test('codec/ composes msgpack/, encryption/ and the native core — never cache/, l1/, backends/ or reliability/', () => {
    const allowed = (target: string) =>
      under('msgpack/', 'encryption/', 'collections/', 'keys/serializer-code.ts', 'observability/log-safe-text.ts', 'module-system.ts')(target) || target === 'native.ts' || target === 'native-loader.ts';
    expect(importsOutside('codec/', allowed)).toEqual([]);
  });
});
