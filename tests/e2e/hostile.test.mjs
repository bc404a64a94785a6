// Hostile input in the config: markup, script URLs, quotes that would break out of an attribute,
// a megabyte of text, JSON nested past reason, keys that do not exist. Each is rendered inert or
// refused with a clear error, never run, never a hang, and no tracker is reached either way.
// (HTML in texts and javascript: links: ui.test.mjs; crafted cookies: faults.test.mjs.)

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, dialog, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

/** Writes a page with `configText` as its config and returns its path on the site. */
function page(name, configText) {
  writeFileSync(
    join(artifacts, `${name}.html`),
    `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${name}</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">${configText.replaceAll("</", "<\\/")}</script>
  <script src="/dist/consent-gate.js"></script>
  <script type="text/plain" data-category="analytics" src="__TRACKER_ORIGIN__/analytics.js"></script>
</head>
<body><main><h1>${name}</h1></main>
<img data-category="marketing" data-src="__TRACKER_ORIGIN__/pixel.gif" width="1" height="1" alt=""></body>
</html>
`
  );
  return `/generated/${name}.html`;
}

const CATEGORIES = [
  { id: "necessary", required: true, title: "Necessary" },
  { id: "analytics", title: "Analytics" },
  { id: "marketing", title: "Marketing" },
];

/** Opens `path`, waits until consent-gate has started or refused, and returns the visitor. */
async function load(path) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  v.dialogs = [];
  v.page.on("dialog", (d) => {
    v.dialogs.push(d.message());
    d.dismiss();
  });
  const started = Date.now();
  await v.page.goto(env.siteOrigin + path);
  await v.page.waitForLoadState("load");
  await v.page.waitForFunction(() => window.__consentGateReady > 0 || document.readyState === "complete");
  await v.page.waitForTimeout(300);
  v.took = Date.now() - started;
  return v;
}

test("quotes that would break out of an attribute stay inside it; nothing runs", async () => {
  const breakout = `/privacy.html" onmouseover="window.__xss=1" x="`;
  const v = await load(
    page(
      "quotes",
      JSON.stringify({
        privacyPolicyUrl: breakout,
        texts: { title: `"><svg onload="window.__xss=2">`, description: `' onfocus='window.__xss=3' autofocus='` },
        categories: CATEGORIES,
        services: [{ id: "ga", category: "analytics", title: "GA", privacyPolicyUrl: `https://example.com/"><script>window.__xss=4</script>` }],
      })
    )
  );
  const { region } = banner(v.page);
  await region.waitFor();
  const link = region.getByRole("link");
  assert.equal(await link.getAttribute("href"), breakout, "the URL is one attribute value");
  assert.equal(await link.getAttribute("onmouseover"), null);
  await link.hover();
  assert.equal(await region.locator("h2").textContent(), `"><svg onload="window.__xss=2">`);
  assert.equal(await region.locator("svg, script, [onload], [onfocus], [onmouseover]").count(), 0);
  await banner(v.page).customize.click();
  await dialog(v.page).element.waitFor();
  await dialog(v.page).services("analytics").click();
  assert.equal(await dialog(v.page).element.locator("script, svg").count(), 0);
  assert.equal(await v.page.evaluate(() => window.__xss), undefined, "injected code ran");
  assert.deepEqual(v.dialogs, []);
  assertNothingFromTracker(env, v, "with hostile quotes in the config");
  await v.close();
});

test("data: and vbscript: links refuse the config with the field named; nothing is released", async () => {
  const v = await load(
    page(
      "data-url",
      JSON.stringify({
        privacyPolicyUrl: "data:text/html,<script>alert(1)</script>",
        logEndpoint: " vbscript:msgbox(1)",
        categories: CATEGORIES,
      })
    )
  );
  const errors = v.problems.join("\n");
  assert.match(errors, /privacyPolicyUrl: "data:text\/html,<script>alert\(1\)<\/script>" is not a link consent-gate will use/);
  assert.match(errors, /logEndpoint: " vbscript:msgbox\(1\)" is not a link consent-gate will use/);
  assert.equal(await banner(v.page).region.count(), 0);
  assert.deepEqual(v.dialogs, []);
  assertNothingFromTracker(env, v, "with a refused config");
  await v.close();
});

test("nearly a megabyte of text (the most a config may hold) is shown as text without a hang", async () => {
  // 50,000 times 19 characters, and 50,000 more for the "<\/" the page's JSON needs: just under
  // the 1 MiB consent-gate reads.
  const huge = "<b>Lorem</b> ipsum ".repeat(50_000);
  assert.ok(huge.length > 900_000);
  const v = await load(page("huge", JSON.stringify({ texts: { description: huge }, categories: CATEGORIES })));
  const { region } = banner(v.page);
  await region.waitFor();
  const shown = await region.locator("p").first().textContent();
  assert.equal(shown, huge);
  assert.equal(await region.locator("b").count(), 0, "markup in the text became elements");
  // A diagnostic, not an assertion: the time to a usable page with a 1 MB config.
  console.log(`# a 1 MB description: page usable after ${v.took} ms`);
  await banner(v.page).rejectAll.click();
  await region.waitFor({ state: "detached" });
  assertNothingFromTracker(env, v, "with a 1 MB description");
  assert.deepEqual(v.problems.filter((p) => p.startsWith("uncaught")), []);
  await v.close();
});

test("JSON nested 100,000 deep, and keys that do not exist, are refused with a clear error, without a hang", async () => {
  const deep = `{"categories":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  const v = await load(page("deep", deep));
  assert.match(v.problems.join("\n"), /the config is not JSON: line 1, column 47: nested more than 32 levels deep/);
  assert.equal(await banner(v.page).region.count(), 0);
  assertNothingFromTracker(env, v, "with a deeply nested config");
  assert.deepEqual(v.problems.filter((p) => p.startsWith("uncaught")), []);
  await v.close();

  const unknown = await load(
    page(
      "unknown-keys",
      // Written out: in a JS object literal "__proto__" would set the prototype, not a key.
      `{"categories":${JSON.stringify(CATEGORIES)},"privacyPolicy":"/privacy.html","__proto__":{"polluted":true},"constructor":1}`
    )
  );
  const errors = unknown.problems.join("\n");
  assert.match(errors, /privacyPolicy: is not a key consent-gate knows \(did you mean "privacyPolicyUrl"\?\)/);
  assert.match(errors, /__proto__: is not a key consent-gate knows/);
  assert.equal(await unknown.page.evaluate(() => ({}).polluted), undefined, "Object.prototype was polluted");
  assertNothingFromTracker(env, unknown, "with unknown keys");
  await unknown.close();
});

test("a 2.4 MB config with 200,000 unknown keys, and one under 1 MiB with 40,000, are refused with one clear error each", async () => {
  const many = (count) => Array.from({ length: count }, (_, i) => `"unknown-key-${i}":0`).join(",");
  const big = `{"categories":${JSON.stringify(CATEGORIES)},${many(200_000)}}`;
  assert.ok(big.length > 2_400_000);
  const v = await load(page("big-config", big));
  assert.match(v.problems.join("\n"), /the config is \d+ bytes, more than consent-gate reads \(1048576, 1 MiB\)/);
  assert.equal(await banner(v.page).region.count(), 0);
  assertNothingFromTracker(env, v, "with a 2.4 MB config");
  console.log(`# a 2.4 MB config: refused, page loaded after ${v.took} ms`);
  await v.close();

  const wide = `{"categories":${JSON.stringify(CATEGORIES)},${many(40_000)}}`;
  assert.ok(wide.length < 1 << 20);
  const w = await load(page("wide-config", wide));
  const reported = w.problems.filter((p) => p.includes("consent-gate:"));
  assert.match(reported.join("\n"), /has 40001 keys: a config has at most 256 in one place/);
  assert.ok(reported.length <= 3, reported.join("\n"));
  assertNothingFromTracker(env, w, "with 40,000 unknown keys");
  console.log(`# a config with 40,000 unknown keys: refused, page loaded after ${w.took} ms`);
  await w.close();
});

test("a hostile environment: each protection the page kept the gate from installing is named on the console and in ready()", async () => {
  const services = [{ id: "tracker", category: "marketing", urls: [new URL(env.trackerOrigin).hostname] }];
  const path = page("hostile-environment", JSON.stringify({ categories: CATEGORIES, services })).replace(".html", "");
  // The same page with a script before the gate that fixes fetch, freezes a prototype and
  // removes MutationObserver.
  const file = join(artifacts, "hostile-environment.html");
  const html = (await import("node:fs")).readFileSync(file, "utf8").replace(
    '<script src="/dist/consent-gate.js">',
    `<script>
    Object.defineProperty(window, "fetch", { value: window.fetch, writable: false, configurable: false });
    Object.freeze(HTMLImageElement.prototype);
    window.__observer = window.MutationObserver;
    delete window.MutationObserver;
  </script>
  <script src="/dist/consent-gate.js"></script>
  <script>window.MutationObserver = window.__observer;</script>
  <script hidden>`,
  );
  writeFileSync(file, html);
  const warnings = [];
  const v = await load(`${path}.html`);
  v.page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await v.reload();
  const readiness = await v.page.evaluate(() => window.ConsentGate.ready());
  assert.equal(readiness.protections.complete, false);
  for (const name of ["window.fetch", "HTMLImageElement.src", "HTMLImageElement.srcset", "MutationObserver"]) {
    assert.ok(readiness.protections.refused.includes(name), `${name} in ${readiness.protections.refused.join(", ")}`);
    assert.ok(warnings.some((w) => w.includes(name)), `the console names ${name}`);
  }
  // What could be installed still holds.
  const held = await v.page.evaluate(() => {
    const img = document.createElement("img");
    img.setAttribute("src", document.querySelector("img[data-src]").dataset.src + "?via=setAttribute");
    return img.hasAttribute("data-src") && !img.hasAttribute("src");
  });
  assert.ok(held, "setAttribute is still held");
  assertNothingFromTracker(env, v, "in a hostile environment");
  await v.close();
});

test("a normal page: ready() says every protection is installed", async () => {
  const v = await load(page("protections", JSON.stringify({ categories: CATEGORIES })));
  assert.deepEqual(await v.page.evaluate(() => window.ConsentGate.ready()), { protections: { complete: true, refused: [] } });
  await v.close();
});
