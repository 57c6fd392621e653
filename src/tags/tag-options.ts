/**
 * The `tags` option: which tags an entry carries, from the call's arguments, from its result,
 * or both. Validated when the wrapper is built; what the functions return is checked on every
 * write (a bad list leaves that result uncached, counted and logged).
 */
import { describeValue } from '../describe-value';
import { ConfigurationError } from '../errors';
import { rejectUnknownOptions } from '../config/validate';
import { checkTags } from './tag-names';

/** `tags` in object form (methods, so options written for any result fit every function). */
export interface TagsOptions<Args extends readonly unknown[], Result> {
  /** Tags from the call's arguments (`this` is the receiver). */
  fromArgs?(...args: Args): readonly string[];
  /** Tags from the result (the function's value, before it is stored), then the arguments. */
  fromResult?(result: Result, ...args: Args): readonly string[];
}

/** The `tags` option: a function of the arguments, or `{ fromArgs, fromResult }`. */
export type TagsOption<Args extends readonly unknown[], Result> = ((...args: Args) => readonly string[]) | TagsOptions<Args, Result>;

type FromArgs = (this: unknown, ...args: unknown[]) => unknown;
type FromResult = (this: unknown, result: unknown, ...args: unknown[]) => unknown;

/** The validated option. */
export interface ResolvedTags {
  readonly fromArgs: FromArgs | undefined;
  readonly fromResult: FromResult | undefined;
}

/** Validates `tags`; undefined when absent. Throws `ConfigurationError` naming the option and the fix. */
export function resolveTagsOption(value: unknown): ResolvedTags | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return { fromArgs: value as FromArgs, fromResult: undefined };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      `Option \`tags\` must be a function (...args) => string[] or { fromArgs, fromResult }; got ${describeValue(value)}. ` +
        "Fix: e.g. tags: (id) => [`product:${id}`].",
    );
  }
  rejectUnknownOptions(value, ['fromArgs', 'fromResult'], 'tags.');
  const { fromArgs, fromResult } = value as Record<string, unknown>;
  for (const [name, fn] of [
    ['fromArgs', fromArgs],
    ['fromResult', fromResult],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new ConfigurationError(`Option \`tags.${name}\` must be a function returning a list of tags; got ${describeValue(fn)}.`);
    }
  }
  if (fromArgs === undefined && fromResult === undefined) {
    throw new ConfigurationError('Option `tags` names no function. Fix: give `fromArgs`, `fromResult`, or both.');
  }
  return { fromArgs: fromArgs as FromArgs | undefined, fromResult: fromResult as FromResult | undefined };
}

/** The tags of one entry. Throws (whatever the functions throw, or `ConfigurationError` for a bad list). */
export function tagsOfCall(tags: ResolvedTags, thisArg: unknown, args: readonly unknown[], result: unknown): readonly string[] {
  const fromArgs = tags.fromArgs === undefined ? [] : checkTags(tags.fromArgs.apply(thisArg, args as unknown[]), 'the `tags` function');
  if (tags.fromResult === undefined) return fromArgs;
  const fromResult = checkTags(tags.fromResult.call(thisArg, result, ...args), 'the `tags.fromResult` function');
  return fromArgs.length === 0 ? fromResult : checkTags([...fromArgs, ...fromResult], 'the entry');
}
