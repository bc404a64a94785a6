// `make bench`: consent-gate against the peers, in Debian's Chromium through playwright-core.
//
// One identical host page per target (bench/pages/: same text, three categories, an analytics
// script and a marketing pixel on a second origin, each tool with its own documented blocking
// markup), a fresh browser context per load, targets interleaved, BENCH_N rounds (default 15)
// after a warm-up, on loopback and under 4x CPU throttling with a slow-4G network. Both origins
// serve HTTPS (a throw-away self-signed certificate made with openssl; Chromium asks for brotli
// only from secure origins), and text and wasm go brotli-compressed, as production servers send
// them; every load checks that each of the tool's files arrived so.
//
// Per target: the bytes the tool made the browser fetch on a first visit and on a returning
// visitor's page view (raw, gzip -9, brotli -q11 of those files), the host page's first
// contentful paint, time from navigation to banner visible (median, p90), main-thread script
// time beyond the baseline page (a CPU profile's samples in loads of their own, median;
// `scriptClock`), long tasks, CLS; and for a returning visitor who accepted, a page view's bytes,
// first contentful paint, the time until the consented analytics script runs, script time and
// long tasks, for each kind of page view in RETURNING; and for a visitor who has not decided, the
// next page view's bytes, first contentful paint, banner time, script time and long tasks.
// Writes bench/results.md and prints it. Not a test: nothing here passes or fails.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { IDLE, SITE, TRACKER, benchServers, profiler } from "./profiler.mjs";
import { root } from "../tests/e2e/browser.mjs";
import { churnPage, manyElementsPage } from "../tests/e2e/many.mjs";
import { mkdirSync } from "node:fs";

const N = Number(process.env.BENCH_N ?? 15);
// BENCH_ONLY=<part of a target's name>|<another>…: those targets (and the baseline) only.
const ONLY = process.env.BENCH_ONLY;
const TARGETS = [
  { name: "none (baseline)", page: "none.html", banner: null, accept: null },
  { name: "consent-gate, classic (dist/)", page: "consent-gate.html", banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" },
  { name: "consent-gate, classic, English interface (consent-gate.ui.en.js)", page: "consent-gate-en.html", banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" },
  { name: "consent-gate, ESM (pkg/)", page: "consent-gate-esm.html", banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" },
  // The page carrying its first visit's plan (`consent-gate plan`): first visits only, since a
  // stored decision or session plan comes before it and the other tables would repeat classic's.
  { name: "consent-gate, classic, page plan (consent-gate plan)", page: "consent-gate.html", path: "/bench-generated/consent-gate-plan.html", firstOnly: true, banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" },
  // The demo shop's setup: the floating settings button once the visitor has decided.
  { name: "consent-gate, classic, settings button", page: "consent-gate-button.html", banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" },
  { name: "vanilla-cookieconsent 3.1.0", page: "cookieconsent.html", banner: "#cc-main .cm", accept: '#cc-main .cm [data-role="all"]' },
  { name: "klaro 0.7.22", page: "klaro.html", banner: ".klaro .cookie-notice", accept: ".klaro .cookie-notice .cm-btn-success" },
  { name: "orejime 3.2.1", page: "orejime.html", banner: ".orejime-Banner", accept: ".orejime-Banner-saveButton" },
  { name: "tarteaucitronjs 1.34.0", page: "tarteaucitron.html", banner: "#tarteaucitronAlertBig", accept: "#tarteaucitronPersonalize2" },
];

// BENCH_BEFORE=<dir with an earlier build's dist/ files>: that build's classic pages run too, in
// the same run, for a before/after comparison (served from /bench-before/). Where the dir sits in
// a checkout with a built pkg/ beside it, that checkout's ES module page runs too
// (/bench-before-pkg/). BENCH_BEFORE_NAME names its rows where it is not an earlier build (a
// prototype of a design).
const BEFORE = process.env.BENCH_BEFORE;
const BEFORE_NAME = process.env.BENCH_BEFORE_NAME ?? "BENCH_BEFORE";
const BEFORE_PKG = BEFORE && join(BEFORE, "../pkg");
const BEFORE_ESM = BEFORE && join(BEFORE, "../bench/pages/consent-gate-esm.html");
const BEFORE_COMMAND = BEFORE && join(BEFORE, "../target/debug/consent-gate");
if (BEFORE) {
  for (const [name, page] of [["classic", "consent-gate.html"], ["classic, settings button", "consent-gate-button.html"]]) {
    TARGETS.push({ name: `consent-gate ${BEFORE_NAME}, ${name}`, page, path: `/bench-generated/before-${page}`, banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" });
  }
  // Its page plan, written by that checkout's own command (the plan's format is the release's).
  if (existsSync(BEFORE_COMMAND)) {
    TARGETS.push({ name: `consent-gate ${BEFORE_NAME}, classic, page plan`, page: "consent-gate.html", path: "/bench-generated/before-consent-gate-plan.html", firstOnly: true, banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" });
  }
  if (existsSync(BEFORE_ESM) && existsSync(BEFORE_PKG)) {
    TARGETS.push({ name: `consent-gate ${BEFORE_NAME}, ESM`, page: "consent-gate-esm.html", path: "/bench-generated/before-esm.html", banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" });
  }
}
if (process.env.BENCH_EXTRA) TARGETS.push({ name: process.env.BENCH_EXTRA, page: process.env.BENCH_EXTRA, banner: "cg", accept: "[data-consent-banner] [data-consent-action=accept-all]" });
if (ONLY) TARGETS.splice(0, TARGETS.length, ...TARGETS.filter((t, i) => i === 0 || ONLY.split("|").some((o) => t.name.includes(o))));

const PROFILES = [
  { name: "loopback", cpu: 1, network: null },
  { name: "4x CPU, slow 4G", cpu: 4, network: { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 } },
];

/** Set before the page's own scripts: records when the banner first shows, long tasks and CLS. */
function probe(selector) {
  window.__longTasks = 0;
  window.__cls = 0;
  try {
    new PerformanceObserver((l) => (window.__longTasks += l.getEntries().length)).observe({ type: "longtask", buffered: true });
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (window.__cls += e.hadRecentInput ? 0 : e.value))).observe({ type: "layout-shift", buffered: true });
  } catch (e) {}
  if (!selector) return;
  const find = () =>
    selector === "cg" ? document.querySelector("#consent-gate")?.shadowRoot?.querySelector("[data-consent-banner]") : document.querySelector(selector);
  const tick = () => {
    const el = find();
    const box = el?.getBoundingClientRect();
    if (el && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden" && getComputedStyle(el).display !== "none") {
      window.__bannerAt = performance.now();
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
}

/** The probe as an init script named `PROBE_URL`, so that its own polling is not counted as the tool's script time. */
const PROBE_URL = "bench-probe.js";
const probeScript = (selector) => ({ content: `(${probe})(${JSON.stringify(selector)});\n//# sourceURL=${PROBE_URL}` });

function sizes(files) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli };
}

const toolFile = (url) => {
  const path = new URL(url).pathname;
  for (const [prefix, dir] of [["/dist/", "dist"], ["/pkg/", "pkg"], ["/node_modules/", "node_modules"]]) {
    if (path.startsWith(prefix)) return join(root, dir, path.slice(prefix.length));
  }
  if (BEFORE && path.startsWith("/bench-before/")) return join(BEFORE, path.slice("/bench-before/".length));
  if (BEFORE && path.startsWith("/bench-before-pkg/")) return join(BEFORE_PKG, path.slice("/bench-before-pkg/".length));
  return null;
};

/** Applies the profile's CPU and network throttling to the page behind `cdp`. */
async function throttle(cdp, profile) {
  if (profile.cpu > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
  if (profile.network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", profile.network);
  }
}

/**
 * The tool's files that `page` received without brotli (filled as responses arrive): a figure
 * measured on uncompressed transfers would flatter nobody and mislead everybody.
 */
function watchCompression(page, uncompressed = []) {
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (toolFile(r.url()) && r.status() === 200 && r.headers()["content-encoding"] !== "br" && !uncompressed.includes(path)) {
      uncompressed.push(path);
    }
  });
  return uncompressed;
}

/**
 * The main-thread script time of the document the page loads after `start()`, ms: what a CPU
 * profile sampled (JS, WebAssembly, the browser calls they make, garbage collection) after that
 * document's `init` lifecycle event, so the page it replaces is not counted, nor the benchmark's probe. Not CDP's
 * ScriptDuration: it leaves out a module script's evaluation, and so flattered the ES module.
 */
async function scriptClock(cdp) {
  const clock = await profiler(cdp, 250);
  return {
    start: clock.start,
    async stop() {
      const sampled = await clock.stop();
      if (!sampled) return NaN;
      const parent = new Map();
      for (const node of sampled.nodes) for (const child of node.children ?? []) parent.set(child, node);
      const probing = (node) => node && (node.callFrame.url.endsWith(PROBE_URL) || probing(parent.get(node.id)));
      const idle = new Set(sampled.nodes.filter((n) => IDLE.includes(n.callFrame.functionName) || probing(n)).map((n) => n.id));
      let busy = 0;
      for (const [node, ms] of sampled.samples) if (!idle.has(node)) busy += ms;
      return busy;
    },
  };
}

// A returning visitor's page view, three ways (one table each): the page view after the one that
// decided, in the same tab; a later one in that tab; the first of a new session (a fresh
// context, which has the decision's cookies and storage and nothing else: a new renderer, no
// compiled scripts, no garbage of earlier pages). The first carries the deciding page's garbage,
// which the browser collects in that page view.
const RETURNING = ["next", "later", "session"];
// The targets measured as a returning visitor: each tool that can be accepted, and the baseline
// page (no banner), which gives each kind its own baseline.
const returns = (target) => Boolean(!target.firstOnly && (target.accept || !target.banner));

/** A fresh context and page for one load, throttled, with the probe; `storageState` carried over. */
async function open(browser, target, profile, profiled, storageState, onRequest, uncompressed) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true, storageState });
  const page = await context.newPage();
  page.on("request", onRequest);
  watchCompression(page, uncompressed);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Page.enable");
  await throttle(cdp, profile);
  const clock = profiled ? await scriptClock(cdp) : { start: async () => {}, stop: async () => undefined };
  await context.addInitScript(probeScript(target.banner));
  return { context, page, clock };
}

/**
 * One load of `target`. `profiled`: this load measures script time only (`scriptClock`); the
 * others measure times only, as a sampling profiler slows some pages more than others.
 * `returning`: one of RETURNING, or false for a first visit.
 */
async function load(browser, env, target, profile, { returning = false, profiled = false } = {}) {
  const files = new Set();
  // The measured page view of a returning visitor: what the tool fetches when a decision is stored.
  let returningFiles = null;
  const onRequest = (r) => {
    const file = toolFile(r.url());
    if (file) (returningFiles ?? files).add(file);
  };
  // Every context of this load reports into one list.
  const uncompressed = [];
  let { context, page, clock } = await open(browser, target, profile, profiled, undefined, onRequest, uncompressed);
  const url = `${env.siteOrigin}${target.path ?? `/bench/${target.page}`}`;
  const result = { files };
  // A measured page view where the banner is due (none on the baseline page).
  const bannerView = async () => {
    await clock.start();
    await page.goto(url, { waitUntil: "load" });
    if (target.banner) await page.waitForFunction(() => window.__bannerAt, null, { timeout: 20000 });
    // consent-gate's banner can show before its interface module has started (drawn from the
    // plan), and that module may start after the page's load event: the profile runs until it
    // is up, as a peer's is once its banner shows.
    if (target.banner === "cg") {
      await page.evaluate(() => Promise.race([
        window.ConsentGate.ready(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("ConsentGate.ready() did not resolve in 20 s")), 20000)),
      ]));
    }
    await page.waitForTimeout(400);
    result.script = await clock.stop();
    Object.assign(result, await page.evaluate(() => ({
      bannerAt: window.__bannerAt,
      longTasks: window.__longTasks,
      cls: window.__cls,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    })));
  };
  try {
    if (returning === "undecided") {
      // A visitor who let the banner be and went on to another page of the site, in the same tab.
      await page.goto(url);
      if (target.banner) await page.waitForFunction(() => window.__bannerAt, null, { timeout: 20000 });
      await page.waitForTimeout(300);
      returningFiles = new Set();
      await bannerView();
      result.returningFiles = returningFiles;
    } else if (returning) {
      // The baseline page has no tool and no analytics script: its page views are the same
      // navigations, so that each kind of page view has a baseline of its own kind.
      const consented = target.accept
        ? () => page.waitForFunction(() => window.__analyticsAt, null, { timeout: 20000 })
        : async () => {};
      await page.goto(url);
      if (target.accept) {
        await page.waitForFunction(() => window.__bannerAt, null, { timeout: 20000 });
        await page.waitForTimeout(500);
        await page.locator(target.accept).first().click();
        await consented();
      }
      await page.waitForTimeout(300);
      if (returning === "later") {
        await page.goto(url, { waitUntil: "load" });
        await consented();
        await page.waitForTimeout(300);
      } else if (returning === "session") {
        const state = await context.storageState();
        await context.close();
        ({ context, page, clock } = await open(browser, target, profile, profiled, state, onRequest, uncompressed));
      }
      returningFiles = new Set();
      await clock.start();
      await page.goto(url, { waitUntil: "load" });
      await consented();
      await page.waitForTimeout(400);
      Object.assign(result, await page.evaluate(() => ({
        consentedAt: window.__analyticsAt,
        longTasks: window.__longTasks,
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      })));
      result.script = await clock.stop();
      result.returningFiles = returningFiles;
    } else {
      await bannerView();
    }
  } catch (error) {
    result.error = String(error.message).split("\n")[0];
  }
  if (uncompressed.length) result.error ??= `sent without brotli: ${uncompressed.join(", ")}`;
  await context.close();
  return result;
}

/**
 * The 2,000-gated-elements page (1,500 held pixels, 500 held inline scripts) with consent-gate's
 * classic build: banner time, script time and long tasks at load, then the time from the click on
 * "Accept all" until every element is released, and the long tasks that release caused. Script
 * time is profiled in the same load: these compare builds of one tool, slowed alike.
 */
async function loadMany(browser, env, profile, pageName = "many.html") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const uncompressed = watchCompression(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Page.enable");
  await throttle(cdp, profile);
  const clock = await scriptClock(cdp);
  await context.addInitScript(probeScript("cg"));
  const result = {};
  try {
    await clock.start();
    await page.goto(`${env.siteOrigin}/bench-generated/${pageName}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.__bannerAt, null, { timeout: 30000 });
    await page.waitForTimeout(400);
    result.script = await clock.stop();
    Object.assign(result, await page.evaluate(() => ({ bannerAt: window.__bannerAt, longTasks: window.__longTasks })));
    await page.evaluate(() => {
      window.__longTasksBefore = window.__longTasks;
      window.__clickedAt = performance.now();
      document.querySelector("#consent-gate").shadowRoot.querySelector("[data-consent-banner] [data-consent-action=accept-all]").click();
    });
    await page.waitForFunction(() => window.__ran === 500 && document.querySelectorAll("img[src]").length === 1500, null, { timeout: 60000, polling: "raf" });
    result.released = await page.evaluate(() => performance.now() - window.__clickedAt);
    await page.waitForTimeout(300);
    result.releaseLongTasks = await page.evaluate(() => window.__longTasks - window.__longTasksBefore);
  } catch (error) {
    result.error = String(error.message).split("\n")[0];
  }
  if (uncompressed.length) result.error ??= `sent without brotli: ${uncompressed.join(", ")}`;
  await context.close();
  return result;
}

/** The churn page (`churnPage`) named `pageName`: the in-page time to add and remove its nodes. */
async function loadChurn(browser, env, profile, pageName) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await throttle(cdp, profile);
  const result = {};
  try {
    await page.goto(`${env.siteOrigin}/bench-generated/${pageName}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.__churn !== undefined, null, { timeout: 60000 });
    result.churn = await page.evaluate(() => window.__churn);
  } catch (error) {
    result.error = String(error.message).split("\n")[0];
  }
  await context.close();
  return result;
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const p90 = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] : NaN;
};
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)}` : "—");
const kib = (b) => (b / 1024).toFixed(1);

const generated = join(root, "target/bench");
mkdirSync(generated, { recursive: true });
writeFileSync(join(generated, "many.html"), manyElementsPage({ images: 1500, scripts: 500 }));
// With BENCH_BEFORE, the 2,000-element and churn pages also run on that build.
const CHURN = [
  ["no tool", "churn-none.html", churnPage({ gate: null })],
  ["consent-gate (this build)", "churn.html", churnPage({})],
];
const MANY = [["consent-gate (this build)", "many.html"]];
/** The classic page, its gate's files from `gate`, with the plan `command` (a consent-gate
 * command) writes for the bench's site, as `file` in the generated folder. */
function plannedPage(file, command, gate) {
  writeFileSync(join(generated, file), readFileSync(join(root, "bench/pages/consent-gate.html"), "utf8").replaceAll('src="/dist/', `src="${gate}`));
  execFileSync(command, ["plan", "--origin", `https://${SITE}`, join(generated, file)], { stdio: "ignore" });
}
if (BEFORE) {
  for (const target of TARGETS.filter((t) => t.path?.startsWith("/bench-generated/before-consent-gate") && !t.firstOnly)) {
    const page = readFileSync(join(root, "bench/pages", target.page), "utf8");
    writeFileSync(join(generated, `before-${target.page}`), page.replaceAll('src="/dist/', 'src="/bench-before/'));
  }
  if (existsSync(BEFORE_COMMAND)) plannedPage("before-consent-gate-plan.html", BEFORE_COMMAND, "/bench-before/");
  if (existsSync(BEFORE_ESM)) writeFileSync(join(generated, "before-esm.html"), readFileSync(BEFORE_ESM, "utf8").replaceAll("/pkg/", "/bench-before-pkg/"));
  writeFileSync(join(generated, "many-before.html"), manyElementsPage({ images: 1500, scripts: 500, gate: "/bench-before/consent-gate.js" }));
  CHURN.push([`consent-gate (${BEFORE_NAME})`, "churn-before.html", churnPage({ gate: "/bench-before/consent-gate.js" })]);
  MANY.push([`consent-gate (${BEFORE_NAME})`, "many-before.html"]);
}
for (const [, file, html] of CHURN) writeFileSync(join(generated, file), html);
plannedPage("consent-gate-plan.html", join(root, "target/debug/consent-gate"), "/dist/");
const { env, browser } = await benchServers(generated, [
  ["/bench/", join(root, "bench/pages")],
  ["/bench-generated/", generated],
  ["/node_modules/", join(root, "node_modules")],
  ...(BEFORE ? [["/bench-before/", BEFORE], ["/bench-before-pkg/", BEFORE_PKG]] : []),
]);

const MANY_N = Math.min(N, 7);
const many = {};
const churn = {};
const results = new Map(TARGETS.map((t) => [t.name, { files: new Set(), returningFiles: new Set(), undecidedFiles: new Set(), runs: {}, returning: {}, errors: [] }]));
try {
  for (const profile of PROFILES) {
    for (const target of TARGETS) await load(browser, env, target, profile); // warm-up
    for (let round = 0; round < N; round++) {
      for (const target of TARGETS) {
        const r = results.get(target.name);
        const first = await load(browser, env, target, profile);
        first.files.forEach((f) => r.files.add(f));
        if (first.error) r.errors.push(`${profile.name}: ${first.error}`);
        const firstProfiled = await load(browser, env, target, profile, { profiled: true });
        if (firstProfiled.error) r.errors.push(`${profile.name} profiled: ${firstProfiled.error}`);
        first.script = firstProfiled.script;
        (r.runs[profile.name] ??= []).push(first);
        for (const kind of returns(target) ? [...RETURNING, "undecided"] : []) {
          const back = await load(browser, env, target, profile, { returning: kind });
          const backProfiled = await load(browser, env, target, profile, { returning: kind, profiled: true });
          if (backProfiled.error) r.errors.push(`${profile.name} returning (${kind}), profiled: ${backProfiled.error}`);
          back.script = backProfiled.script;
          if (back.error) r.errors.push(`${profile.name} returning (${kind}): ${back.error}`);
          if (kind !== "undecided") back.returningFiles?.forEach((f) => r.returningFiles.add(f));
          else back.returningFiles?.forEach((f) => r.undecidedFiles.add(f));
          ((r.returning[kind] ??= {})[profile.name] ??= []).push(back);
        }
      }
      process.stderr.write(`${profile.name}: round ${round + 1}/${N}\n`);
    }
  }
  if (!ONLY || ONLY.includes("many")) {
    for (const profile of PROFILES) {
      for (const [name, file] of MANY) await loadMany(browser, env, profile, file); // warm-up
      for (let round = 0; round < MANY_N; round++) {
        for (const [name, file] of MANY) ((many[name] ??= {})[profile.name] ??= []).push(await loadMany(browser, env, profile, file));
      }
      process.stderr.write(`${profile.name}: 2,000 gated elements, ${MANY_N} loads\n`);
    }
  }
  if (!ONLY || ONLY.includes("churn")) {
    for (const profile of PROFILES) {
      for (const [, file] of CHURN) await loadChurn(browser, env, profile, file); // warm-up
      for (let round = 0; round < MANY_N; round++) {
        for (const [name, file] of CHURN) ((churn[name] ??= {})[profile.name] ??= []).push(await loadChurn(browser, env, profile, file));
      }
      process.stderr.write(`${profile.name}: 50,000 nodes added and removed, ${MANY_N} loads\n`);
    }
  }
} finally {
  await browser.close();
  await env.close();
}

// The baseline page's median script time per profile, from its runs of one kind.
const baselineOf = (byProfile) => Object.fromEntries(PROFILES.map((p) => [p.name, median((byProfile?.[p.name] ?? []).map((r) => r.script))]));
const baseline = baselineOf(results.get(TARGETS[0].name).runs);
const lines = [
  `# consent-gate benchmark`,
  ``,
  `${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, Chromium ${browser.version()}, N = ${N} per target and profile (after a warm-up), targets interleaved, fresh context per load; HTTPS, every tool file checked to arrive brotli-compressed.`,
  ``,
  `A first visit (no decision stored: the banner is due):`,
  ``,
  `| target | fetched raw KiB | gzip KiB | brotli KiB | host page FCP ms, loopback | banner visible ms (median / p90), loopback | script ms beyond baseline, loopback | long tasks | CLS | host page FCP ms, throttled | banner visible ms (median / p90), 4x CPU + slow 4G | script ms beyond baseline, throttled |`,
  `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
];
const script = (runs, profile, from = baseline) => ms(median(runs.map((x) => x.script)) - from[profile]);
const fcp = (runs) => ms(median(runs.map((x) => x.fcp)));
for (const target of TARGETS) {
  const r = results.get(target.name);
  const size = sizes([...r.files]);
  const [fast, slow] = PROFILES.map((p) => r.runs[p.name] ?? []);
  const cell = (runs) => (target.banner ? `${ms(median(runs.map((x) => x.bannerAt)))} / ${ms(p90(runs.map((x) => x.bannerAt)))}` : "—");
  lines.push(
    `| ${target.name} | ${kib(size.raw)} | ${kib(size.gzip)} | ${kib(size.brotli)} | ${fcp(fast)} | ${cell(fast)} | ${script(fast, "loopback")} | ${median(fast.map((x) => x.longTasks))} | ${median(fast.map((x) => x.cls)).toFixed(3)} | ${fcp(slow)} | ${cell(slow)} | ${script(slow, PROFILES[1].name)} |`
  );
}
const RETURNING_TITLES = {
  next: "A returning visitor's next page view, in the tab where everything was accepted on the page view before (the baseline row: the page without a tool, the same navigations; script time is beyond that row's, and the analytics script barely adds to it):",
  later: "A later page view of that visitor in the same tab (one more page view between the decision and this one):",
  session: "The first page view of that visitor's next session (a fresh browser context with the decision's cookies and storage):",
};
for (const kind of RETURNING) {
  lines.push(
    "",
    RETURNING_TITLES[kind],
    "",
    "| target | fetched brotli KiB | host page FCP ms, loopback | consented script runs, ms, loopback | script ms beyond baseline, loopback | long tasks | host page FCP ms, throttled | consented script runs, ms, throttled | script ms beyond baseline, throttled | long tasks, throttled |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  );
  const base = baselineOf(results.get(TARGETS[0].name).returning[kind]);
  for (const target of TARGETS.filter(returns)) {
    const r = results.get(target.name);
    const [fast, slow] = PROFILES.map((p) => (r.returning[kind]?.[p.name] ?? []).filter((x) => !x.error));
    const consentedAt = (runs) => (target.accept ? ms(median(runs.map((x) => x.consentedAt))) : "—");
    const row = (runs, profile) => `${fcp(runs)} | ${consentedAt(runs)} | ${script(runs, profile, base)} | ${median(runs.map((x) => x.longTasks))}`;
    lines.push(`| ${target.name} | ${kib(sizes([...r.returningFiles]).brotli)} | ${row(fast, "loopback")} | ${row(slow, PROFILES[1].name)} |`);
  }
}
lines.push(
  "",
  "A visitor who has not decided, on their next page view in the same tab (the banner was left alone on the page view before; the baseline row: the same navigations without a tool):",
  "",
  "| target | fetched brotli KiB | host page FCP ms, loopback | banner visible ms (median / p90), loopback | script ms beyond baseline, loopback | long tasks | host page FCP ms, throttled | banner visible ms (median / p90), 4x CPU + slow 4G | script ms beyond baseline, throttled | long tasks, throttled |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
);
{
  const base = baselineOf(results.get(TARGETS[0].name).returning.undecided);
  for (const target of TARGETS.filter(returns)) {
    const r = results.get(target.name);
    const [fast, slow] = PROFILES.map((p) => (r.returning.undecided?.[p.name] ?? []).filter((x) => !x.error));
    const cell = (runs) => (target.banner ? `${ms(median(runs.map((x) => x.bannerAt)))} / ${ms(p90(runs.map((x) => x.bannerAt)))}` : "—");
    const row = (runs, profile) => `${fcp(runs)} | ${cell(runs)} | ${script(runs, profile, base)} | ${median(runs.map((x) => x.longTasks))}`;
    lines.push(`| ${target.name} | ${kib(sizes([...r.undecidedFiles]).brotli)} | ${row(fast, "loopback")} | ${row(slow, PROFILES[1].name)} |`);
  }
}
if (Object.keys(many).length) {
  lines.push(
    "",
    `2,000 gated elements (1,500 held pixels, 500 held inline scripts), consent-gate classic, ${MANY_N} loads per profile (median):`,
    "",
    "| build | profile | banner visible ms | script ms | long tasks at load | all 2,000 released, ms after the click | long tasks during the release |",
    "|---|---|---:|---:|---:|---:|---:|"
  );
  for (const [name] of MANY) {
    for (const profile of PROFILES) {
      const all = many[name]?.[profile.name] ?? [];
      const runs = all.filter((r) => !r.error);
      const med = (key) => median(runs.map((r) => r[key]));
      lines.push(`| ${name} | ${profile.name} | ${ms(med("bannerAt"))} | ${ms(med("script"))} | ${ms(med("longTasks"))} | ${ms(med("released"))} | ${ms(med("releaseLongTasks"))} |`);
      for (const r of all) if (r.error) lines.push(`- failed load: ${r.error}`);
    }
  }
}
if (Object.keys(churn).length) {
  lines.push(
    "",
    `A page that adds and removes 50,000 nodes after load (each a div with a span), ${MANY_N} loads per profile, median ms in the page:`,
    "",
    `| page | ${PROFILES.map((p) => p.name).join(" | ")} |`,
    `|---|${PROFILES.map(() => "---:").join("|")}|`
  );
  for (const [name] of CHURN) {
    lines.push(`| ${name} | ${PROFILES.map((p) => ms(median((churn[name]?.[p.name] ?? []).filter((r) => !r.error).map((r) => r.churn)))).join(" | ")} |`);
  }
}
const errors = TARGETS.flatMap((t) => results.get(t.name).errors.map((e) => `- ${t.name}: ${e}`));
if (errors.length) lines.push("", "Loads that failed (left out of the figures):", "", ...[...new Set(errors)]);
const table = lines.join("\n") + "\n";
writeFileSync(join(root, "bench/results.md"), table);
console.log(table);
