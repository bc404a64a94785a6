#!/usr/bin/env node
// `consent-gate`, the site owner's command (README), as the npm package carries it: the same Rust
// command built to WebAssembly (feature `node`), which reads, writes and prints through the
// functions below (src/bin/consent-gate/host.rs).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { initSync, run } from "./consent-gate-cli.js";

// As Rust's read_to_string: a file that is not UTF-8 is named, not read with U+FFFD, and a byte
// order mark is kept (an interface module file must start with one).
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

globalThis.consentGateHost = {
  read: (path) => utf8.decode(readFileSync(path)),
  write: (path, text) => writeFileSync(path, text),
  mkdir: (path) => mkdirSync(path, { recursive: true }),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  now: () => Date.now(),
};
// `consent-gate presets | head`: a reader that stops reading ends the command, as it should.
process.stdout.on("error", (e) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});
initSync({ module: readFileSync(new URL("consent-gate-cli_bg.wasm", import.meta.url)) });
process.exitCode = run(["consent-gate", ...process.argv.slice(2)]);
