// The npm package as a new user gets it: `make release`'s tarball installed into an empty app,
// bundled with esbuild and with Vite following the README's recipes, type-checked under --strict,
// and run in Chromium, where the gate holds a tracker and releases it after consent; and its
// consent-gate command, run by Node, against the native one.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { build as vite } from "vite";
import { artifacts, root, start, visitor } from "./browser.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.stop());

const APP = `import init, { acceptAll, accepted, on, ready, type ConsentChange } from "consent-gate";

const changes: ConsentChange[] = [];
// A call before init() is queued and answered once the module runs.
const starting = init();
const early: boolean | Promise<boolean> = accepted("analytics");
await starting;
const before = await early;
const readiness = await ready();
on("change", (detail) => changes.push(detail));
// A tag the app adds before consent: auto-blocking holds it.
new Image().src = new URL("/pixel.gif?via=app-image", document.body.dataset.tracker).href;
const app = { acceptAll, accepted, before, changes, complete: readiness.protections.complete };
(window as unknown as { app: typeof app }).app = app;
`;

/** An empty app with the release tarball installed and main.ts written, type-checked. */
function app(name) {
  const tarball = readdirSync(join(root, "target/npm")).find((file) => /^consent-gate-.*\.tgz$/.test(file));
  assert.ok(tarball, "make release wrote the tarball");
  const dir = join(artifacts, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", join(root, "target/npm", tarball)], { cwd: dir });
  writeFileSync(join(dir, "main.ts"), APP);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] },
      files: ["main.ts"],
    }),
  );
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", dir], { encoding: "utf8" });
  return dir;
}

/** The app's page; `script` is its module script tag. */
const page = (script) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>An app with consent-gate from npm</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">
  { "categories": [{ "id": "necessary", "required": true, "title": "Necessary" }, { "id": "analytics", "title": "Analytics" }],
    "services": [{ "id": "tracker", "category": "analytics", "urls": ["tracker.test"] }] }
  </script>
  ${script}
</head>
<body data-tracker="__TRACKER_ORIGIN__">
  <img data-category="analytics" data-src="__TRACKER_ORIGIN__/pixel.gif?via=app-markup" width="1" height="1" alt="">
</body>
</html>
`;

/** Opens the built app: nothing reaches the tracker until acceptAll(), then the held pixel loads. */
async function holdsThenReleases(path) {
  env.trackerLog.length = 0;
  const v = await visitor(env);
  await v.page.goto(env.siteOrigin + path);
  await v.page.waitForFunction(() => window.app !== undefined);
  await v.page.waitForTimeout(300);
  assert.equal(await v.page.evaluate(() => window.app.complete), true);
  assert.equal(await v.page.evaluate(() => window.app.before), false, "a call before init() is answered, not thrown");
  assert.deepEqual(env.trackerLog, [], "nothing reaches the tracker before consent");
  await v.page.evaluate(() => window.app.acceptAll());
  await v.page.waitForFunction(() => window.app.accepted("analytics") && window.app.changes.length === 1);
  await v.page.waitForTimeout(500);
  const vias = env.trackerLog.map((e) => new URL(e.url, "http://x").searchParams.get("via"));
  assert.ok(vias.includes("app-markup"), `the held markup loads after consent (${vias.join(", ")})`);
  assert.deepEqual(v.problems, []);
  await v.close();
}

test("the release tarball, installed and bundled with esbuild, type-checks under --strict and holds then releases a tracker", async () => {
  const dir = app("app-esbuild");
  mkdirSync(join(dir, "dist"));
  buildSync({ entryPoints: [join(dir, "main.ts")], bundle: true, format: "esm", target: "es2022", outfile: join(dir, "dist/app.js"), logLevel: "error" });
  // The recipe: esbuild leaves new URL(…, import.meta.url) alone, so the interface module goes
  // next to the bundle.
  for (const file of ["consent-gate.ui.js", "consent-gate.ui.en.js"]) {
    copyFileSync(join(dir, "node_modules/consent-gate", file), join(dir, "dist", file));
  }
  writeFileSync(join(dir, "dist/index.html"), page('<script type="module" src="app.js"></script>'));
  await holdsThenReleases("/generated/app-esbuild/dist/index.html");
});

test("the release tarball, installed and bundled with Vite, holds then releases a tracker", async () => {
  const dir = app("app-vite");
  // The recipe: nothing to copy. Vite emits the interface module itself (it follows
  // new URL(…, import.meta.url)).
  writeFileSync(join(dir, "index.html"), page('<script type="module" src="/main.ts"></script>'));
  await vite({ root: dir, base: "./", logLevel: "error", configFile: false, build: { target: "es2022", outDir: "dist" } });
  await holdsThenReleases("/generated/app-vite/dist/index.html");
});

/** `consent-gate ARGS` in `cwd`: the package's command (`npx`), or the native one built from
 * this repository. Its exit status and what it printed. */
function command(kind, args, cwd) {
  const [file, first] = kind === "npm" ? [process.execPath, [join(cwd, "node_modules/.bin/consent-gate")]] : [join(root, "target/debug/consent-gate"), []];
  const run = spawnSync(file, [...first, ...args], { cwd, encoding: "utf8" });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("the release tarball's consent-gate command runs without Rust and does what the native command does: a page's plan, a site's interface file, a config's errors", async () => {
  const dir = app("app-command");
  const gate = '<script src="/generated/app-command/node_modules/consent-gate/consent-gate.js"></script>';
  const origin = new URL(env.siteOrigin);
  for (const kind of ["npm", "native"]) {
    mkdirSync(join(dir, kind));
    writeFileSync(join(dir, kind, "index.html"), page(gate));
    const planned = command(kind, ["plan", "--origin", `${origin.protocol}//${origin.hostname}`, `${kind}/index.html`], dir);
    assert.deepEqual([planned.status, planned.stderr], [0, ""], `${kind} plan`);
    const words = command(kind, ["interface", "--languages", "de", "--out", `${kind}/ui.de.js`, "node_modules/consent-gate/consent-gate.ui.en.js"], dir);
    assert.equal(words.status, 0, `${kind} interface: ${words.stderr}`);
    writeFileSync(join(dir, kind, "bad.json"), '{ "categories": [{ "id": "analytics", "titel": "Analytics" }] }');
  }
  for (const file of ["index.html", "ui.de.js"]) {
    assert.equal(readFileSync(join(dir, "npm", file), "utf8"), readFileSync(join(dir, "native", file), "utf8"), `${file} as the native command writes it`);
  }
  assert.match(readFileSync(join(dir, "npm/index.html"), "utf8"), /<script type="application\/json" id="consent-gate-plan">/);
  assert.match(readFileSync(join(dir, "npm/ui.de.js"), "utf8"), /Alle akzeptieren/);
  const [npm, native] = ["npm", "native"].map((kind) => command(kind, ["check", `${kind}/bad.json`], dir));
  assert.equal(npm.status, 1, "a bad config fails the check");
  assert.equal(npm.stdout.replaceAll("npm/", ""), native.stdout.replaceAll("native/", ""));
  assert.match(npm.stdout, /titel/);
  assert.equal(command("npm", ["--version"], dir).stdout, command("native", ["--version"], dir).stdout);
  const unknown = command("npm", ["plan"], dir);
  assert.equal(unknown.status, 2, "a usage error");
  assert.match(unknown.stderr, /--origin/);

  // The page with the plan the npm command wrote: a first visit follows it, and nothing reaches
  // the tracker before a decision.
  env.trackerLog.length = 0;
  const v = await visitor(env);
  const warnings = [];
  v.page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  await v.page.goto(`${env.siteOrigin}/generated/app-command/npm/index.html`);
  await v.page.locator("[data-consent-banner]").first().waitFor();
  await v.page.evaluate(() => window.ConsentGate.ready());
  // The full gate names a page's plan that the small gate could not follow.
  assert.deepEqual(warnings.filter((w) => /plan/.test(w)), [], "the plan is the page's own");
  assert.deepEqual(env.trackerLog, [], "nothing reaches the tracker before consent");
  assert.deepEqual(v.problems, []);
  await v.close();
});
