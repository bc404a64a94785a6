// consent-gate's small gate (dist/consent-gate.js): the one script a page loads, first in <head>.
// scripts/bundle.mjs puts beside it the interception layer (intercept.js), the reader of
// the module's literal (moduleBytes) and the small module (src/small.rs), which answers from a
// returning visitor's plan (src/core/plan.rs).
//
// Where a plan made by the full gate on an earlier page view is in force (core says so), the
// small gate follows it: it holds what the plan holds, releases what it releases, sends the same
// Consent Mode calls, purges the same traces and answers the API's reading half; where the plan
// is a visitor's who has not decided, it also inserts the interface module, which shows the
// banner. Every decision is the module's; this file performs. Where no plan is in force it writes
// the interface module (the full gate with the banner and dialog: consent-gate.ui.js beside this
// file, or the file data-interface names) into the page as the next script, so that it runs
// before any later tag; where the page asks for more than a plan covers (a decision, the
// preferences, a placeholder, another tab's decision) it loads that module, whose full gate takes
// over this layer and decides from the record the page runs under.
//
// In both cases the layer is in force from here: until the full gate runs (or if it never does),
// every request to another origin is held.
//
// `WASM` is the small module as its literal, or compiled (the ES module build; null where it
// could not be). `esm` is given by the ES module build (pkg/consent_gate.js), which runs after
// the page is parsed and is not `document.currentScript`: `esm.full` is the interface module's
// URL beside the module, and `esm.settled(error)` is called once the gate is in force (a plan
// followed, or the full gate started) or cannot be (`error`). The interface module is then
// inserted, never written. `esm.nonce` and `esm.interface` stand for the classic tag's nonce and
// `data-interface`, which a module script cannot read from itself.
function consentGateSmall(WASM, VERSION, esm) {
  "use strict";
  var win = window;
  var doc = document;
  var script = esm ? null : doc.currentScript;
  var nonce = (esm ? esm.nonce : script && script.nonce) || "";
  var named = esm ? esm.interface : script && script.getAttribute("data-interface");
  var fullUrl = null;
  try {
    fullUrl = named ? new URL(named, doc.baseURI).href :
      esm ? esm.full : new URL("consent-gate.ui.js", (script && script.src) || doc.baseURI).href;
  } catch (e) {
    // No URL to load it from: the layer below holds every other origin, and the console says so.
  }
  var settled = function (error) {
    if (esm) esm.settled(error);
  };
  var report = function (level, text) {
    console[level]("consent-gate: " + text);
  };

  // The Trusted Types policy both gates use (the site's CSP names it: trusted-types
  // consent-gate); handed to the full gate, which cannot make a second one of the same name.
  var tt = null;
  if (win.trustedTypes && win.trustedTypes.createPolicy) {
    var same = function (text) { return text; };
    try {
      tt = win.trustedTypes.createPolicy("consent-gate", { createHTML: same, createScript: same, createScriptURL: same });
    } catch (e) {
      report("error", "the page's Trusted Types policy refuses the \"consent-gate\" policy (" + e + "): add trusted-types consent-gate to its CSP");
    }
  }

  // Until a plan is followed or the full gate takes over: every other origin is held, except the
  // full gate's own file.
  var holdOthers = function (href, foreign) {
    return foreign && href !== fullUrl ? ["", ""] : null;
  };
  var policy = holdOthers;
  var parsed = null;
  var layer = consentGateIntercept(
    function (href, foreign) { return policy(href, foreign); },
    function () { if (parsed) parsed(); },
    // What the parser adds that calls for a release pass: a superset of core's
    // BODY_OR_GATED_SELECTOR (the module that knows it is not compiled before the layer must hold).
    "body, script[type=\"text/plain\"], [data-category], [data-service]",
    tt,
    nonce
  );
  if (layer.refused.length) report("warn", "auto-blocking could not wrap " + layer.refused.join(", "));

  var plan = null;
  var following = false;
  var announced = false;
  var handedOff = false;
  var stops = [];
  var listen = function (target, type, listener) {
    target.addEventListener(type, listener);
    stops.push(function () { target.removeEventListener(type, listener); });
  };

  // The Consent Mode entries this gate pushed, kept first in any array assigned to dataLayer.
  var ours = null;
  var dataLayerNow;
  var keepFirst = function (entry) {
    if (ours) return void ours.push(entry);
    ours = [entry];
    dataLayerNow = win.dataLayer;
    try {
      Object.defineProperty(win, "dataLayer", {
        configurable: true,
        get: function () { return dataLayerNow; },
        set: function (value) {
          if (Array.isArray(value)) {
            for (var i = ours.length - 1; i >= 0; i--) if (value.indexOf(ours[i]) < 0) value.unshift(ours[i]);
          }
          dataLayerNow = value;
        },
      });
    } catch (e) {
      report("warn", "Google Consent Mode: dataLayer cannot be guarded (" + e + "); a page that assigns dataLayer = [ … ] afterwards erases the consent default");
    }
  };

  // What an inserted full gate reports once it has started, or failed to (see upgrade).
  var ran = null;
  // The script this gate wrote or inserted asked for the page (whether or not it was given it),
  // or its failure to was said.
  var asked = false;
  // The full gate calls this as it starts, from the script this gate wrote or inserted: it
  // takes the layer, the Trusted Types policy and the Consent Mode entries, and this gate stops.
  // An inserted one (`later`) may compile its module off the main thread and start a few tasks
  // on; it reports through `ran`.
  var handoff = function (version) {
    var caller = doc.currentScript;
    if (handedOff || !caller || caller.src !== fullUrl) return null;
    asked = true;
    if (version !== VERSION) {
      report("error", fullUrl + " is version " + version + ", consent-gate.js " + VERSION + ": serve both files from the same release. Nothing more is released, and every request to another site is held");
      policy = holdOthers;
      return null;
    }
    handedOff = true;
    try {
      delete win.__consentGateHandoff;
    } catch (e) {
      // Kept, but it answers no one again.
    }
    // An inserted full gate starts after its compile: until it has, this gate's listeners still
    // hear the settings links and queue what they ask for it.
    var stop = function () {
      while (stops.length) stops.pop()();
    };
    if (!upgrading) stop();
    // The interface draws its own button once the full gate wants it.
    if (buttonHost) buttonHost.remove();
    if (ours) Object.defineProperty(win, "dataLayer", { configurable: true, enumerable: true, writable: true, value: dataLayerNow });
    return {
      layer: layer,
      tt: tt,
      takeover: following,
      previous: following ? [plan.record, plan.mirror] : null,
      // The plan came from storage: it stays there while nothing it was made for changes.
      kept: following && !carried,
      announced: announced,
      dataLayer: ours || [],
      script: caller,
      later: upgrading,
      // Read as the full gate starts: the click may come while its module compiles.
      get clicked() {
        return clicked;
      },
      ran: function (started) {
        stop();
        if (ran) ran(started);
      },
    };
  };
  try {
    Object.defineProperty(win, "__consentGateHandoff", { configurable: true, value: handoff });
  } catch (e) {
    report("error", "the full gate cannot be handed the page: " + e);
  }

  var attribute = function (text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  };
  // The interface module failed to load, or loaded without asking for the page (another file:
  // an error page, a script of something else): said once; everything stays held.
  var unstarted = function (type) {
    if (asked) return;
    asked = true;
    report("error", fullUrl + (type === "error" ? " did not load" : " loaded but did not start (is it consent-gate.ui.js?)") +
      ": nothing is released, and every request to another site is held");
  };
  // The interface module as the next script the parser runs.
  var writeFull = function () {
    if (!fullUrl) return report("error", "the interface module's URL could not be worked out; every request to another site is held");
    // Listened for on the document: a script's events do not bubble.
    var ended = function (event) {
      if (event.target && event.target.src === fullUrl) unstarted(event.type);
    };
    for (var e = 0; e < 2; e++) doc.addEventListener(e ? "load" : "error", ended, true);
    stops.push(function () {
      doc.removeEventListener("error", ended, true);
      doc.removeEventListener("load", ended, true);
    });
    var html = "<script src=\"" + attribute(fullUrl) + "\"" + (nonce ? " nonce=\"" + attribute(nonce) + "\"" : "") + "></" + "script>";
    doc.write(tt ? tt.createHTML(html) : html);
  };

  var pending = [];
  var upgrading = false;
  // The upgrade has settled: the full gate answers from then on, if it started.
  var done = false;
  var undecided = function () {
    return new Error("consent-gate: " + fullUrl + " did not start; nothing was decided");
  };
  // The full gate, fetched now: it takes over and answers what was asked meanwhile.
  var upgrade = function () {
    if (upgrading || handedOff) return;
    upgrading = true;
    // ready() waits for the full gate now: it announces readiness once it is up.
    for (var w = 0; w < waiting.length; w++) pending.push(["ready", [], waiting[w], waiting[w]]);
    waiting = [];
    var full = doc.createElement("script");
    full.src = tt ? tt.createScriptURL(fullUrl) : fullUrl;
    if (nonce) full.nonce = nonce;
    var settle = function (failed) {
      if (done) return;
      done = true;
      // A full gate that started (and took the API: the config is valid) shows its banner, or
      // has decided, as it announces readiness.
      if (bannerHost && !failed && handedOff && win.ConsentGate !== small) doc.addEventListener(said("cg_event", ["ready"]), undraw, { once: true });
      else undraw();
      settled(failed || !handedOff ? new Error("consent-gate: " + fullUrl + " did not start; nothing more is released (see the console)") : null);
      var calls = pending.splice(0);
      for (var i = 0; i < calls.length; i++) {
        var api = win.ConsentGate;
        var call = calls[i];
        if (failed || !handedOff || !api || api === small) {
          call[3](undecided());
          continue;
        }
        try {
          call[2](api[call[0]].apply(api, call[1]));
        } catch (e) {
          call[3](e);
        }
      }
    };
    ran = function (started) { settle(!started); };
    // Loaded without being handed the page (another file, or another release's), or not at all.
    var ended = function (event) {
      if (handedOff) return;
      unstarted(event.type);
      settle(true);
    };
    full.addEventListener("load", ended);
    full.addEventListener("error", ended);
    (doc.head || doc.documentElement).appendChild(full);
  };
  var later = function (name) {
    return function () {
      var args = arguments;
      if (handedOff && win.ConsentGate !== small) return win.ConsentGate[name].apply(win.ConsentGate, args);
      // Settled, and the full gate did not take the API (it failed, or the config is invalid):
      // nothing will answer.
      if (done) return Promise.reject(undecided());
      return new Promise(function (resolve, reject) {
        pending.push([name, args, resolve, reject]);
        upgrade();
      });
    };
  };

  // The module's exports, and text through its buffers.
  var x = null;
  var encoder;
  var decoder;
  // Each part goes as its length in bytes and its UTF-8 text: a part may hold any character.
  var ask = function (name, parts, a, b, c, d, e) {
    var texts = [];
    var size = 0;
    for (var i = 0; i < parts.length; i++) size += 4 + (texts[i] = encoder.encode(parts[i])).length;
    // The buffer after the call: making room may grow the memory, which detaches the old one.
    var at = x.cg_input(size);
    var lengths = new DataView(x.memory.buffer, at, size);
    var bytes = new Uint8Array(x.memory.buffer, at, size);
    for (var j = 0, o = 0; j < texts.length; o += 4 + texts[j++].length) {
      lengths.setUint32(o, texts[j].length, true);
      bytes.set(texts[j], o + 4);
    }
    return x[name](a, b, c, d, e);
  };
  var said = function (name, parts, a) {
    var length = ask(name, parts, a);
    return decoder.decode(new Uint8Array(x.memory.buffer, x.cg_output(), length));
  };
  // An answer of several items, each as the parts go in: its length in bytes, then its text.
  var items = function (name, parts) {
    var length = ask(name, parts);
    var at = x.cg_output();
    var lengths = new DataView(x.memory.buffer, at, length);
    var out = [];
    for (var o = 0, n; o < length; o += 4 + n) {
      n = lengths.getUint32(o, true);
      out.push(decoder.decode(new Uint8Array(x.memory.buffer, at + o + 4, n)));
    }
    return out;
  };

  // --- Following a plan ---------------------------------------------------------------------

  var readiness = function () {
    return { protections: { complete: layer.refused.length === 0, refused: layer.refused.slice() } };
  };
  var waiting = [];
  // Whether the interface module waits for the drawn banner's paint (afterPaint): its full gate
  // announces readiness then, as when it has been inserted.
  var painting = false;
  var announce = function () {
    if (announced || upgrading || painting) return;
    announced = true;
    var detail = readiness();
    doc.dispatchEvent(new CustomEvent(said("cg_event", ["ready"]), { detail: detail }));
    for (var i = 0; i < waiting.length; i++) waiting[i](detail);
    waiting = [];
  };

  var GATED, EMBED, CATEGORY, SERVICE, QUEUED, REFUSED;

  // One held element's release, as the module plans it; the new script when others wait for it.
  var releaseOne = function (element, planned) {
    element.removeAttribute(QUEUED);
    if (planned.kind === "S") {
      var created = doc.createElement("script");
      for (var i = 0; i < planned.set.length; i += 2) {
        var name = planned.set[i];
        var value = planned.set[i + 1];
        created.setAttribute(name, name === "src" && tt ? tt.createScriptURL(value) : value);
      }
      created.nonce = element.nonce || nonce;
      created.async = planned.order !== "L";
      created.text = tt ? tt.createScript(element.text) : element.text;
      element.replaceWith(created);
      return planned.order === "L" ? created : null;
    }
    for (var j = 0; j < planned.set.length; j += 2) element.setAttribute(planned.set[j], planned.set[j + 1]);
    for (var k = 0; k < planned.remove.length; k++) element.removeAttribute(planned.remove[k]);
    if (planned.reload && element.parentElement && typeof element.parentElement.load === "function") element.parentElement.load();
    return null;
  };
  // Batches in order: the next once every external script of this one has loaded or failed.
  var run = function (batches) {
    while (batches.length) {
      var batch = batches.shift();
      var loading = [];
      for (var i = 0; i < batch.length; i++) {
        try {
          var created = releaseOne(batch[i][0], batch[i][1]);
          if (created) loading.push(created);
        } catch (e) {
          report("error", "releasing a consented element failed: " + e);
        }
      }
      if (!loading.length || !batches.length) continue;
      var remaining = loading.length;
      var next = function () {
        remaining -= 1;
        if (remaining === 0) run(batches);
      };
      for (var j = 0; j < loading.length; j++) {
        var once = (function (done) {
          var fired = false;
          return function () {
            if (!fired) {
              fired = true;
              done();
            }
          };
        })(next);
        loading[j].addEventListener("load", once);
        loading[j].addEventListener("error", once);
      }
      return;
    }
  };
  var releasePass = function () {
    var held = doc.querySelectorAll(GATED);
    var plans = [];
    for (var i = 0; i < held.length; i++) {
      var element = held[i];
      if (element.hasAttribute(QUEUED) || element.hasAttribute(REFUSED)) continue;
      var category = element.getAttribute(CATEGORY);
      var service = element.getAttribute(SERVICE);
      var flags = (category !== null ? 1 : 0) | (service !== null ? 2 : 0);
      if (!ask("cg_verdict", [category || "", service || ""], flags)) continue;
      if (element.localName === "script" && !ask("cg_script", [], nonce ? 1 : 0, layer.injected(element) ? 1 : 0, element.nonce ? 1 : 0)) {
        element.setAttribute(REFUSED, "");
        report("error", plan.names.injectedKept);
        continue;
      }
      var parts = [element.localName];
      var names = element.getAttributeNames();
      for (var n = 0; n < names.length; n++) if (names[n] !== QUEUED) parts.push(names[n], element.getAttribute(names[n]));
      var answer = items("cg_release", parts);
      var planned = { kind: answer[0], order: answer[1], set: [], remove: [], reload: false };
      if (planned.kind === "S") planned.set = answer.slice(2);
      else {
        planned.reload = answer[2] === "1";
        for (var t = 3; t < answer.length; t += 3) {
          planned.set.push(answer[t], answer[t + 1]);
          planned.remove.push(answer[t + 2]);
        }
      }
      element.setAttribute(QUEUED, "");
      plans.push([element, planned]);
    }
    if (!plans.length) return;
    var starts = said("cg_batches", [plans.map(function (p) { return p[1].order; }).join("")]);
    var batches = [];
    for (var b = 0; b < plans.length; b++) {
      if (starts[b] === "1" || !batches.length) batches.push([]);
      batches[batches.length - 1].push(plans[b]);
    }
    run(batches);
  };
  // A held embed needs its placeholder, which the full gate's interface draws.
  var embeds = function () {
    if (doc.querySelector(EMBED)) upgrade();
  };
  // A host first in <body>, its shadow root styled with core's stylesheet, as the interface's.
  var drawHost = function (id, css) {
    var host = doc.createElement("div");
    host.id = id;
    var shadow = host.attachShadow({ mode: "open" });
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      var style = doc.createElement("style");
      style.textContent = css;
      shadow.appendChild(style);
    }
    doc.body.prepend(host);
    return shadow;
  };
  // The index of the view (one per offered language) in the language the module picks, as the
  // interface would.
  var pick = function (forced, views) {
    var html = doc.documentElement.getAttribute("lang");
    return ask("cg_language", [forced || "", html || "", views.map(function (view) { return view[0]; }).join(" ")].concat(navigator.languages || []), (forced !== null ? 1 : 0) | (html !== null ? 2 : 0));
  };
  // An element as core lays it out (view::Markup): every text set as text.
  var build = function (markup) {
    var element = doc.createElement(markup[0]);
    for (var i = 0; i < markup[1].length; i++) element.setAttribute(markup[1][i][0], markup[1][i][1]);
    if (markup[2]) element.textContent = markup[2];
    for (var j = 0; j < markup[3].length; j++) element.appendChild(build(markup[3][j]));
    return element;
  };
  // The floating settings button, as the interface draws it; a click loads the full gate, which
  // opens the preferences.
  var buttonHost = null;
  var drawButton = function () {
    var button = plan.button;
    if (!button || buttonHost || !doc.body) return;
    var element = build(button.views[pick(button.forced, button.views)][1]);
    element.addEventListener("click", function () { small.showPreferences(); });
    buttonHost = drawHost(button.host, button.css).host;
    buttonHost.shadowRoot.appendChild(element);
  };
  // An undecided visitor's banner, as core lays it out, shown while the interface module
  // downloads. What the visitor clicks on it (one control, and whether the browser says they did)
  // goes to the full gate, which carries it out as a click on its own banner.
  var bannerHost = null;
  var clicked = null;
  var drawBanner = function () {
    var drawing = plan.drawing;
    if (!drawing || bannerHost || done || !doc.body) return;
    var banner = build(drawing.views[pick(drawing.forced, drawing.views)][1]);
    var shadow = drawHost(drawing.host, drawing.css);
    bannerHost = shadow.host;
    shadow.addEventListener("click", function (event) {
      var control = event.target.closest("[" + drawing.action + "]");
      if (!control || clicked) return;
      clicked = [control.getAttribute(drawing.action), event.isTrusted];
      banner.setAttribute("aria-busy", "true");
      upgrade();
    });
    // Escape would close a modal banner undecided.
    shadow.addEventListener("cancel", function (event) { event.preventDefault(); }, true);
    shadow.appendChild(banner);
    if (banner.showModal) banner.showModal();
  };
  // The full gate is ready or failed: the drawn banner goes. Its own, if shown, is the same
  // banner, so it does not come in again ("seen": no entrance animation), and focus moves to the
  // same control on it.
  var undraw = function () {
    if (!bannerHost) return;
    var drawing = plan.drawing;
    var focused = bannerHost.shadowRoot.activeElement;
    var action = focused && focused.getAttribute(drawing.action);
    bannerHost.remove();
    bannerHost = null;
    var root = doc.getElementById(drawing.host);
    var shown = root && root.shadowRoot && root.shadowRoot.querySelector("[" + drawing.banner + "]");
    if (!shown) return;
    // Before the browser next computes styles: asking for its animations would make it do so now.
    shown.classList.add("seen");
    var same = action && shown.querySelector("[" + drawing.action + "=\"" + action + "\"]");
    if (same) same.focus();
  };
  // The banner drawn, the interface module starts once the browser has painted it: started
  // earlier, it runs while the page parses and holds the page's first paint back. A hidden page
  // paints nothing, so it starts at once there.
  var afterPaint = function () {
    if (painting || upgrading) return;
    painting = true;
    if (doc.hidden) return upgrade();
    requestAnimationFrame(function () { setTimeout(upgrade, 0); });
  };
  var whenParsed = function () {
    try {
      drawBanner();
    } catch (e) {
      report("warn", "the banner is shown once the interface module has loaded: " + e);
    }
    if (plan.banner && doc.body) {
      if (bannerHost) afterPaint();
      else upgrade();
    }
    if (handedOff) return;
    releasePass();
    embeds();
    if (doc.body) {
      try {
        drawButton();
      } catch (e) {
        report("warn", "the settings button could not be drawn: " + e);
      }
      announce();
    }
  };

  // The Meta pixel's snippet defines fbq only if there is none, so none can be defined first:
  // until it runs, window.fbq is an accessor that, when the snippet assigns its function, hands
  // it the latest consent call before the page's first call (its init). The accessor stays after
  // the handoff: the full gate's next call reads the pixel (or replaces the accessor) through it.
  var meta = null;
  var fbq = function (args) {
    if (meta) {
      meta.last = args;
      if (meta.pixel && meta.delivered) meta.pixel.apply(undefined, args);
      return;
    }
    if (typeof win.fbq === "function") {
      meta = { last: args, pixel: win.fbq, delivered: true };
      return void meta.pixel.apply(undefined, args);
    }
    meta = { last: args, pixel: null, proxy: undefined, delivered: false };
    Object.defineProperty(win, "fbq", {
      configurable: true,
      get: function () { return meta.proxy; },
      set: function (value) {
        if (typeof value !== "function") return;
        meta.pixel = value;
        meta.proxy = new Proxy(value, {
          apply: function (pixel, self, args) {
            if (!meta.delivered) {
              meta.delivered = true;
              pixel.apply(undefined, meta.last);
            }
            return Reflect.apply(pixel, self, args);
          },
        });
      },
    });
  };

  // The plan's vendor calls from `from` to `to`, as the full gate makes them.
  var perform = function (from, to) {
    for (var i = from; i < to; i++) {
      var call = plan.calls[i];
      try {
        if (call[0] === "gtag") {
          var before = Array.isArray(win.dataLayer) ? win.dataLayer.length : 0;
          win.gtag.apply(win, call.slice(1));
          var after = win.dataLayer;
          if (Array.isArray(after) && after.length === before + 1) keepFirst(after[after.length - 1]);
        } else if (call[0] === "uet") {
          win.uetq = win.uetq || [];
          win.uetq.push.apply(win.uetq, call.slice(1));
        } else if (call[0] === "fbq") {
          fbq(call.slice(1));
        }
      } catch (e) {
        report("warn", "a consent call to a tag failed: " + e);
      }
    }
  };

  var purge = function () {
    if (!plan.purge.cookies.length && !plan.purge.storage.length) return;
    try {
      items("cg_purge", [doc.cookie]).forEach(function (line) { doc.cookie = line; });
      var store = win.localStorage;
      var keys = [];
      for (var i = 0; i < store.length; i++) keys.push(store.key(i));
      items("cg_keys", keys).forEach(function (key) { store.removeItem(key); });
      var warning = said("cg_survivors", [doc.cookie]);
      if (warning) report("warn", warning);
    } catch (e) {
      report("warn", "purging withdrawn services: " + e);
    }
  };

  var small = null;
  var api = function () {
    var named = function (kind, value) {
      if (typeof value !== "string") throw new Error("consent-gate: the " + (kind ? "service" : "category") + " must be a string");
      var unknown = said("cg_unknown", [value], kind);
      if (unknown) throw new Error("consent-gate: " + unknown);
      return !!ask("cg_verdict", kind ? ["", value] : [value, ""], kind ? 2 : 1);
    };
    var reading = function (name, answer) {
      return function () {
        if (handedOff && win.ConsentGate !== small) return win.ConsentGate[name].apply(win.ConsentGate, arguments);
        return answer.apply(null, arguments);
      };
    };
    small = {
      ready: reading("ready", function () {
        return new Promise(function (resolve) {
          if (announced) resolve(readiness());
          else if (upgrading) pending.push(["ready", [], resolve, resolve]);
          else waiting.push(resolve);
        });
      }),
      get: reading("get", function () { return JSON.parse(plan.get); }),
      exportRecord: reading("exportRecord", function () { return plan.get; }),
      accepted: reading("accepted", function (category) { return named(0, category); }),
      acceptedService: reading("acceptedService", function (service) { return named(1, service); }),
      on: reading("on", function (event, listener) {
        if (typeof event !== "string") throw new Error("consent-gate: the event must be a string");
        var name = said("cg_event", [event]);
        if (name.charAt(0) === "!") throw new Error("consent-gate: " + name.slice(1));
        if (typeof listener !== "function") throw new Error("consent-gate: on() takes an event name and a function");
        var handler = function (e) {
          try {
            listener(e.detail === undefined ? null : e.detail);
          } catch (thrown) {
            report("error", "a " + e.type + " listener threw: " + thrown);
          }
        };
        doc.addEventListener(name, handler);
        return function () { doc.removeEventListener(name, handler); };
      }),
    };
    ["acceptAll", "rejectAll", "set", "withdraw", "forget", "show", "hide", "showPreferences", "setLanguage"].forEach(function (name) {
      small[name] = later(name);
    });
    var stub = win.ConsentGate;
    var queued = stub && Array.isArray(stub.q) ? stub.q : [];
    win.ConsentGate = small;
    for (var i = 0; i < queued.length; i++) {
      var call = queued[i];
      try {
        var method = small[call[0]];
        if (typeof method !== "function") throw new Error("consent-gate: \"" + call[0] + "\" is not a ConsentGate function");
        call[2](method.apply(small, call[1]));
      } catch (e) {
        report("error", "a queued ConsentGate." + call[0] + "() failed: " + e);
      }
    }
  };

  var follow = function () {
    // The lockdown policy first, before anything after this script can load.
    if (plan.lockdown !== null) {
      var meta = doc.createElement("meta");
      meta.setAttribute("http-equiv", "Content-Security-Policy");
      meta.setAttribute("content", plan.lockdown);
      (doc.head || doc.documentElement).prepend(meta);
    }
    var names = plan.names;
    GATED = names.gated;
    EMBED = names.embed;
    CATEGORY = names.category;
    SERVICE = names.service;
    QUEUED = names.queued;
    REFUSED = names.refused;
    var OPENER = names.opener;
    policy = function (href) {
      var held = ask("cg_hold", [href]);
      return held ? [plan.services[held - 1][0], plan.services[held - 1][1]] : null;
    };
    parsed = whenParsed;
    following = true;
    // The defaults, the purge, then the update: the full gate's order.
    var update = 0;
    while (update < plan.calls.length && !(plan.calls[update][1] === "consent" && plan.calls[update][2] === "update")) update++;
    perform(0, update);
    purge();
    perform(update, plan.calls.length);
    // The ES module runs after the parser: its release goes in a task of its own at the highest
    // priority, so that following the plan and releasing are not one long task, and no task the
    // page queued runs between them.
    var soon = esm && doc.readyState !== "loading" && win.scheduler && win.scheduler.postTask;
    if (!soon) releasePass();
    api();
    listen(doc, "click", function (event) {
      var target = event.target;
      if (target && target.closest && target.closest(OPENER)) {
        event.preventDefault();
        small.showPreferences();
      }
    });
    listen(doc, "DOMContentLoaded", whenParsed);
    // Another tab's decision, or one that lapsed while this tab was hidden: the full gate decides.
    // A plan is followed only where localStorage works, so the record's mirror there carries
    // every decision (and an erasure) another tab stores; the full gate's BroadcastChannel
    // message would say the same.
    listen(win, "storage", function (event) {
      if (event.key === plan.name && event.newValue !== plan.record) upgrade();
    });
    listen(doc, "visibilitychange", function () {
      if (!doc.hidden && !inForceNow()) upgrade();
    });
    if (soon) win.scheduler.postTask(whenParsed, { priority: "user-blocking" });
    else if (doc.readyState !== "loading") setTimeout(whenParsed, 0);
    // A visitor who has not decided: the plan holds what the banner holds, and the interface
    // loads beside the page's parser instead of ahead of it. Where this gate will draw the banner
    // as the page parses, the module downloads now and runs once the banner is painted.
    if (plan.banner && plan.drawing && doc.readyState === "loading") {
      if (fullUrl) {
        var link = doc.createElement("link");
        link.rel = "preload";
        link.as = "script";
        link.href = fullUrl;
        link.nonce = nonce;
        (doc.head || doc.documentElement).appendChild(link);
      }
    } else if (plan.banner) upgrade();
  };

  // --- Which ----------------------------------------------------------------------------------

  // Whether the plan being read is the one the page carries.
  var carried = false;
  // Whether core lets the plan be followed on what this page view sees.
  var inForceNow = function () {
    var store = win.localStorage;
    var config = doc.getElementById("consent-gate-config");
    var mirror = store.getItem(plan.name);
    var outbox = store.getItem(plan.outbox);
    var gpc = !!navigator.globalPrivacyControl;
    var flags = (plan.mirror !== null ? 1 : 0) | (mirror !== null ? 2 : 0) | (outbox !== null ? 4 : 0) | (plan.record !== null ? 8 : 0) | (carried ? 16 : 0);
    return !!config && !!ask(
      "cg_in_force",
      [plan.v, plan.config, plan.name, plan.record || "", plan.mirror || "", mirror || "", outbox || "", doc.cookie, config.textContent,
        plan.site || "", win.location.protocol + "//" + win.location.hostname],
      gpc ? 1 : 0, plan.gpc ? 1 : 0, Date.now() / 1000, plan.expires || 0, flags
    );
  };
  // A decision's plan is kept in localStorage; an undecided visitor's in sessionStorage, read
  // only where the first is not in force; then the one the page may carry for a first visit.
  var inForce = function () {
    for (var i = 0; i < 3; i++) {
      var element = doc.getElementById("consent-gate-plan");
      carried = i > 1;
      plan = JSON.parse(carried ? element && element.textContent : (i ? win.sessionStorage : win.localStorage).getItem("consent-gate:plan"));
      if (!plan) continue;
      if (!x) {
        encoder = new TextEncoder();
        decoder = new TextDecoder();
        // The ES module compiles it off the main thread before calling: WASM is then the module.
        var module = typeof WASM === "string" ? new WebAssembly.Module(moduleBytes(WASM)) : WASM;
        x = new WebAssembly.Instance(module, {}).exports;
      }
      if (inForceNow()) break;
    }
    if (i === 3) return false;
    for (var c = 0; c < plan.categories.length; c++) ask("cg_category", [plan.categories[c][0]], plan.categories[c][1] ? 1 : 0);
    for (var s = 0; s < plan.services.length; s++) {
      var service = plan.services[s];
      ask("cg_service", [service[0], service[1]].concat(service[3]), service[2] ? 1 : 0);
    }
    for (var k = 0; k < plan.purge.cookies.length; k++) {
      var cookie = plan.purge.cookies[k];
      ask("cg_cookie", [cookie[0]].concat(cookie[1]));
    }
    for (var j = 0; j < plan.purge.storage.length; j++) ask("cg_storage", [plan.purge.storage[j]]);
    return true;
  };
  var chosen = false;
  try {
    chosen = inForce();
  } catch (e) {
    // No storage, no plan, no WebAssembly: the full gate decides.
  }
  if (chosen) {
    try {
      follow();
      settled(null);
      return;
    } catch (e) {
      report("error", "following the stored decision failed (" + e + "); the full gate decides");
      following = false;
      policy = holdOthers;
      parsed = null;
    }
  }
  if (esm) upgrade();
  else writeFull();
}
