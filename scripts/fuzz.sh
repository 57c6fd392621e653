#!/usr/bin/env bash
# Runs each cargo-fuzz target of cachekit-core for a bounded time (default 60 s each).
#
#   scripts/fuzz.sh                 # every target, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh envelope_retrieve
#
# Needs: cargo-fuzz (`cargo install cargo-fuzz`) and a C++ compiler (libFuzzer is built from
# source). Works on stable Rust: `--sanitizer none` avoids the nightly-only `-Zsanitizer`,
# with rustc 1.95 and cargo-fuzz 0.13.2; no RUSTC_BOOTSTRAP needed).
# Crashes are saved under fuzz/artifacts/<target>/; the corpus grows under fuzz/corpus/.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(envelope_retrieve decrypt mac_open msgpack_bounds)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: run 'cargo install cargo-fuzz'" >&2
  exit 2
fi

# Seed the corpora with the protocol's own vectors, so fuzzing starts from valid envelopes,
# ciphertexts and hostile MessagePack documents rather than from nothing.
node - <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const read = (name) => JSON.parse(fs.readFileSync(path.join('test-vectors', name), 'utf8'));
const seed = (target, name, hex) => {
  const dir = path.join('fuzz', 'corpus', target);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `vector-${name}`), Buffer.from(hex, 'hex'));
};
const wire = read('wire-format.json');
for (const row of [...wire.vectors, ...wire.reject_vectors, ...wire.payload_reject_vectors]) {
  seed('envelope_retrieve', row.name, row.envelope_hex);
}
const encryption = read('encryption.json');
for (const row of [...encryption.vectors, ...encryption.aad_reject_vectors]) {
  seed('decrypt', row.name, row.aad_hex.slice(0, 16) + row.ciphertext_hex);
}
const bounds = read('decode-bounds.json');
for (const row of [...bounds.reject_vectors, ...bounds.accept_vectors]) {
  seed('msgpack_bounds', row.name, row.input_hex);
}
JS

for target in "${targets[@]}"; do
  echo "== fuzzing ${target} for ${seconds}s"
  cargo fuzz run --sanitizer none "${target}" -- \
    -max_total_time="${seconds}" -rss_limit_mb=4096 -print_final_stats=1
done
