// The two modules, checked on the browser's own request log: a returning visitor's page view
// fetches the small gate and nothing else; each thing that must be shown brings the interface
// module in; an interface module that cannot be had leaves everything held and says why.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, dialog, root, start, trackerSaw, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const PAGE = "/fixtures/two-modules.html";
const GATE = '<script src="/dist/consent-gate.js"></script>';

/** The two-modules page with `from` replaced by `to` (and each further pair), written where the
 * site serves it. */
function variant(name, from, to, ...more) {
  let page = readFileSync(join(root, "tests/e2e/fixtures/two-modules.html"), "utf8");
  for (const [a, b] of [[from, to], ...Array.from({ length: more.length / 2 }, (_, i) => more.slice(2 * i, 2 * i + 2))]) {
    if (!page.includes(a)) throw new Error(`the two-modules page has no ${a}`);
    page = page.replace(a, b);
  }
  writeFileSync(join(artifacts, `${name}.html`), page);
  return `/generated/${name}.html`;
}

/** What the browser fetched of consent-gate's own files, by path, in order. */
const ours = (env, v) =>
  v.requests
    .filter((url) => url.startsWith(env.siteOrigin + "/dist/") || url.startsWith(env.siteOrigin + "/pkg/"))
    .map((url) => new URL(url).pathname);

/** A visitor who accepted everything on `path` and then left the page. */
async function returning(env, path = PAGE) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(path);
  await banner(v.page).region.waitFor();
  assertNothingFromTracker(env, v, "before a decision");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  v.requests.length = 0;
  return v;
}

const FULL = ["/dist/consent-gate.js", "/dist/consent-gate.ui.js"];

test("a first visit fetches the interface module beside the small gate; a returning visitor's page view fetches the small gate alone", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(PAGE);
  await banner(v.page).region.waitFor();
  assert.deepEqual(ours(env, v), FULL);
  assertNothingFromTracker(env, v, "before a decision");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);

  v.requests.length = 0;
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "a returning visitor needs the small gate alone");
  assert.equal(await v.page.locator("#consent-gate").count(), 0, "no interface on the page");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the ES module build: a returning visitor's page view fetches the small gate alone", async () => {
  const v = await returning(env, "/fixtures/esm.html");
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/pkg/consent_gate.js"], "a returning visitor needs the small gate alone");
  assert.equal(await v.page.locator("#consent-gate").count(), 0, "no interface on the page");
  // After init() the module's functions answer at once, from the plan the small gate follows.
  const answers = await v.page.evaluate(async () => {
    const gate = await import("/pkg/consent_gate.js");
    await gate.default();
    const record = gate.get();
    return { promise: record instanceof Promise, method: record?.method, analytics: gate.accepted("analytics") };
  });
  assert.deepEqual(answers, { promise: false, method: "accept-all", analytics: true });
  // A deciding call brings the interface module from beside the module.
  await v.page.evaluate(async () => (await import("/pkg/consent_gate.js")).showPreferences());
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), ["/pkg/consent_gate.js", "/pkg/consent-gate.ui.js"]);
  await dialog(v.page).rejectAll.click();
  assert.equal(await v.page.evaluate(async () => (await import("/pkg/consent_gate.js")).accepted("analytics")), false);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the ES module under a nonce-only CSP: init({ nonce }) inserts the interface module with it, and released scripts run; without it the interface module is refused and everything stays held", async () => {
  const esm = readFileSync(join(root, "tests/e2e/fixtures/esm.html"), "utf8");
  const page = (name, init) => {
    const pairs = [
      ['<meta charset="utf-8">', `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="script-src 'nonce-n0nce' 'wasm-unsafe-eval'">`],
      ['<link rel="modulepreload" href', '<link rel="modulepreload" nonce="n0nce" href'],
      ['<script type="module">', '<script type="module" nonce="n0nce">'],
      ["init().catch", `${init}.catch`],
    ];
    let html = esm;
    for (const [from, to] of pairs) {
      if (!html.includes(from)) throw new Error(`the ES module page has no ${from}`);
      html = html.replace(from, to);
    }
    writeFileSync(join(artifacts, `${name}.html`), html);
    return `/generated/${name}.html`;
  };

  env.trackerLog.length = 0;
  const refused = await visitor(env);
  await refused.page.goto(env.siteOrigin + page("esm-nonce-missing", "init()"));
  await refused.page.waitForLoadState("load");
  await refused.page.waitForTimeout(800);
  assert.match(refused.problems.join("\n"), /consent-gate did not start/, "init() rejected");
  assert.match(refused.problems.join("\n"), /consent-gate\.ui\.js/, "the console names the refused file");
  assert.equal(await banner(refused.page).region.count(), 0);
  assertNothingFromTracker(env, refused, "with the interface module refused");
  await refused.close();

  const v = await visitor(env);
  await v.open(page("esm-nonce", 'init({ nonce: "n0nce" })'));
  await banner(v.page).region.waitFor();
  assert.deepEqual(ours(env, v), ["/pkg/consent_gate.js", "/pkg/consent-gate.ui.js"]);
  assertNothingFromTracker(env, v, "before a decision");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a settings link clicked while the inserted full gate compiles still opens the preferences; once the full gate could not start, a deciding call rejects at once", async () => {
  const v = await returning(env);
  await v.reload();
  // The click comes right after the small gate hands the page over, before the full gate's
  // module has compiled: the moment neither gate's listener used to be there.
  await v.page.evaluate(() => {
    const handoff = window.__consentGateHandoff;
    Object.defineProperty(window, "__consentGateHandoff", {
      configurable: true,
      value(...args) {
        const given = handoff.apply(this, args);
        if (given) queueMicrotask(() => document.getElementById("settings").click());
        return given;
      },
    });
  });
  await v.page.evaluate(() => ConsentGate.hide());
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), FULL);
  assert.deepEqual(v.problems, []);
  await v.close();

  const failed = await returning(env);
  await failed.context.route("**/dist/consent-gate.ui.js", (route) => route.fulfill({ status: 404, body: "" }));
  await failed.reload();
  const answers = await failed.page.evaluate(async () => {
    const first = await ConsentGate.acceptAll().then(() => "resolved", (e) => e.message);
    const second = await Promise.race([
      ConsentGate.rejectAll().then(() => "resolved", (e) => e.message),
      new Promise((resolve) => setTimeout(() => resolve("still pending"), 2000)),
    ]);
    return [first, second];
  });
  assert.match(answers[0], /did not start/);
  assert.match(answers[1], /did not start/, "a later call is refused, not left pending");
  await failed.close();
});

test("each thing that must be shown brings the interface module in: a cookie-settings link, showPreferences(), show(), a held embed", async () => {
  const v = await returning(env);

  await v.reload();
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"]);
  await v.page.click("#settings");
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), FULL, "the link fetched it");
  assert.ok(await dialog(v.page).toggle("Analytics").isChecked(), "the switches show the decision in force");

  v.requests.length = 0;
  await v.reload();
  await v.page.evaluate(() => ConsentGate.showPreferences());
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), FULL, "showPreferences() fetched it");
  await dialog(v.page).rejectAll.click();
  assert.equal(await v.page.evaluate(() => ConsentGate.accepted("analytics")), false, "the dialog decides through the gate");

  v.requests.length = 0;
  await v.reload();
  await v.page.evaluate(() => ConsentGate.show());
  await banner(v.page).region.waitFor();
  assert.deepEqual(ours(env, v), FULL, "show() fetched it");

  v.requests.length = 0;
  await v.open(
    variant(
      "two-modules-embed",
      "  </main>",
      '    <iframe data-category="marketing" data-src="__TRACKER_ORIGIN__/video.html" title="video"></iframe>\n  </main>',
    ),
  );
  await v.page.getByRole("button", { name: "Load once" }).waitFor();
  assert.deepEqual(ours(env, v), FULL, "a held embed fetched it");
  assert.equal(await banner(v.page).region.count(), 0, "and no banner: the decision stands");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the floating settings button: a returning visitor's page view draws it with the small gate alone, as the interface draws it and in the page's language; a click brings the rest and opens the preferences", async () => {
  const config = '"reloadOnWithdraw": false,';
  const withButton = config + '\n    "preferencesButton": true, "theme": "dark", "translations": { "de": {} },';
  const path = variant("two-modules-button", config, withButton);
  const drawn = (page) =>
    page.evaluate(() => {
      const hosts = document.querySelectorAll("#consent-gate");
      const button = hosts[0]?.shadowRoot.querySelector("[data-consent-settings]");
      if (!button) return { hosts: hosts.length };
      const style = getComputedStyle(button);
      const look = ["position", "inset-block-end", "background-color", "color", "border-radius", "font-weight", "padding"];
      return { hosts: hosts.length, first: document.body.firstElementChild === hosts[0], html: button.outerHTML, style: look.map((p) => style.getPropertyValue(p)) };
    });

  const v = await returning(env, path);
  await v.page.locator("[data-consent-settings]").waitFor();
  const byInterface = await drawn(v.page);

  await v.reload();
  await v.page.locator("[data-consent-settings]").waitFor();
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "the small gate draws the button alone");
  assert.deepEqual(await drawn(v.page), byInterface, "the same element, styled the same, first in <body>");
  assert.match(byInterface.html, /lang="en"/);

  v.requests.length = 0;
  await v.open(variant("two-modules-button-de", config, withButton, '<html lang="en">', '<html lang="de">'));
  const german = v.page.getByRole("button", { name: "Cookie-Einstellungen" });
  await german.waitFor();
  assert.equal(await german.getAttribute("lang"), "de", "the language the interface would pick: <html lang>");
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "the same plan: the config is the same");

  v.requests.length = 0;
  await german.click();
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), FULL.slice(1), "the click fetched the rest");
  assert.ok(await dialog(v.page).toggle("Analytics").isChecked(), "the switches show the decision in force");
  await v.page.keyboard.press("Escape");
  await dialog(v.page).element.waitFor({ state: "detached" });
  await german.waitFor();
  assert.equal((await drawn(v.page)).hosts, 1, "the interface's button replaced the small gate's");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a returning visitor's small gate holds an element whose mark holds NULs (a script can write them), as the full gate does", async () => {
  const v = await returning(env);
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  env.trackerLog.length = 0;
  await v.page.evaluate((origin) => {
    for (const [category, via] of [["analytics\u0000x\u0000y", "nul"], ["analytics", "plain"]]) {
      const img = document.createElement("img");
      img.setAttribute("data-category", category);
      img.setAttribute("data-src", origin + "/pixel.gif?via=" + via);
      document.body.append(img);
    }
  }, env.trackerOrigin);
  await v.page.waitForTimeout(500);
  const vias = env.trackerLog.map((e) => new URL(e.url, "http://x").searchParams.get("via"));
  assert.deepEqual(vias, ["plain"], "the granted category's image loads; the one with a NUL in its mark stays held");
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"]);
  await v.close();
});

/** The small gate and `module` (the interface module's text) served together from
 * /generated/<dir>/. */
function pair(dir, module) {
  mkdirSync(join(artifacts, dir), { recursive: true });
  copyFileSync(join(root, "dist/consent-gate.js"), join(artifacts, dir, "consent-gate.js"));
  if (module !== null) writeFileSync(join(artifacts, dir, "consent-gate.ui.js"), module);
  return variant(`two-modules-${dir}`, GATE, `<script src="/generated/${dir}/consent-gate.js"></script>`);
}

/** Opens `path` (whose gate cannot start: no readiness to wait for), asks for a pixel and a fetch
 * from the tracker, and returns the console's problems. */
async function heldWithout(v, path) {
  await v.page.goto(env.siteOrigin + path);
  await v.page.waitForLoadState("load");
  await v.page.evaluate((tracker) => {
    new Image().src = tracker + "/pixel.gif?via=image";
    fetch(tracker + "/collect?via=fetch").catch(() => {});
  }, env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.equal(await v.page.locator("[data-consent-banner]").count(), 0, "nothing started");
  return v.problems.join("\n");
}

test("the interface module missing, of another release, or another file (beside the gate or named by data-interface): everything stays held, and the console says why", async () => {
  env.trackerLog.length = 0;
  const missing = await visitor(env);
  assert.match(await heldWithout(missing, pair("no-module", null)), /consent-gate\.ui\.js did not load: nothing is released/);
  assertNothingFromTracker(env, missing, "with the interface module missing");
  await missing.close();

  const named = await visitor(env);
  const problems = await heldWithout(named, variant("two-modules-missing", GATE, GATE.replace("><", ' data-interface="/missing/consent-gate.ui.en.js"><')));
  assert.match(problems, /\/missing\/consent-gate\.ui\.en\.js did not load: nothing is released/);
  assertNothingFromTracker(env, named, "with the named interface module missing");
  await named.close();

  const module = readFileSync(join(root, "dist/consent-gate.ui.js"), "utf8");
  const version = /__consentGateHandoff\("([^"]+)"\)/.exec(module);
  assert.ok(version, "the interface module names its release when it asks for the page");
  const other = await visitor(env);
  assert.match(
    await heldWithout(other, pair("other-module", module.replace(`"${version[1]}"`, '"0.0.0-other"'))),
    /is version 0\.0\.0-other, consent-gate\.js \d+\.\d+\.\d+: serve both files from the same release/,
  );
  assertNothingFromTracker(env, other, "with an interface module of another release");
  await other.close();

  // A file that loads but is not the interface module (here an HTML page).
  const wrong = await visitor(env);
  assert.match(
    await heldWithout(wrong, variant("two-modules-wrong-file", GATE, GATE.replace("><", ' data-interface="/fixtures/two-modules.html"><'))),
    /two-modules\.html loaded but did not start \(is it consent-gate\.ui\.js\?\): nothing is released/,
  );
  assertNothingFromTracker(env, wrong, "with a wrong interface file");
  await wrong.close();
});

test("a returning visitor's plan is followed only for the config it was made for: an edited config brings the full gate, which asks again", async () => {
  const v = await returning(env);
  await v.reload();
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"]);
  v.requests.length = 0;
  env.trackerLog.length = 0;
  await v.open(variant("two-modules-revised", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": false, "revision": 2,'));
  await banner(v.page).region.waitFor();
  assert.deepEqual(ours(env, v), FULL, "a new revision: the full gate decides, and asks");
  assertNothingFromTracker(env, v, "under the new revision, before the visitor answers");
  await v.close();
});

test("a returning visitor's page view under a config edited into an invalid one releases nothing and names the field; the valid config back, the decision is still there", async () => {
  const v = await returning(env);
  env.trackerLog.length = 0;
  const problems = await heldWithout(v, variant("two-modules-invalid", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": "no",'));
  assert.deepEqual(ours(env, v), FULL, "the plan was made for another config text: the full gate reads this one");
  assert.match(problems, /reloadOnWithdraw/, "the console names the field");
  assert.match(problems, /every gated element stays blocked until the config is fixed/);
  assert.equal(await v.page.evaluate(() => window.demoAnalytics?.loaded === true), false, "the accepted analytics script is held");
  assertNothingFromTracker(env, v, "under an invalid config, though the visitor accepted everything");

  v.requests.length = 0;
  v.problems.length = 0;
  await v.open(PAGE);
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "the record and the plan were left as they were");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a withdrawal that reloads the page stores the plan first: the page view it reloads into fetches the small gate alone, and holds what was withdrawn", async () => {
  const page = variant("two-modules-reload", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": true,');
  const v = await visitor(env);
  await v.open(page);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  // The accepted page view's own hit reaches the tracker before its log is cleared.
  assert.ok(await trackerSaw(env, (url) => url.startsWith("/collect")), "the accepted page view's hit");
  v.requests.length = 0;
  env.trackerLog.length = 0;
  const reloaded = v.page.waitForNavigation();
  await v.page.evaluate(() => window.ConsentGate.rejectAll());
  await reloaded;
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "the reloaded page view follows the plan written before the reload");
  assert.equal(await v.page.evaluate(() => window.demoAnalytics?.loaded === true), false);
  assert.equal(await v.page.evaluate(() => window.ConsentGate.accepted("analytics")), false);
  assertNothingFromTracker(env, v, "after the withdrawal's reload");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a config edited in a way that asks nothing new: the interface module's full gate decides from the record, and shows nothing", async () => {
  const v = await returning(env);
  env.trackerLog.length = 0;
  await v.open(variant("two-modules-edited", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": true,'));
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), FULL);
  assert.equal(await v.page.locator("#consent-gate").count(), 0, "nothing to show: the interface is not attached");
  assert.equal(await v.page.locator("[data-consent-banner]").count(), 0);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("another tab's decision reaches a page that follows a plan: the full gate takes over from the record the page ran under, and listeners registered before hear the change", async () => {
  const v = await returning(env);
  await v.reload();
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"], "this tab follows its plan");
  await v.page.evaluate(() => {
    window.__heard = [];
    ConsentGate.on("change", (detail) => window.__heard.push(detail.revoked.categories));
  });
  const other = await v.context.newPage();
  await other.goto(env.siteOrigin + PAGE);
  await other.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await other.evaluate(() => ConsentGate.rejectAll());
  await v.page.waitForFunction(() => window.__heard.length > 0);
  assert.deepEqual(await v.page.evaluate(() => window.__heard), [["analytics", "marketing"]]);
  assert.equal(await v.page.evaluate(() => ConsentGate.accepted("analytics")), false);
  assert.ok(ours(env, v).includes("/dist/consent-gate.ui.js"), "the full gate took over");
  assert.deepEqual(v.problems, []);
  await v.close();
});

// Each file's first line asks Chromium to compile it off the main thread; a build step that
// strips comments must leave both modules working, only slower.
test("both modules with their compile hint stripped: a first visit asks, and a returning visitor's page view follows its plan", async () => {
  const HINT = "//# allFunctionsCalledOnLoad\n";
  const dir = join(artifacts, "unhinted");
  mkdirSync(dir, { recursive: true });
  for (const name of ["consent-gate.js", "consent-gate.ui.js"]) {
    const text = readFileSync(join(root, "dist", name), "utf8");
    assert.ok(text.startsWith("\uFEFF" + HINT), `dist/${name} starts with its byte order mark and the compile hint`);
    writeFileSync(join(dir, name), "\uFEFF" + text.slice(1 + HINT.length));
  }
  const v = await returning(env, variant("unhinted", GATE, '<script src="/generated/unhinted/consent-gate.js"></script>'));
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  const gates = v.requests.filter((url) => url.includes("/consent-gate")).map((url) => new URL(url).pathname);
  assert.deepEqual(gates, ["/generated/unhinted/consent-gate.js"], "the returning view follows its plan");
  assert.deepEqual(v.problems, []);
  await v.close();
});

// A page whose necessary inline script notes when it ran, and the time the interface module
// arrived and the parser finished, from the page's own timings.
const NECESSARY = '<script type="text/plain" data-category="necessary">window.necessaryRanAt = performance.now();</script>';
const timing = (v) =>
  v.page.evaluate(() => {
    const module = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/dist/consent-gate.ui.js"));
    return {
      parsed: performance.getEntriesByType("navigation")[0].domInteractive,
      arrived: module ? module.responseEnd : null,
      necessary: window.necessaryRanAt ?? null,
    };
  });
/** Holds each request for the interface module for `ms`, or fails it (`ms` null). */
const slowInterface = (v, ms) =>
  v.page.route("**/dist/consent-gate.ui.js", async (route) => {
    if (ms === null) return route.abort();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });

/** Reloads the page of `v`, who accepted everything: the page view fetches the small gate alone,
 * and the analytics script runs. Closes `v`. */
async function smallGateAlone(v) {
  v.requests.length = 0;
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js"]);
  assert.deepEqual(v.problems, []);
  await v.close();
}

test("a visitor who has not decided: the next page view follows a plan that holds what the banner holds, and the interface module loads beside the parser instead of ahead of it", async () => {
  const page = variant("two-modules-necessary", GATE, GATE + NECESSARY);
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await slowInterface(v, 1000);
  // Every write and removal of a plan, in order, from each page view's start.
  await v.page.addInitScript(() => {
    const log = (window.__planWrites = []);
    for (const name of ["setItem", "removeItem"]) {
      const original = Storage.prototype[name];
      Storage.prototype[name] = function (key, ...rest) {
        if (key === "consent-gate:plan") log.push(`${name} ${this === sessionStorage ? "session" : "local"}`);
        return original.call(this, key, ...rest);
      };
    }
  });
  const writes = () => v.page.evaluate(() => window.__planWrites);
  await v.open(page);
  await banner(v.page).region.waitFor();
  await v.page.evaluate(() => window.ConsentGate.ready());
  assert.deepEqual(await writes(), ["removeItem local", "setItem session"], "the plan is made once a page view");
  const first = await timing(v);
  assert.ok(first.parsed > first.arrived, `a first visit writes the interface module in, and the parser waits for it: ${JSON.stringify(first)}`);
  // The undecided visitor's plan lasts the tab's session; nothing lasting is stored before a decision.
  const stores = () =>
    v.page.evaluate(() => ({
      cookies: document.cookie,
      local: Object.keys(localStorage),
      session: JSON.parse(sessionStorage.getItem("consent-gate:plan"))?.banner ?? null,
    }));
  assert.deepEqual(await stores(), { cookies: "", local: [], session: true });

  v.requests.length = 0;
  const kept = await v.page.evaluate(() => sessionStorage.getItem("consent-gate:plan"));
  await v.reload();
  await banner(v.page).region.waitFor();
  const next = await timing(v);
  assert.ok(next.parsed < next.arrived, `the parser did not wait for the interface module: ${JSON.stringify(next)}`);
  assert.ok(next.necessary !== null && next.necessary < next.arrived, `the necessary script ran from the plan: ${JSON.stringify(next)}`);
  assert.deepEqual(ours(env, v), FULL);
  assertNothingFromTracker(env, v, "on an undecided visitor's next page view");
  // The plan followed is the one the full gate would make again: it is left as it is.
  await v.page.evaluate(() => window.ConsentGate.ready());
  assert.deepEqual(await writes(), []);
  assert.equal(await v.page.evaluate(() => sessionStorage.getItem("consent-gate:plan")), kept);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.equal(await v.page.evaluate(() => window.ConsentGate.get().method), "accept-all");
  const decided = await stores();
  assert.equal(decided.session, null, "the undecided plan is gone");
  assert.ok(decided.local.includes("consent-gate:plan"), `the decision's plan: ${decided.local}`);
  // Forgotten, the visitor is where the kept plan was made for, but the stores are not: the
  // undecided plan is written again.
  await v.page.evaluate(() => window.ConsentGate.forget());
  const forgotten = await stores();
  assert.deepEqual([forgotten.local, forgotten.session], [[], true]);
  assert.deepEqual(await writes(), ["setItem local", "removeItem session", "removeItem local", "setItem session"]);
  await v.page.evaluate(() => window.ConsentGate.acceptAll());

  // The decision replaced the plan: the page view after it needs the small gate alone.
  await smallGateAlone(v);
});

test("a visitor who has not decided, whose next page view cannot load the interface module: the plan's holds stay, no banner, the console says why", async () => {
  const page = variant("two-modules-necessary", GATE, GATE + NECESSARY);
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(page);
  await banner(v.page).region.waitFor();
  await slowInterface(v, null);
  v.problems.length = 0;
  await v.page.reload();
  await v.page.waitForLoadState("load");
  // The plan holds what core holds: requests for a declared service's URLs.
  await v.page.evaluate((tracker) => {
    new Image().src = tracker + "/analytics.js?via=image";
    fetch(tracker + "/analytics.js?via=fetch").catch(() => {});
  }, env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.equal(await v.page.locator("[data-consent-banner]").count(), 0, "no banner");
  assert.notEqual((await timing(v)).necessary, null, "the plan released the necessary script");
  assert.match(v.problems.join("\n"), /consent-gate\.ui\.js did not load: nothing is released/);
  const refused = await v.page.evaluate(() => window.ConsentGate.acceptAll().then(() => "decided", (e) => String(e)));
  assert.match(refused, /did not start; nothing was decided/);
  assertNothingFromTracker(env, v, "with the interface module missing");
  await v.close();
});

/** The page at `/generated/NAME.html` with the plan `consent-gate plan` writes for `origin`. */
function planned(name, origin) {
  const run = spawnSync(join(root, "target/debug/consent-gate"), ["plan", "--origin", origin, join(artifacts, `${name}.html`)], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`consent-gate plan failed: ${run.stderr || run.error}`);
  return `/generated/${name}.html`;
}

/** A fresh visitor's first visit to `page`, the interface module held back by 1 s; console
 * warnings kept. `hidden`: the page says it is hidden (a tab opened in the background). */
async function firstVisit(page, { hidden = false } = {}) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  const warnings = [];
  v.page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  await slowInterface(v, 1000);
  if (hidden) {
    await v.page.addInitScript(() => {
      Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => true });
      Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => "hidden" });
    });
  }
  // When the banner was drawn, the frame after it, when the interface module's script went in,
  // and each readiness announced.
  await v.page.addInitScript(() => {
    const seen = (window.__interfaceStart = { drawn: null, frame: null, inserted: null, readies: 0 });
    document.addEventListener("consentgate:ready", () => (seen.readies += 1));
    new MutationObserver(() => {
      if (seen.drawn === null && document.getElementById("consent-gate")) {
        seen.drawn = performance.now();
        requestAnimationFrame(() => (seen.frame = performance.now()));
      }
      if (seen.inserted === null && document.querySelector('script[src$="/dist/consent-gate.ui.js"]')) seen.inserted = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  await v.open(page);
  await banner(v.page).region.waitFor();
  return { v, warnings, timing: await timing(v) };
}

test("a first visit to a page that carries its plan (consent-gate plan): the parser does not wait for the interface module, and nothing reaches the tracker before a decision", async () => {
  variant("two-modules-planned", GATE, GATE + NECESSARY);
  const { v, warnings, timing: first } = await firstVisit(planned("two-modules-planned", env.siteOrigin));
  assert.ok(first.parsed < first.arrived, `the parser did not wait for the interface module: ${JSON.stringify(first)}`);
  assert.ok(first.necessary !== null && first.necessary < first.arrived, `the necessary script ran from the page's plan: ${JSON.stringify(first)}`);
  // The interface module downloads from the start (a preload the script then uses: one request)
  // and runs only after the frame that painted the drawn banner, so it does not hold the first
  // paint back; readiness is announced once, by the full gate.
  await v.page.evaluate(() => window.ConsentGate.ready());
  const start = await v.page.evaluate(() => ({
    ...window.__interfaceStart,
    requested: performance.getEntriesByType("resource").find((e) => e.name.endsWith("/dist/consent-gate.ui.js")).startTime,
  }));
  assert.ok(start.requested < first.parsed, `the interface module was requested while the page parsed: ${JSON.stringify({ ...start, ...first })}`);
  assert.ok(start.frame !== null && start.inserted > start.frame, `its script went in after the banner's frame: ${JSON.stringify(start)}`);
  assert.deepEqual(ours(env, v), FULL);
  assert.equal(start.readies, 1);
  assertNothingFromTracker(env, v, "on a first visit that follows the page's plan");
  assert.deepEqual(
    await v.page.evaluate(() => ({ cookies: document.cookie, local: Object.keys(localStorage) })),
    { cookies: "", local: [] },
    "nothing lasting is stored before a decision"
  );
  assert.deepEqual(warnings.filter((w) => w.includes("consent-gate")), []);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  // The decision's plan, not the page's, is what the next page view follows.
  await smallGateAlone(v);
});

test("a first visit with the page's plan in a hidden tab: the interface module starts as the banner is drawn, since a hidden page paints nothing", async () => {
  variant("two-modules-planned-hidden", GATE, GATE + NECESSARY);
  const { v } = await firstVisit(planned("two-modules-planned-hidden", env.siteOrigin), { hidden: true });
  await v.page.evaluate(() => window.ConsentGate.ready());
  const start = await v.page.evaluate(() => window.__interfaceStart);
  assert.ok(start.frame !== null && start.inserted < start.frame, `its script went in before the next frame: ${JSON.stringify(start)}`);
  assert.deepEqual(ours(env, v), FULL);
  assert.equal(start.readies, 1);
  assertNothingFromTracker(env, v, "before a decision");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a page's plan made for another site, or before the config was edited, is not followed: the parser waits for the interface module, and the console says to run consent-gate plan again", async () => {
  variant("two-modules-elsewhere", GATE, GATE + NECESSARY);
  const elsewhere = planned("two-modules-elsewhere", "https://other.example");
  variant("two-modules-edited", GATE, GATE + NECESSARY);
  planned("two-modules-edited", env.siteOrigin);
  // The config element's text changes after the plan was made (one more space).
  const path = join(artifacts, "two-modules-edited.html");
  writeFileSync(path, readFileSync(path, "utf8").replace('id="consent-gate-config">', 'id="consent-gate-config"> '));
  for (const page of [elsewhere, "/generated/two-modules-edited.html"]) {
    const { v, warnings, timing: first } = await firstVisit(page);
    assert.ok(first.parsed > first.arrived, `${page}: the parser waited for the interface module: ${JSON.stringify(first)}`);
    assert.match(warnings.join("\n"), /#consent-gate-plan is not the plan for this config, this release and http:\/\/shop\.test/, page);
    assertNothingFromTracker(env, v, `on ${page}`);
    await banner(v.page).acceptAll.click();
    await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
    assert.deepEqual(v.problems, []);
    await v.close();
  }
});

/** Whether the interface module has arrived, from the page's resource timings. */
const arrived = (v) =>
  v.page.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("/dist/consent-gate.ui.js")));
/** The banner's markup as drawn, and the control focused in its shadow root. */
const drawn = (v) =>
  v.page.evaluate(() => {
    const shadow = document.querySelector("#consent-gate").shadowRoot;
    return { html: shadow.querySelector("[data-consent-banner]").outerHTML.replace(" seen", ""), focused: shadow.activeElement?.getAttribute("data-consent-action") ?? null };
  });

/** A fresh visitor on `page` with the interface module held back 1.5 s: returned once the banner
 * shows, which it does before the module has arrived. */
async function drawnFirst(page) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await slowInterface(v, 1500);
  await v.page.goto(env.siteOrigin + page, { waitUntil: "commit" });
  await banner(v.page).region.waitFor();
  assert.equal(await arrived(v), false, "the banner came before the interface module");
  return v;
}

test("an undecided visitor's plan draws the banner while the interface module downloads: the interface's full gate puts up the same banner, focus kept, and a click made before it arrived is the visitor's decision", async () => {
  variant("two-modules-drawn", GATE, GATE + NECESSARY);
  const page = planned("two-modules-drawn", env.siteOrigin);

  // Left alone: the interface's banner replaces the drawn one, element for element, and the
  // control the visitor had tabbed to keeps focus. At no moment is there no banner.
  const v = await drawnFirst(page);
  await v.page.evaluate(() => {
    window.bannerGaps = 0;
    new MutationObserver(() => {
      if (!document.querySelector("#consent-gate")?.shadowRoot?.querySelector("[data-consent-banner]")) window.bannerGaps += 1;
    }).observe(document.body, { childList: true });
  });
  await banner(v.page).acceptAll.focus();
  const before = await drawn(v);
  assert.equal(before.focused, "accept-all");
  await v.page.evaluate(() => (window.drawnHost = document.querySelector("#consent-gate")));
  await v.page.waitForFunction(() => !window.drawnHost.isConnected);
  const after = await drawn(v);
  const entrance = await v.page.evaluate(() => getComputedStyle(document.querySelector("#consent-gate").shadowRoot.querySelector("[data-consent-banner]")).animationName);
  assert.equal(entrance, "none", "the interface's banner does not come in a second time");
  assert.equal(after.html, before.html.replace(' aria-busy="true"', ""), "the interface's banner is the drawn one");
  assert.equal(after.focused, "accept-all", "focus stays on the same control");
  assert.equal(await v.page.locator("#consent-gate").count(), 1);
  assert.equal(await v.page.evaluate(() => window.bannerGaps), 0, "no moment without a banner");
  assertNothingFromTracker(env, v, "before a decision");
  await v.close();

  // A click before the interface module arrived: the banner says it is busy, nothing is released
  // until the full gate has decided, and the record is the visitor's (with the texts they saw).
  const w = await drawnFirst(page);
  await banner(w.page).acceptAll.click();
  assert.equal(await arrived(w), false, "clicked before the interface module arrived");
  assert.equal(await w.page.locator("[data-consent-banner][aria-busy=true]").count(), 1);
  assertNothingFromTracker(env, w, "before the full gate has decided");
  await w.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  const record = await w.page.evaluate(() => window.ConsentGate.get());
  assert.equal(record.method, "accept-all");
  assert.match(record.textsHash, /^[0-9a-f]{16}$/, "decided by the visitor, on the words they saw");
  assert.equal(await w.page.locator("[data-consent-banner]").count(), 0, "the banner is gone");
  assert.deepEqual(w.problems, []);
  await smallGateAlone(w);
});

test("a modal layout's drawn banner is a modal dialog that Escape does not close, the site's words are text on it, and its × refuses before the interface module has arrived", async () => {
  variant(
    "two-modules-modal",
    GATE,
    GATE + NECESSARY,
    '"reloadOnWithdraw": false,',
    '"reloadOnWithdraw": false, "layout": "modal", "closeButton": true, "privacyPolicyUrl": "/privacy.html", "texts": { "title": "<img src=x onerror=\\"window.pwned = 1\\">Cookies" },'
  );
  const page = planned("two-modules-modal", env.siteOrigin);
  const v = await drawnFirst(page);
  const seen = () =>
    v.page.evaluate(() => {
      const shadow = document.querySelector("#consent-gate").shadowRoot;
      const element = shadow.querySelector("[data-consent-banner]");
      return {
        tag: element.localName,
        modal: element.matches(":modal"),
        title: element.querySelector("h2").textContent,
        images: shadow.querySelectorAll("img").length,
        link: element.querySelector("a")?.getAttribute("href") ?? null,
        close: element.querySelector('[data-consent-action="close"]')?.getAttribute("aria-label") ?? null,
      };
    });
  const expected = { tag: "dialog", modal: true, title: '<img src=x onerror="window.pwned = 1">Cookies', images: 0, link: "/privacy.html", close: "Close" };
  assert.deepEqual(await seen(), expected);
  await v.page.keyboard.press("Escape");
  assert.deepEqual(await seen(), expected, "Escape leaves the modal banner open");
  await v.page.locator('[data-consent-banner] [data-consent-action="close"]').click();
  assert.equal(await arrived(v), false, "the × was clicked before the interface module arrived");
  await v.page.waitForFunction(() => window.ConsentGate.get?.()?.method !== undefined && !document.querySelector("#consent-gate")?.shadowRoot?.querySelector("[data-consent-banner]"));
  const record = await v.page.evaluate(() => window.ConsentGate.get());
  assert.equal(record.method, "reject-all", "the × refuses");
  assert.equal(await v.page.evaluate(() => window.pwned), undefined);
  await v.page.waitForTimeout(300);
  assertNothingFromTracker(env, v, "after the × refused");
  assert.deepEqual(v.problems, []);
  await v.close();
});
