// The gate with the single-file build (dist/consent-gate.js, in force from <head>): nothing goes to
// the tracker origin before consent, whatever way a tag is added; consent releases it in order;
// strict CSP with a nonce works; a refused or damaged WebAssembly module fails closed; withdrawal
// deletes host-only and parent-domain cookies, verifies it, and reloads.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, dialog, root, start, trackerSaw, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());


const via = (v) => v.trackerRequests().map((url) => `${new URL(url).pathname}?${new URL(url).searchParams.get("via") ?? ""}`);

// A script written straight into the HTML after a blocking script may be fetched by the
// browser's preload scanner before any script can see it: auto-blocking keeps it from running,
// but only markup blocking (type="text/plain") keeps it from being requested. The README says so.
const SPECULATIVE = "/analytics.js?via=parser";

test("auto-blocking: a tag manager's injected script, frame, pixel, fetch, beacon and XHR, and trackers parsed later, send nothing before consent", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/tag-manager.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await banner(v.page).region.waitFor();
  await v.page.waitForFunction(() => window.__fetchHeld === true);
  await v.page.waitForTimeout(500);
  const speculative = (url) => url.includes("via=parser");
  assert.deepEqual(v.trackerRequests().filter((u) => !speculative(u)), [], "browser requests before consent");
  assert.deepEqual(env.trackerLog.map((e) => e.url).filter((u) => !speculative(u)), [], "server saw requests before consent");
  assert.ok(env.trackerLog.filter((e) => speculative(e.url)).length <= 1, "the preload scanner's fetch happened more than once");
  const state = await v.page.evaluate(() => ({
    beacon: window.__beaconSent,
    held: [...document.querySelectorAll("[data-consent-auto]")].map((e) => `${e.localName}:${e.getAttribute("data-service")}`).sort(),
    analytics: typeof window.demoAnalytics,
  }));
  assert.equal(state.beacon, false, "sendBeacon reported the beacon as not queued");
  assert.equal(state.analytics, "undefined", "a held script ran");
  assert.deepEqual(state.held, [
    "iframe:demo-video",
    "img:demo-pixel",
    "script:demo-analytics",
    "script:demo-analytics",
    "script:demo-analytics",
  ], "each injected or unmarked tag is held, and none of them ran");
  assert.deepEqual(v.problems, []);

  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true && window.demoLib?.loaded === true);
  await v.page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("via=inserted")));
  await v.page.waitForTimeout(300);
  const released = via(v);
  for (const expected of ["/analytics.js?property", "/lib.js?attribute", "/lib.js?markup", SPECULATIVE.replace("via=", ""), "/video.html?frame", "/pixel.gif?inserted"]) {
    assert.ok(released.includes(expected), `${expected} released after consent: ${released}`);
  }
  // Held requests are not replayed: a beacon or fetch refused before consent stays unsent, and a
  // pixel that was never put in the page is dropped.
  for (const dropped of ["/collect?fetch", "/collect?beacon", "/collect?xhr", "/pixel.gif?image"]) {
    assert.ok(!released.includes(dropped), `${dropped} was sent later`);
  }
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("release keeps document order: an inline script after a slow library sees it; <source> reloads its player", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/order.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.__sawLib !== undefined);
  assert.equal(await v.page.evaluate(() => window.__sawLib), "loaded");
  assert.ok(await trackerSaw(env, (url) => url.includes("via=source")), "the <video> loaded its released <source>");
  assert.deepEqual(v.problems.filter((p) => !/Failed to load resource|404/.test(p)), []);
  await v.close();
});

test("strict CSP with a nonce and 'strict-dynamic': released scripts get the page's nonce and run", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/csp-nonce.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  // The banner left alone, the next page view follows the visitor's plan: the interface module is
  // preloaded with the tag's nonce and inserted once the drawn banner is painted.
  v.requests.length = 0;
  await v.page.reload();
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  assert.deepEqual(
    await v.page.evaluate(() => [...document.querySelectorAll('link[rel="preload"]')].map((link) => [link.as, link.nonce, new URL(link.href).pathname])),
    [["script", "n0nce", "/dist/consent-gate.ui.js"]]
  );
  assert.equal(v.requests.filter((url) => url.endsWith("/dist/consent-gate.ui.js")).length, 1, "one request serves the preload and the script");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.__inlineRan === true && window.demoLib?.loaded === true);
  assert.equal(await v.page.evaluate(() => window.__violations), undefined);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("WebAssembly refused by CSP: a clear console error, and nothing reaches the tracker", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/csp-no-wasm.html");
  await v.page.waitForLoadState("load");
  await v.page.waitForFunction(() => window.__fetchHeld === true);
  await v.page.waitForTimeout(500);
  assertNothingFromTracker(env, v, "with WebAssembly refused");
  const errors = v.problems.join("\n");
  assert.match(errors, /consent-gate: WebAssembly could not start/);
  assert.match(errors, /add 'wasm-unsafe-eval' to script-src/);
  assert.equal(await banner(v.page).region.count(), 0);
  await v.close();
});

/**
 * Opens `path`, a page whose loader cannot start consent-gate and so holds every other-origin
 * request, once its tag manager has tried to reach the tracker; asserts that nothing was fetched
 * (bar the preload scanner's speculative fetch, see SPECULATIVE), nothing ran and no banner came.
 * Returns the visitor, open.
 */
async function openHoldingEverything(path) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + path);
  await v.page.waitForLoadState("load");
  await v.page.waitForFunction(() => window.__fetchHeld === true);
  await v.page.waitForTimeout(500);
  assert.deepEqual(v.trackerRequests().filter((u) => !u.includes("via=parser")), [], "browser requests");
  assert.equal(await v.page.evaluate(() => typeof window.demoAnalytics), "undefined", "a tracker ran");
  assert.equal(await banner(v.page).region.count(), 0);
  return v;
}

/**
 * Writes the two-modules page in windows-1252, with the gate's files beside it (each changed by
 * `bytes(name, body)`), under /generated/`folder`/windows-1252/; returns the page's path.
 */
function windows1252(folder, bytes = (name, body) => body) {
  const dir = join(artifacts, folder, "windows-1252");
  mkdirSync(dir, { recursive: true });
  for (const name of ["consent-gate.js", "consent-gate.ui.js"]) {
    writeFileSync(join(dir, name), bytes(name, readFileSync(join(root, "dist", name))));
  }
  const page = readFileSync(join(root, "tests/e2e/fixtures/two-modules.html"), "utf8")
    .replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    .replace('src="/dist/consent-gate.js"', `src="/generated/${folder}/windows-1252/consent-gate.js"`);
  writeFileSync(join(dir, "page.html"), page);
  return `/generated/${folder}/windows-1252/page.html`;
}

// Each module travels as a literal of one character per byte, written as UTF-8; the files' byte
// order mark makes the browser read them as UTF-8 on a page in any other encoding. Browsers
// without Uint8Array.fromBase64 (before Chromium 140, Firefox 133, Safari 18.2) read the literal
// with the loader's own loop.
for (const native of [true, false]) {
  const how = native ? "" : ", read by the loop where Uint8Array.fromBase64 is missing";
  test(`both gates start on a page read as windows-1252: the byte order mark decides${how}`, async () => {
    const v = await visitor(env);
    if (!native) await v.page.addInitScript(() => delete Uint8Array.fromBase64);
    await v.page.goto(env.siteOrigin + windows1252("marked"));
    await banner(v.page).region.waitFor();
    assert.equal(await v.page.evaluate(() => document.characterSet), "windows-1252");
    assert.equal(await v.page.evaluate(() => typeof Uint8Array.fromBase64), native ? "function" : "undefined");
    await banner(v.page).acceptAll.click();
    await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
    // The returning view follows its plan: the small gate's own module is read.
    v.requests.length = 0;
    await v.reload();
    await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
    const gates = v.requests.filter((url) => url.includes("/consent-gate")).map((url) => new URL(url).pathname);
    assert.deepEqual(gates, ["/generated/marked/windows-1252/consent-gate.js"]);
    assert.deepEqual(v.problems, []);
    await v.close();
  });

  // Without its mark (a server or a build step that strips it), the interface module is read as
  // windows-1252: its literal is then not the module, and nothing may start from it.
  test(`an interface module read in another encoding: the console says so, and nothing is released${how}`, async () => {
    env.trackerLog.length = 0;
    const path = windows1252("unmarked", (name, body) => {
      if (name !== "consent-gate.ui.js") return body;
      assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the build starts with a byte order mark");
      return body.subarray(3);
    });
    const v = await visitor(env);
    if (!native) await v.page.addInitScript(() => delete Uint8Array.fromBase64);
    await v.page.goto(env.siteOrigin + path);
    await v.page.waitForFunction(() => document.readyState === "complete");
    await v.page.waitForTimeout(500);
    const errors = v.problems.join("\n");
    assert.match(errors, /WebAssembly could not start \(Error: the module arrived damaged \(is the file served as it was built, and read as UTF-8\?\)\)/);
    assert.equal(await banner(v.page).region.count(), 0);
    assertNothingFromTracker(env, v, "with the interface module misread");
    await v.close();
  });
}

// A file damaged on the way (here the module's magic number, "\0asm") must fail closed like a
// refused one.
test("a damaged single-file build: a clear console error, and nothing reaches the tracker", async () => {
  const build = readFileSync(join(root, "dist/consent-gate.ui.js"), "utf8");
  assert.equal(build.split('"\0asm').length, 2, "the build carries the module as one literal");
  mkdirSync(join(artifacts, "damaged"), { recursive: true });
  copyFileSync(join(root, "dist/consent-gate.js"), join(artifacts, "damaged/consent-gate.js"));
  writeFileSync(join(artifacts, "damaged/consent-gate.ui.js"), build.replace('"\0asm', '"\0asn'));
  const page = readFileSync(join(root, "tests/e2e/fixtures/csp-no-wasm.html"), "utf8")
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
    .replace('src="/dist/consent-gate.js"', 'src="/generated/damaged/consent-gate.js"');
  writeFileSync(join(artifacts, "damaged.html"), page);
  const v = await openHoldingEverything("/generated/damaged.html");
  const errors = v.problems.join("\n");
  assert.match(errors, /consent-gate: WebAssembly could not start/);
  assert.doesNotMatch(errors, /wasm-unsafe-eval|arrived damaged/, "blamed the CSP or the encoding for a damaged module");
  await v.close();
});

test("an invalid config: the console names the field, and the tag manager's injections reach nothing either", async () => {
  const v = await openHoldingEverything("/fixtures/tag-manager-invalid.html");
  assert.match(v.problems.join("\n"), /expiryDays: 900 breaks the rule/);
  await v.close();
});

test("withdrawal deletes host-only and parent-domain cookies, verifies it, and reloads; an HttpOnly cookie is beyond the page", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  const site = env.siteOrigin.replace("//shop.test", "//www.shop.test");
  await v.page.goto(site + "/");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  // What the analytics tag left: a host-only cookie and a session cookie on the parent domain.
  await v.page.evaluate(() => {
    document.cookie = "_demo_ga_S1=1; Path=/; Domain=shop.test";
    document.cookie = "_demo_ga_S2=1; Path=/";
  });
  await v.context.addCookies([{ name: "_demo_ga_HTTP", value: "1", domain: "www.shop.test", path: "/", httpOnly: true }]);
  const names = async () => (await v.context.cookies()).map((c) => `${c.name}@${c.domain}`).filter((n) => n.startsWith("_demo_ga")).sort();
  assert.deepEqual(await names(), ["_demo_ga@www.shop.test", "_demo_ga_HTTP@www.shop.test", "_demo_ga_S1@.shop.test", "_demo_ga_S2@www.shop.test"]);

  await v.page.evaluate(() => {
    document.addEventListener("consentgate:change", (e) => sessionStorage.setItem("change", JSON.stringify(e.detail)));
  });
  const reloaded = v.page.waitForNavigation();
  await v.page.locator("[data-consent-settings]").click();
  await dialog(v.page).rejectAll.click();
  await reloaded;
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  assert.deepEqual(await names(), ["_demo_ga_HTTP@www.shop.test"], "only the HttpOnly cookie survives");
  const change = JSON.parse(await v.page.evaluate(() => sessionStorage.getItem("change")));
  // document.cookie never shows an HttpOnly cookie, so the page can neither delete nor see it:
  // the README sends site owners to their server for those.
  assert.deepEqual(change.survivors, []);
  assert.deepEqual(change.revoked.services, ["google-analytics", "meta-pixel", "youtube"]);

  const before = v.trackerRequests().length;
  await v.page.waitForTimeout(500);
  assert.deepEqual(v.trackerRequests().slice(before), [], "a tracker request after the withdrawal reload");
  await v.close();
});

test("a held embed shows a placeholder: Load once loads it without storing consent, Always allow grants its service", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  const placeholder = v.page.locator("[data-consent-placeholder]");
  await placeholder.waitFor();
  assert.equal(await placeholder.locator("p").textContent(), "This content from YouTube is blocked until you allow it.");
  assert.equal(await v.page.locator("iframe.video").isVisible(), false, "the empty frame is hidden behind its placeholder");
  await placeholder.getByRole("button", { name: "Load once" }).click();
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  assert.equal(await placeholder.count(), 0);
  assert.ok(await v.page.locator("iframe.video").isVisible());
  assert.equal(await v.cookie("consent_gate"), undefined, "Load once stored a decision");
  assert.deepEqual([...new Set(v.trackerRequests().map((u) => new URL(u).pathname))], ["/video.html"]);

  await v.reload();
  await placeholder.waitFor();
  await placeholder.getByRole("button", { name: "Always allow" }).click();
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.custom\.0\.!analytics\+!marketing\.!google-analytics\+!meta-pixel\+youtube$/);
  await v.reload();
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  assert.equal(await placeholder.count(), 0, "no placeholder once the service is granted");
  assert.ok(!v.trackerRequests().some((u) => u.includes("/pixel.gif") || u.includes("/analytics.js")), "only the video's service was granted");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("strict CSP with Trusted Types required: the banner is styled, released scripts run, nothing is reported", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/csp-trusted-types.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  const position = await banner(v.page).region.evaluate((e) => getComputedStyle(e).position);
  assert.equal(position, "fixed", "the stylesheet applied");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.__inlineRan === true && window.demoLib?.loaded === true);
  assert.equal(await v.page.evaluate(() => window.__violations), undefined);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("script gadget: under a nonce, strict-dynamic and Trusted Types, held markup that page code injects never runs", async () => {
  // The Trusted Types page above, with a page policy of its own (as a sanitizer would have) that
  // lets markup through: injected <script type="text/plain" data-category="necessary"> must not
  // borrow the page's nonce from the gate.
  const page = readFileSync(join(root, "tests/e2e/fixtures/csp-trusted-types.html"), "utf8")
    .replace("trusted-types consent-gate", "trusted-types consent-gate page")
    .replace(
      '<script src="/dist/consent-gate.js" nonce="n0nce"></script>',
      `<script src="/dist/consent-gate.js" nonce="n0nce"></script>
  <script nonce="n0nce">window.pagePolicy = trustedTypes.createPolicy("page", { createHTML: (s) => s, createScript: (s) => s });</script>`,
    );
  writeFileSync(join(artifacts, "script-gadget.html"), page);
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/generated/script-gadget.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await v.page.evaluate(() => {
    const markup = (via) => `<script type="text/plain" data-category="necessary">window.__gadget = (window.__gadget || []).concat("${via}")</scr` + "ipt>";
    const div = document.createElement("div");
    div.innerHTML = pagePolicy.createHTML(markup("innerHTML"));
    document.body.appendChild(div);
    document.body.insertAdjacentHTML("beforeend", pagePolicy.createHTML(markup("insertAdjacentHTML")));
    const s = document.createElement("script");
    s.type = "text/plain";
    s.dataset.category = "necessary";
    s.text = pagePolicy.createScript('window.__gadget = (window.__gadget || []).concat("createElement")');
    document.body.appendChild(s);
  });
  await v.page.waitForTimeout(500);
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.__inlineRan === true && window.demoLib?.loaded === true);
  await v.page.waitForTimeout(300);
  assert.equal(await v.page.evaluate(() => window.__gadget), undefined, "no injected script ran");
  assert.equal(await v.page.evaluate(() => document.querySelectorAll("script[data-consent-refused]").length), 3);
  assert.match(v.problems.join("\n"), /put in the page by a script, not by its HTML/);
  await v.close();
});

test("a page without TextDecoder (the glue's top level needs it): the fallback holds, and the console says why", async () => {
  const page = readFileSync(join(root, "tests/e2e/fixtures/leaks.html"), "utf8").replace(
    '<script src="/dist/consent-gate.js"></script>',
    '<script>delete window.TextDecoder;</script>\n  <script src="/dist/consent-gate.js"></script>',
  );
  writeFileSync(join(artifacts, "no-text-decoder.html"), page);
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/generated/no-text-decoder.html");
  await v.page.waitForLoadState("load");
  assert.match(v.problems.join("\n"), /WebAssembly could not start/);
  await v.page.evaluate(() => window.__attack());
  await v.page.waitForTimeout(1000);
  assert.deepEqual(env.trackerLog.map((e) => e.url), [], "the tracker received nothing");
  await v.close();
});
