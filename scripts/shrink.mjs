// Shrinks a wasm-bindgen build in place, after wasm-opt -Oz: the module's import and export names
// become one or two letters (binaryen's --minify-imports-and-exports-and-modules, whose mapping
// is applied to the glue), and the glue is minified (esbuild). wasm-bindgen names every import
// after the JS function plus a 16-digit hash, and every closure invoker after its full Rust type:
// the module and the glue each carried ~230 of those names, hashes that brotli cannot compress.
//
// usage: node scripts/shrink.mjs <glue.js> <module.wasm>
//   the glue is a classic script (wasm-bindgen --target no-modules), minified later as part of
//   dist/consent-gate.ui.js or dist/consent-gate.ui.en.js.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [gluePath, wasmPath] = process.argv.slice(2);

const fail = (message) => {
  console.error(`shrink: ${message}`);
  process.exit(1);
};

const minify = spawnSync(
  "wasm-opt",
  ["--minify-imports-and-exports-and-modules", "--strip-producers", "--strip-target-features", wasmPath, "-o", wasmPath],
  { encoding: "utf8", maxBuffer: 1 << 26 },
);
if (minify.status !== 0) fail(`wasm-opt failed: ${minify.stderr || minify.error}`);
let mapping;
try {
  mapping = JSON.parse(minify.stdout);
} catch (error) {
  fail(`wasm-opt printed no mapping this script can read (${error.message})`);
}

const escape = (name) => name.replace(/[$]/g, "\\$&");
let glue = readFileSync(gluePath, "utf8");
const replaceAll = (pattern, replacement, what) => {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) fail(`${what} is not in ${gluePath}: has wasm-bindgen's glue changed shape?`);
};

// Imports: every one is named __wbg_… or __wbindgen_… (with a hash where a name could repeat),
// a token that occurs nowhere else in the glue, so each is replaced wherever it stands.
const modules = new Set();
for (const [module, name, short] of mapping.imports) {
  if (!name.startsWith("__wb")) fail(`unexpected import name ${name}`);
  modules.add(module);
  replaceAll(new RegExp(`\\b${escape(name)}\\b(?=\\s*:)`, "g"), short, `import ${name}`);
}
// The one import module becomes "a".
if (modules.size !== 1) fail(`expected one import module, found ${[...modules].join(", ")}`);
replaceAll(`"${[...modules][0]}": import0`, `"a": import0`, "the import object's module key");

// Exports: the glue reads each one as `wasm.<name>`; the public JS API keeps its own names.
const renamed = new Map(mapping.exports);
replaceAll(/\bwasm\.([A-Za-z_$][\w$]*)/g, (whole, name) => {
  const short = renamed.get(name);
  if (short === undefined) fail(`the glue reads wasm.${name}, which the module does not export`);
  return `wasm.${short}`;
}, "wasm.<export>");

writeFileSync(gluePath, glue);
