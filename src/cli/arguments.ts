/**
 * The command line: commands, their options and help, parsed by Node's own `util.parseArgs`
 * (strict: an unknown or misspelt option is an error, never ignored). Each command declares its
 * options once, and the help text is made from the same declarations.
 */
import { parseArgs } from 'node:util';
import { CliError, ExitCode } from './exit-codes';

/** One option: its parseArgs type, the placeholder of its value, and its help line. */
interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly value?: string;
  readonly help: string;
}

type OptionSpecs = Readonly<Record<string, OptionSpec>>;

const BACKEND_OPTIONS: OptionSpecs = {
  redis: { type: 'string', value: 'URL', help: 'Redis URL (redis://, rediss://, unix://); default CACHEKIT_REDIS_URL, else REDIS_URL' },
  cluster: { type: 'boolean', help: 'the Redis URL is a node of a Redis Cluster: every master is scanned' },
  dir: { type: 'string', value: 'PATH', help: 'file-cache directory; default CACHEKIT_FILE_CACHE_DIR' },
};

const OUTPUT_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', help: 'one JSON object per line, for scripts' },
};

const PROGRESS_OPTIONS: OptionSpecs = {
  'no-progress': { type: 'boolean', help: 'no progress line on stderr (it only appears on a terminal anyway)' },
};

const KEY_OPTIONS: OptionSpecs = {
  'master-key': {
    type: 'string',
    value: 'HEX',
    help: 'master key (64 hex digits) to check and open encrypted and keyed entries; default CACHEKIT_MASTER_KEY (prefer it: arguments show in `ps`). Rotated keys: CACHEKIT_PREVIOUS_MASTER_KEYS',
  },
  tenant: { type: 'string', value: 'ID', help: 'tenant of encrypted interop entries, whose keys name none (default "default")' },
};

/** What every reading command takes: a backend, the output form, the keys to open entries with. */
const READING_OPTIONS: OptionSpecs = { ...BACKEND_OPTIONS, ...OUTPUT_OPTIONS, ...KEY_OPTIONS };

/** The pattern `inspect` and `verify` take. */
const PATTERN = {
  positional: '[pattern]',
  positionalHelp: "Redis glob of stored keys (default '*'); on a file cache, '*' or one exact key",
} as const;

/** What each command is, takes and does. */
const COMMANDS = {
  inspect: {
    summary: 'list entries: key parts, TTL, sizes, format, checksum, key fingerprint',
    ...PATTERN,
    options: {
      ...READING_OPTIONS,
      decode: { type: 'boolean', help: 'also show each value, decoded (dates and bytes shown as such)' },
      limit: { type: 'string', value: 'N', help: 'stop after N entries' },
      ...PROGRESS_OPTIONS,
    },
  },
  stats: {
    summary: 'counts and size histograms per namespace, function and tenant',
    positional: undefined,
    positionalHelp: undefined,
    options: {
      ...READING_OPTIONS,
      namespace: { type: 'string', value: 'NS', help: 'only entries of this namespace' },
      soon: { type: 'string', value: 'SECONDS', help: 'what "expiring soon" means (default 300)' },
      ...PROGRESS_OPTIONS,
    },
  },
  verify: {
    summary: 'check every entry (checksum, decode bounds, decryption with a key) and report failing ones',
    ...PATTERN,
    options: {
      ...READING_OPTIONS,
      'delete-bad': { type: 'boolean', help: 'remove entries that fail (each only if unchanged since it was checked)' },
      ...PROGRESS_OPTIONS,
    },
  },
  clear: {
    summary: 'remove the entries of a namespace, function or tenant (SCAN + UNLINK)',
    positional: undefined,
    positionalHelp: undefined,
    options: {
      ...BACKEND_OPTIONS,
      ...OUTPUT_OPTIONS,
      namespace: { type: 'string', value: 'NS', help: 'entries of this namespace' },
      function: { type: 'string', value: 'FN', help: 'entries of this function: module:name, or a name in any module' },
      tenant: { type: 'string', value: 'ID', help: 'entries of this tenant' },
      all: { type: 'boolean', help: 'every cachekit entry (other applications\' keys are never touched)' },
      'dry-run': { type: 'boolean', help: 'only count what would be removed (the default when not on a terminal)' },
      yes: { type: 'boolean', help: 'remove without asking' },
      ...PROGRESS_OPTIONS,
    },
  },
  health: {
    summary: "the library's health check; exit 0 healthy, 1 degraded, 2 unhealthy",
    positional: undefined,
    positionalHelp: undefined,
    options: {
      ...BACKEND_OPTIONS,
      ...OUTPUT_OPTIONS,
      timeout: { type: 'string', value: 'MS', help: 'longest wait for the check (default 5000)' },
      'degraded-ms': { type: 'string', value: 'MS', help: 'a slower answer than this is "degraded" (default 100)' },
    },
  },
} as const satisfies Record<string, { summary: string; positional: string | undefined; positionalHelp: string | undefined; options: OptionSpecs }>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/** Parsed option values: strings and booleans, by option name. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: 'run'; readonly command: CommandName; readonly options: OptionValues; readonly pattern: string | undefined }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' };

/** Parses `argv` (without `node` and the script). Mistakes are USAGE CliErrors naming the fix. */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { kind: 'help', text: generalHelp() };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (!Object.hasOwn(COMMANDS, first)) {
    throw new CliError(`Unknown command ${JSON.stringify(first)}. Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`cachekit --help\`.`, ExitCode.USAGE);
  }
  const command = first as CommandName;
  const spec = COMMANDS[command];
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: commandHelp(command) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, { type: option.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message.replace(/\.?$/, '.')} Run \`cachekit ${command} --help\`.`, ExitCode.USAGE);
  }
  const positionals = parsed.positionals;
  const allowed = spec.positional === undefined ? 0 : 1;
  if (positionals.length > allowed) {
    throw new CliError(
      `\`cachekit ${command}\` takes ${allowed === 0 ? 'no arguments' : 'at most one pattern'}; got ${positionals.map((p) => JSON.stringify(p)).join(' ')}. Run \`cachekit ${command} --help\`.`,
      ExitCode.USAGE,
    );
  }
  return { kind: 'run', command, options: parsed.values as OptionValues, pattern: positionals[0] };
}

/** A whole number option (at least `min`), or `fallback` when absent. */
export function integerOption(options: OptionValues, name: string, fallback: number, min = 0): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new CliError(`--${name} must be a whole number of at least ${min}; got ${JSON.stringify(raw)}. Fix: e.g. --${name} ${fallback}.`, ExitCode.USAGE);
  }
  return value;
}

/** A string option, or undefined; an empty one is a mistake. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '') throw new CliError(`--${name} needs a non-empty value.`, ExitCode.USAGE);
  return raw;
}

function generalHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: cachekit <command> [options]',
    '',
    'Looks inside a cachekit cache: Redis (standalone or Cluster) or a file-cache directory.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    '',
    'Run `cachekit <command> --help` for its options.',
    '',
    'Exit codes: 0 ok, 1 entries failed checks (health: degraded), 2 backend unavailable (health: unhealthy),',
    '            3 wrong command line or environment, 4 the master key given sealed none of the entries found.',
  ].join('\n');
}

function commandHelp(command: CommandName): string {
  const spec = COMMANDS[command];
  const options: Array<[string, OptionSpec]> = Object.entries(spec.options);
  const labels = options.map(([name, option]) => `--${name}${option.value === undefined ? '' : ` ${option.value}`}`);
  const width = Math.max(...labels.map((label) => label.length));
  return [
    `Usage: cachekit ${command}${spec.positional === undefined ? '' : ` ${spec.positional}`} [options]`,
    '',
    `${spec.summary[0]!.toUpperCase()}${spec.summary.slice(1)}.`,
    ...(spec.positionalHelp === undefined ? [] : ['', `  ${spec.positional}  ${spec.positionalHelp}`]),
    '',
    'Options:',
    ...options.map(([, option], i) => `  ${labels[i]!.padEnd(width)}  ${option.help}`),
    `  ${'--help'.padEnd(width)}  this help`,
  ].join('\n');
}
