// The first-visit bytes of each build (brotli -q11, what a visitor downloads). Bytes are
// deterministic, so these are checks, not benchmarks.
//
//   node scripts/size-budget.mjs            `make size-budget`: against issue 7's budget
//                                           (SIZE_BUDGET_KIB, default 25); exits 1 when over.
//   node scripts/size-budget.mjs --ceiling  `make size-check`, part of `make test`: against the
//                                           ceilings in scripts/size-ceiling.json, the sizes
//                                           reached so far plus 1% for toolchain drift; exits 1
//                                           when a build grew past its ceiling. Lower a ceiling
//                                           when a cut lands; raise one only with a reason.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const budget = Number(process.env.SIZE_BUDGET_KIB ?? 25);
const againstCeiling = process.argv.includes("--ceiling");
const ceilings = againstCeiling
  ? JSON.parse(readFileSync(new URL("size-ceiling.json", import.meta.url), "utf8"))
  : {};
const brotli = (file) =>
  brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const builds = [
  ["dist", "dist/ (one classic script)", ["dist/consent-gate.js"]],
  ["distEnglish", "dist/, English only", ["dist/consent-gate.en.js"]],
  ["pkg", "pkg/ (ES module + .wasm)", ["pkg/consent_gate.js", "pkg/consent_gate_bg.wasm"]],
];
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let failed = false;
for (const [key, name, files] of builds) {
  const bytes = files.reduce((sum, f) => sum + brotli(f), 0);
  const toBudget = bytes <= budget * 1024 ? "within" : `${kib(bytes - budget * 1024)} over`;
  if (againstCeiling) {
    const ceiling = ceilings[key];
    if (!Number.isInteger(ceiling)) {
      console.error(`size-check: scripts/size-ceiling.json has no whole number "${key}" (bytes)`);
      process.exit(1);
    }
    const verdict = bytes <= ceiling ? "ok" : `GREW ${bytes - ceiling} B past it: find what added the bytes`;
    console.log(
      `size-check ${name.padEnd(28)} ${String(bytes).padStart(7)} B brotli, ceiling ${ceiling} B: ${verdict} ` +
        `(budget ${budget} KiB: ${toBudget})`,
    );
    failed ||= bytes > ceiling;
  } else {
    const verdict = bytes <= budget * 1024 ? "within" : `OVER by ${kib(bytes - budget * 1024)}`;
    console.log(`size-budget ${name.padEnd(28)} ${kib(bytes).padStart(10)} brotli, budget ${budget} KiB: ${verdict}`);
    failed ||= bytes > budget * 1024;
  }
}
process.exit(failed ? 1 : 0);
