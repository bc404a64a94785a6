// Shared harness for the end-to-end suite: Debian's Chromium driven by playwright-core, the demo's
// two origins (scripts/serve.mjs) under names that make them cross-site, and a log of every
// request the browser makes.

import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startServers } from "../../scripts/serve.mjs";

export const root = resolve(fileURLToPath(import.meta.url), "../../..");
export const artifacts = join(root, "tests/e2e/.artifacts");

const SITE_HOST = "shop.test";
const TRACKER_HOST = "tracker.test";

/** Starts the servers and the browser; call `stop()` when done. */
/**
 * A page written as `NAME.lockdown.html` is sent with the lockdown policy that the Rust server
 * reader computes (`consent-gate csp`) for this request's cookies, from `NAME.lockdown.json`.
 */
function lockdownHeader(req, file) {
  if (!file.endsWith(".lockdown.html")) return {};
  const args = ["csp", "--config", file.replace(/\.html$/, ".json")];
  if (req.headers.cookie) args.push("--cookie", req.headers.cookie);
  const run = spawnSync(join(root, "target/debug/consent-gate"), args, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`consent-gate csp failed: ${run.stderr || run.error}`);
  return { "content-security-policy": run.stdout.trim() };
}

/**
 * Files a test writes under `/generated/…/windows-1252/` come as a page in windows-1252 and
 * scripts without a charset, so that each file's encoding is decided by what it carries.
 */
function encodingHeader(file) {
  if (!/[\\/]windows-1252[\\/]/.test(file)) return {};
  return { "content-type": file.endsWith(".html") ? "text/html; charset=windows-1252" : "text/javascript" };
}

/**
 * `secure`: the browser treats the site and the tracker as secure origins, for the APIs a page
 * only has over HTTPS (the Cache API, fetchLater).
 */
export async function start({ secure = false } = {}) {
  const servers = await startServers({
    siteHost: SITE_HOST,
    trackerHost: TRACKER_HOST,
    // Pages a test writes at run time (too big to commit) are served from the artifacts folder.
    extraMounts: [
      ["/fixtures/", join(root, "tests/e2e/fixtures")],
      ["/generated/", artifacts],
    ],
    headersFor: (req, file) => ({ ...encodingHeader(file), ...lockdownHeader(req, file) }),
  });
  mkdirSync(artifacts, { recursive: true });
  // playwright gives every launch a fresh, empty profile directory of its own.
  const browser = await chromium
    .launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
      // window.gc(), for tests that what the page lets go of is collected without breaking us.
      "--js-flags=--expose-gc",
      `--host-resolver-rules=MAP ${SITE_HOST} 127.0.0.1, MAP *.${SITE_HOST} 127.0.0.1, MAP ${TRACKER_HOST} 127.0.0.1`,
      ...(secure ? [`--unsafely-treat-insecure-origin-as-secure=${servers.siteOrigin},${servers.trackerOrigin}`] : []),
    ],
    })
    .catch(async (error) => {
      await servers.close();
      throw error;
    });
  return {
    ...servers,
    browser,
    stop: async () => {
      await browser.close();
      await servers.close();
    },
  };
}

/**
 * A fresh visitor: a new browser context (empty cookie jar and storage) with a page that records
 * every request, console error and uncaught exception, and whether consent-gate said it is ready.
 */
export async function visitor(env, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await env.browser.newContext({ viewport });
  const requests = [];
  const problems = [];
  context.on("request", (request) => requests.push(request.url()));
  await context.addInitScript(() => {
    window.__consentGateReady = 0;
    document.addEventListener("consentgate:ready", () => window.__consentGateReady++);
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  return {
    context,
    page,
    requests,
    problems,
    /** Requests the browser made to the tracker origin. */
    trackerRequests: () => requests.filter((url) => url.startsWith(env.trackerOrigin)),
    /** Loads `path` and waits until consent-gate has started and the network is quiet. */
    open: async (path = "/") => {
      await page.goto(env.siteOrigin + path);
      await page.waitForFunction(() => window.__consentGateReady > 0);
      await page.waitForLoadState("networkidle");
    },
    reload: async () => {
      await page.reload();
      await page.waitForFunction(() => window.__consentGateReady > 0);
      await page.waitForLoadState("networkidle");
    },
    cookie: async (name) => (await context.cookies()).find((c) => c.name === name),
    close: () => context.close(),
  };
}

/** The banner and its controls (playwright's locators pierce the open shadow root). */
export function banner(page) {
  const region = page.locator("[data-consent-banner]");
  return {
    region,
    acceptAll: region.getByRole("button", { name: "Accept all" }),
    rejectAll: region.getByRole("button", { name: "Reject all" }),
    customize: region.getByRole("button", { name: "Customize" }),
  };
}

/** The preferences dialog and its controls. */
export function dialog(page) {
  const element = page.locator("[data-consent-dialog]");
  return {
    element,
    acceptAll: element.getByRole("button", { name: "Accept all" }),
    rejectAll: element.getByRole("button", { name: "Reject all" }),
    save: element.getByRole("button", { name: "Save choices" }),
    close: element.getByRole("button", { name: "Close" }),
    toggle: (name) => element.getByRole("switch", { name, exact: true }),
    services: (category) => element.locator(`[data-consent-category="${category}"] summary`),
  };
}

/** What has keyboard focus, looking through shadow roots. */
export function focused(page) {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return {
      tag: active?.tagName.toLowerCase(),
      id: active?.id ?? "",
      action: active?.getAttribute("data-consent-action") ?? "",
      text: active?.textContent?.trim() ?? "",
      inDialog: Boolean(active?.closest("[data-consent-dialog]")),
    };
  });
}

/** Whether the tracker server receives a request whose URL `matches` within `ms`: what a page
 * view sends after its scripts ran (an image's hit) may still be on its way. */
export async function trackerSaw(env, matches, ms = 5000) {
  for (let waited = 0; !env.trackerLog.some((e) => matches(e.url)); waited += 50) {
    if (waited >= ms) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Asserts that neither the browser nor the tracker server saw a request to the tracker origin. */
export function assertNothingFromTracker(env, v, when) {
  assert.deepEqual(v.trackerRequests(), [], `browser requests to the tracker origin ${when}`);
  assert.deepEqual(env.trackerLog.map((e) => e.url), [], `requests the tracker server received ${when}`);
}
