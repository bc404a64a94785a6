// Where a returning visitor's new-session page view spends its script time: the benchmark's
// "new session" load (a fresh context carrying the decision's storage), sampled every 100 µs.
// Prints each load's total and the self time per function, mean over PROFILE_N loads after a
// warm-up (minified names: look them up in the built file at line:column). Playwright's own
// evaluation (InjectedScript, UtilityScript and the Temporal getter it touches) shows up too:
// `make bench` counts it for every tool alike, and not for the baseline page, which it never
// waits on.
//
// usage: make build && node bench/profile.mjs
//   PAGE=orejime.html ACCEPT=.orejime-Banner-saveButton node bench/profile.mjs   (a peer's page)
//   VIEW=next CPU=4 node bench/profile.mjs   (the next view in the same tab, at 4x CPU)
//   CALLERS='wasm-function[604]' node bench/profile.mjs   (also who calls a function, 3 frames up)

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { root } from "../tests/e2e/browser.mjs";
import { IDLE, benchServers, profiler } from "./profiler.mjs";

const N = Number(process.env.PROFILE_N ?? 7);
const PAGE = process.env.PAGE ?? "consent-gate.html";
const ACCEPT = process.env.ACCEPT ?? "[data-consent-banner] [data-consent-action=accept-all]";
// VIEW=next profiles the page view after a first one in the same context (the benchmark's "next
// view") instead of a new session's first; CPU=4 slows the CPU as the throttled profile does.
const NEXT = process.env.VIEW === "next";
const CPU = Number(process.env.CPU ?? 1);
// CALLERS names a function as the list prints it: its self time is also split by its callers.
const CALLERS = process.env.CALLERS;

const keys = join(root, "target/bench-profile");
mkdirSync(keys, { recursive: true });
const { env, browser } = await benchServers(keys, [["/bench/", join(root, "bench/pages")], ["/node_modules/", join(root, "node_modules")]]);
const url = `${env.siteOrigin}/bench/${PAGE}`;
const consented = (page) => page.waitForFunction(() => window.__analyticsAt, null, { timeout: 20000 });

/** The storage of a visitor who accepted everything on one page view. */
async function decided() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(url);
  if (ACCEPT) {
    await page.waitForTimeout(500);
    await page.locator(ACCEPT).first().click();
    await consented(page);
  }
  await page.waitForTimeout(300);
  const state = await context.storageState();
  await context.close();
  return state;
}

/** One new-session page view's samples after its document started (`profiler`), or null. */
async function profiled(storageState) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, storageState });
  const page = await context.newPage();
  if (NEXT) {
    await page.goto(url, { waitUntil: "load" });
    await page.waitForTimeout(400);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send("Page.enable");
  if (CPU > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU });
  const clock = await profiler(cdp, 100);
  await clock.start();
  await page.goto(url, { waitUntil: "load" });
  if (ACCEPT) await consented(page);
  await page.waitForTimeout(400);
  const sampled = await clock.stop();
  await context.close();
  return sampled;
}

const self = new Map();
const callers = new Map();
const loads = [];
const named = (frame) => `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber}:${frame.columnNumber}`;
for (let i = 0; i <= N; i++) {
  const sampled = await profiled(await decided());
  if (i === 0 || !sampled) continue; // the warm-up, or a load whose document never started
  const frames = new Map(sampled.nodes.map((n) => [n.id, n.callFrame]));
  const parents = new Map(sampled.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  let busy = 0;
  for (const [node, ms] of sampled.samples) {
    const frame = frames.get(node);
    if (IDLE.includes(frame.functionName)) continue;
    const where = named(frame);
    self.set(where, (self.get(where) ?? 0) + ms);
    if (CALLERS && where.startsWith(`${CALLERS} `)) {
      const chain = [];
      for (let up = parents.get(node); up !== undefined && chain.length < 3; up = parents.get(up)) chain.push(named(frames.get(up)));
      const key = chain.join(" < ");
      callers.set(key, (callers.get(key) ?? 0) + ms);
    }
    busy += ms;
  }
  loads.push(busy.toFixed(1));
}
console.log(`${PAGE}, ${NEXT ? "next view" : "new session"}, ${CPU}x CPU, script ms per load: ${loads.join(" ")}`);
for (const [where, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${(ms / loads.length).toFixed(2).padStart(7)}  ${where}`);
}
for (const [chain, ms] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${(ms / loads.length).toFixed(2).padStart(7)}  ${CALLERS} < ${chain}`);
}
await browser.close();
process.exit(0);
