// Shrinks a wasm-bindgen build in place, after wasm-opt -Oz: the module's import and export names
// become one or two letters (binaryen's --minify-imports-and-exports-and-modules, whose mapping
// is applied to the glue), and the glue is minified (esbuild). wasm-bindgen names every import
// after the JS function plus a 16-digit hash, and every closure invoker after its full Rust type:
// the module and the glue each carried ~230 of those names, hashes that brotli cannot compress.
//
// usage: node scripts/shrink.mjs <glue.js> <module.wasm> [--esm] [--types <module.wasm.d.ts>]
//   --esm    the glue is an ES module (wasm-pack --target web); otherwise a classic script
//            (--target no-modules), minified later as part of dist/consent-gate.js or
//            dist/consent-gate.ui.js.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";

const args = process.argv.slice(2);
const [gluePath, wasmPath] = args;
const esm = args.includes("--esm");
const typesAt = args.indexOf("--types");
const typesPath = typesAt >= 0 ? args[typesAt + 1] : undefined;

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

if (esm) {
  // The gate finds the interface module beside its own file: a module script is not
  // `document.currentScript`, so the glue tells it its URL (the gate's `__cgBase` import; the
  // classic build reads the <script> element instead). Only the gate module imports it.
  if (/\b__cgBase\b/.test(glue)) glue = `function __cgBase() { return import.meta.url; }\n${glue}`;
  // A call before init() is queued, as the classic script's stub queues it, and answered with a
  // Promise once the module runs (it used to throw "Cannot read properties of undefined").
  if (/^export function ready\(/m.test(glue)) {
    const api = ["acceptAll", "accepted", "acceptedService", "exportRecord", "forget", "get", "hide", "on", "ready",
      "rejectAll", "set", "setLanguage", "show", "showPreferences", "withdraw"];
    for (const name of api) replaceAll(new RegExp(`^export function ${name}\\(`, "m"), `function __api_${name}(`, `export ${name}`);
    replaceAll(
      /(function __wbg_finalize_init\([^)]*\) \{[^}]*?)(\n    return wasm;\n\})/,
      "$1\n    for (const run of __waiting.splice(0)) run();$2",
      "the module's start (__wbg_finalize_init)",
    );
    glue += `
const __waiting = [];
function __call(api, args) {
  if (wasm !== undefined) return api(...args);
  return new Promise((resolve, reject) => __waiting.push(() => {
    try { resolve(api(...args)); } catch (error) { reject(error); }
  }));
}
${api.map((name) => `export function ${name}(...args) { return __call(__api_${name}, args); }`).join("\n")}
`;
  }
  // The interception layer the gate installs (src/web/intercept.js), in the module's own scope;
  // and, as the classic gate does, the standard gtag when the page has none: Consent Mode needs
  // one that pushes a real Arguments object (gtag.js ignores arrays).
  if (/\bconsentGateIntercept\b/.test(glue)) {
    const gtag = `window.dataLayer = window.dataLayer || [];
if (typeof window.gtag !== "function") window.gtag = function gtag() { window.dataLayer.push(arguments); };`;
    glue = `${gtag}\n${readFileSync(new URL("../src/web/intercept.js", import.meta.url), "utf8")}\n${glue}`;
  }
  glue = transformSync(glue, { minify: true, format: "esm", target: "es2020" }).code;
}
writeFileSync(gluePath, glue);

// The module's type declarations name its exports; keep them true.
if (typesPath && existsSync(typesPath)) {
  let types = readFileSync(typesPath, "utf8");
  for (const [name, short] of renamed) {
    types = types.replace(new RegExp(`\\b${escape(name)}\\b(?=\\s*[:(])`, "g"), short);
  }
  writeFileSync(typesPath, types);
}
