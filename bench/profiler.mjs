// What both benchmark scripts share (bench/run.mjs, bench/profile.mjs): the HTTPS site and tracker
// and the Chromium that reaches them, and the CPU profile they read (script time; where it goes):
// samples of the document a page loads next, from its `init` lifecycle event, so that the page
// it replaces is not counted.

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServers } from "../scripts/serve.mjs";

export const SITE = "shop.test";
export const TRACKER = "tracker.test";

/**
 * The site and the tracker over HTTPS (Chromium asks for brotli only from secure origins), with
 * a throw-away certificate written into `keys`, serving `mounts` ([URL prefix, directory]) too;
 * and a Chromium that maps both hosts to them. Returns { env, browser }.
 */
export async function benchServers(keys, mounts) {
  // openssl is Debian's (the base system has it); without it the bench cannot serve HTTPS.
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    console.error("the benchmark needs openssl to make its throw-away certificate: apt-get install openssl");
    process.exit(1);
  }
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${SITE}`,
    "-addext", `subjectAltName=DNS:${SITE},DNS:${TRACKER}`, "-keyout", join(keys, "key.pem"), "-out", join(keys, "cert.pem")],
    { stdio: "ignore" });
  const env = await startServers({
    siteHost: SITE,
    trackerHost: TRACKER,
    tls: { key: readFileSync(join(keys, "key.pem")), cert: readFileSync(join(keys, "cert.pem")) },
    extraMounts: mounts,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run",
      "--disable-quic", `--host-resolver-rules=MAP ${SITE} 127.0.0.1, MAP ${TRACKER} 127.0.0.1`],
  });
  return { env, browser };
}

/** The profile's own nodes for time the page's main thread was not running script. */
export const IDLE = ["(idle)", "(program)", "(root)"];

/** A sampling profiler (every `interval` µs) on the page behind `cdp`, with its `Page` domain enabled. */
export async function profiler(cdp, interval) {
  const { frameTree } = await cdp.send("Page.getFrameTree");
  let init = null;
  cdp.on("Page.lifecycleEvent", (e) => {
    if (e.name === "init" && e.frameId === frameTree.frame.id) init = e.timestamp * 1e6;
  });
  await cdp.send("Page.setLifecycleEventsEnabled", { enabled: true });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval });
  return {
    start: () => cdp.send("Profiler.start"),
    /**
     * The profile's nodes, and its samples after the document started as [node id, ms] (a
     * sample's delta is the time since the one before: the time spent where it was taken); null
     * if no document started.
     */
    async stop() {
      const { profile } = await cdp.send("Profiler.stop");
      if (init === null) return null;
      const samples = [];
      let at = profile.startTime;
      profile.samples.forEach((node, i) => {
        at += profile.timeDeltas[i];
        if (at > init) samples.push([node, profile.timeDeltas[i] / 1000]);
      });
      return { nodes: profile.nodes, samples };
    },
  };
}
