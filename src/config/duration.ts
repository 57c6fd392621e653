/**
 * TTL parsing: seconds as a number (like cachekit-py and Redis) or a duration string.
 */
import { ConfigurationError } from '../errors';
import { describeValue } from '../describe-value';

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d|w)?$/;

/** Longest TTL accepted: 10 years, the file backend's limit and far beyond any sane cache entry. */
export const MAX_TTL_SECONDS = 315_360_000;

/**
 * Parses a TTL option into seconds. `0` means "no expiry". Throws `ConfigurationError`
 * naming `optionName` for negative, non-finite or malformed values.
 */
export function parseTtlSeconds(value: unknown, optionName: string): number {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    if (match === null) {
      throw new ConfigurationError(
        `Option \`${optionName}\` got ${JSON.stringify(value)}, which is not a duration. ` +
          `Fix: pass seconds as a number (e.g. 600) or a string such as '500ms', '30s', '10m', '2h', '1d'.`,
      );
    }
    seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
  } else {
    throw new ConfigurationError(
      `Option \`${optionName}\` must be a number of seconds or a duration string; got ${describeValue(value)}. ` +
        `Fix: e.g. \`${optionName}: 600\` or \`${optionName}: '10m'\` (0 = no expiry).`,
    );
  }
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ConfigurationError(
      `Option \`${optionName}\` must be a finite, non-negative number of seconds; got ${describeValue(value)}. ` +
        `Fix: use 0 for "no expiry" or a positive number such as 600.`,
    );
  }
  if (seconds > MAX_TTL_SECONDS) {
    throw new ConfigurationError(
      `Option \`${optionName}\` is ${seconds} s, above the ${MAX_TTL_SECONDS} s (10 years) limit. ` +
        `Fix: use 0 for "no expiry" or a shorter TTL.`,
    );
  }
  return seconds;
}
