// `make size-budget`: the first-visit bytes of each build (brotli -q11, what a visitor downloads)
// against the budget of issue 7 (SIZE_BUDGET_KIB, default 25). Prints both figures; exits 1 when
// a build is over. Bytes are deterministic, so this is a check, not a benchmark.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const budget = Number(process.env.SIZE_BUDGET_KIB ?? 25);
const brotli = (file) =>
  brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const builds = [
  ["dist/ (one classic script)", ["dist/consent-gate.js"]],
  ["pkg/ (ES module + .wasm)", ["pkg/consent_gate.js", "pkg/consent_gate_bg.wasm"]],
];
let over = false;
for (const [name, files] of builds) {
  const kib = files.reduce((sum, f) => sum + brotli(f), 0) / 1024;
  const verdict = kib <= budget ? "within" : `OVER by ${(kib - budget).toFixed(1)} KiB`;
  console.log(`size-budget ${name.padEnd(28)} ${kib.toFixed(1).padStart(6)} KiB brotli, budget ${budget} KiB: ${verdict}`);
  over ||= kib > budget;
}
process.exit(over ? 1 : 0);
