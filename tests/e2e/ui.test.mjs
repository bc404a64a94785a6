// The banner and the preferences dialog in Chromium: accessible (axe-core finds nothing, light and
// dark), usable with the keyboard alone, per-service choices that the gate obeys, withdrawal as
// easy as consent, languages and right-to-left, layouts, no layout shift, and hostile config text
// shown as text. Screenshots for the README come from here.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { artifacts, banner, dialog, focused, root, start, visitor } from "./browser.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

let env;
before(async () => (env = await start()));
after(() => env?.stop());

async function screenshot(v, name) {
  await v.page.screenshot({ path: join(artifacts, name), animations: "disabled" });
  if (process.env.UPDATE_SCREENSHOTS) copyFileSync(join(artifacts, name), join(root, "docs", name));
}

/** axe-core's WCAG 2.x A/AA violations on the whole page, shadow DOM included. */
async function violations(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate((tags) => axe.run(document, { runOnly: { type: "tag", values: tags } }), WCAG);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function paths(v) {
  return v.trackerRequests().map((url) => new URL(url).pathname);
}

for (const scheme of ["light", "dark"]) {
  test(`axe-core finds no WCAG A/AA violation in the banner or the dialog (${scheme})`, async () => {
    const v = await visitor(env);
    await v.page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
    await v.open();
    await banner(v.page).region.waitFor();
    assert.deepEqual(await violations(v.page), [], "banner");
    await screenshot(v, `banner-${scheme}.png`);

    await banner(v.page).customize.click();
    await dialog(v.page).element.waitFor();
    for (const category of ["analytics", "marketing"]) await dialog(v.page).services(category).click();
    assert.deepEqual(await violations(v.page), [], "dialog");
    await dialog(v.page).services("analytics").scrollIntoViewIfNeeded();
    await screenshot(v, `dialog-${scheme}.png`);
    assert.deepEqual(v.problems, []);
    await v.close();
  });
}

test("keyboard only: Tab reaches the banner first; Customize, a switch and Save decide; Escape closes", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  await banner(v.page).region.waitFor();
  await v.page.keyboard.press("Tab");
  assert.equal((await focused(v.page)).text, "Privacy policy", "the banner is first in keyboard order");
  const press = async (key, until, limit = 20) => {
    for (let i = 0; i < limit; i++) {
      await v.page.keyboard.press(key);
      if (until(await focused(v.page))) return;
    }
    assert.fail(`never reached the control after ${limit} × ${key}`);
  };
  await press("Tab", (f) => f.action === "customize");
  await v.page.keyboard.press("Enter");
  await dialog(v.page).element.waitFor();
  assert.equal((await focused(v.page)).id, "cg-p-title", "focus moved into the dialog");

  await press("Tab", (f) => f.id === "cg-c-analytics");
  await v.page.keyboard.press("Space");
  // Tab and Shift+Tab stay inside the modal dialog: walk it round both ways.
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < 16; i++) {
      await v.page.keyboard.press(key);
      const f = await focused(v.page);
      assert.ok(f.inDialog, `${key} left the dialog: ${JSON.stringify(f)}`);
    }
  }
  await press("Tab", (f) => f.action === "save", 30);
  await v.page.keyboard.press("Enter");
  await dialog(v.page).element.waitFor({ state: "detached" });
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.equal(await banner(v.page).region.count(), 0, "banner gone after Save");
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.custom\.0\.analytics\+!marketing\.google-analytics\+!meta-pixel\+!youtube$/);

  // The footer link reopens it; Escape closes it and focus goes back to the link. Each close by
  // the visitor is announced, as each opening is.
  await v.page.evaluate(() => {
    window.__shown = [];
    document.addEventListener("consentgate:show", () => window.__shown.push("show"));
    document.addEventListener("consentgate:hide", () => window.__shown.push("hide"));
  });
  await v.page.focus("footer [data-consent-action=show-preferences]");
  await v.page.keyboard.press("Enter");
  await dialog(v.page).element.waitFor();
  assert.equal(await dialog(v.page).toggle("Analytics").isChecked(), true, "the dialog shows the decision in force");
  await v.page.keyboard.press("Escape");
  await dialog(v.page).element.waitFor({ state: "detached" });
  const back = await focused(v.page);
  assert.equal(back.text, "Cookie settings");
  assert.equal(back.tag, "a");
  await v.page.keyboard.press("Enter");
  await dialog(v.page).close.click();
  await dialog(v.page).element.waitFor({ state: "detached" });
  assert.deepEqual(await v.page.evaluate(() => window.__shown), ["show", "hide", "show", "hide"], "Escape and × each fire consentgate:hide");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("keyboard only: Reject all is as close as Accept all", async () => {
  const v = await visitor(env);
  await v.open();
  await banner(v.page).region.waitFor();
  const order = [];
  for (let i = 0; i < 4; i++) {
    await v.page.keyboard.press("Tab");
    order.push((await focused(v.page)).action || (await focused(v.page)).text);
  }
  assert.deepEqual(order, ["Privacy policy", "reject-all", "accept-all", "customize"]);
  await v.page.keyboard.press("Shift+Tab");
  await v.page.keyboard.press("Shift+Tab");
  await v.page.keyboard.press("Enter");
  await banner(v.page).region.waitFor({ state: "detached" });
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.reject-all\.0\./);
  await v.close();
});

test("per-service choice: granting only YouTube loads only the video", async () => {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.open();
  await banner(v.page).customize.click();
  const d = dialog(v.page);
  await d.services("marketing").click();
  await d.toggle("YouTube").check();
  await d.save.click();
  await d.element.waitFor({ state: "detached" });
  await v.page.waitForFunction(() => document.documentElement.hasAttribute("data-demo-marketing"));
  await v.page.waitForTimeout(300);
  assert.deepEqual([...new Set(paths(v))], ["/video.html"], "only the video's origin request");
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.custom\.0\.!analytics\+!marketing\.!google-analytics\+!meta-pixel\+youtube$/);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("withdrawal is one control away and deletes what the tracker left", async () => {
  const v = await visitor(env);
  await v.open();
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.ok(await v.cookie("_demo_ga"), "the analytics cookie exists");
  await v.reload();
  await v.page.locator("[data-consent-settings]").click();
  await dialog(v.page).rejectAll.click();
  await dialog(v.page).element.waitFor({ state: "detached" });
  assert.equal(await v.cookie("_demo_ga"), undefined, "the analytics cookie was purged");
  assert.match((await v.cookie("consent_gate"))?.value ?? "", /\.reject-all\.0\.!analytics\+!marketing\./);
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the language comes from <html lang>, and Arabic is laid out right to left", async () => {
  const v = await visitor(env);
  await v.open("/?lang=de");
  const german = banner(v.page).region;
  await german.waitFor();
  assert.equal(await german.getAttribute("lang"), "de");
  assert.ok(await german.getByRole("button", { name: "Alle ablehnen" }).isVisible());
  assert.ok(await german.getByRole("heading", { name: "Cookies bei Northwind" }).isVisible());
  await v.page.goto(env.siteOrigin + "/?lang=ar");
  const arabic = banner(v.page).region;
  await arabic.waitFor();
  assert.equal(await arabic.getAttribute("dir"), "rtl");
  const box = await arabic.boundingBox();
  assert.ok(box.x < 100, `an RTL box sits at the inline end, on the left: x=${box.x}`);
  await screenshot(v, "banner-rtl.png");
  await v.page.goto(env.siteOrigin + "/?lang=ja");
  await banner(v.page).region.waitFor();
  assert.equal(await banner(v.page).region.getAttribute("lang"), "en", "a language the site does not offer falls back");
  assert.deepEqual(v.problems, []);
  await v.close();
});

/** The config of `germanPage`: it offers English and German, with one German word of its own. */
const GERMAN_SITE = {
  language: "en",
  translations: { de: { rejectAll: "Nein danke" } },
  categories: [
    { id: "necessary", required: true, title: "Necessary" },
    { id: "analytics", title: "Analytics" },
  ],
};

/** A German page loading the interface module `ui` (or the default one), with `GERMAN_SITE`. */
function germanPage(name, ui) {
  const config = GERMAN_SITE;
  writeFileSync(
    join(artifacts, `${name}.html`),
    `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${name}</title><link rel="icon" href="data:,">
<script type="application/json" id="consent-gate-config">${JSON.stringify(config)}</script>
<script src="/dist/consent-gate.js"${ui ? ` data-interface="${ui}"` : ""}></script>
<script type="text/plain" data-category="analytics" src="__TRACKER_ORIGIN__/analytics.js"></script>
</head><body><main><h1>${name}</h1></main></body></html>`
  );
  return `/generated/${name}.html`;
}

test("the English-only interface (data-interface): the site's own words, then English; the gate the same", async () => {
  const v = await visitor(env);
  // The full interface fills the words the site left out from its German.
  await v.open(germanPage("german-full"));
  const full = v.page.locator("[data-consent-banner]");
  assert.equal(await full.getAttribute("lang"), "de");
  assert.ok(await full.getByRole("button", { name: "Nein danke" }).isVisible());
  assert.ok(await full.getByRole("button", { name: "Alle akzeptieren" }).isVisible());
  // The English-only interface has no German of its own: the site's word, then English.
  await v.open(germanPage("german-en", "/dist/consent-gate.ui.en.js"));
  const english = v.page.locator("[data-consent-banner]");
  assert.equal(await english.getAttribute("lang"), "de");
  assert.ok(await english.getByRole("button", { name: "Nein danke" }).isVisible());
  assert.ok(await english.getByRole("button", { name: "Accept all" }).isVisible());
  assert.deepEqual(paths(v), [], "nothing reached the tracker before consent");
  await english.getByRole("button", { name: "Accept all" }).click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  assert.equal(paths(v)[0], "/analytics.js", "consent released the analytics script");
  assert.deepEqual(v.problems, []);
  await v.close();
});

/** Runs `consent-gate interface` with `args`, from the English-only file, into `out` (artifacts). */
function interfaceFile(out, ...args) {
  const from = join(root, "dist/consent-gate.ui.en.js");
  return spawnSync(join(root, "target/debug/consent-gate"), ["interface", ...args, "--out", join(artifacts, out), from], { encoding: "utf8" });
}

test("an interface file with only the site's languages (consent-gate interface): the same words and fingerprint as all 24", async () => {
  writeFileSync(join(artifacts, "german-site.json"), JSON.stringify(GERMAN_SITE));
  const made = interfaceFile("consent-gate.ui.site.js", "--config", join(artifacts, "german-site.json"));
  assert.equal(made.status, 0, made.stderr);
  assert.equal(interfaceFile("consent-gate.ui.fr.js", "--languages", "fr").status, 0);
  const sizes = ["consent-gate.ui.site.js", "consent-gate.ui.fr.js"].map((f) => statSync(join(artifacts, f)).size);
  const full = statSync(join(root, "dist/consent-gate.ui.js")).size;
  assert.ok(sizes.every((size) => size < full - 10000), `each carries one language's words, not 23: ${sizes} against ${full}`);
  const refused = interfaceFile("consent-gate.ui.ja.js", "--languages", "de,ja");
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /"ja" has no built-in words/);
  assert.equal(existsSync(join(artifacts, "consent-gate.ui.ja.js")), false, "nothing written on an error");

  // A decision on each: the same German words, so the same fingerprint in the record.
  const decide = async (page) => {
    const v = await visitor(env);
    await v.open(page);
    const region = v.page.locator("[data-consent-banner]");
    assert.equal(await region.getAttribute("lang"), "de");
    assert.ok(await region.getByRole("button", { name: "Nein danke" }).isVisible());
    const accept = region.getByRole("button", { name: "Alle akzeptieren" });
    await accept.click();
    await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
    const { textsHash, language } = await v.page.evaluate(() => ConsentGate.get());
    assert.deepEqual(v.problems, []);
    await v.close();
    return [language, textsHash];
  };
  const site = await decide(germanPage("german-site", "/generated/consent-gate.ui.site.js"));
  assert.deepEqual(site, await decide(germanPage("german-all")));
  assert.equal(site[0], "de");

  // A file without German shows the site's word, then English.
  const v = await visitor(env);
  await v.open(germanPage("german-fr", "/generated/consent-gate.ui.fr.js"));
  assert.ok(await banner(v.page).acceptAll.isVisible());
  assert.ok(await v.page.getByRole("button", { name: "Nein danke" }).isVisible());
  // Damaged words: the console says so, the banner shows what the module has, the gate works.
  const damaged = readFileSync(join(artifacts, "consent-gate.ui.site.js"), "utf8").replace(/\n"de\|[^\n]*\n/, '\n"de|Alle akzeptieren"\n');
  assert.notEqual(damaged, readFileSync(join(artifacts, "consent-gate.ui.site.js"), "utf8"));
  writeFileSync(join(artifacts, "consent-gate.ui.damaged.js"), damaged);
  await v.context.clearCookies();
  await v.open(germanPage("german-damaged", "/generated/consent-gate.ui.damaged.js"));
  assert.ok(await banner(v.page).acceptAll.isVisible());
  assert.ok(v.problems.some((p) => p.includes("built-in words are damaged")), v.problems.join("\n"));
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.close();
});

test("layouts: bar, top bar, corner box and modal; 320 px wide stays usable", async () => {
  const v = await visitor(env);
  await v.page.emulateMedia({ reducedMotion: "reduce" });
  const width = 1280;
  for (const [layout, check] of [
    ["bar", (b) => b.width === width && b.y + b.height === 800],
    ["bar-top", (b) => b.width === width && b.y === 0],
    ["box", (b) => b.width < width / 2 && b.x > width / 2],
    ["modal", (b) => Math.abs(b.x + b.width / 2 - width / 2) < 2],
  ]) {
    await v.page.goto(`${env.siteOrigin}/?layout=${layout}`);
    const region = banner(v.page).region;
    await region.waitFor();
    const box = await region.boundingBox();
    assert.ok(check(box), `${layout}: ${JSON.stringify(box)}`);
  }
  // The modal layout is a real modal: the page behind is inert.
  assert.equal(await v.page.evaluate(() => document.querySelector("#consent-gate").shadowRoot.querySelector("dialog[data-consent-banner]")?.open), true);
  await v.close();

  const narrow = await visitor(env, { viewport: { width: 320, height: 640 } });
  await narrow.page.emulateMedia({ reducedMotion: "reduce" });
  await narrow.open();
  const region = banner(narrow.page).region;
  await region.waitFor();
  const box = await region.boundingBox();
  assert.ok(box.width <= 320 && box.x >= 0, JSON.stringify(box));
  for (const control of [banner(narrow.page).rejectAll, banner(narrow.page).acceptAll, banner(narrow.page).customize]) {
    const b = await control.boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 320 && b.height >= 24, `control inside the viewport: ${JSON.stringify(b)}`);
  }
  await screenshot(narrow, "banner-320.png");
  await narrow.close();
});

test("at 200 % zoom (a 640 × 400 CSS px viewport) the dialog scrolls and every control is reachable", async () => {
  const v = await visitor(env, { viewport: { width: 640, height: 400 } });
  await v.page.emulateMedia({ reducedMotion: "reduce" });
  await v.open();
  await banner(v.page).customize.click();
  const d = dialog(v.page);
  await d.element.waitFor();
  const box = await d.element.boundingBox();
  assert.ok(box.height <= 400 && box.width <= 640, `the dialog fits the viewport: ${JSON.stringify(box)}`);
  await d.save.scrollIntoViewIfNeeded();
  const save = await d.save.boundingBox();
  assert.ok(save.y >= 0 && save.y + save.height <= 400, `Save scrolled into view: ${JSON.stringify(save)}`);
  await d.save.click();
  await d.element.waitFor({ state: "detached" });
  await v.close();
});

test("styled and working under a strict CSP without 'unsafe-inline'", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/strict-csp.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  const region = banner(v.page).region;
  await region.waitFor();
  const style = await region.evaluate((e) => ({ position: getComputedStyle(e).position, radius: getComputedStyle(e).borderTopLeftRadius }));
  assert.deepEqual(style, { position: "fixed", radius: "12px" }, "the stylesheet applied");
  await banner(v.page).customize.click();
  await dialog(v.page).element.waitFor();
  await dialog(v.page).save.click();
  await region.waitFor({ state: "detached" });
  assert.equal(await v.page.evaluate(() => window.__violations), undefined, "CSP violations");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("the banner causes no layout shift of the host page", async () => {
  const v = await visitor(env);
  await v.context.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__shift += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await v.open();
  await banner(v.page).region.waitFor();
  await banner(v.page).rejectAll.click();
  await banner(v.page).region.waitFor({ state: "detached" });
  await v.page.waitForTimeout(200);
  assert.equal(await v.page.evaluate(() => window.__shift), 0);
  await v.close();
});

test("the banner comes once <body> is there, not after the whole page is parsed", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/slow-body.html", { waitUntil: "commit" });
  await banner(v.page).region.waitFor();
  // The parser still waits for the 1.5 s script in the body: what follows it is not there yet.
  const early = await v.page.evaluate(() => ({
    state: document.readyState,
    last: document.getElementById("last") !== null,
    ready: window.__consentGateReady,
    first: document.body.firstElementChild?.id,
  }));
  assert.deepEqual(early, { state: "loading", last: false, ready: 1, first: "consent-gate" });
  await v.page.waitForLoadState("load");
  await v.page.waitForTimeout(100);
  const later = await v.page.evaluate(() => ({
    hosts: document.querySelectorAll("#consent-gate").length,
    ready: window.__consentGateReady,
    last: document.getElementById("last") !== null,
  }));
  assert.deepEqual(later, { hosts: 1, ready: 1, last: true }, "one interface, one ready event");
  await banner(v.page).rejectAll.click();
  await banner(v.page).region.waitFor({ state: "detached" });
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("hostile config text is shown as text and runs nothing; a javascript: link refuses the config", async () => {
  const v = await visitor(env);
  const dialogs = [];
  v.page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await v.page.goto(env.siteOrigin + "/fixtures/hostile-texts.html");
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  const region = banner(v.page).region;
  await region.waitFor();
  const heading = await region.locator("h2").textContent();
  assert.equal(heading, '<img src=x onerror="alert(1);window.__xss=1">Cookies');
  await region.getByRole("button", { name: "Customize" }).click();
  await dialog(v.page).element.waitFor();
  assert.equal(
    await dialog(v.page).element.locator("[data-consent-category=analytics] label").textContent(),
    "<script>window.__xss=2</script>Analytics"
  );
  assert.equal(await v.page.evaluate(() => window.__xss), undefined, "injected code ran");
  assert.equal(await dialog(v.page).element.locator("img, script").count(), 0);
  assert.deepEqual(dialogs, []);

  const refused = await visitor(env);
  await refused.page.goto(env.siteOrigin + "/fixtures/javascript-link.html");
  await refused.page.waitForFunction(() => window.__consentGateFailed === true);
  assert.match(refused.problems.join("\n"), /privacyPolicyUrl: "javascript:alert\(1\)" is not a link consent-gate will use/);
  assert.match(refused.problems.join("\n"), /services\[0\]\.privacyPolicyUrl: "JaVaScRiPt:alert\(2\)"/);
  assert.equal(await banner(refused.page).region.count(), 0);
  await v.close();
  await refused.close();
});
