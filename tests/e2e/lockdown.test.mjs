// The lockdown: a Content-Security-Policy that allows the page's own origin and what the visitor
// granted. As a header (computed by the Rust server reader, `consent-gate csp`, per request) it
// stops even the preload scanner; as the gate's opt-in <meta> it stops what scripts request,
// `import()` included, and the page reloads into the wider policy after a grant.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, banner, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

/** Writes the page (and its config beside it) and returns its path on the site. */
function page(name, lockdown, markup) {
  const config = {
    categories: [
      { id: "necessary", required: true, title: "Necessary" },
      { id: "marketing", title: "Marketing" },
    ],
    services: [{ id: "tracker", category: "marketing", urls: [new URL(env.trackerOrigin).hostname] }],
    lockdown,
  };
  writeFileSync(join(artifacts, `${name}.json`), JSON.stringify(config));
  writeFileSync(
    join(artifacts, `${name}.html`),
    `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${name}</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">${JSON.stringify(config)}</script>
  <script src="/dist/consent-gate.js"></script>
  ${markup}
  <script>
    // What no wrapper can hold: a module import.
    import("__TRACKER_ORIGIN__/analytics.js?via=import").catch(function () {});
  </script>
</head>
<body><main><h1>${name}</h1></main>
<img data-category="marketing" data-src="__TRACKER_ORIGIN__/pixel.gif?via=held" width="1" height="1" alt=""></body>
</html>
`,
  );
  return `/generated/${name}.html`;
}

const vias = () => new Set(env.trackerLog.map((e) => new URL(e.url, "http://x").searchParams.get("via")));

test("lockdown header from the server reader: nothing reaches the tracker before consent, preloads included; after consent and a reload, the granted service loads", async () => {
  // Unheld markup after the gate: the preload scanner would request it before any script runs.
  const path = page("header.lockdown", {}, '<script async src="__TRACKER_ORIGIN__/analytics.js?via=markup"></script>\n  <img src="__TRACKER_ORIGIN__/pixel.gif?via=markup-img" alt="">');
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(path);
  await banner(v.page).region.waitFor();
  await v.page.waitForTimeout(500);
  assert.deepEqual(env.trackerLog, [], "the tracker received nothing, not even the preload scanner's requests");
  await banner(v.page).acceptAll.click();
  await v.reload();
  await v.page.waitForTimeout(500);
  for (const via of ["held", "import", "markup"]) assert.ok(vias().has(via), `${via} loads after consent (${[...vias()].join(", ")})`);
  await v.close();
});

test("lockdown meta written by the gate: what scripts request (import() too) is refused before consent; a grant reloads the page into the wider policy", async () => {
  const path = page("meta-lockdown", { meta: true }, "");
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open(path);
  await banner(v.page).region.waitFor();
  assert.equal(await v.page.evaluate(() => document.head.firstElementChild.getAttribute("http-equiv")), "Content-Security-Policy");
  await v.page.evaluate((origin) => fetch(origin + "/collect?via=fetch-through-nothing").catch(() => {}), env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.deepEqual(env.trackerLog, [], "the tracker received nothing");
  await Promise.all([v.page.waitForEvent("load"), banner(v.page).acceptAll.click()]);
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  await v.page.waitForLoadState("networkidle");
  for (const via of ["held", "import"]) assert.ok(vias().has(via), `${via} loads after the reload (${[...vias()].join(", ")})`);
  assert.deepEqual(v.problems.filter((p) => !/Content Security Policy|analytics\.js|ERR_FAILED/.test(p)), []);
  await v.close();
});

test("lockdown meta on a returning visitor's page view: the small gate alone puts the decision's policy first, and it refuses what the decision refuses", async () => {
  const path = page("meta-lockdown-returning", { meta: true }, "");
  const ours = (v) => v.requests.filter((url) => url.startsWith(env.siteOrigin + "/dist/")).map((url) => new URL(url).pathname);
  const v = await visitor(env);
  await v.open(path);
  await banner(v.page).rejectAll.click();
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  const policy = await v.page.evaluate(() => document.head.firstElementChild.getAttribute("content"));

  env.trackerLog.length = 0;
  v.requests.length = 0;
  await v.reload();
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(300);
  assert.deepEqual(ours(v), ["/dist/consent-gate.js"], "the small gate alone");
  const first = await v.page.evaluate(() => [document.head.firstElementChild.getAttribute("http-equiv"), document.head.firstElementChild.getAttribute("content")]);
  assert.deepEqual(first, ["Content-Security-Policy", policy], "the full gate's policy, first in <head>");
  await v.page.evaluate((origin) => fetch(origin + "/collect?via=fetch-through-nothing").catch(() => {}), env.trackerOrigin);
  await v.page.waitForTimeout(500);
  assert.deepEqual(env.trackerLog, [], "the tracker received nothing: import() and fetch() refused");
  assert.equal(await v.page.evaluate(() => document.querySelectorAll('meta[http-equiv="Content-Security-Policy"]').length), 1, "one policy");
  await v.close();
});
