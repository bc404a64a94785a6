// Writes one classic script that carries a module inline and starts it synchronously. Three kinds:
//   --small      dist/consent-gate.js: the small gate (src/web/small.js) with the interception
//                layer and the small module (src/small.rs, no wasm-bindgen glue: pass - for the
//                glue). It follows a returning visitor's plan, or writes the interface module in.
//   --gate       dist/consent-gate.ui.en.js: the interface module, the full gate with the
//                banner and dialog (wasm-bindgen's `initSync`), which the small gate loads; it
//                takes over the small gate's layer. Where WebAssembly cannot start, every
//                request to another origin stays held. It carries no other language's words:
//                `consent-gate interface` writes files that do (dist/consent-gate.ui.js).
//   --small-esm  pkg/consent_gate.js: the small gate as an ES module (`init()` and the API as
//                exports); it inserts consent-gate.ui.js from beside itself when it must.
//
// usage: node scripts/bundle.mjs <no-modules glue.js | -> <module.wasm> <out.js> <kind>
//   where <kind> is --small, --gate or --small-esm

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { minify } from "terser";

const [gluePath, wasmPath, outPath, kind] = process.argv.slice(2);
if (!["--small", "--gate", "--small-esm"].includes(kind)) {
  console.error("bundle: say --small, --gate or --small-esm");
  process.exit(1);
}
const glue = gluePath === "-" ? "" : readFileSync(gluePath, "utf8");
// Both gates check that they come from the same release before one hands the page to the other.
const version = /^version = "([^"]+)"/m.exec(readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8"))[1];
const intercept = readFileSync(new URL("../src/web/intercept.js", import.meta.url), "utf8");
const module = readFileSync(wasmPath);
// The module's bytes as one string literal, a character per byte (U+0000-U+00FF), written as
// UTF-8: brotli then sees nearly the bytes themselves (hex costs 7% more for the interface module,
// base64 27%). Only what a literal cannot hold as it is gets escaped, and "<", so that no
// "</script" or "<!--" can appear. The classic files start with a byte order mark, which decides
// their encoding over any header or page (HTML's "decode": the BOM wins).
const ESCAPES = { 0x0a: "\\n", 0x0d: "\\r", 0x22: '\\"', 0x3c: "\\x3c", 0x5c: "\\\\" };
const literal = `"${Array.from(module, (byte) => ESCAPES[byte] ?? String.fromCharCode(byte)).join("")}"`;
// Stands for the literal until the rest is minified: the literal's escapes are ours, not the
// minifier's. A free variable, not a string: the minifier would fold a string's length into the
// code that checks the module's.
const WASM = "__consentGateModule__";
// Stands for the interface module's other languages' words. It becomes an empty literal on a
// line of its own after MARK, which `consent-gate interface` finds and rewrites
// (src/bin/consent-gate/interface.rs): the module is the same whatever words a file carries.
const WORDS = "__consentGateWords__";
const MARK = "(/* consent-gate words */";

// The module's bytes, checked: a file truncated, decoded in another encoding (a character above
// U+00FF) or inlined into HTML (which turns NUL into U+FFFD) must not start half a module. Native
// where the browser has Uint8Array.fromBase64 (Chromium 140+, Firefox 133+, Safari 18.2+): btoa
// reads the literal as Latin-1 (and refuses any character above U+00FF), in a fraction of the
// time a loop takes before the engine optimises it.
const moduleBytes = `
function moduleBytes(text) {
  var bytes = null;
  try {
    if (Uint8Array.fromBase64) {
      bytes = Uint8Array.fromBase64(btoa(text));
    } else {
      bytes = new Uint8Array(text.length);
      var any = 0;
      for (var i = 0; i < bytes.length; i++) any |= bytes[i] = text.charCodeAt(i);
      if (any > 255) bytes = null;
    }
  } catch (e) {}
  if (!bytes || bytes.length !== ${module.length}) {
    throw new Error("the module arrived damaged (is the file served as it was built, and read as UTF-8?)");
  }
  return bytes;
}`;
const decode = `
  var bytes = moduleBytes(${WASM});`;

// Google Consent Mode needs a gtag that pushes a real Arguments object (gtag.js ignores arrays);
// the page's own, if it has one, is kept.
const gtag = `window.dataLayer = window.dataLayer || [];
if (typeof window.gtag !== "function") window.gtag = function gtag() { window.dataLayer.push(arguments); };`;

const smallLoader = `/*! consent-gate | MIT OR Apache-2.0 */
(function () {
"use strict";
${gtag}
try {
  consentGateSmall(${WASM}, "${version}");
} catch (error) {
  console.error("consent-gate: the gate could not start (" + error + "); nothing is released");
}
${readFileSync(new URL("../src/web/small.js", import.meta.url), "utf8")}
${moduleBytes}
${intercept}
})();
`;

// The API's functions, each answered by window.ConsentGate: the README's stub (a Promise of the
// answer) until the gate runs, the gate's own object after, as for the classic script. They are
// the declarations' (held to core::contract::API_FUNCTIONS by a unit test).
const API = [...readFileSync(new URL("../src/web/consent_gate.d.ts", import.meta.url), "utf8")
  .matchAll(/^export function (\w+)/gm)].map((match) => match[1]);
if (!API.length) throw new Error("src/web/consent_gate.d.ts declares no functions");
const smallModule = `/*! consent-gate | MIT OR Apache-2.0 */
const WASM = ${WASM};
const api = () => {
  let gate = window.ConsentGate;
  if (!gate) {
    gate = window.ConsentGate = { q: [] };
    for (const name of ${JSON.stringify(API)}) {
      gate[name] = (...args) => new Promise((resolve) => gate.q.push([name, args, resolve]));
    }
  }
  return gate;
};
let started;
// Its options stand for the classic tag's nonce and data-interface, which a module cannot read.
// Resolves once the gate is in force: a returning visitor's plan followed, or the interface
// module's full gate started (then every call answers at once). Rejects when it cannot be; held
// markup stays held.
// The small module is compiled off the main thread first (a module script has no "before the next
// tag" to win); where WebAssembly is refused the small gate gets null, and the full gate says why.
export default function init(options) {
  const { nonce = "", interface: named = "" } = options || {};
  started = started || Promise.resolve()
    .then(() => WebAssembly.compile(moduleBytes(WASM)))
    .catch(() => null)
    .then((module) => new Promise((resolve, reject) => {
    ${gtag}
    const before = api();
    // The literal URL lets bundlers that follow new URL(…, import.meta.url) (Vite) emit the file.
    const full = new URL("consent-gate.ui.js", import.meta.url).href;
    consentGateSmall(module, "${version}", {
      full,
      nonce,
      interface: named,
      settled(error) {
        if (!error && window.ConsentGate === before) error = new Error("consent-gate: the gate did not start (see the console); held markup stays held");
        if (error) reject(error);
        else resolve();
      },
    });
  }));
  return started;
}
${API.map((name) => `export function ${name}(...args) { return api().${name}(...args); }`).join("\n")}
${readFileSync(new URL("../src/web/small.js", import.meta.url), "utf8")}
${moduleBytes}
${intercept}
`;

const gateLoader = `/*! consent-gate | MIT OR Apache-2.0 */
(function () {
"use strict";
${gtag}
// The small gate hands over its layer, Trusted Types policy and Consent Mode entries (README,
// "Two modules"); where it refuses (another release, or not the script it loaded), it keeps
// holding and this file does nothing.
var handoff;
if (typeof window.__consentGateHandoff === "function") {
  handoff = window.__consentGateHandoff("${version}");
  if (!handoff) return;
}
function __cgHandoff() {
  return handoff;
}
// The built-in words beside English that this file carries (consent-gate interface rewrites them).
function __cgWords() {
  return ${WORDS};
}
try {
  // The glue too: its top level needs what an old or stripped browser may lack (TextDecoder),
  // and whatever fails here must end in the fallback, not in a script that stopped half-way.
  ${glue}
  ${decode}
  // Started, if only to refuse an invalid config (then everything stays held, and the console
  // names each field).
  var started = function () {
    if (!wasm_bindgen.running()) holdEveryOtherSite();
    if (handoff) handoff.ran(true);
  };
  // Inserted by the small gate after the page's tags (a click, an API call, the ES module): no
  // tag waits for this script, so the module compiles off the main thread. Written in as the
  // next script, it must be in force before the next tag: compiled here and now.
  if (handoff && handoff.later) {
    WebAssembly.compile(bytes).then(function (module) {
      wasm_bindgen.initSync({ module: module });
      started();
    }).catch(failed);
  } else {
    wasm_bindgen.initSync({ module: bytes });
    started();
  }
} catch (error) {
  failed(error);
}

function failed(error) {
  var refused = /Content.Security.Policy|wasm-unsafe-eval|Refused to compile/i.test(String(error && error.message));
  console.error(
    "consent-gate: WebAssembly could not start (" + error + "). " +
      (refused
        ? "The page's Content-Security-Policy refuses to compile WebAssembly: add 'wasm-unsafe-eval' to script-src, e.g. script-src 'self' 'wasm-unsafe-eval'. "
        : "") +
      "Nothing was released, and every request to another site is held from now on."
  );
  holdEveryOtherSite();
  if (handoff) handoff.ran(false);
}

${moduleBytes}

// The interception layer (src/web/intercept.js): the gate installs it with core's policy; the
// fallback below with the safe answer.
${intercept}

// Without the module there is no config to ask, so the gate falls back to the safe answer: every
// script, frame, image, link, beacon, fetch and XHR to another origin is held, by the same layer
// and over the same paths as the gate. Markup-held elements stay held anyway.
function holdEveryOtherSite() {
  var others = function (href, foreign) { return foreign ? ["", ""] : null; };
  if (handoff) return handoff.layer.use(others, null);
  var script = document.currentScript;
  var layer = consentGateIntercept(others, null, "", null, (script && script.nonce) || "");
  if (layer.refused.length) console.error("consent-gate: could not hold " + layer.refused.join(", "));
}
})();
`;
mkdirSync(dirname(outPath), { recursive: true });
// Minified as a whole (glue and loader share one function scope); the module stays one literal.
// terser rather than esbuild: three compress passes fold what the first one opens up, which
// esbuild's single pass leaves (docs/size-and-speed.md).
const loader = { "--small": smallLoader, "--gate": gateLoader, "--small-esm": smallModule }[kind];
const format = kind === "--small-esm" ? "esm" : undefined;
let { code } = await minify(loader, { ecma: 2020, module: Boolean(format), compress: { passes: 3 } });
if (kind === "--gate") {
  const [head, tail, ...others] = code.split(WORDS);
  if (tail === undefined || others.length) throw new Error("bundle: the words' placeholder must appear once");
  code = `${head}${MARK}\n""\n)${tail}`;
}
const [before, after, ...more] = code.split(WASM);
if (after === undefined || more.length) throw new Error("bundle: the module's literal must appear once");
// An ES module is always read as UTF-8 and needs no mark. Every function here runs as the page
// loads, so Chromium's compile hint has them compiled while the file streams in, off the main
// thread, instead of one by one on it at their first call.
const HINT = "//# allFunctionsCalledOnLoad\n";
writeFileSync(outPath, (format ? "" : "\uFEFF") + HINT + before + literal + after);

