// Prints raw, gzip -9 and brotli -q11 sizes of the given files: what a visitor downloads.
import { readFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const rows = process.argv.slice(2).map((file) => {
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;
  return { file, raw: bytes.length, gzip, brotli };
});
// No total: which files a page view loads depends on the visitor (README, "Two modules").
for (const r of rows) {
  console.log(`size ${r.file.padEnd(28)} raw ${String(r.raw).padStart(7)}  gzip ${String(r.gzip).padStart(6)}  brotli ${String(r.brotli).padStart(6)}`);
}
