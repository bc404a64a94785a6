// The JS API and the integrations in Chromium: calls queued before start, every function and event,
// errors that name what exists, a throwing listener that stops nothing; Google Consent Mode with
// real Arguments objects before gtag.js, UET and Meta; GPC in both modes; cross-tab sync; consent
// receipts and their outbox.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { artifacts, banner, dialog, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const GPC = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });

test("API: queued calls replay in order; every function and event works; mistakes name what exists", async () => {
  env.receiver.receipts.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/api.html");
  await v.page.waitForFunction(() => window.__log.includes("ready"));
  await banner(v.page).region.waitFor();
  const api = (code) => v.page.evaluate(code);
  assert.deepEqual(await api(() => window.__log), ["show", "ready"], "the queued listeners and ready() ran");
  assert.equal(await api(() => ConsentGate.get()), null);
  assert.equal(await api(() => ConsentGate.accepted("analytics")), false);
  assert.equal(await api(() => ConsentGate.accepted("necessary")), true);
  assert.equal(
    await api(() => { try { ConsentGate.accepted("analytic"); } catch (e) { return e.message; } }),
    'consent-gate: "analytic" is not a category of this site: the categories are necessary, analytics, marketing'
  );
  assert.match(
    await api(() => { try { ConsentGate.set({ categories: { ads: true } }); } catch (e) { return e.message; } }),
    /"ads" is not a category of this site: the optional categories are analytics, marketing/
  );

  await api(() => ConsentGate.set({ categories: { analytics: true } }));
  assert.equal(await api(() => ConsentGate.accepted("analytics")), true);
  assert.equal(await api(() => ConsentGate.acceptedService("demo-analytics")), true);
  assert.equal(await api(() => ConsentGate.acceptedService("demo-video")), false);
  const record = await api(() => ConsentGate.get());
  assert.equal(record.method, "api");
  assert.deepEqual(record.categories, { analytics: true, marketing: false });
  assert.equal(await banner(v.page).region.count(), 0);
  assert.deepEqual(await api(() => window.__log.slice(2)), ["hide", "consent", "change:api:analytics", "after-broken"]);
  assert.ok(v.problems.some((p) => p.includes("a consentgate:change listener threw: Error: a broken listener")));

  await api(() => {
    window.__offCalls = 0;
    const off = ConsentGate.on("show", () => window.__offCalls++);
    ConsentGate.show();
    off();
    ConsentGate.hide();
    ConsentGate.show();
  });
  assert.equal(await api(() => window.__offCalls), 1, "on() returned a function that stops the listener");
  await banner(v.page).region.waitFor();
  await api(() => ConsentGate.hide());
  await banner(v.page).region.waitFor({ state: "detached" });
  await api(() => ConsentGate.showPreferences());
  await dialog(v.page).element.waitFor();
  assert.equal(await dialog(v.page).toggle("Analytics").isChecked(), true);
  await api(() => ConsentGate.setLanguage("de"));
  assert.equal(await dialog(v.page).element.getAttribute("lang"), "de");
  assert.match(await api(() => { try { ConsentGate.setLanguage("fr"); } catch (e) { return e.message; } }), /use one of en, de/);
  await api(() => ConsentGate.hide());

  const exported = JSON.parse(await api(() => ConsentGate.exportRecord()));
  assert.equal(exported.consentId, record.consentId);
  await api(() => ConsentGate.acceptAll());
  assert.equal((await api(() => ConsentGate.get())).categories.marketing, true);
  await api(() => ConsentGate.rejectAll());
  assert.equal((await api(() => ConsentGate.get())).categories.analytics, false);
  await api(() => ConsentGate.forget());
  await banner(v.page).region.waitFor();
  assert.equal(await api(() => ConsentGate.get()), null);
  assert.equal(await v.cookie("consent_gate"), undefined, "forget() erased the cookie");
  assert.equal(await api(() => localStorage.getItem("consent_gate")), null, "and its mirror");

  for (let i = 0; i < 30 && env.receiver.receipts.length < 4; i++) await v.page.waitForTimeout(100);
  const events = env.receiver.receipts.map((r) => `${r.event}:${r.method ?? ""}`);
  assert.deepEqual(events, ["decision:api", "decision:api", "decision:api", "erasure:"]);
  assert.equal(env.receiver.receipts[3].consentId, record.consentId);
  assert.equal(env.receiver.receipts[0].textsHash.length, 16);
  await v.close();
});

// The record names the words a decision was made on: the fingerprint of the texts in the language
// the visitor saw, the same for the same words; none for a script's click, which is the API's.
test("a decision records the words the visitor saw: its language's fingerprint, and none for a script's click", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/api.html");
  await banner(v.page).region.waitFor();
  const api = (code) => v.page.evaluate(code);
  const decided = async (action) => {
    await dialog(v.page).element.locator(`[data-consent-action="${action}"]`).click();
    await dialog(v.page).element.waitFor({ state: "detached" });
    return api(() => ConsentGate.get());
  };
  await banner(v.page).acceptAll.click();
  const english = (await api(() => ConsentGate.get())).textsHash;
  assert.match(english, /^[0-9a-f]{16}$/);
  assert.notEqual(english, "0000000000000000");

  await api(() => ConsentGate.setLanguage("de"));
  await api(() => ConsentGate.showPreferences());
  assert.equal(await dialog(v.page).element.getAttribute("lang"), "de");
  const german = await decided("reject-all");
  assert.equal(german.method, "reject-all");
  assert.match(german.textsHash, /^[0-9a-f]{16}$/);
  assert.notEqual(german.textsHash, english, "other words, another fingerprint");
  assert.notEqual(german.textsHash, "0000000000000000");

  await api(() => ConsentGate.setLanguage("en"));
  await api(() => ConsentGate.showPreferences());
  assert.equal((await decided("accept-all")).textsHash, english, "the same words, the same fingerprint");

  await api(() => ConsentGate.showPreferences());
  await dialog(v.page).element.waitFor();
  await api(() => {
    const root = document.getElementById("consent-gate").shadowRoot;
    root.querySelector('[data-consent-dialog] [data-consent-action="reject-all"]').click();
  });
  const scripted = await api(() => ConsentGate.get());
  assert.equal(scripted.method, "api");
  assert.equal(scripted.textsHash, "0000000000000000");
  // api.html's one listener throws on purpose.
  assert.deepEqual(v.problems.filter((p) => !p.includes("Error: a broken listener")), []);
  await v.close();
});

test("Google Consent Mode: the default (real Arguments) is in dataLayer before gtag.js loads; UET and Meta follow", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/consent-mode.html");
  await v.page.waitForFunction(() => window.__gtagSaw && window.__consentGateReady > 0);
  const saw = await v.page.evaluate(() => window.__gtagSaw);
  assert.equal(saw[0].type, "[object Arguments]", "an Array entry is ignored by gtag.js");
  assert.deepEqual([saw[0].command, saw[0].kind], ["consent", "default"]);
  assert.deepEqual(saw[0].fields, {
    ad_storage: "denied",
    ad_user_data: "denied",
    ad_personalization: "denied",
    analytics_storage: "denied",
    functionality_storage: "denied",
    personalization_storage: "denied",
    security_storage: "granted",
    wait_for_update: 700,
  });
  assert.deepEqual([saw[1].command, saw[1].kind, saw[1].fields], ["set", "ads_data_redaction", true]);
  const early = await v.page.evaluate(() => ({ uet: uetq.map(String), meta: fbq.queue.map((a) => [...a].join(" ")) }));
  assert.deepEqual(early.uet, ["consent", "default", "[object Object]"]);
  assert.deepEqual(early.meta, ["consent revoke", "init 1234", "track PageView"], "revoke reached fbq before init");

  await banner(v.page).acceptAll.click();
  const later = await v.page.evaluate(() => ({
    update: (() => {
      const last = dataLayer[dataLayer.length - 1];
      return [Object.prototype.toString.call(last), last[0], last[1], last[2].ad_storage, last[2].analytics_storage];
    })(),
    uet: uetq.slice(3).map((x) => (typeof x === "object" ? x.ad_storage : x)),
    meta: [...fbq.queue[fbq.queue.length - 1]].join(" "),
  }));
  assert.deepEqual(later.update, ["[object Arguments]", "consent", "update", "granted", "granted"]);
  assert.deepEqual(later.uet, ["consent", "update", "granted"]);
  assert.equal(later.meta, "consent grant");

  v.requests.length = 0;
  await v.reload();
  await v.page.waitForFunction(() => window.__consentGateReady > 0);
  const returning = await v.page.evaluate(() => dataLayer.filter((e) => e[0] === "consent").map((e) => e[1]));
  assert.deepEqual(returning, ["default", "update"], "a returning visitor's update on every page view");
  const returningMeta = await v.page.evaluate(() => fbq.queue.map((a) => [...a].join(" ")));
  assert.deepEqual(returningMeta, ["consent grant", "init 1234", "track PageView"], "the grant reached fbq before init");
  const gates = v.requests.filter((url) => url.startsWith(env.siteOrigin + "/dist/")).map((url) => new URL(url).pathname);
  assert.deepEqual(gates, ["/dist/consent-gate.js"], "the small gate made these calls alone");
  await v.page.evaluate(() => ConsentGate.rejectAll());
  const taken = await v.page.evaluate(() => fbq.queue.map((a) => [...a].join(" ")).slice(3));
  assert.deepEqual(taken, ["consent revoke"], "the full gate, taking over, reaches the pixel through the small gate's fbq");
  assert.deepEqual(v.problems, []);
  await v.close();
});

test("GPC in the us mode refuses sale and sharing without asking and asks about the rest; in the eu mode the banner still asks", async () => {
  env.trackerLog.length = 0;
  const us = await visitor(env);
  await us.context.addInitScript(GPC);
  await us.page.goto(env.siteOrigin + "/fixtures/gpc-us.html");
  await us.page.waitForFunction(() => window.__consentGateReady > 0);
  // Marketing (sale and sharing) is refused without asking; analytics, which the signal is not
  // about, is still the visitor's to decide: the record claims no refusal of it.
  assert.match((await us.cookie("consent_gate"))?.value ?? "", /\.gpc\.1\.!marketing\.$/);
  await banner(us.page).region.waitFor();
  assert.deepEqual(await us.page.evaluate(() => window.ConsentGate.get().categories), { marketing: false });
  assert.deepEqual(us.trackerRequests(), []);
  await us.close();

  const eu = await visitor(env);
  await eu.context.addInitScript(GPC);
  await eu.open();
  await banner(eu.page).customize.click();
  assert.equal(await dialog(eu.page).toggle("Marketing").isChecked(), false);
  assert.equal(await dialog(eu.page).element.getByRole("note").textContent(), "Global Privacy Control: your browser's signal is honoured.");
  await dialog(eu.page).toggle("Analytics").check();
  await dialog(eu.page).save.click();
  assert.match((await eu.cookie("consent_gate"))?.value ?? "", /\.custom\.1\.analytics\+!marketing\./, "GPC recorded beside the explicit choice");
  await eu.close();
});

test("cross-tab: a decision in one tab closes the banner and releases the trackers in the other", async () => {
  const v = await visitor(env);
  const other = await v.context.newPage();
  await v.open();
  await other.goto(env.siteOrigin + "/");
  await other.waitForFunction(() => window.__consentGateReady > 0);
  await banner(other).region.waitFor();
  await banner(v.page).acceptAll.click();
  await banner(other).region.waitFor({ state: "detached" });
  await other.waitForFunction(() => window.demoAnalytics?.loaded === true);
  await v.page.locator("[data-consent-settings]").click();
  await dialog(v.page).rejectAll.click();
  // The other tab had run the analytics tag: it purges and reloads too.
  await other.waitForFunction(() => window.demoAnalytics === undefined && window.__consentGateReady > 0, null, { timeout: 10000 });
  assert.equal(await banner(other).region.count(), 0);
  await v.close();
});

test("receipts: sent to the log endpoint; while it is down they wait in the outbox and go on the next page view", async () => {
  env.receiver.receipts.length = 0;
  env.receiver.down = true;
  const v = await visitor(env);
  await v.open();
  await banner(v.page).rejectAll.click();
  await v.page.waitForFunction(() => (localStorage.getItem("consent_gate_outbox") || "").includes('"event":"decision"'));
  assert.equal(env.receiver.receipts.length, 0);
  env.receiver.down = false;
  await v.reload();
  await v.page.waitForFunction(() => !localStorage.getItem("consent_gate_outbox"));
  assert.equal(env.receiver.receipts.length, 1);
  const receipt = env.receiver.receipts[0];
  assert.equal(receipt.method, "reject-all");
  assert.deepEqual(Object.keys(receipt).sort(), [
    "categories", "consentId", "event", "expiresAt", "firstDecidedAt", "gpc", "language", "lastChangedAt", "method", "receiptId", "revision", "services", "textsHash",
  ]);
  await v.close();
});

test("API inputs: inherited properties grant nothing, a throwing getter is refused and breaks nothing, a script's click on the banner is recorded as api", async () => {
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/fixtures/api.html");
  await v.page.waitForFunction(() => window.__log.includes("ready"));
  await banner(v.page).region.waitFor();
  const outcome = await v.page.evaluate(() => {
    Object.prototype.categories = { analytics: true, marketing: true };
    let inherited;
    try {
      ConsentGate.set({});
      inherited = ConsentGate.accepted("analytics");
    } finally {
      delete Object.prototype.categories;
    }
    let thrown = "";
    try {
      ConsentGate.set({ get categories() { throw new Error("a getter that throws"); } });
    } catch (e) {
      thrown = e.message;
    }
    let fromProxy = "";
    try {
      ConsentGate.set({ categories: new Proxy({}, { ownKeys() { throw new Error("a trap that throws"); } }) });
    } catch (e) {
      fromProxy = e.message;
    }
    return { inherited, thrown, fromProxy, marketing: ConsentGate.accepted("marketing") };
  });
  assert.equal(outcome.inherited, false, "Object.prototype.categories granted analytics");
  assert.equal(outcome.marketing, false);
  assert.match(outcome.thrown, /set\(\) reads plain values only/);
  assert.match(outcome.fromProxy, /a trap that throws/);

  // Forget the api decision above, then let a script click the banner's button.
  await v.page.evaluate(() => ConsentGate.forget());
  await banner(v.page).region.waitFor();
  await v.page.evaluate(() =>
    document.querySelector("#consent-gate").shadowRoot.querySelector("[data-consent-banner] [data-consent-action=accept-all]").click(),
  );
  await v.page.waitForFunction(() => ConsentGate.get() !== null);
  assert.equal(await v.page.evaluate(() => ConsentGate.get().method), "api", "a scripted click is not the visitor's");
  await v.page.evaluate(() => ConsentGate.forget());
  await banner(v.page).acceptAll.click();
  await v.page.waitForFunction(() => ConsentGate.get() !== null);
  assert.equal(await v.page.evaluate(() => ConsentGate.get().method), "accept-all", "the visitor's own click is");
  await v.close();
});

test("Google Consent Mode: a page that assigns dataLayer = [ … ] after consent-gate keeps the default first, and gets the update", async () => {
  const v = await visitor(env);
  // The Consent Mode page with a common GTM snippet after the gate: it assigns a new array.
  const gate = '<script src="/dist/consent-gate.js"></script>';
  const page = readFileSync(join(root, "tests/e2e/fixtures/consent-mode.html"), "utf8").replace(
    gate,
    `${gate}\n  <script>window.dataLayer = [{ "gtm.start": 1, event: "gtm.js" }];</script>`,
  );
  writeFileSync(join(artifacts, "consent-mode-reassigned.html"), page);
  await v.page.goto(env.siteOrigin + "/generated/consent-mode-reassigned.html");
  await v.page.waitForFunction(() => window.__gtagSaw && window.__consentGateReady > 0);
  const saw = await v.page.evaluate(() => window.__gtagSaw);
  assert.equal(saw[0].type, "[object Arguments]");
  assert.deepEqual([saw[0].command, saw[0].kind, saw[0].fields.ad_storage], ["consent", "default", "denied"]);
  assert.deepEqual([saw[1].command, saw[1].kind], ["set", "ads_data_redaction"]);
  assert.equal(saw[2].type, "[object Object]", "the page's own entry follows");
  await banner(v.page).acceptAll.click();
  const last = await v.page.evaluate(() => {
    const entry = dataLayer[dataLayer.length - 1];
    return [entry[0], entry[1], entry[2].ad_storage, dataLayer[2].event];
  });
  assert.deepEqual(last, ["consent", "update", "granted", "gtm.js"]);
  await v.close();
});

test("Google Consent Mode from the ES module build too: its own gtag when the page has none, the default first, the update on a decision", async () => {
  const v = await visitor(env);
  const page = readFileSync(join(root, "tests/e2e/fixtures/esm.html"), "utf8").replace(
    '{ "id": "analytics", "title": "Analytics" }',
    '{ "id": "analytics", "title": "Analytics", "consentMode": ["analytics_storage"] }',
  );
  writeFileSync(join(artifacts, "esm-consent-mode.html"), page);
  await v.open("/generated/esm-consent-mode.html");
  const first = await v.page.evaluate(() => [
    typeof gtag,
    Object.prototype.toString.call(dataLayer[0]),
    dataLayer[0][0],
    dataLayer[0][1],
    dataLayer[0][2].analytics_storage,
  ]);
  assert.deepEqual(first, ["function", "[object Arguments]", "consent", "default", "denied"]);
  await banner(v.page).acceptAll.click();
  const last = await v.page.evaluate(() => {
    const entry = dataLayer[dataLayer.length - 1];
    return [entry[0], entry[1], entry[2].analytics_storage];
  });
  assert.deepEqual(last, ["consent", "update", "granted"]);
  assert.deepEqual(v.problems, []);
  await v.close();
});
