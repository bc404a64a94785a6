// The CPU profile both benchmark scripts read (bench/run.mjs for script time, bench/profile.mjs
// for where it goes): samples of the document a page loads next, from its `init` lifecycle
// event, so that the page it replaces is not counted.

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
