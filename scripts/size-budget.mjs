// What each module costs a visitor (brotli -q11, what a visitor downloads). Bytes are
// deterministic, so these are checks, not benchmarks.
//
//   node scripts/size-budget.mjs            `make size-budget`: a returning visitor's bytes (the
//                                           small gate alone) against RETURNING_BUDGET_KIB
//                                           (default 12), a first visit's (small gate + the
//                                           English interface module) against
//                                           FIRST_VISIT_BUDGET_KIB (default 35); exits 1 when
//                                           over.
//   node scripts/size-budget.mjs --ceiling  `make size-check`, part of `make test`: each module
//                                           against its ceiling in scripts/size-ceiling.json (the
//                                           size reached so far plus 1% for toolchain drift);
//                                           exits 1 when one grew past it. Lower a ceiling when
//                                           a cut lands; raise one only with a reason.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const returningBudget = Number(process.env.RETURNING_BUDGET_KIB ?? 12);
const firstVisitBudget = Number(process.env.FIRST_VISIT_BUDGET_KIB ?? 35);
const againstCeiling = process.argv.includes("--ceiling");
const brotli = (file) =>
  brotliCompressSync(readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

const modules = {
  gate: ["the small gate (dist/consent-gate.js)", ["dist/consent-gate.js"]],
  gateEsm: ["the small gate, ES module (pkg/consent_gate.js)", ["pkg/consent_gate.js"]],
  interface: ["the interface module, 24 languages", ["dist/consent-gate.ui.js"]],
  interfaceEnglish: ["the interface module, English only", ["dist/consent-gate.ui.en.js"]],
};
const size = Object.fromEntries(
  Object.entries(modules).map(([key, [, files]]) => [key, files.reduce((sum, f) => sum + brotli(f), 0)]),
);

let failed = false;
if (againstCeiling) {
  const ceilings = JSON.parse(readFileSync(new URL("size-ceiling.json", import.meta.url), "utf8"));
  for (const [key, [name]] of Object.entries(modules)) {
    const ceiling = ceilings[key];
    if (!Number.isInteger(ceiling)) {
      console.error(`size-check: scripts/size-ceiling.json has no whole number "${key}" (bytes)`);
      process.exit(1);
    }
    const verdict = size[key] <= ceiling ? "ok" : `GREW ${size[key] - ceiling} B past it: find what added the bytes`;
    console.log(`size-check ${name.padEnd(42)} ${String(size[key]).padStart(7)} B brotli, ceiling ${ceiling} B: ${verdict}`);
    failed ||= size[key] > ceiling;
  }
} else {
  const visits = [
    ["returning visitor, classic (small gate)", size.gate, returningBudget],
    ["returning visitor, ES module gate", size.gateEsm, returningBudget],
    ["first visit, classic (small gate + English interface module)", size.gate + size.interfaceEnglish, firstVisitBudget],
    ["first visit, ES module (small gate + English interface module)", size.gateEsm + size.interfaceEnglish, firstVisitBudget],
  ];
  for (const [name, bytes, budget] of visits) {
    const verdict = bytes <= budget * 1024 ? "within" : `OVER by ${kib(bytes - budget * 1024)}`;
    console.log(`size-budget ${name.padEnd(48)} ${kib(bytes).padStart(10)} brotli, budget ${budget} KiB: ${verdict}`);
    failed ||= bytes > budget * 1024;
  }
}
process.exit(failed ? 1 : 0);
