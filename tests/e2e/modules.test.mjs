// The two modules, checked on the browser's own request log: a returning visitor's page view
// fetches the gate and nothing else; each thing that must be shown brings the interface in; an
// interface that cannot be had leaves everything held and says why.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, dialog, root, start, visitor } from "./browser.mjs";

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
  const v = await visitor(env);
  await v.open(path);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  v.requests.length = 0;
  return v;
}

const FULL = ["/dist/consent-gate.js", "/dist/consent-gate.full.js", "/dist/consent-gate.ui.js"];

test("a first visit fetches the full gate and the interface beside the small gate; a returning visitor's page view fetches the small gate alone", async () => {
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
  // A deciding call brings the full gate and the interface from beside the module.
  await v.page.evaluate(async () => (await import("/pkg/consent_gate.js")).showPreferences());
  await dialog(v.page).element.waitFor();
  assert.deepEqual(ours(env, v), ["/pkg/consent_gate.js", "/pkg/consent-gate.full.js", "/pkg/consent-gate.ui.js"]);
  await dialog(v.page).rejectAll.click();
  assert.equal(await v.page.evaluate(async () => (await import("/pkg/consent_gate.js")).accepted("analytics")), false);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the ES module under a nonce-only CSP: init({ nonce }) inserts the full gate and the interface with it, and released scripts run; without it the full gate is refused and everything stays held", async () => {
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
  assert.match(refused.problems.join("\n"), /consent-gate\.full\.js/, "the console names the refused file");
  assert.equal(await banner(refused.page).region.count(), 0);
  assertNothingFromTracker(env, refused, "with the full gate refused");
  await refused.close();

  const v = await visitor(env);
  await v.open(page("esm-nonce", 'init({ nonce: "n0nce" })'));
  await banner(v.page).region.waitFor();
  assert.deepEqual(ours(env, v), ["/pkg/consent_gate.js", "/pkg/consent-gate.full.js", "/pkg/consent-gate.ui.js"]);
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
  await failed.context.route("**/dist/consent-gate.full.js", (route) => route.fulfill({ status: 404, body: "" }));
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

test("each thing that must be shown brings the full gate and the interface in: a cookie-settings link, showPreferences(), show(), a held embed", async () => {
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

test("an interface that does not load, is of another version, or is another file, leaves everything held and says why", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(variant("two-modules-missing", GATE, GATE.replace("><", ' data-interface="/missing/consent-gate.ui.js"><')));
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js", "/dist/consent-gate.full.js"]);
  assert.match(v.problems.join("\n"), /the consent interface could not be loaded \(.*\/missing\/consent-gate\.ui\.js did not load\)/);
  assert.equal(await v.page.evaluate(() => ConsentGate.accepted("analytics")), false);
  assert.equal(await v.page.locator("[data-consent-banner]").count(), 0);
  assertNothingFromTracker(env, v, "with the interface missing");
  await v.close();

  const other = await visitor(env);
  await other.open(variant("two-modules-version", GATE, GATE.replace("><", ' data-interface="/fixtures/other-version.ui.js"><')));
  assert.match(other.problems.join("\n"), /the consent interface could not be loaded \(it is version "0\.0\.0-other", the gate \d+\.\d+\.\d+/);
  assert.notEqual(await other.page.title(), "the gate attached another version");
  assertNothingFromTracker(env, other, "with an interface of another version");
  await other.close();

  // A file that loads but is not the interface (here an HTML page): the gate does not wait forever.
  const wrong = await visitor(env);
  await wrong.open(variant("two-modules-wrong-file", GATE, GATE.replace("><", ' data-interface="/fixtures/two-modules.html"><')));
  assert.match(wrong.problems.join("\n"), /the consent interface could not be loaded \(.*two-modules\.html loaded but did not attach/);
  assert.equal(await wrong.page.evaluate(() => ConsentGate.accepted("analytics")), false);
  assertNothingFromTracker(env, wrong, "with a wrong interface file");
  await wrong.close();
});

test("another script calling the interface's attach hook is ignored: only the script the gate inserted attaches", async () => {
  const v = await visitor(env);
  // Another script on the page calls the attach hook the moment the gate sets it for its
  // interface (which may arrive, fetched early, before any later script of the page runs).
  const forger = `<script>
    (function () {
      var hook;
      Object.defineProperty(window, "__consentGateAttach", { configurable: true, get: function () { return hook; }, set: function (value) {
        hook = value;
        window.__hookWasThere = typeof value === "function";
        if (window.__hookWasThere) value("0.1.0", function () { document.title = "forged"; return function () {}; });
      } });
    })();
  </script>`;
  await v.open(variant("two-modules-forged", GATE, `${forger}\n  ${GATE}`));
  assert.equal(await v.page.evaluate(() => window.__hookWasThere), true, "the hook was there to forge");
  await banner(v.page).region.waitFor();
  assert.notEqual(await v.page.title(), "forged", "the forged interface was started");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.equal(await v.page.evaluate(() => ConsentGate.get().method), "accept-all");
  assert.deepEqual(v.problems, []);
  await v.close();
});

/** The small gate and `full` (the full gate's text) served together from /generated/<dir>/. */
function pair(dir, full) {
  mkdirSync(join(artifacts, dir), { recursive: true });
  copyFileSync(join(root, "dist/consent-gate.js"), join(artifacts, dir, "consent-gate.js"));
  if (full !== null) writeFileSync(join(artifacts, dir, "consent-gate.full.js"), full);
  return variant(`two-modules-${dir}`, GATE, `<script src="/generated/${dir}/consent-gate.js"></script>`);
}

test("the full gate missing, or of another release: everything stays held, and the console says why", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + pair("no-full", null));
  await v.page.waitForLoadState("load");
  await v.page.evaluate((tracker) => {
    new Image().src = tracker + "/pixel.gif?via=image";
    fetch(tracker + "/collect?via=fetch").catch(() => {});
  }, env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.match(v.problems.join("\n"), /consent-gate\.full\.js did not load: nothing is released/);
  assertNothingFromTracker(env, v, "with the full gate missing");
  await v.close();

  const full = readFileSync(join(root, "dist/consent-gate.full.js"), "utf8");
  const version = /__consentGateHandoff\("([^"]+)"\)/.exec(full);
  assert.ok(version, "the full gate names its release when it asks for the page");
  const other = await visitor(env);
  await other.page.goto(env.siteOrigin + pair("other-full", full.replace(`"${version[1]}"`, '"0.0.0-other"')));
  await other.page.waitForLoadState("load");
  await other.page.waitForTimeout(300);
  assert.match(other.problems.join("\n"), /is version 0\.0\.0-other, consent-gate\.js \d+\.\d+\.\d+: serve both files from the same release/);
  assert.equal(await other.page.locator("[data-consent-banner]").count(), 0, "the other release did not start");
  assertNothingFromTracker(env, other, "with a full gate of another release");
  await other.close();
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
  // No `open`: an invalid config never announces readiness.
  await v.page.goto(env.siteOrigin + variant("two-modules-invalid", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": "no",'));
  await v.page.waitForLoadState("load");
  await v.page.evaluate((tracker) => {
    new Image().src = tracker + "/pixel.gif?via=image";
    fetch(tracker + "/collect?via=fetch").catch(() => {});
  }, env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js", "/dist/consent-gate.full.js"], "the plan was made for another config text: the full gate reads this one");
  assert.match(v.problems.join("\n"), /reloadOnWithdraw/, "the console names the field");
  assert.match(v.problems.join("\n"), /every gated element stays blocked until the config is fixed/);
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

test("a config edited in a way that asks nothing new: the full gate decides from the record, and the interface is not fetched", async () => {
  const v = await returning(env);
  env.trackerLog.length = 0;
  await v.open(variant("two-modules-edited", '"reloadOnWithdraw": false,', '"reloadOnWithdraw": true,'));
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(env, v), ["/dist/consent-gate.js", "/dist/consent-gate.full.js"], "nothing to show: no interface");
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
  assert.ok(ours(env, v).includes("/dist/consent-gate.full.js"), "the full gate took over");
  assert.deepEqual(v.problems, []);
  await v.close();
});
