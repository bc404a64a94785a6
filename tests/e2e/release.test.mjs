// The npm package as a new user gets it: `make release`'s tarball installed into an empty app,
// bundled with esbuild following the README's recipe, type-checked under --strict, and run in
// Chromium, where the gate holds a tracker and releases it after consent.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { artifacts, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const APP = `import init, { acceptAll, accepted, on, ready, type ConsentChange } from "consent-gate";

const changes: ConsentChange[] = [];
await init();
const readiness = await ready();
on("change", (detail) => changes.push(detail));
// A tag the app adds before consent: auto-blocking holds it.
new Image().src = new URL("/pixel.gif?via=app-image", document.body.dataset.tracker).href;
const app = { acceptAll, accepted, changes, complete: readiness.protections.complete };
(window as unknown as { app: typeof app }).app = app;
`;

test("the release tarball, installed and bundled with esbuild, type-checks under --strict and holds then releases a tracker", async () => {
  const tarball = readdirSync(join(root, "target/npm")).find((name) => /^consent-gate-.*\.tgz$/.test(name));
  assert.ok(tarball, "make release wrote the tarball");
  const app = join(artifacts, "app-esbuild");
  rmSync(app, { recursive: true, force: true });
  mkdirSync(join(app, "dist"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(root, "target/npm", tarball)], { cwd: app });
  writeFileSync(join(app, "main.ts"), APP);
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] },
      files: ["main.ts"],
    }),
  );
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", app], { encoding: "utf8" });
  buildSync({ entryPoints: [join(app, "main.ts")], bundle: true, format: "esm", target: "es2022", outfile: join(app, "dist/app.js"), logLevel: "error" });
  // The recipe: esbuild leaves new URL(…, import.meta.url) alone, so the module's .wasm and the
  // interface go next to the bundle.
  for (const file of ["consent_gate_bg.wasm", "consent-gate.ui.js", "consent-gate.ui.en.js"]) {
    copyFileSync(join(app, "node_modules/consent-gate", file), join(app, "dist", file));
  }
  writeFileSync(
    join(app, "dist/index.html"),
    `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>An app bundled with esbuild</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">
  { "categories": [{ "id": "necessary", "required": true, "title": "Necessary" }, { "id": "analytics", "title": "Analytics" }],
    "services": [{ "id": "tracker", "category": "analytics", "urls": ["tracker.test"] }] }
  </script>
  <script type="module" src="app.js"></script>
</head>
<body data-tracker="__TRACKER_ORIGIN__">
  <img data-category="analytics" data-src="__TRACKER_ORIGIN__/pixel.gif?via=app-markup" width="1" height="1" alt="">
</body>
</html>
`,
  );

  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + "/generated/app-esbuild/dist/index.html");
  await v.page.waitForFunction(() => window.app !== undefined);
  await v.page.waitForTimeout(300);
  assert.equal(await v.page.evaluate(() => window.app.complete), true);
  assert.deepEqual(env.trackerLog, [], "nothing reaches the tracker before consent");
  await v.page.evaluate(() => window.app.acceptAll());
  await v.page.waitForFunction(() => window.app.accepted("analytics") && window.app.changes.length === 1);
  await v.page.waitForTimeout(500);
  const vias = env.trackerLog.map((e) => new URL(e.url, "http://x").searchParams.get("via"));
  assert.ok(vias.includes("app-markup"), `the held markup loads after consent (${vias.join(", ")})`);
  assert.deepEqual(v.problems, []);
  await v.close();
});
