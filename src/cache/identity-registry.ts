/**
 * One function per cache identity in a process. A function's identity (namespace, module and
 * name, or an interop namespace and operation) is what its keys are made of, so two functions
 * under one identity read each other's entries: `orders(1)` answering `users row 1`.
 *
 * The rule: the first function to claim an identity owns it; the same function object may
 * claim it again (wrapped twice, e.g. with other options: it shares its entries, as intended);
 * any other function object is refused with a `ConfigurationError` naming both call sites.
 *
 * That includes a function with the same source text. Closures made by one factory
 * (`makeLoader('users')`, `makeLoader('orders')`), or one class defined inside a function, have
 * the same source and different captured variables, and nothing in a process can tell them
 * apart from two copies that would compute the same thing. Sharing would return one closure's
 * result for the other, silently; refusing costs one option (`name` or `namespace` per
 * instance) or wrapping once and reusing the wrapper. A module evaluated twice in one process
 * (hot module reload without a restart) is refused for the same reason.
 *
 * Claims hold their function weakly: a collected function can never claim again, so this
 * changes nothing about who is refused, and wrappers made and dropped (tests, many
 * namespaces) are not kept alive by the registry.
 */
import { callerFrames } from '../config/caller-module';
import { ConfigurationError } from '../errors';
import type { AnyFunction } from './cached-function';

/** How an identity is named in a refusal. */
export interface CacheIdentity {
  /** Exact identity (an escaped key prefix): equal strings, same keys. */
  readonly key: string;
  /** What the message calls it, e.g. "`src.users:load` in namespace \"users\"". */
  readonly label: string;
}

interface Claim {
  readonly fn: WeakRef<AnyFunction>;
  readonly source: string;
  readonly site: string;
}

const claims = new Map<string, Claim>();

/** Where `cache()` was called: the caller's frame and its caller (a factory shows who called it). */
function callSite(): string {
  const frames = callerFrames(2);
  return frames.length === 0 ? 'an unknown place (no stack frame outside cachekit)' : frames.join(' ← called from ');
}

function sourceOf(fn: AnyFunction): string {
  const text = Function.prototype.toString.call(fn);
  // Bound and native functions all print the same placeholder, which says nothing.
  return text.includes('[native code]') ? '' : text;
}

/**
 * Claims `identity` for `fn`. Throws a `ConfigurationError` when another function holds it;
 * returns silently when the identity is free or `fn` itself holds it.
 */
export function claimIdentity(identity: CacheIdentity, fn: AnyFunction): void {
  const existing = claims.get(identity.key);
  if (existing === undefined) {
    claims.set(identity.key, { fn: new WeakRef(fn), source: sourceOf(fn), site: callSite() });
    return;
  }
  if (existing.fn.deref() === fn) return;
  const source = sourceOf(fn);
  const sameSource =
    source !== '' && source === existing.source
      ? ' Both have the same source text: a closure made more than once (by a factory, in a class defined inside a ' +
        'function, or by a module evaluated twice) captures its own variables, so one cannot serve the other\'s results.'
      : '';
  throw new ConfigurationError(
    `cache(): ${identity.label} is already used by another function in this process, and two functions under one ` +
      `identity would read each other's entries. First wrapped at ${existing.site}; this one at ${callSite()}.${sameSource} ` +
      'Fix: give each function its own `name` (or `namespace`) — for closures made per instance, one per instance, e.g. ' +
      "`namespace: 'orders'` —, or wrap the function once and reuse the wrapper. Bundled or minified code renames " +
      'functions: pass `name` explicitly there.',
  );
}
