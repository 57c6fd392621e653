/**
 * The shapes of records whose exact copy (`exact-copy.ts`) gave up lately, so that the next
 * record of the same shape skips the attempt: a function returns records of one shape, and a
 * record past the copy's limits (more than 8 containers, a Date, `undefined`) is past them
 * again. Giving up on the nested 1 KB record still copied its first objects (0.45 µs and 700
 * of the 6,200 bytes its miss allocates) before it was serialized anyway.
 *
 * A shape is a plain object's own key count with its first and last key, read with for-in (no
 * getter runs); records that share those but differ inside share the verdict. A verdict only
 * picks the form L1 keeps — copy or bytes, both exact — so a wrong one costs time, never a
 * wrong value, and every `RETRY_EVERY`th record of a given-up shape is tried again (a success
 * forgets the shape). Kept apart from `exactStandardCopy`, which stays a function of its
 * arguments: this memory belongs to the miss path.
 */
import { type ExactCopy, exactStandardCopy } from './exact-copy';

/** Remembered shapes (a ring: the oldest is replaced). */
const SLOTS = 8;
/** One record in this many of a given-up shape is copied anyway, to notice a shape that now fits. */
const RETRY_EVERY = 16;

const counts = new Int32Array(SLOTS);
/** Records of each slot's shape skipped since it was remembered. */
const skips = new Int32Array(SLOTS);
const firsts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
const lasts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
let nextSlot = 0;

/** The shape the last `gaveUpBefore` read, and the slot that holds it (-1: none). */
const current = { count: 0, first: '', last: '', slot: -1 };

/**
 * Whether a record of `record`'s shape gave up lately and this one should skip the copy too.
 * Leaves the shape it read in `current` (inherited enumerable keys, if any, are part of it:
 * a verdict only has to be consistent).
 */
function gaveUpBefore(record: object): boolean {
  let count = 0;
  let first = '';
  let last = '';
  for (const key in record) {
    if (count === 0) first = key;
    last = key;
    count++;
  }
  current.count = count;
  current.first = first;
  current.last = last;
  current.slot = -1;
  if (count === 0) return false;
  for (let slot = 0; slot < SLOTS; slot++) {
    if (counts[slot] === count && firsts[slot] === first && lasts[slot] === last) {
      current.slot = slot;
      return ++skips[slot]! % RETRY_EVERY !== 0;
    }
  }
  return false;
}

/** A copy of a record of this shape gave up: remember the shape (unless it is remembered). */
function rememberGaveUp(count: number, first: string, last: string, slot: number): void {
  if (count === 0 || slot !== -1) return;
  counts[nextSlot] = count;
  firsts[nextSlot] = first;
  lasts[nextSlot] = last;
  skips[nextSlot] = 0;
  nextSlot = (nextSlot + 1) % SLOTS;
}

/** A copy of a record of this shape succeeded: forget the shape if `slot` still holds it. */
function forgetGaveUp(count: number, first: string, last: string, slot: number): void {
  if (slot === -1 || counts[slot] !== count || firsts[slot] !== first || lasts[slot] !== last) return;
  counts[slot] = 0;
  firsts[slot] = undefined;
  lasts[slot] = undefined;
}

const OBJECT_PROTOTYPE = Object.prototype;

/**
 * `exactStandardCopy` for a miss: a plain-object record whose shape gave up lately is not
 * tried (undefined: serialize it), except one in `RETRY_EVERY`.
 */
export function exactCopyOfRecord(value: unknown, freeze: boolean, maxValueBytes: number): ExactCopy | undefined {
  const record = typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === OBJECT_PROTOTYPE;
  if (!record) return exactStandardCopy(value, freeze, maxValueBytes);
  if (gaveUpBefore(value)) return undefined;
  // Taken now: a getter the copy runs may copy another record and read its shape.
  const { count, first, last, slot } = current;
  const copy = exactStandardCopy(value, freeze, maxValueBytes);
  if (copy === undefined) rememberGaveUp(count, first, last, slot);
  else forgetGaveUp(count, first, last, slot);
  return copy;
}
