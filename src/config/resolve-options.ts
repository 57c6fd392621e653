/**
 * Turns preset + user options + environment into one plain, validated configuration object,
 * built once per wrapper (the hot path reads plain fields, never getters or option objects).
 */
import { ConfigurationError } from '../errors';
import type { Logger } from '../observability/logger';
import type { ReliabilityOptions } from '../reliability/options';
import { callerModule } from './caller-module';
import { describeValue } from '../describe-value';
import { parseTtlSeconds } from './duration';
import { environmentSettings } from './env';
import {
  CACHE_OPTION_NAMES,
  DEFAULTS,
  type CacheOptions,
  type L1Mode,
  type SerializerName,
  type UserSerializer,
} from './options';
import { isKeyedIntegrityOption } from '../encryption/keyed-integrity-options';
import { PRESETS, PRESET_CONTRADICTIONS, type PresetDefaults, type PresetName } from './presets';
import { optionalBoolean, optionalName, optionalNumberInRange, rejectUnknownOptions } from './validate';
import { resolveInvalidation, type ResolvedInvalidation } from '../invalidation/options';
import { resolveTagsOption, type ResolvedTags } from '../tags/tag-options';
import { STAMP_TTL_SECONDS } from '../tags/tag-stamps';
import { resolveFactoryTimeout, resolveFailSafe, type ResolvedFactoryTimeout, type ResolvedFailSafe } from '../fail-safe/options';

/** Resolved settings of the in-process tier. */
export interface ResolvedL1 {
  enabled: boolean;
  mode: L1Mode;
  /** Set when the function asked for its own budget; otherwise the shared L1 is used. */
  maxBytes: number | undefined;
  maxEntries: number | undefined;
  swr: boolean;
  swrThreshold: number;
}

/** Resolved decode memo settings (see `CacheOptions.decodeMemo`). */
export interface ResolvedDecodeMemo {
  enabled: boolean;
  maxEntries: number;
  maxBytes: number;
}

/** Everything a wrapper needs, validated. */
export interface ResolvedConfig {
  preset: PresetName;
  presetDefaults: PresetDefaults;
  ttlSeconds: number;
  namespace: string | undefined;
  serializer: SerializerName | UserSerializer;
  /** Whether stored values get the checksummed envelope (always with encryption or keyed integrity). */
  integrity: boolean;
  /** The raw keyed `integrity` option (`'keyed'` or an object), validated by the encryption module. */
  keyedIntegrity: unknown;
  keyFunction: ((...args: never[]) => string) | undefined;
  /** The raw `backend` option: `undefined` = resolve from defaults/env, `null` = L1 only. */
  backend: unknown;
  l1: ResolvedL1;
  decodeMemo: ResolvedDecodeMemo;
  refreshTtl: { enabled: boolean; threshold: number };
  /** The invalidation bus (see `invalidation/options.ts`). */
  invalidation: ResolvedInvalidation;
  module: string;
  name: string;
  maxValueBytes: number;
  reliability: ReliabilityOptions | false;
  /** Per-cache logger; `undefined` means the process logger at the time of logging. */
  logger: Logger | undefined;
  /** The raw `encryption` option (validated by the encryption module). */
  encryption: unknown;
  /** The raw `tenant` option (validated by the tenancy module). */
  tenant: unknown;
  interop: string | undefined;
  /** The `tags` option (undefined: untagged). */
  tags: ResolvedTags | undefined;
  /** The `failSafe` option (undefined: off). */
  failSafe: ResolvedFailSafe | undefined;
  factoryTimeout: ResolvedFactoryTimeout;
  /** The `loadMany` option: one call for every entry `many()` misses. */
  loadMany: ((missingArgsList: unknown[][]) => unknown) | undefined;
}

const SERIALIZER_NAMES: readonly SerializerName[] = ['standard', 'json', 'auto', 'arrow'];
const L1_OPTION_NAMES = ['enabled', 'maxBytes', 'maxEntries', 'swr', 'swrThreshold', 'mode'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveSerializer(value: unknown): SerializerName | UserSerializer {
  if (value === undefined) return 'standard';
  if (typeof value === 'string' && (SERIALIZER_NAMES as readonly string[]).includes(value)) return value as SerializerName;
  if (
    isPlainObject(value) ||
    (typeof value === 'object' && value !== null && typeof (value as UserSerializer).serialize === 'function')
  ) {
    const candidate = value as Partial<UserSerializer>;
    if (typeof candidate.serialize === 'function' && typeof candidate.deserialize === 'function' && typeof candidate.name === 'string') {
      return candidate as UserSerializer;
    }
  }
  throw new ConfigurationError(
    `Option \`serializer\` got ${describeValue(value)}. Fix: use one of ${SERIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, ` +
      'or an object { name, serialize(value) → Uint8Array, deserialize(bytes) → value }.',
  );
}

function resolveL1(value: unknown, preset: PresetDefaults): ResolvedL1 {
  const env = environmentSettings();
  const base: ResolvedL1 = {
    enabled: preset.l1Only ? true : env.l1Enabled ?? preset.l1Enabled,
    mode: preset.l1Mode,
    maxBytes: undefined,
    maxEntries: undefined,
    swr: preset.swr,
    swrThreshold: DEFAULTS.swrThreshold,
  };
  if (value === undefined) return base;
  if (typeof value === 'boolean') return { ...base, enabled: value };
  if (!isPlainObject(value)) {
    throw new ConfigurationError(`Option \`l1\` must be true, false or an object; got ${describeValue(value)}.`);
  }
  rejectUnknownOptions(value, L1_OPTION_NAMES, 'l1.');
  const mode = value.mode;
  if (mode !== undefined && mode !== 'bytes' && mode !== 'reference' && mode !== 'frozen') {
    throw new ConfigurationError(`Option \`l1.mode\` must be 'bytes', 'frozen' or 'reference'; got ${describeValue(mode)}.`);
  }
  return {
    enabled: optionalBoolean(value.enabled, 'l1.enabled') ?? base.enabled,
    mode: (mode as L1Mode | undefined) ?? base.mode,
    maxBytes: optionalNumberInRange(value.maxBytes, 'l1.maxBytes', 1024, Number.MAX_SAFE_INTEGER, { integer: true }),
    maxEntries: optionalNumberInRange(value.maxEntries, 'l1.maxEntries', 1, Number.MAX_SAFE_INTEGER, { integer: true }),
    swr: optionalBoolean(value.swr, 'l1.swr') ?? base.swr,
    swrThreshold:
      optionalNumberInRange(value.swrThreshold, 'l1.swrThreshold', 0, 1, { exclusiveMin: true }) ?? base.swrThreshold,
  };
}

function resolveDecodeMemo(value: unknown): ResolvedDecodeMemo {
  const defaults = { enabled: true, maxEntries: DEFAULTS.decodeMemoMaxEntries, maxBytes: DEFAULTS.decodeMemoMaxBytes };
  if (value === undefined || value === true) return defaults;
  if (value === false) return { ...defaults, enabled: false };
  if (!isPlainObject(value)) {
    throw new ConfigurationError(
      `Option \`decodeMemo\` must be true, false or { maxEntries, maxBytes }; got ${describeValue(value)}.`,
    );
  }
  rejectUnknownOptions(value, ['maxEntries', 'maxBytes'], 'decodeMemo.');
  return {
    enabled: true,
    maxEntries: optionalNumberInRange(value.maxEntries, 'decodeMemo.maxEntries', 1, Number.MAX_SAFE_INTEGER, { integer: true }) ?? defaults.maxEntries,
    maxBytes: optionalNumberInRange(value.maxBytes, 'decodeMemo.maxBytes', 1024, Number.MAX_SAFE_INTEGER, { integer: true }) ?? defaults.maxBytes,
  };
}

function resolveRefreshTtl(value: unknown): { enabled: boolean; threshold: number } {
  if (value === undefined || value === false) return { enabled: false, threshold: DEFAULTS.refreshTtlThreshold };
  if (value === true) return { enabled: true, threshold: DEFAULTS.refreshTtlThreshold };
  if (isPlainObject(value)) {
    rejectUnknownOptions(value, ['threshold'], 'refreshTtlOnGet.');
    return {
      enabled: true,
      threshold: optionalNumberInRange(value.threshold, 'refreshTtlOnGet.threshold', 0, 1) ?? DEFAULTS.refreshTtlThreshold,
    };
  }
  throw new ConfigurationError(
    `Option \`refreshTtlOnGet\` must be true, false or { threshold }; got ${describeValue(value)}.`,
  );
}

/**
 * Resolves the options of one wrapper. `fn` supplies the default name; `moduleHint` the
 * default module (computed from the call stack when absent).
 */
export function resolveOptions(
  preset: PresetName,
  options: CacheOptions<never[]> | undefined,
  fn: { name: string } | undefined,
): ResolvedConfig {
  const opts = (options ?? {}) as Record<string, unknown>;
  if (!isPlainObject(opts)) {
    throw new ConfigurationError(`cache() options must be an object; got ${describeValue(options)}.`);
  }
  rejectUnknownOptions(opts, CACHE_OPTION_NAMES, '');
  const presetDefaults = PRESETS[preset];
  for (const rule of PRESET_CONTRADICTIONS[preset] ?? []) {
    if (rule.option in opts && rule.contradicts(opts[rule.option])) {
      throw new ConfigurationError(
        `Option \`${rule.option}: ${describeValue(opts[rule.option])}\` contradicts cache.${preset}: ${rule.why}. Fix: ${rule.fix}.`,
      );
    }
  }
  const env = environmentSettings();

  const ttlSeconds = opts.ttl === undefined ? env.defaultTtlSeconds ?? DEFAULTS.ttlSeconds : parseTtlSeconds(opts.ttl, 'ttl');
  const namespace = optionalName(opts.namespace, 'namespace') ?? env.namespace;
  const keyedIntegrity = isKeyedIntegrityOption(opts.integrity) ? opts.integrity : undefined;
  if (opts.integrity !== undefined && typeof opts.integrity !== 'boolean' && keyedIntegrity === undefined) {
    throw new ConfigurationError(
      `Option \`integrity\` must be true, false, 'keyed' or { masterKey, previousMasterKeys }; got ${describeValue(opts.integrity)}.`,
    );
  }
  const integrity = presetDefaults.encryptionRequired || keyedIntegrity !== undefined ? true : (opts.integrity as boolean | undefined) ?? presetDefaults.integrity;

  if (opts.key !== undefined && typeof opts.key !== 'function') {
    throw new ConfigurationError(
      `Option \`key\` must be a function (...args) => string; got ${describeValue(opts.key)}.`,
    );
  }
  const explicitName = optionalName(opts.name, 'name');
  // Interop keys are named by their operation, so an anonymous function is fine there.
  const rawName = explicitName || fn?.name || (typeof opts.interop === 'string' ? opts.interop : '');
  if (rawName === '') {
    throw new ConfigurationError(
      'cache() could not derive a name for an anonymous function, so its keys could collide with another anonymous function. ' +
        "Fix: pass `name: 'describeWhatItReturns'`, or cache a named function.",
    );
  }
  const moduleName = optionalName(opts.module, 'module') ?? callerModule() ?? 'anonymous';

  const reliability = opts.reliability;
  if (reliability !== undefined && reliability !== false && !isPlainObject(reliability)) {
    throw new ConfigurationError(`Option \`reliability\` must be an object or false; got ${describeValue(reliability)}.`);
  }
  const interop = optionalName(opts.interop, 'interop');
  const logger = opts.logger as Logger | undefined;
  const tags = resolveTagsOption(opts.tags);
  const failSafe = resolveFailSafe(opts.failSafe, ttlSeconds);
  const factoryTimeout = resolveFactoryTimeout(opts.factoryTimeout, failSafe);
  if (opts.loadMany !== undefined && typeof opts.loadMany !== 'function') {
    throw new ConfigurationError(`Option \`loadMany\` must be a function (missingArgsList) => results; got ${describeValue(opts.loadMany)}.`);
  }
  checkFramedOptions({ tags, failSafe, interop, ttlSeconds, refreshTtlOnGet: opts.refreshTtlOnGet });
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function')) {
    throw new ConfigurationError('Option `logger` must be a pino-compatible logger (with trace/debug/info/warn/error methods).');
  }

  return {
    preset,
    presetDefaults,
    ttlSeconds,
    namespace,
    serializer: resolveSerializer(opts.serializer),
    integrity,
    keyedIntegrity,
    keyFunction: opts.key as ResolvedConfig['keyFunction'],
    backend: presetDefaults.l1Only ? null : opts.backend,
    l1: resolveL1(opts.l1, presetDefaults),
    decodeMemo: resolveDecodeMemo(opts.decodeMemo),
    refreshTtl: resolveRefreshTtl(opts.refreshTtlOnGet),
    invalidation: resolveInvalidation(opts.invalidation),
    module: moduleName,
    name: rawName,
    maxValueBytes:
      optionalNumberInRange(opts.maxValueBytes, 'maxValueBytes', 1, Number.MAX_SAFE_INTEGER, { integer: true }) ??
      env.maxValueBytes ??
      DEFAULTS.maxValueBytes,
    reliability: (reliability as ReliabilityOptions | false | undefined) ?? {},
    logger,
    encryption: opts.encryption,
    tenant: opts.tenant,
    interop,
    tags,
    failSafe,
    factoryTimeout,
    loadMany: opts.loadMany as ResolvedConfig['loadMany'],
  };
}

/**
 * Tags and fail-safe frame every entry with its creation time and freshness: refused where a
 * frame cannot work (interop values are read by other SDKs as plain MessagePack), where an
 * entry could outlive its tags' stamps, or where refreshing its TTL would contradict its frame.
 */
function checkFramedOptions(options: {
  tags: ResolvedTags | undefined;
  failSafe: ResolvedFailSafe | undefined;
  interop: string | undefined;
  ttlSeconds: number;
  refreshTtlOnGet: unknown;
}): void {
  const { tags, failSafe, interop, ttlSeconds, refreshTtlOnGet } = options;
  const framed = tags !== undefined ? 'tags' : failSafe !== undefined ? 'failSafe' : undefined;
  if (framed === undefined) return;
  if (interop !== undefined) {
    throw new ConfigurationError(
      `Option \`${framed}\` cannot be combined with \`interop\`: interop values are the protocol's plain MessagePack, which other SDKs read, and ${framed} stores a frame around each value. Fix: remove \`${framed}\` or \`interop\`.`,
    );
  }
  if (refreshTtlOnGet !== undefined && refreshTtlOnGet !== false) {
    throw new ConfigurationError(
      `Option \`refreshTtlOnGet\` cannot be combined with \`${framed}\`: the entry's own frame says how old it is, and an entry kept alive past its TTL could outlive its tag stamps. Fix: remove \`refreshTtlOnGet\`.`,
    );
  }
  if (tags === undefined) return;
  if (ttlSeconds === 0) {
    throw new ConfigurationError(
      `Option \`tags\` needs entries that expire: a tag's invalidation stamp is kept ${STAMP_TTL_SECONDS / 86_400} days, and an entry that outlived it would be valid again. Fix: give the cache a \`ttl\` (at most ${STAMP_TTL_SECONDS / 86_400} days).`,
    );
  }
  const lifetimeSeconds = ttlSeconds + (failSafe?.maxStaleMs ?? 0) / 1000;
  if (lifetimeSeconds > STAMP_TTL_SECONDS) {
    throw new ConfigurationError(
      `Option \`tags\` needs entries that live at most ${STAMP_TTL_SECONDS / 86_400} days (how long tag stamps are kept); these live ${lifetimeSeconds} s (ttl + failSafe.maxStaleSeconds). Fix: shorten the \`ttl\`.`,
    );
  }
}
