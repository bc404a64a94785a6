// The gate against the URL forms the browser accepts and the values it converts, asserting on the
// browser's own request log (some forms name the tracker's host in ways the test's host mapping
// does not resolve: the browser's attempt is what counts) and on the tracker server's log.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, banner, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start({ secure: true })));
after(() => env?.stop());

const PAGE = "/fixtures/leaks.html";

/** Every request the browser made to the tracker's host, however the URL was written. */
const toTracker = (v) =>
  v.requests.filter((url) => {
    try {
      return new URL(url).hostname.replace(/\.$/, "").toLowerCase() === "tracker.test";
    } catch {
      return false;
    }
  });

test("URL forms the browser reads as the tracker's, and values that are not strings, are held before consent and released after it", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(PAGE);
  await banner(v.page).region.waitFor();
  const tried = await v.page.evaluate(() => window.__attack());
  assert.ok(tried.length >= 50, `${tried.length} attempts`);
  await v.page.waitForTimeout(1000);
  assert.deepEqual(toTracker(v), [], "the browser requested nothing from the tracker");
  assert.deepEqual(env.trackerLog.map((e) => e.url), [], "the tracker received nothing");
  const held = await v.page.evaluate(() =>
    [...document.querySelectorAll("script[data-consent-auto][data-src]")]
      .map((s) => s.getAttribute("data-src"))
      .filter((url) => !url.includes("f=values")),
  );
  assert.equal(held.length, 10, "each form's script is held, with the URL the browser would request");
  for (const url of held) assert.match(url, /^https?:\/\/([^@/]+@)?tracker\.test(\.)?:\d+\/pixel\.gif\?f=/, url);
  const inserted = await v.page.evaluate(() =>
    [...document.querySelectorAll('script[type="text/plain"][data-service="tracker"]')].map((s) => new URL(s.getAttribute("src") ?? s.getAttribute("data-src"), location.href).searchParams.get("via")),
  );
  for (const via of ["before", "after", "replaceWith", "replaceChildren", "insertAdjacentElement", "replaceChild", "text-after", "nested", "fragment"]) {
    assert.ok(inserted.includes(via), `the script inserted by ${via} is held (${inserted.join(", ")})`);
  }

  const xhrEvents = await v.page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = [];
        const x = new XMLHttpRequest();
        x.onerror = () => seen.push("error");
        x.addEventListener("loadend", () => resolve([...seen, "loadend"]));
        x.open("GET", window.__forms.backslashes + "&via=xhr-events");
        x.send();
        setTimeout(() => resolve(seen), 2000);
      }),
  );
  assert.deepEqual(xhrEvents, ["error", "loadend"], "a held XHR fails as an offline one does");
  assert.ok(await v.page.evaluate(() => document.getElementById("pinged").hasAttribute("data-ping") && !document.getElementById("pinged").hasAttribute("ping")), "a link's ping is held");

  await banner(v.page).acceptAll.click();
  await v.page.waitForTimeout(500);
  await v.page.evaluate(() => window.__attack());
  await v.page.waitForTimeout(1000);
  const through = new Set(toTracker(v).map((url) => new URL(url).searchParams.get("via")));
  const after = [
    "img-src", "fetch", "script", "string-object", "to-string", "request", "url", "xhr", "setAttributeNS", "before", "fragment",
    "attr-node", "named-item", "attr-value", "attr-node-value", "attr-text", "srcset", "srcset-attr", "picture-source",
    "svg-script", "svg-xlink", "svg-image", "svg-baseval", "fe-image", "fe-image-html", "svg-use", "body-background", "cell-background", "poster", "object", "input-image", "innerHTML", "outerHTML",
    "insertAdjacentHTML", "declarative-shadow", "shadow-innerHTML", "setHTML", "shadow-setHTML", "fragment-img", "template", "template-clone",
    "domparser", "domparser-inserted", "range-insert", "range-surround", "exec-insertHTML", "exec-insertImage", "fetch-later", "cache-add", "cache-add-all", "table-caption", "table-thead", "xslt", "frame-body",
    "select-add", "options-add", "select-index", "options-index",
    "document-write", "innerHTML-detached",
    "frame-fetch", "frame-image", "frame-beacon", "friendly", "innerHTML-frame", "fragment-frame", "nested-frame", "srcdoc-script",
  ];
  for (const via of after) {
    assert.ok(through.has(via), `after consent, ${via} goes through (${[...through].join(", ")})`);
  }
  await v.close();
});

test("after Reject all, every path stays held: the tracker receives nothing and nothing of it runs", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(PAGE);
  await banner(v.page).rejectAll.click();
  await banner(v.page).region.waitFor({ state: "detached" });
  const tried = await v.page.evaluate(() => window.__attack());
  assert.ok(tried.length >= 80, `${tried.length} attempts`);
  await v.page.waitForTimeout(1000);
  assert.deepEqual(toTracker(v), [], "the browser requested nothing from the tracker");
  assert.deepEqual(env.trackerLog.map((e) => e.url), [], "the tracker received nothing");
  await v.close();
});

test("100,000 exceptions thrown through the gate's wrappers leave the page and the gate working", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(PAGE);
  const outcome = await v.page.evaluate(() => {
    const throwing = { toString() { throw new Error("a toString that throws"); } };
    let caught = 0;
    for (let i = 0; i < 100000; i++) {
      try {
        if (i % 4 === 0) new Image().src = throwing;
        else if (i % 4 === 1) document.createElement("img").setAttribute("src", throwing);
        else if (i % 4 === 2) document.createElement("img").setAttribute(throwing, "x");
        else navigator.sendBeacon(throwing);
      } catch (e) {
        if (e.message === "a toString that throws") caught++;
      }
    }
    const div = document.createElement("div");
    document.body.appendChild(div);
    div.setAttribute("data-ok", "1");
    const img = new Image();
    img.src = window.__forms.backslashes + "&via=after-exceptions";
    return { caught, appended: div.isConnected, held: img.getAttribute("data-src") !== null, src: img.getAttribute("src") };
  });
  assert.equal(outcome.caught, 100000, "each exception reached the page, as the browser's own would");
  assert.ok(outcome.appended, "appendChild and setAttribute still work");
  assert.ok(outcome.held, "the gate still holds");
  assert.equal(outcome.src, null);
  assert.equal(await v.page.evaluate(() => fetch("/fixtures/leaks.html").then((r) => r.status)), 200, "fetch still works");
  await banner(v.page).rejectAll.click();
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.reject-all\./, "and a decision is still stored");
  await v.page.waitForTimeout(300);
  assert.deepEqual(toTracker(v), []);
  await v.close();
});

test("where WebAssembly cannot start, the fallback holds the same URL forms and values", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  // The same page under a policy that refuses to compile WebAssembly: the loader's fallback holds.
  const page = readFileSync(join(root, "tests/e2e/fixtures/leaks.html"), "utf8").replace(
    '<meta charset="utf-8">',
    `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="script-src 'self' 'unsafe-inline'">`,
  );
  writeFileSync(join(artifacts, "leaks-fallback.html"), page);
  await v.page.goto(env.siteOrigin + "/generated/leaks-fallback.html");
  await v.page.waitForLoadState("load");
  assert.match(v.problems.join("\n"), /WebAssembly could not start/);
  const tried = await v.page.evaluate(() => window.__attack());
  assert.ok(tried.length >= 50, `${tried.length} attempts`);
  await v.page.waitForTimeout(1000);
  assert.deepEqual(toTracker(v), [], "the browser requested nothing from the tracker");
  assert.deepEqual(env.trackerLog.map((e) => e.url), [], "the tracker received nothing");
  await v.close();
});
