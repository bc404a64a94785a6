# consent-gate: `make demo` and `make test` are all a fresh machine needs (see README).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
# The build runs the first wasm-opt on PATH: binaryen's from npm, never Debian's (see scripts/setup.sh).
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

WASM_PACK := wasm-pack --log-level warn
PORT ?= 8080

.PHONY: setup test-setup build cli-npm release demo test lint unit web-test e2e types size-check screenshots size size-budget bench core-size fuzz clean

# The build's tools; test-setup adds the browser the test layers drive.
setup:
	@scripts/setup.sh

test-setup:
	@scripts/setup.sh --test

# The release build recompiles the standard library (the rust-src component) so that a panic is
# an immediate abort: no panic messages, locations or formatting machinery in the module. -Z
# flags on the pinned stable compiler need RUSTC_BOOTSTRAP=1: the flags are unstable, the
# compiler is not. Tests build without them (debug builds keep panic messages).
# Without the reference-types feature wasm-bindgen keeps JS values in a JS array instead of a
# wasm table of externrefs: the module's table code and per-call conversions go, the glue grows
# by less (the e2e suite runs this build).
RELEASE_ENV := RUSTC_BOOTSTRAP=1 \
  CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Ctarget-feature=-reference-types"

# The wasm-opt flags, read from Cargo.toml's wasm-pack section (the one place they are written,
# with why), so that every module is optimised alike.
WASM_OPT_FLAGS := $(shell sed -n '/^\[package.metadata.wasm-pack.profile.release\]/,/^\[/s/^wasm-opt = \[\(.*\)\]/\1/p' Cargo.toml | tr -d '",')

# A single classic script from a release .wasm: $(1) the .wasm, $(2) a work directory, $(3) the
# file (scripts/bundle.mjs --gate).
define single_file
	wasm-bindgen --target no-modules --no-typescript --out-dir $(2) $(1)
	wasm-opt $(WASM_OPT_FLAGS) $(2)/consent_gate_bg.wasm -o $(2)/consent_gate_bg.wasm
	node scripts/shrink.mjs $(2)/consent_gate.js $(2)/consent_gate_bg.wasm
	node scripts/bundle.mjs $(2)/consent_gate.js $(2)/consent_gate_bg.wasm $(3) --gate
endef

# Two modules from one crate (README, "Two modules"): dist/consent-gate.js, the small gate
# (feature `small`), which every page view loads and which follows a returning visitor's plan;
# and the interface module (feature `gate`: the full gate with the banner and dialog), which the
# small gate loads from beside its own file for anything else: consent-gate.ui.en.js with English
# words only, and dist/consent-gate.ui.js, the same module with the other 23 languages' words
# beside it, written by `consent-gate interface` (only those CONSENT_GATE_LANGUAGES names, if
# set). pkg/ is the small gate as an ES module, with its types and copies of both interface
# module files, which it loads from beside itself.
# The small module drops its target-features section as scripts/shrink.mjs does the interface's:
# it only tells tools what the module was built with.
build: setup
	CONSENT_GATE_LANGUAGES=en $(RELEASE_ENV) cargo build --quiet --release --lib --target wasm32-unknown-unknown --features gate --target-dir target/en
	$(call single_file,target/en/wasm32-unknown-unknown/release/consent_gate.wasm,target/dist-en,dist/consent-gate.ui.en.js)
	cargo build --quiet --features cli --bin consent-gate
	target/debug/consent-gate interface $(if $(CONSENT_GATE_LANGUAGES),--languages $(CONSENT_GATE_LANGUAGES)) --out dist/consent-gate.ui.js dist/consent-gate.ui.en.js
	$(RELEASE_ENV) cargo build --quiet --release --lib --target wasm32-unknown-unknown --features small --target-dir target/small
	wasm-opt $(WASM_OPT_FLAGS) --strip-debug --strip-producers --strip-target-features target/small/wasm32-unknown-unknown/release/consent_gate.wasm -o target/small/consent_gate_small.wasm
	node scripts/bundle.mjs - target/small/consent_gate_small.wasm dist/consent-gate.js --small
	rm -rf pkg && mkdir -p pkg
	node scripts/bundle.mjs - target/small/consent_gate_small.wasm pkg/consent_gate.js --small-esm
	cp src/web/consent_gate.d.ts dist/consent-gate.ui.js dist/consent-gate.ui.en.js pkg/
	@node scripts/size.mjs pkg/consent_gate.js dist/consent-gate.js dist/consent-gate.ui.js dist/consent-gate.ui.en.js

# The consent-gate command for the npm package: the same Rust built to WebAssembly (feature
# `node`), run by src/bin/consent-gate/consent-gate.mjs. Not for pages: the standard allocator,
# and wasm-opt only to make the package smaller.
cli-npm: setup
	cargo build --quiet --release --target wasm32-unknown-unknown --features node --bin consent-gate --target-dir target/cli-wasm
	wasm-bindgen --target web --no-typescript --out-dir target/npm-cli --out-name consent-gate-cli target/cli-wasm/wasm32-unknown-unknown/release/consent-gate.wasm
	wasm-opt -Oz --strip-debug target/npm-cli/consent-gate-cli_bg.wasm -o target/npm-cli/consent-gate-cli_bg.wasm

# One npm package (target/npm/consent-gate-<version>.tgz): the ES module with its types, the
# classic gate and interfaces, the consent-gate command, the config's schema, licences,
# changelog, an installer's README.
release: build cli-npm
	node scripts/release.mjs

demo: build
	PORT=$(PORT) node scripts/serve.mjs

test: test-setup lint unit web-test e2e types size-check

lint:
	cargo fmt --all --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml
	cargo fmt --check --manifest-path bench/core-size/Cargo.toml
	cargo clippy --all-targets --all-features -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown --all-features -- -D warnings
	# Each browser module's own feature set: an import only another feature uses is unused there.
	cargo clippy --target wasm32-unknown-unknown --features gate -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --features small -- -D warnings
	cargo clippy --manifest-path bench/core-size/Cargo.toml --target wasm32-unknown-unknown --target-dir target/core-size-check -- -D warnings
	@# Doc links are how modules point at the rule they follow: a broken one is a wrong pointer.
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --features serde,cli
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown --features gate
	@# The browser can refuse anything: src/web never unwraps or expects.
	@if grep -rnE '\.(unwrap|expect)\(' src/web; then echo "unwrap/expect in src/web: handle the error instead" >&2; exit 1; fi

unit:
	cargo test --features serde,cli,small

web-test: test-setup
	$(WASM_PACK) test --headless --chrome --mode no-install -- --test web --features web

# The lockdown tests send the policy that `consent-gate csp` (the Rust server reader) computes.
e2e: test-setup release
	cargo build --quiet --features cli --bin consent-gate
	node --test --test-concurrency=1 tests/e2e/

# The ES module's declarations under `tsc --strict`: every call and event the README shows
# compiles, and each mistake in tests/types/mistakes.ts is caught (@ts-expect-error).
types: build
	tsc -p tests/types

# Re-makes the README's screenshot from the demo page (the e2e suite writes it).
screenshots: test-setup build
	cargo build --quiet --features cli --bin consent-gate
	UPDATE_SCREENSHOTS=1 node --test --test-concurrency=1 tests/e2e/

bench: test-setup build
	cargo build --quiet --features cli --bin consent-gate
	node bench/run.mjs

# src/core alone, without any browser binding (bench/core-size), built and optimised as the
# release module is: all languages, then English only. Its brotli size is a floor for any build
# of today's core, whatever carries it to the page.
core-size: setup
	$(RELEASE_ENV) cargo build --quiet --release --target wasm32-unknown-unknown --manifest-path bench/core-size/Cargo.toml --target-dir target/core-size
	CONSENT_GATE_LANGUAGES=en $(RELEASE_ENV) cargo build --quiet --release --target wasm32-unknown-unknown --manifest-path bench/core-size/Cargo.toml --target-dir target/core-size-en
	wasm-opt $(WASM_OPT_FLAGS) target/core-size/wasm32-unknown-unknown/release/core_size.wasm -o target/core-size/core.wasm
	wasm-opt $(WASM_OPT_FLAGS) target/core-size-en/wasm32-unknown-unknown/release/core_size.wasm -o target/core-size/core.en.wasm
	@node scripts/size.mjs target/core-size/core.wasm target/core-size/core.en.wasm

# Coverage-guided fuzzing of the config, record and URL-pattern parsers (nightly + cargo fuzz);
# FUZZ_SECONDS per target, default 60. Not part of `make test`: its length is a choice.
fuzz:
	@scripts/fuzz.sh

size:
	@node scripts/size.mjs pkg/consent_gate.js dist/consent-gate.js dist/consent-gate.ui.js dist/consent-gate.ui.en.js

# The two modules' budgets (README, "Development"). Joins `make test` once the builds are under
# them; until then it fails and says by how much.
size-budget: build
	@node scripts/size-budget.mjs

# In `make test`: no build may grow past the ceiling in scripts/size-ceiling.json (the size
# reached so far + 1%); prints each figure and its distance to the budget.
size-check: build
	@node scripts/size-budget.mjs --ceiling

clean:
	rm -rf pkg dist target/e2e target/dist target/dist-en target/small
