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
${glue}
// Google Consent Mode needs a gtag that pushes a real Arguments object (gtag.js ignores arrays);
// the page's own, if it has one, is kept.
window.dataLayer = window.dataLayer || [];
if (typeof window.gtag !== "function") window.gtag = function gtag() { window.dataLayer.push(arguments); };
try {
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

// Without the module there is no config to ask, so the gate falls back to the safe answer: every
// script, frame, image, link, beacon, fetch and XHR to another origin is held. Markup-held
// elements stay held anyway.
function holdEveryOtherSite() {
  // Each value is converted once, as the browser would convert it, and that same string is what
  // is decided on and passed on: a toString that answers differently on its second call cannot
  // slip another URL past. URLs are read by the browser's own parser.
  var text = function (value) { return typeof value === "string" ? value : String(value); };
  var trusted = function (value) {
    var types = window.trustedTypes;
    return !!types && typeof value === "object" && value !== null &&
      (types.isScriptURL(value) || types.isHTML(value) || types.isScript(value));
  };
  var foreign = function (url) {
    try {
      return new URL(url, document.baseURI).origin !== location.origin;
    } catch (e) {
      return false;
    }
  };
  var hold = function (element, name, url) {
    if (element.localName === "script") setAttribute.call(element, "type", "text/plain");
    setAttribute.call(element, "data-" + name, url);
  };
  var setAttribute = Element.prototype.setAttribute;
  [["HTMLScriptElement", "src"], ["HTMLImageElement", "src"], ["HTMLIFrameElement", "src"],
   ["HTMLEmbedElement", "src"], ["HTMLSourceElement", "src"], ["HTMLLinkElement", "href"]].forEach(function (pair) {
    var proto = window[pair[0]] && window[pair[0]].prototype;
    var d = proto && Object.getOwnPropertyDescriptor(proto, pair[1]);
    if (!d || !d.set) return;
    Object.defineProperty(proto, pair[1], Object.assign({}, d, {
      set: function (value) {
        var url = text(value);
        if (foreign(url)) return hold(this, pair[1], url);
        d.set.call(this, trusted(value) ? value : url);
      }
    }));
  });
  var setAttributeNS = Element.prototype.setAttributeNS;
  Element.prototype.setAttributeNS = function (namespace, name, value) {
    var n = text(name), local = n.split(":").pop().toLowerCase();
    if ((local === "src" || local === "href") && /^(script|img|iframe|embed|source|link)$/.test(this.localName)) {
      var url = text(value);
      if (foreign(url)) return hold(this, local, url);
      return setAttributeNS.call(this, namespace, n, trusted(value) ? value : url);
    }
    return setAttributeNS.call(this, namespace, n, value);
  };
  Element.prototype.setAttribute = function (name, value) {
    var n = text(name), lower = n.toLowerCase();
    if ((lower === "src" || lower === "href") && /^(script|img|iframe|embed|source|link)$/.test(this.localName)) {
      var url = text(value);
      if (foreign(url)) return hold(this, lower, url);
      return setAttribute.call(this, n, trusted(value) ? value : url);
    }
    return setAttribute.call(this, n, value);
  };
  var fetch = window.fetch;
  if (fetch) window.fetch = function (input) {
    var url;
    try {
      url = typeof Request === "function" && input instanceof Request ? input.url : (arguments[0] = text(input));
    } catch (e) {
      return Promise.reject(e);
    }
    return foreign(url) ? Promise.reject(new TypeError("consent-gate: held")) : fetch.apply(this, arguments);
  };
  if (navigator.sendBeacon) {
    var beacon = navigator.sendBeacon;
    navigator.sendBeacon = function (url) {
      arguments[0] = text(url);
      return foreign(arguments[0]) ? false : beacon.apply(this, arguments);
    };
  }
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    arguments[1] = text(url);
    this.__consentGateHeld = foreign(arguments[1]);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () { if (!this.__consentGateHeld) return send.apply(this, arguments); };
  // Every way a node goes into a document: a script inserted by any of them loads at once,
  // before the observer below could see it; so do the scripts inside an element or a fragment.
  var holdScript = function (node) {
    if (node.localName === "script" && node.type !== "text/plain" && node.hasAttribute("src") && foreign(node.getAttribute("src"))) {
      setAttribute.call(node, "type", "text/plain");
    }
  };
  var holdInserted = function (node) {
    if (!node || typeof node !== "object") return;
    if (node.nodeType === 1) holdScript(node);
    if ((node.nodeType === 1 || node.nodeType === 11) && node.querySelectorAll) {
      Array.prototype.forEach.call(node.querySelectorAll("script[src]"), holdScript);
    }
  };
  [["Node", "appendChild"], ["Node", "insertBefore"], ["Node", "replaceChild"], ["Element", "append"],
   ["Element", "prepend"], ["Element", "before"], ["Element", "after"], ["Element", "replaceWith"],
   ["Element", "replaceChildren"], ["Element", "insertAdjacentElement"], ["CharacterData", "before"],
   ["CharacterData", "after"], ["CharacterData", "replaceWith"], ["DocumentFragment", "append"],
   ["DocumentFragment", "prepend"], ["DocumentFragment", "replaceChildren"], ["Document", "append"],
   ["Document", "prepend"], ["Document", "replaceChildren"]].forEach(function (pair) {
    var proto = window[pair[0]] && window[pair[0]].prototype;
    var original = proto && proto[pair[1]];
    if (typeof original !== "function") return;
    proto[pair[1]] = function () {
      for (var i = 0; i < arguments.length; i++) holdInserted(arguments[i]);
      return original.apply(this, arguments);
    };
  });
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.localName === "script" && node.src && foreign(node.src) && node.type !== "text/plain") node.type = "text/plain";
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
}
})();
`;
mkdirSync(dirname(outPath), { recursive: true });
// Minified as a whole (glue and loader share one function scope); the module stays one literal.
const loader = kind === "--gate" ? gateLoader : interfaceLoader;
writeFileSync(outPath, transformSync(loader, { minify: true, target: "es2020" }).code);

