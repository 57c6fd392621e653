/**
 * The layering of src/, checked on the real import graph (every `import`, `export … from`,
 * `import()` and `require()`, type-only ones included), read with the TypeScript compiler's own
 * pre-processor so no source is executed: no cycles (at run time or through types), and the
 * low layers (msgpack/, keys/, encryption/, codec/) never reach up into the layers built on them.
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

/** The specifiers a file names only in `import type` / `export type` (erased from the emitted code). */
function typeOnlySpecifiers(file: string, text: string): Set<string> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const typeOnly = new Set<string>();
  const valued = new Set<string>();
  for (const statement of source.statements) {
    let specifier: string | undefined;
    let erased = false;
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifier = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      erased =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly)));
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifier = statement.moduleSpecifier.text;
      const clause = statement.exportClause;
      erased = statement.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly));
    }
    if (specifier === undefined) continue;
    (erased ? typeOnly : valued).add(specifier);
  }
  for (const specifier of valued) typeOnly.delete(specifier);
  return typeOnly;
}

interface ImportGraph {
  /** Module → every src/ module it imports, types included. */
  readonly all: Map<string, Set<string>>;
  /** Module → the src/ modules it imports at run time (type-only imports left out). */
  readonly runtime: Map<string, Set<string>>;
}

function importGraph(): ImportGraph {
  const all = new Map<string, Set<string>>();
  const runtime = new Map<string, Set<string>>();
  for (const file of sourceFiles()) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    const erased = typeOnlySpecifiers(file, text);
    const targets = new Set<string>();
    const runtimeTargets = new Set<string>();
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveSpecifier(file, ref.fileName);
      if (target === undefined) continue;
      targets.add(target);
      if (!erased.has(ref.fileName)) runtimeTargets.add(target);
    }
    all.set(file, targets);
    runtime.set(file, runtimeTargets);
  }
  return { all, runtime };
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
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

const { all: graph, runtime: runtimeGraph } = importGraph();

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
    // ports.ts names the codec's types only: an edge of the full graph, erased at run time.
    expect(graph.get('cache/ports.ts')).toContain('codec/codec.ts');
    expect(runtimeGraph.get('cache/ports.ts')).not.toContain('codec/codec.ts');
    expect(runtimeGraph.get('msgpack/value-decoder.ts')).toContain('msgpack/bounds.ts');
  });

  test('has no import cycles at run time', () => {
    expect(cycles(runtimeGraph)).toEqual([]);
  });

  test('has no import cycles through types either', () => {
    // The engine's parts (flights, function runs) see it through engine-core.ts, not its class.
    expect(cycles(graph)).toEqual([]);
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
