// Writes one classic script that carries a module inline and starts it synchronously
// (wasm-bindgen's `initSync`). Two kinds:
//   --gate       dist/consent-gate.js: in force before the next tag in the document is parsed
//                (current browsers compile modules of this size synchronously on the main
//                thread, see the README's "Two modules"); where WebAssembly cannot start, it holds
//                every request to another origin.
//   --interface  dist/consent-gate.ui.js: the banner and dialog, which the gate inserts when
//                something must be shown; it hands its `attach` function to the gate.
//
// usage: node scripts/bundle.mjs <no-modules glue.js> <module.wasm> <out.js> --gate|--interface

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { transformSync } from "esbuild";

const [gluePath, wasmPath, outPath, kind] = process.argv.slice(2);
if (kind !== "--gate" && kind !== "--interface") {
  console.error("bundle: say --gate or --interface");
  process.exit(1);
}
const glue = readFileSync(gluePath, "utf8");
const intercept = readFileSync(new URL("../src/web/intercept.js", import.meta.url), "utf8");
const module = readFileSync(wasmPath);
// Hex, not base64: brotli sees the module's bytes through hex (every byte is the same two
// letters wherever it stands) but not through base64 (6-bit groups cut across bytes). A Latin-1
// string literal depends on the script being decoded as UTF-8; hex is plain ASCII.
const wasm = module.toString("hex");

// The module's bytes, checked: a truncated file must not start half a module.
const bytes = `
  var text = "${wasm}";
  // Native where the browser has it (Chromium 140+, Firefox 133+, Safari 18.2+).
  var bytes = Uint8Array.fromHex ? Uint8Array.fromHex(text) : fromHex(text);
  if (bytes.length !== ${module.length}) throw new Error("the module arrived damaged");
  wasm_bindgen.initSync({ module: bytes });`;

// The loop for browsers without Uint8Array.fromHex: two lowercase hex digits per byte.
const fromHex = `
function fromHex(text) {
  var bytes = new Uint8Array(text.length >> 1);
  var digit = function (i) {
    var c = text.charCodeAt(i);
    return c < 58 ? c - 48 : c - 87;
  };
  for (var i = 0; i < bytes.length; i++) bytes[i] = (digit(2 * i) << 4) | digit(2 * i + 1);
  return bytes;
}`;

const interfaceLoader = `/*! consent-gate interface | MIT OR Apache-2.0 */
(function () {
"use strict";
${glue}
// The gate defined this just before it inserted this script, and removes it at the first call.
var attach = window.__consentGateAttach;
try {
  ${bytes}
  if (typeof attach !== "function") throw new Error("no consent-gate on this page is waiting for it: load consent-gate.js, which loads this file");
  attach(wasm_bindgen.version(), wasm_bindgen.attach);
} catch (error) {
  // The gate stays as it is: everything held stays held, and it says so.
  if (typeof attach === "function") attach("the interface module could not start (" + error + ")", null);
  else console.error("consent-gate: " + error);
}
${fromHex}
})();
`;

const gateLoader = `/*! consent-gate | MIT OR Apache-2.0 */
(function () {
"use strict";
// Google Consent Mode needs a gtag that pushes a real Arguments object (gtag.js ignores arrays);
// the page's own, if it has one, is kept.
window.dataLayer = window.dataLayer || [];
if (typeof window.gtag !== "function") window.gtag = function gtag() { window.dataLayer.push(arguments); };
try {
  // The glue too: its top level needs what an old or stripped browser may lack (TextDecoder),
  // and whatever fails here must end in the fallback, not in a script that stopped half-way.
  ${glue}
  ${bytes}
  if (!wasm_bindgen.running()) holdEveryOtherSite();
} catch (error) {
  var refused = /Content.Security.Policy|wasm-unsafe-eval|Refused to compile/i.test(String(error && error.message));
  console.error(
    "consent-gate: WebAssembly could not start (" + error + "). " +
      (refused
        ? "The page's Content-Security-Policy refuses to compile WebAssembly: add 'wasm-unsafe-eval' to script-src, e.g. script-src 'self' 'wasm-unsafe-eval'. "
        : "") +
      "Nothing was released, and every request to another site is held from now on."
  );
  holdEveryOtherSite();
}

${fromHex}

// The interception layer (src/web/intercept.js): the gate installs it with core's policy; the
// fallback below with the safe answer.
${intercept}

// Without the module there is no config to ask, so the gate falls back to the safe answer: every
// script, frame, image, link, beacon, fetch and XHR to another origin is held, by the same layer
// and over the same paths as the gate. Markup-held elements stay held anyway.
function holdEveryOtherSite() {
  var script = document.currentScript;
  var layer = consentGateIntercept(function (href, foreign) { return foreign ? ["", ""] : null; }, null, "", null, (script && script.nonce) || "");
  if (layer.refused.length) console.error("consent-gate: could not hold " + layer.refused.join(", "));
}
})();
`;
mkdirSync(dirname(outPath), { recursive: true });
// Minified as a whole (glue and loader share one function scope); the module stays one literal.
const loader = kind === "--gate" ? gateLoader : interfaceLoader;
writeFileSync(outPath, transformSync(loader, { minify: true, target: "es2020" }).code);

