// Issue 21's tools as a site owner uses them: vendor snippets pasted unmodified, held by
// `consent-gate hold` with a config that names presets, and the config builder, whose output runs
// on a page. Vendors' hosts (www.googletagmanager.com, connect.facebook.net, …) are routed to the
// tracker server's /vendor/ path, so its log and the browser's request log both see every request,
// the preload scanner's included.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const CLI = join(root, "target/debug/consent-gate");

function cli(...args) {
  const run = spawnSync(CLI, args, { encoding: "utf8" });
  if (run.error) throw run.error;
  return run;
}

/**
 * A visitor whose requests to any host but the site's and the tracker's go to the tracker's
 * /vendor/<host><path>, answered by the tracker server (a script that records that it ran, for
 * scripts). Returns the visitor and the vendor URLs the browser asked for, in order.
 */
async function visitorOfVendors() {
  const v = await visitor(env);
  const vendorRequests = [];
  const ours = [new URL(env.siteOrigin).host, new URL(env.trackerOrigin).host];
  await v.context.route(
    (url) => !ours.includes(url.host),
    async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      vendorRequests.push(url.href);
      const as = { script: "script", document: "document" }[request.resourceType()] ?? "other";
      // From Node, which does not map the tracker's host name as the browser does.
      const tracker = new URL(env.trackerOrigin);
      tracker.hostname = "127.0.0.1";
      const target = `${tracker.origin}/vendor/${url.host}${url.pathname}?as=${as}`;
      const response = await route.fetch({ url: target, headers: {} });
      await route.fulfill({ response, headers: { ...response.headers(), "access-control-allow-origin": "*" } });
    }
  );
  return { v, vendorRequests };
}

const trackerVendorHosts = () =>
  env.trackerLog.filter((e) => e.url.startsWith("/vendor/")).map((e) => e.url.split("/")[2]);

test("five vendors' unmodified snippets, held by `consent-gate hold` with presets: nothing before consent, preloads included; each loads after its own consent", async () => {
  const configFile = join(root, "tests/e2e/fixtures/vendors.config.json");
  // As a site owner would: the page gets the config written out, and `hold` rewrites the snippets.
  const resolved = cli("resolve", configFile);
  assert.equal(resolved.status, 0, resolved.stderr);
  const source = join(artifacts, "vendors-source");
  const held = join(artifacts, "vendors-held");
  mkdirSync(source, { recursive: true });
  const page = readFileSync(join(root, "tests/e2e/fixtures/vendors.html"), "utf8").replace("__CONFIG__", resolved.stdout);
  writeFileSync(join(source, "vendors.html"), page);
  const before = cli("check", "--config", configFile, join(source, "vendors.html"));
  assert.equal(before.status, 1, "the pasted snippets reach their vendors unheld");
  for (const service of ["ga4", "meta-pixel", "youtube", "hotjar", "microsoft-clarity"]) {
    assert.match(before.stdout, new RegExp(`${service} unheld`), before.stdout);
  }
  const hold = cli("hold", "--config", configFile, "--out", held, join(source, "vendors.html"));
  assert.equal(hold.status, 0, hold.stderr);
  assert.equal(cli("check", "--config", configFile, join(held, "vendors.html")).status, 0);

  env.trackerLog.length = 0;
  const { v, vendorRequests } = await visitorOfVendors();
  await v.open("/generated/vendors-held/vendors.html");
  await banner(v.page).acceptAll.waitFor();
  await v.page.waitForTimeout(300);
  assert.deepEqual(vendorRequests, [], "the browser asked a vendor for nothing before consent");
  assertNothingFromTracker(env, v, "before consent");
  assert.deepEqual(v.problems, []);

  // Each service's consent, one at a time, brings that vendor and no other.
  const hosts = {
    ga4: "www.googletagmanager.com",
    "meta-pixel": "connect.facebook.net",
    youtube: "www.youtube.com",
    hotjar: "static.hotjar.com",
    "microsoft-clarity": "www.clarity.ms",
  };
  const granted = [];
  for (const [service, host] of Object.entries(hosts)) {
    await v.page.evaluate((service) => ConsentGate.set({ services: { [service]: true } }), service);
    granted.push(host);
    await v.page.waitForFunction(
      (host) => performance.getEntriesByType("resource").some((e) => new URL(e.name).host === host) ||
        [...document.querySelectorAll("iframe")].some((f) => f.src.includes(host)),
      host
    );
    await v.page.waitForTimeout(200);
    const asked = new Set(vendorRequests.map((url) => new URL(url).host));
    assert.deepEqual([...asked].sort(), [...granted].sort(), `after ${service}'s consent the browser asked exactly these vendors`);
    assert.deepEqual([...new Set(trackerVendorHosts())].sort(), [...granted].sort(), `after ${service}'s consent`);
  }
  // The scripts ran (the stand-ins record themselves), each vendor's once.
  const ran = await v.page.evaluate(() => window.__vendorScripts ?? []);
  for (const host of ["www.googletagmanager.com", "connect.facebook.net", "static.hotjar.com", "www.clarity.ms"]) {
    assert.equal(ran.filter((url) => url.startsWith(`/vendor/${host}/`)).length, 1, `${host} ran once: ${ran}`);
  }
  assert.deepEqual(v.problems, []);
  await v.close();
});

/** The builder's problem lines once it has settled on `wanted` ("good" or "bad"). */
async function builderProblems(page, wanted) {
  const box = page.locator("#problems");
  await page.waitForFunction(
    (wanted) => {
      const box = document.getElementById("problems");
      const settled = /^No problems|problem|Warnings/.test(box.textContent);
      return settled && box.classList.contains("bad") === (wanted === "bad");
    },
    wanted
  );
  return box.locator("li").allTextContents();
}

test("the config builder: presets, texts and languages make a config the real banner previews; errors as you type in check's words; the snippet runs on a page", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(env.siteOrigin + "/builder.html");
  await builderProblems(page, "good");
  const preview = page.frameLocator("#preview");
  await preview.locator("[data-consent-banner]").getByRole("button", { name: "Accept all" }).waitFor();

  // Build: drop YouTube, add Clarity and Brevo (moved to analytics), own title, bar layout,
  // Spanish.
  await page.locator("#preset-youtube").uncheck();
  await page.locator("#preset-microsoft-clarity").check();
  await page.locator("#preset-brevo").check();
  await page.locator("#category-of-brevo").selectOption("analytics");
  await page.locator("#title").fill("Cookies at Northwind");
  await page.locator("#layout").selectOption("bar");
  await page.locator("#offer-es").check();
  await page.waitForFunction(() => document.getElementById("config").value.includes("Cookies at Northwind") &&
    document.getElementById("config").value.includes("\"es\""));
  await builderProblems(page, "good");
  await preview.getByText("Cookies at Northwind").waitFor();
  const built = JSON.parse(await page.locator("#config").inputValue());
  assert.deepEqual(built.services.map((s) => s.id), ["ga4", "meta-pixel", "microsoft-clarity", "brevo"]);
  assert.equal(built.layout, "bar");
  assert.deepEqual(Object.keys(built.translations), ["de", "fr", "es"]);
  // README's picture of the builder ("From zero to a compliant page").
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(800); // the banner's entrance
  await page.screenshot({ path: join(artifacts, "builder.png") });
  if (process.env.UPDATE_SCREENSHOTS) copyFileSync(join(artifacts, "builder.png"), join(root, "docs/builder.png"));

  // The builder writes presets out as `consent-gate resolve` does.
  const named = { ...built, services: built.services.map((s) => ({ preset: s.id, category: s.category })) };
  const namedFile = join(artifacts, "builder-named.json");
  writeFileSync(namedFile, JSON.stringify(named));
  const resolved = cli("resolve", namedFile);
  assert.equal(resolved.status, 0, resolved.stderr);
  assert.deepEqual(JSON.parse(resolved.stdout), built);

  // Errors as you type, in the command's words.
  const good = await page.locator("#config").inputValue();
  const bad = good.replace('"revision": 1', '"revison": 1').replace('"layout": "bar"', '"layout": "sidebar"');
  await page.locator("#config").fill(bad);
  const shown = await builderProblems(page, "bad");
  const badFile = join(artifacts, "builder-bad.json");
  writeFileSync(badFile, bad);
  const check = cli("check", badFile);
  assert.equal(check.status, 1);
  const expected = check.stdout.trim().split("\n").map((line) => line.slice(badFile.length + 2));
  assert.equal(expected.length, 2, check.stdout);
  for (const line of expected) assert.ok(shown.includes(line), `${line} in ${JSON.stringify(shown)}`);
  await page.locator("#config").fill(good);
  await builderProblems(page, "good");

  // The snippet, pasted into a page, holds and releases.
  const snippet = await page.locator("#snippet").inputValue();
  assert.match(snippet, /^<script type="application\/json" id="consent-gate-config">/);
  writeFileSync(join(artifacts, "builder-result.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Built</title><link rel="icon" href="data:,">
${snippet}
<script type="text/plain" data-category="analytics" data-service="ga4" src="__TRACKER_ORIGIN__/analytics.js"></script>
</head><body><h1>Built with the builder</h1></body></html>`);
  assert.deepEqual(errors, []);
  await context.close();

  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open("/generated/builder-result.html");
  await banner(v.page).acceptAll.waitFor();
  assertNothingFromTracker(env, v, "before consent");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.endsWith("/analytics.js")));
  assert.ok(v.trackerRequests().some((url) => url.endsWith("/analytics.js")));
  assert.deepEqual(v.problems, []);
  await v.close();
});
