/**
 * Copies of an L1 template compiled for its shape. The generic copier (`copyTemplate`) asks of
 * every property whether it holds a container, recursing through keyed loads V8 cannot
 * specialise; a function written for one shape (`{ id: t.id, profile: { bio: p.bio, … } }`)
 * builds the copy as object and array literals, about ten times faster once optimised (a 1 KB
 * record of 34 containers: 0.20–0.22 against 2.2 µs). The function is generated from the template's
 * structure — its keys, which of them hold containers, the lengths of arrays that hold
 * containers — never from its values, and shared by every template of that structure: the
 * source text is the shape, so two templates share a copier only if the code is right for both.
 *
 * Compiling costs 120–190 µs and the function runs at about the generic walk's speed until V8
 * has optimised it (a few thousand calls), so a template asks for one only after it has been
 * copied a few times (see `L1Template`), and new shapes are compiled at a bounded rate; large
 * shapes, and processes that forbid code generation from strings, keep the generic walk.
 */

/** A function returning a deep copy of a template. */
export type Copier = (template: unknown) => unknown;

/** Containers (objects and arrays) a compiled shape may have; larger values keep the generic walk. */
const MAX_CONTAINERS = 64;
/** Source length a compiled shape may have (long keys, wide objects); the nested 1 KB record's is 1.5 KB. */
const MAX_SOURCE_LENGTH = 8_192;
/**
 * Compiled shapes kept; the oldest is dropped for a new one (its templates keep their copier).
 * With the source cap, the shapes' text stays under about 1 MB however many shapes values take.
 */
const MAX_SHAPES = 128;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** The generic copier's name inside a compiled copier's source. */
const GENERIC = 'c';
const OBJECT_PROTOTYPE = Object.prototype;

const shapes = new Map<string, Copier>();
/** False once the process refused to compile (`--disallow-code-generation-from-strings`). */
let codeGenerationAllowed = true;

/** Too many containers or too much source: the shape is not compiled. */
class TooLarge extends Error {}

/** How one key is written in a copier: the read from the template and the property of the copy. */
interface KeyText {
  readonly access: string;
  readonly property: string;
}

/** Keys written before (shapes repeat, so their keys do); cleared when it grows past its bound. */
const keyTexts = new Map<string, KeyText>();
const MAX_KEY_TEXTS = 4096;

function keyTextOf(key: string): KeyText {
  let text = keyTexts.get(key);
  if (text !== undefined) return text;
  if (IDENTIFIER.test(key) && key !== '__proto__') text = { access: `.${key}`, property: key };
  else {
    // A computed key defines an own "__proto__" property instead of setting the prototype.
    const literal = JSON.stringify(key);
    text = { access: `[${literal}]`, property: `[${literal}]` };
  }
  if (keyTexts.size >= MAX_KEY_TEXTS) keyTexts.clear();
  keyTexts.set(key, text);
  return text;
}

/**
 * Writes the body of a copier: one `const` per container of the template (read once, in
 * order), then one expression building the copy. Keys enter the source only through
 * `JSON.stringify` (a string literal) or as plain ASCII identifiers, so no key can change
 * what the code does.
 */
class CopierSource {
  private declarations = '';
  private names = 0;
  private containers = 0;
  private length = 0;

  body(template: object): string {
    const expression = this.expression(template, 't');
    return `${this.declarations}return ${expression};`;
  }

  private expression(value: unknown, reference: string): string {
    if (typeof value !== 'object' || value === null) return reference;
    if (Array.isArray(value)) return this.array(value, reference);
    if (Object.getPrototypeOf(value) === OBJECT_PROTOTYPE) return this.object(value as Record<string, unknown>, reference);
    // Dates, Maps, Sets, typed arrays, null-prototype objects: the generic walk copies them.
    return `${GENERIC}(${reference})`;
  }

  private array(items: readonly unknown[], reference: string): string {
    if (!items.some((item) => typeof item === 'object' && item !== null)) {
      // `slice`, not a literal of the elements: the shape stays the same whatever the array's
      // length (a literal copies three elements 10 % faster, but every length would be a shape).
      this.count(reference.length);
      return items.length === 0 ? '[]' : `${reference}.slice()`;
    }
    const name = this.declare(reference);
    let out = '[';
    for (let index = 0; index < items.length; index++) {
      if (index > 0) out += ',';
      out += this.expression(items[index], `${name}[${index}]`);
    }
    return `${out}]`;
  }

  private object(source: Record<string, unknown>, reference: string): string {
    const name = this.declare(reference);
    let out = '{';
    for (const key of Object.keys(source)) {
      const text = keyTextOf(key);
      this.grow(name.length + text.access.length + text.property.length);
      if (out.length > 1) out += ',';
      out += `${text.property}:${this.expression(source[key], name + text.access)}`;
    }
    return `${out}}`;
  }

  private declare(reference: string): string {
    const name = `v${this.names++}`;
    this.declarations += `const ${name}=${reference};`;
    this.count(reference.length + 16);
    return name;
  }

  private count(sourceLength: number): void {
    if (++this.containers > MAX_CONTAINERS) throw new TooLarge();
    this.grow(sourceLength);
  }

  private grow(sourceLength: number): void {
    this.length += sourceLength;
    if (this.length > MAX_SOURCE_LENGTH) throw new TooLarge();
  }
}

/**
 * The body of the compiled copier of `template` (`t` is the template, `c` the generic copier),
 * or undefined when it is not an object or array, or too large to compile.
 */
export function copierSourceOf(template: unknown): string | undefined {
  if (typeof template !== 'object' || template === null) return undefined;
  try {
    return new CopierSource().body(template);
  } catch (error) {
    if (error instanceof TooLarge) return undefined;
    throw error;
  }
}

/** What `compiledCopierFor` answers when this second's compiles are spent: ask again later. */
export const COMPILE_LATER = Symbol('compile later');

/**
 * New shapes compiled per second, at most. Values written by someone else (a peer process, or
 * an attacker who can write to Redis) choose their shapes: without a bound, every new shape
 * read a few times would cost a compile (120–190 µs). At this rate compiling takes at most
 * about 0.5 % of a core; templates refused meanwhile keep the generic walk and ask again.
 */
const COMPILES_PER_SECOND = 32;

/** Compiles allowed so far in a one-second window. */
export interface CompileBudget {
  /** True, counting one compile, unless the window of `now` (epoch ms) has spent its compiles. */
  take(now: number): boolean;
}

/** A budget of `limit` compiles per second. */
export function compilesPerSecond(limit: number): CompileBudget {
  let windowStart = Number.NEGATIVE_INFINITY;
  let used = 0;
  return {
    take(now) {
      if (now - windowStart >= 1000) {
        windowStart = now;
        used = 0;
      }
      if (used >= limit) return false;
      used++;
      return true;
    },
  };
}

/** The process's budget, shared by every L1. */
const processBudget = compilesPerSecond(COMPILES_PER_SECOND);

/**
 * A copier compiled for the shape of `template`, shared with every template of the same shape;
 * undefined when the shape is not compiled (see the module comment), `COMPILE_LATER` when it
 * may be once `budget`'s compiles for this second are no longer spent. `generic` copies what
 * the compiled code does not (non-plain containers).
 */
export function compiledCopierFor(
  template: unknown,
  generic: Copier,
  budget: CompileBudget = processBudget,
): Copier | undefined | typeof COMPILE_LATER {
  if (!codeGenerationAllowed) return undefined;
  const body = copierSourceOf(template);
  if (body === undefined) return undefined;
  const known = shapes.get(body);
  if (known !== undefined) return known;
  if (!budget.take(Date.now())) return COMPILE_LATER;
  let copier: Copier;
  try {
    copier = new Function(GENERIC, `"use strict";return function copyShape(t){${body}}`)(generic) as Copier;
  } catch (error) {
    // An EvalError: code generation from strings is forbidden in this process.
    if (error instanceof EvalError) codeGenerationAllowed = false;
    return undefined;
  }
  if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string);
  shapes.set(body, copier);
  return copier;
}
