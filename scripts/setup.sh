#!/usr/bin/env bash
# Installs what `make build` and `make demo` need (Rust's wasm target, wasm-bindgen-cli, the npm
# tools), and with `--test` what the test targets add (Debian's Chromium, wasm-pack), and
# nothing that is already there at the right version, so running it twice costs a few seconds.
# Every download comes from a package registry (rustup's dist server, crates.io, npm, Debian):
# nothing is fetched from GitHub. The build needs no browser and no apt: it works on macOS and on
# Linux without Debian (README, "Building without apt").
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

tests=false
[ "${1:-}" = "--test" ] && tests=true

WASM_PACK_VERSION=0.15.1
MIN_WASM_OPT=116
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# 1. The wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# rust-src: the release build recompiles the standard library to abort at once on a panic.
for component in rustfmt clippy rust-src; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# 2. Debian's Chromium and ChromeDriver: the only browser that installs here (a test tool's own
#    browser download fails on this network).
if $tests && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "installing chromium and chromium-driver from Debian"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 3. wasm-bindgen-cli at exactly the version Cargo.lock pins: it must match the crate, and
#    wasm-pack (which runs the browser tests) refuses any other.
#    No --locked: the CLI's own lock file fails to resolve webpki-roots from crates.io.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ -z "$bindgen_version" ]; then
  say "Cargo.lock names no wasm-bindgen version; run 'cargo generate-lockfile' first" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 2 minutes)"
  cargo install -q wasm-bindgen-cli --version "$bindgen_version" --force
fi
if $tests && [ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (about 2 minutes)"
  cargo install -q wasm-pack --version "$WASM_PACK_VERSION" --force
fi

# 4. The JS tools (playwright-core, binaryen's wasm-opt, axe-core): exactly package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

# 5. The build runs whichever wasm-opt comes first on PATH. Debian's binaryen 108 writes a
#    module that validates and then throws in the browser ("WebAssembly.Table.set(): Argument 1
#    is invalid" on __wbindgen_externrefs), so refuse anything older than 116.
wasm_opt_version=$(wasm-opt --version 2>/dev/null | awk '{ print $3 }')
if [ -z "$wasm_opt_version" ] || [ "$wasm_opt_version" -lt "$MIN_WASM_OPT" ]; then
  say "wasm-opt ${wasm_opt_version:-missing} at $(command -v wasm-opt || echo '(none)') is older than $MIN_WASM_OPT:" >&2
  say "  versions before $MIN_WASM_OPT (Debian ships 108) emit wasm that throws when instantiated." >&2
  say "  Put node_modules/.bin first on PATH (the Makefile does) after 'npm ci' installs binaryen." >&2
  exit 1
fi
testing=""
$tests && testing=", wasm-pack $WASM_PACK_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
say "ready: $(rustc --version | cut -d' ' -f1-2), wasm-bindgen $bindgen_version, wasm-opt $wasm_opt_version$testing"
