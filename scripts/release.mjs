// `make release`: one npm package, from the built pkg/, dist/ and target/npm-cli/, in target/npm/consent-gate/,
// packed as target/npm/consent-gate-<version>.tgz (npm pack) and checked with
// `npm publish --dry-run`. The package's README is docs/npm-readme.md (written for installers;
// the repository's README has relative image links).
//
// usage: node scripts/release.mjs

import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "target/npm/consent-gate");
const version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))?.[1];
if (!version) throw new Error("release: Cargo.toml names no version");

// Every file, from where the build (or the repository) keeps it.
const files = {
  "consent_gate.js": "pkg/consent_gate.js",
  "consent_gate.d.ts": "pkg/consent_gate.d.ts",
  "consent-gate.js": "dist/consent-gate.js",
  "consent-gate.ui.js": "dist/consent-gate.ui.js",
  "consent-gate.ui.en.js": "dist/consent-gate.ui.en.js",
  "consent-gate.schema.json": "consent-gate.schema.json",
  // The preset catalog, for tools that write configs (the page never reads it).
  "presets.json": "presets/catalog.json",
  "LICENSE-MIT": "LICENSE-MIT",
  "LICENSE-APACHE": "LICENSE-APACHE",
  "CHANGELOG.md": "CHANGELOG.md",
  "README.md": "docs/npm-readme.md",
  // The consent-gate command (`npx consent-gate`), built by `make cli-npm`.
  "cli/consent-gate.mjs": "src/bin/consent-gate/consent-gate.mjs",
  "cli/consent-gate-cli.js": "target/npm-cli/consent-gate-cli.js",
  "cli/consent-gate-cli_bg.wasm": "target/npm-cli/consent-gate-cli_bg.wasm",
};
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "cli"), { recursive: true });
for (const [name, from] of Object.entries(files)) {
  const path = join(root, from);
  if (!existsSync(path)) throw new Error(`release: ${from} is missing (run make build first)`);
  copyFileSync(path, join(out, name));
}

const manifest = {
  name: "consent-gate",
  version,
  description: "A cookie consent banner and fail-closed tracking gate, in Rust compiled to WebAssembly.",
  license: "MIT OR Apache-2.0",
  keywords: ["consent", "gdpr", "cookies", "cookie-banner", "wasm", "privacy", "consent-mode"],
  type: "module",
  main: "./consent_gate.js",
  module: "./consent_gate.js",
  types: "./consent_gate.d.ts",
  bin: { "consent-gate": "./cli/consent-gate.mjs" },
  exports: {
    ".": { types: "./consent_gate.d.ts", default: "./consent_gate.js" },
    "./classic": "./consent-gate.js",
    "./schema": "./consent-gate.schema.json",
    "./consent-gate.js": "./consent-gate.js",
    "./consent-gate.ui.js": "./consent-gate.ui.js",
    "./consent-gate.ui.en.js": "./consent-gate.ui.en.js",
    "./consent-gate.schema.json": "./consent-gate.schema.json",
    "./presets.json": "./presets.json",
    "./package.json": "./package.json",
  },
  files: Object.keys(files).filter((name) => !["README.md"].includes(name)),
  // The classic scripts act when loaded; the ES module only when init() is called.
  sideEffects: ["./consent-gate.js", "./consent-gate.ui.js", "./consent-gate.ui.en.js"],
  engines: { node: ">=18" },
};
writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const npm = (args) => execFileSync("npm", args, { cwd: out, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", join(root, "target/npm")]))[0];
npm(["publish", "--dry-run", "--tag", "dry-run"]);
console.log(`release: target/npm/${packed.filename}, ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} KiB packed; npm publish --dry-run passes`);
