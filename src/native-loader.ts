/**
 * Loads the native binding: the binary of this host's platform (`cachekit.<platform>.node`),
 * from the package root (a local build) or from its platform package (`cachekit-<platform>`, an
 * optional dependency), or from `NAPI_RS_NATIVE_LIBRARY_PATH` when set. When none loads, the error
 * names the exact platform package and version to install and why it may be missing.
 *
 * Its own loader rather than the one napi can generate: that one (37 KB, every platform napi
 * knows, WASI fallbacks) repeated the platform naming this file needs for its error anyway, and
 * cost a fortieth of the installed size for a package that ships five targets.
 *
 * The binary ships in one optional dependency per platform (`cachekit-linux-x64-gnu`, …); a
 * package manager skips it when optional dependencies are omitted (`--omit=optional`) or, with
 * some npm versions, when the lockfile was written on another platform.
 */
import { createRequire } from 'node:module';
import { CachekitError } from './errors';

/** Code of the error thrown when no native binary loads. */
export const NATIVE_BINDING_MISSING = 'ERR_NATIVE_BINDING_MISSING';

/** What the package's manifest says about its binaries. */
interface PackageManifest {
  name: string;
  version: string;
  napi: { targets: string[] };
}

/** The manifest fields the loader reads besides those of the message. */
interface LoaderManifest extends PackageManifest {
  napi: { binaryName: string; targets: string[] };
}

/** Where the binding runs: the parts of a napi platform name. */
export interface HostPlatform {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux only: the C library. */
  libc?: 'glibc' | 'musl';
}

/** napi's platform name of a Rust target triple (`x86_64-unknown-linux-gnu` → `linux-x64-gnu`). */
export function platformOfTriple(triple: string): string {
  const [cpu = '', , os = '', abi] = triple.split('-');
  const arch = ({ x86_64: 'x64', aarch64: 'arm64', i686: 'ia32' } as Record<string, string>)[cpu] ?? cpu;
  if (os === 'darwin') return `darwin-${arch}`;
  if (os === 'windows') return `win32-${arch}-${abi ?? 'msvc'}`;
  return `${os}-${arch}${abi === undefined ? '' : `-${abi}`}`;
}

/** napi's platform name of a host (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`). */
export function platformOfHost(host: HostPlatform): string {
  if (host.platform === 'linux') return `linux-${host.arch}-${host.libc === 'musl' ? 'musl' : 'gnu'}`;
  if (host.platform === 'win32') return `win32-${host.arch}-msvc`;
  return `${host.platform}-${host.arch}`;
}

/** The C library of this Linux process, from the diagnostic report napi's loader also reads. */
function hostLibc(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime === undefined ? 'musl' : 'glibc';
}

/**
 * The message for a host where no binary loaded. `installed` says whether the platform package
 * resolves (then it is there but broken, and the cause says why).
 */
export function missingBindingMessage(manifest: PackageManifest, host: HostPlatform, installed: boolean): string {
  const platform = platformOfHost(host);
  const built = manifest.napi.targets.map(platformOfTriple);
  const where = `${platform} (Node ${process.versions.node})`;
  if (!built.includes(platform)) {
    return (
      `${manifest.name}@${manifest.version} has no prebuilt native binary for ${where}; it ships binaries for ${built.join(', ')}. ` +
      'Fix: run on one of those (on Alpine, a glibc-based image such as node:22-slim), or build the addon from a clone of the ' +
      'repository with a Rust toolchain (`npm run build`).'
    );
  }
  const pkg = `${manifest.name}-${platform}@${manifest.version}`;
  if (installed) {
    return (
      `${manifest.name}@${manifest.version} could not load its native binary from ${pkg} on ${where} (see cause). ` +
      `Fix: reinstall it at exactly this version: npm install ${pkg}.`
    );
  }
  return (
    `${manifest.name}@${manifest.version} could not load its native binary: the package ${pkg}, its optional dependency for ${where}, ` +
    `is not installed. Fix: npm install ${pkg}. ` +
    'It goes missing when optional dependencies are skipped (npm install --omit=optional or --no-optional, omit=optional in .npmrc, ' +
    'NPM_CONFIG_OMIT=optional): install without that option. A lockfile written on another platform can also lack it: ' +
    'delete package-lock.json and node_modules, then run npm install on this platform.'
  );
}

/**
 * This process's host. On Linux the C library is taken to be glibc unless `detectLibc`: asking
 * (`process.report`) costs several milliseconds, so the loader first tries the glibc binary,
 * which is the one npm installs on glibc hosts, and asks only if that fails.
 */
function thisHost(detectLibc: boolean): HostPlatform {
  const host: HostPlatform = { platform: process.platform, arch: process.arch };
  if (process.platform === 'linux') host.libc = detectLibc ? (hostLibc() ?? 'glibc') : 'glibc';
  return host;
}

/** Where the binary of `platform` may be: the override alone, else a local build, then the platform package. */
function candidatesFor(manifest: LoaderManifest, platform: string, override: string | undefined): string[] {
  if (override !== undefined && override !== '') return [override];
  return [`../${manifest.napi.binaryName}.${platform}.node`, `${manifest.name}-${platform}`];
}

/**
 * Loads the binding (paths relative to src/ and dist/, both one level below the package root).
 * On failure throws a CachekitError (`ERR_NATIVE_BINDING_MISSING`) saying what to install, with
 * the loading error as cause.
 */
export function loadNativeBinding<T>(): T {
  const requireFromPackage = createRequire(import.meta.url);
  const manifest = requireFromPackage('../package.json') as LoaderManifest;
  const override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH;
  let failure: unknown;
  const load = (candidates: readonly string[]): T | undefined => {
    for (const candidate of candidates) {
      try {
        return requireFromPackage(candidate) as T;
      } catch (error) {
        // A missing local build is expected; any other failure is the one worth reporting.
        if (failure === undefined || (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') failure = error;
      }
    }
    return undefined;
  };
  const assumed = platformOfHost(thisHost(false));
  const loaded = load(candidatesFor(manifest, assumed, override));
  if (loaded !== undefined) return loaded;
  const host = thisHost(true);
  const platform = platformOfHost(host);
  if (platform !== assumed) {
    // A musl host: its own binary, where one was built or installed.
    const onMusl = load(candidatesFor(manifest, platform, override));
    if (onMusl !== undefined) return onMusl;
  }
  if (override !== undefined && override !== '') {
    throw new CachekitError(
      `${manifest.name}@${manifest.version} could not load the native binary NAPI_RS_NATIVE_LIBRARY_PATH names (${override}; see cause). ` +
        `Fix: point it at a ${manifest.napi.binaryName}.${platform}.node of version ${manifest.version}, or unset it to use the platform package.`,
      NATIVE_BINDING_MISSING,
      { cause: failure },
    );
  }
  let installed = true;
  try {
    requireFromPackage.resolve(`${manifest.name}-${platform}/package.json`);
  } catch {
    installed = false;
  }
  throw new CachekitError(missingBindingMessage(manifest, host, installed), NATIVE_BINDING_MISSING, { cause: failure });
}
