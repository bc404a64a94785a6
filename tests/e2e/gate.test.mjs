// The walking skeleton's promise, checked on what Chromium actually did: before a decision and
// after a refusal the tracker origin gets no request at all and sets no cookie; after consent,
// everything held back loads, and both decisions survive a reload without asking again.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, assertNothingFromTracker, banner, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const TRACKER_FILES = ["/analytics.js", "/collect", "/pixel.gif", "/video.html"];


test("before any click: the banner shows, and nothing is requested from the tracker", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  const { region, acceptAll, rejectAll } = banner(v.page);
  await region.waitFor();
  assert.ok(await v.page.getByRole("region", { name: "Cookies at Northwind" }).isVisible());
  assert.ok(await acceptAll.isVisible());
  assert.ok(await rejectAll.isVisible());

  assertNothingFromTracker(env, v, "before a decision");
  assert.equal(await v.page.evaluate(() => typeof window.demoAnalytics), "undefined", "analytics ran");
  assert.equal(await v.cookie("_demo_ga"), undefined, "tracker cookie set");
  assert.equal(await v.cookie("consent_gate"), undefined, "a decision was stored without one");
  const held = await v.page.evaluate(() => ({
    script: document.querySelectorAll('script[type="text/plain"][data-category="analytics"]').length,
    pixel: document.querySelector("img[data-category=marketing]").hasAttribute("src"),
    video: document.querySelector("iframe[data-category=marketing]").hasAttribute("src"),
  }));
  assert.deepEqual(held, { script: 1, pixel: false, video: false });

  await v.page.screenshot({ path: join(artifacts, "banner.png"), animations: "disabled" });
  if (process.env.UPDATE_SCREENSHOTS) copyFileSync(join(artifacts, "banner.png"), join(root, "docs/banner.png"));
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("reject all: nothing loads, the refusal is stored, and a reload neither asks again nor loads", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  await banner(v.page).rejectAll.click();
  await banner(v.page).region.waitFor({ state: "detached" });
  // The gate acts synchronously on the click; give any request it wrongly started time to show.
  await v.page.waitForTimeout(500);
  assertNothingFromTracker(env, v, "after Reject all");
  assert.equal(await v.cookie("_demo_ga"), undefined);
  const stored = await v.cookie("consent_gate");
  assert.match(
    stored?.value ?? "",
    /^2\.[\w-]{22}\.(\d+)\.\1\.\d+\.1\.[0-9a-f]{16}\.en\.reject-all\.0\.!analytics\+!marketing\.!google-analytics\+!meta-pixel\+!youtube$/,
    "the refusal is stored, per category and per service"
  );
  assert.equal(stored.path, "/");
  assert.equal(stored.sameSite, "Lax");
  assert.ok(stored.expires * 1000 > Date.now() + 180 * 864e5, "kept about six months");
  assert.equal(await v.page.evaluate(() => localStorage.getItem("consent_gate")), stored.value);

  await v.reload();
  assert.equal(await banner(v.page).region.count(), 0, "banner shown again after a refusal");
  assertNothingFromTracker(env, v, "after Reject all and a reload");
  assert.equal(await v.page.evaluate(() => typeof window.demoAnalytics), "undefined");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a decision is never lost: an older accept left on a deeper path and on the parent domain does not come back after Reject all", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open("/index.html");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  const accepted = (await v.cookie("consent_gate")).value;
  // What an earlier cookie.path, or another subdomain's cookie.domain, would have left behind.
  const host = new URL(env.siteOrigin).hostname;
  await v.context.addCookies([
    { name: "consent_gate", value: accepted, domain: host, path: "/index.html" },
    { name: "consent_gate", value: accepted, domain: `.${host}`, path: "/" },
  ]);
  assert.equal(await v.page.evaluate(() => document.cookie.split("; ").filter((c) => c.startsWith("consent_gate=")).length), 3);
  // Records keep seconds: the refusal must come in a later second than the accept.
  await v.page.waitForTimeout(1100);
  // Refusing what was granted is a withdrawal: the page reloads.
  await Promise.all([v.page.waitForEvent("load"), v.page.evaluate(() => void window.ConsentGate.rejectAll())]);
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  assert.deepEqual(
    await v.page.evaluate(() => document.cookie.split("; ").filter((c) => c.startsWith("consent_gate=")).map((c) => /\.!analytics\+!marketing\./.test(c))),
    [true],
    "the older copies are deleted as the refusal is stored",
  );
  const before = v.trackerRequests().length;
  await v.reload();
  assert.equal(await v.page.evaluate(async () => (await window.ConsentGate.get()).method), "api");
  assert.equal(await v.page.evaluate(async () => window.ConsentGate.accepted("analytics")), false);
  await v.page.waitForTimeout(300);
  assert.deepEqual(v.trackerRequests().slice(before), [], "nothing loads after the reload");
  await v.close();
});

test("accept all: the script runs, its cookie is set, pixel and video load; a reload keeps it", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  assertNothingFromTracker(env, v, "before the click");
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  await v.page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/collect")));
  assert.equal(await banner(v.page).region.count(), 0, "banner gone");

  const paths = () => v.trackerRequests().map((url) => new URL(url).pathname);
  assert.deepEqual([...new Set(paths())].sort(), [...TRACKER_FILES].sort());
  assert.match((await v.cookie("_demo_ga"))?.value ?? "", /^GA1\.1\./, "the analytics cookie exists");
  assert.match(
    (await v.cookie("consent_gate"))?.value ?? "",
    /\.en\.accept-all\.0\.analytics\+marketing\.google-analytics\+meta-pixel\+youtube$/
  );
  assert.equal(
    await v.page.evaluate(() => document.querySelectorAll('script[type="text/plain"]').length),
    0,
    "the held script was replaced"
  );

  const before = v.trackerRequests().length;
  await v.reload();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  await v.page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/pixel.gif")));
  assert.equal(await banner(v.page).region.count(), 0, "banner shown again after consent");
  const afterReload = v.trackerRequests().slice(before).map((url) => new URL(url).pathname);
  for (const file of TRACKER_FILES) assert.ok(afterReload.includes(file), `${file} after reload`);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a corrupt stored record means ask again, with nothing released", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.context.addCookies([
    { name: "consent_gate", value: "1.1.99x.analytics+marketing", url: env.siteOrigin },
  ]);
  await v.open();
  await banner(v.page).region.waitFor();
  assertNothingFromTracker(env, v, "with a corrupt record");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("an invalid config names the field on the console and keeps every tracker blocked", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/invalid-config.html");
  await v.page.waitForFunction(() => window.__consentGateFailed === true);
  await v.page.waitForLoadState("networkidle");
  const errors = v.problems.join("\n");
  assert.match(errors, /categories\[1\]\.id: "Analytics" is not a valid id/);
  assert.match(errors, /expiryDays: 900 breaks the rule "consent expires within 13 months"/);
  assert.match(errors, /privacyPolicyURL: is not a key consent-gate knows \(did you mean "privacyPolicyUrl"\?\)/);
  assert.match(errors, /stays blocked/);
  assert.equal(await banner(v.page).region.count(), 0);
  assertNothingFromTracker(env, v, "with an invalid config");
  await v.close();
});

test("a record stored by version 1 is migrated: a refusal stands without asking again", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  const decidedAt = Math.floor(Date.now() / 1000) - 86400;
  await v.context.addCookies([{ name: "consent_gate", value: `1.1.${decidedAt}.`, url: env.siteOrigin }]);
  await v.open();
  assert.equal(await banner(v.page).region.count(), 0, "asked again after a stored refusal");
  const migrated = (await v.cookie("consent_gate"))?.value ?? "";
  assert.match(migrated, new RegExp(`^2\\.[\\w-]{22}\\.${decidedAt}\\.${decidedAt}\\.`));
  assert.match(migrated, /\.0000000000000000\.en\.reject-all\.0\.!analytics\+!marketing\.!google-analytics\+!meta-pixel\+!youtube$/);
  await v.page.waitForTimeout(300);
  assertNothingFromTracker(env, v, "after a migrated refusal");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("a version 1 accept keeps its categories but asks about the services it never saw, which stay blocked", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  const decidedAt = Math.floor(Date.now() / 1000) - 86400;
  await v.context.addCookies([
    { name: "consent_gate", value: `1.1.${decidedAt}.analytics+marketing`, url: env.siteOrigin },
  ]);
  await v.open();
  await banner(v.page).region.waitFor();
  const migrated = (await v.cookie("consent_gate"))?.value ?? "";
  assert.match(migrated, /\.accept-all\.0\.analytics\+marketing\.$/, "services stay undecided");
  // Every tracker on the demo page names its service, and none of them was ever shown: held.
  await v.page.waitForTimeout(300);
  assertNothingFromTracker(env, v, "for services the visitor never saw");
  assert.deepEqual(v.problems, []);
  await v.close();
});
