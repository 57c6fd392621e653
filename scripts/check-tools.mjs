// The set-up `npm test` does before anything else (its `pretest` script): every program the
// suite runs must be on PATH. What is missing is installed with apt-get when this process may
// (root, apt-get present: a fresh Debian machine or container, as CI is); otherwise it prints
// the exact command to run and exits non-zero, before a long build fails halfway.
//
//   node scripts/check-tools.mjs            check, install what apt can, or explain
//   CACHEKIT_NO_INSTALL=1 npm test          never install, only explain
import { execFileSync, spawnSync } from 'node:child_process';

/** A program the suite needs, how to find out it works, and where it comes from. */
const TOOLS = [
  { name: 'cargo', why: 'builds the native addon', check: ['cargo', ['--version']], rust: true },
  { name: 'redis-server', why: 'the Redis suites start their own servers', check: ['redis-server', ['--version']], apt: ['redis-server'] },
  { name: 'redis-sentinel', why: 'the Sentinel suite', check: ['redis-sentinel', ['--version']], apt: ['redis-sentinel'] },
  { name: 'redis-cli', why: 'the Cluster suite creates its cluster with it', check: ['redis-cli', ['--version']], apt: ['redis-tools'] },
  {
    name: 'python3 (>= 3.10, with venv and pip)',
    why: 'the live interop suite installs the Python cachekit into a private venv',
    check: ['python3', ['-c', 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 10) else 1)']],
    apt: ['python3', 'python3-venv', 'python3-pip'],
  },
  {
    name: 'go',
    why: 'builds actionlint (go install, from the Go module proxy) to check the release workflow',
    check: ['go', ['version']],
    apt: ['golang-go'],
  },
];

const works = ([command, args]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const missing = () => TOOLS.filter((tool) => !works(tool.check));

function canInstallWithApt() {
  return process.env.CACHEKIT_NO_INSTALL !== '1' && process.platform === 'linux' && process.getuid?.() === 0 && works(['apt-get', ['--version']]);
}

function aptInstall(packages) {
  console.log(`check-tools: apt-get install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  // Debian starts the packaged services; the tests start their own servers on free ports.
  for (const service of ['redis-server', 'redis-sentinel']) spawnSync('service', [service, 'stop'], { stdio: 'ignore' });
}

let absent = missing();
const aptPackages = [...new Set(absent.flatMap((tool) => tool.apt ?? []))];
if (aptPackages.length > 0 && canInstallWithApt()) {
  aptInstall(aptPackages);
  absent = missing();
}

if (absent.length > 0) {
  console.error('npm test needs programs that are not on PATH:');
  for (const tool of absent) console.error(`  - ${tool.name}: ${tool.why}`);
  const apt = [...new Set(absent.flatMap((tool) => tool.apt ?? []))];
  console.error('\nInstall them, then run npm test again:');
  if (apt.length > 0) {
    console.error(`  Debian/Ubuntu:  sudo apt-get install -y ${apt.join(' ')}`);
    console.error('  macOS:          brew install redis python go');
  }
  if (absent.some((tool) => tool.rust)) {
    console.error("  Rust (any OS):  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh   (then open a new shell)");
  }
  process.exit(1);
}
