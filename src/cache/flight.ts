/** One in-flight load of a key, shared by every call that joins it (see `flights.ts`). */
import type { Loaded } from './entry-reader';

/** The shared result of one in-flight load. */
export interface Flight {
  /** Cleared once the flight is over (see `Flights.land`). */
  promise: Promise<Loaded> | undefined;
  /** Set by invalidation: the result must not be written to any tier. */
  discard: boolean;
}
