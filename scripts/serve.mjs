// The demo's two origins, for `make demo` and the end-to-end suite:
//   the site    www/ (but not www/tracker/) and the built pkg/ and dist/, on one port;
//   the tracker www/tracker/ only, on another port: a "third party" whose every request is logged,
//               so a person watching the network panel, or a test, sees what was held back.
// Every HTML page has __TRACKER_ORIGIN__ replaced by the tracker's origin.

import { createHash } from "node:crypto";
import { createServer as createPlainServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import zlib, { brotliCompressSync } from "node:zlib";
import { appendFile, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".gif": "image/gif",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

const COMPRESSED = /^(text\/|application\/(json|wasm))/;
const brotliCache = new Map();

function brotli(file, body) {
  const key = `${file}:${createHash("sha1").update(body).digest("hex")}`;
  if (!brotliCache.has(key)) {
    brotliCache.set(
      key,
      brotliCompressSync(body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    );
  }
  return brotliCache.get(key);
}

/** Resolves `urlPath` under one of `mounts` ([prefix, directory]); null if outside all of them. */
function locate(mounts, urlPath) {
  for (const [prefix, dir] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = normalize(join(dir, urlPath.slice(prefix.length)));
    if (file === dir || file.startsWith(dir + sep)) return file;
  }
  return null;
}

function serveFiles(mounts, { trackerOrigin, deny = [], headersFor = () => ({}) } = {}) {
  return async (req, res) => {
    const url = new URL(req.url, "http://x");
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith("/")) path += "index.html";
    if (deny.some((prefix) => path.startsWith(prefix))) return notFound(res);
    const file = locate(mounts, path);
    if (!file) return notFound(res);
    try {
      if (!(await stat(file)).isFile()) return notFound(res);
      let body = await readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      if (type.startsWith("text/html") && trackerOrigin) {
        body = Buffer.from(body.toString("utf8").replaceAll("__TRACKER_ORIGIN__", trackerOrigin));
      }
      const headers = { "content-type": type, "cache-control": "no-store", ...headersFor(req, file) };
      // Text and wasm go brotli-compressed when the browser asks, as any production server sends
      // them: the benchmark's byte counts and throttled timings depend on it.
      if (/\bbr\b/.test(req.headers["accept-encoding"] ?? "") && COMPRESSED.test(type)) {
        body = brotli(file, body);
        headers["content-encoding"] = "br";
        headers.vary = "accept-encoding";
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      notFound(res);
    }
  };
}

function notFound(res) {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found\n");
}

function listen(server, port, host) {
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server.address().port));
  });
}

/**
 * Starts both origins. `siteHost`/`trackerHost` are the names the browser uses (the e2e suite maps
 * them to 127.0.0.1 with Chromium's --host-resolver-rules); both servers listen on 127.0.0.1.
 * `extraMounts` adds directories to the site (the e2e suite's fixture pages). With `tls`
 * (`{ key, cert }`) both serve HTTPS: Chromium asks for brotli (`Accept-Encoding: br`) only
 * from secure origins, so over plain HTTP every file goes uncompressed (the benchmark uses TLS).
 */
export async function startServers({
  sitePort = 0,
  trackerPort = 0,
  siteHost = "127.0.0.1",
  trackerHost = "localhost",
  extraMounts = [],
  receiptFile = join(root, "target/consent-log.jsonl"),
  onTrackerRequest = () => {},
  tls = null,
  headersFor,
} = {}) {
  const createServer = (handler) => (tls ? createTlsServer(tls, handler) : createPlainServer(handler));
  const scheme = tls ? "https" : "http";
  const trackerLog = [];
  const trackerFiles = serveFiles([["/", join(root, "www/tracker")]]);
  const tracker = createServer((req, res) => {
    const entry = { method: req.method, url: req.url, at: Date.now() };
    trackerLog.push(entry);
    onTrackerRequest(entry);
    // /vendor/…: stands in for a real vendor's host (the e2e suite routes
    // www.googletagmanager.com and the like here): for `?as=script` a script that records that it
    // ran, else an empty answer.
    if (req.url.startsWith("/vendor/")) {
      const as = new URL(req.url, "http://x").searchParams.get("as");
      const type = { script: "text/javascript", document: "text/html" }[as] ?? "text/plain";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store", "access-control-allow-origin": "*" });
      const ran = `(window.__vendorScripts = window.__vendorScripts || []).push(${JSON.stringify(req.url)});`;
      return res.end(as === "script" ? ran : "");
    }
    if (req.url.startsWith("/collect")) {
      res.writeHead(204, { "cache-control": "no-store", "access-control-allow-origin": "*" });
      return res.end();
    }
    // ?delay=ms answers late: the e2e suite shows that a script released after a slow library
    // still runs after it.
    const delay = Number(new URL(req.url, "http://x").searchParams.get("delay") ?? 0);
    if (delay > 0) return void setTimeout(() => trackerFiles(req, res), Math.min(delay, 5000));
    return trackerFiles(req, res);
  });
  const trackerBound = await listen(tracker, trackerPort, "127.0.0.1");
  const trackerOrigin = `${scheme}://${trackerHost}:${trackerBound}`;

  const mounts = [
    ...extraMounts,
    ["/pkg/", join(root, "pkg")],
    ["/dist/", join(root, "dist")],
    // The preset catalog, which the config builder (www/builder.html) offers.
    ["/presets/", join(root, "presets")],
    ["/", join(root, "www")],
  ];
  // The reference receiver for consent receipts (config `logEndpoint: "/consent-log"`): appends
  // each receipt, one JSON object a line, to `receiptFile`. Delivery is at least once (a page that
  // left before the answer sends the receipt again from its outbox), so a `receiptId` already
  // kept is answered 204 and not kept twice. `receiver.down = true` answers 503, as an endpoint
  // that is down would (the e2e suite checks the outbox with it).
  const receiver = { down: false, receipts: [], duplicates: 0 };
  const seen = new Set();
  const files = serveFiles(mounts, { trackerOrigin, deny: ["/tracker/"], headersFor });
  const site = createServer((req, res) => {
    if (req.url !== "/consent-log") return files(req, res);
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" });
      return res.end();
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
      if (body.length > 16384) req.destroy();
    });
    req.on("end", async () => {
      if (receiver.down) {
        res.writeHead(503);
        return res.end();
      }
      let receipt;
      try {
        receipt = JSON.parse(body);
      } catch {
        res.writeHead(400);
        return res.end();
      }
      if (typeof receipt?.receiptId === "string" && seen.has(receipt.receiptId)) {
        receiver.duplicates++;
        res.writeHead(204);
        return res.end();
      }
      if (typeof receipt?.receiptId === "string") seen.add(receipt.receiptId);
      receiver.receipts.push(receipt);
      await mkdir(dirname(receiptFile), { recursive: true });
      await appendFile(receiptFile, JSON.stringify({ receivedAt: new Date().toISOString(), ...receipt }) + "\n");
      res.writeHead(204);
      res.end();
    });
  });
  const siteBound = await listen(site, sitePort, "127.0.0.1");
  const siteOrigin = `${scheme}://${siteHost}:${siteBound}`;

  return {
    siteOrigin,
    trackerOrigin,
    trackerLog,
    receiver,
    close: () => Promise.all([site, tracker].map((s) => new Promise((ok) => s.close(ok)))),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const servers = await startServers({
    sitePort: port,
    trackerPort: Number(process.env.TRACKER_PORT ?? port + 1),
    onTrackerRequest: (e) => console.log(`tracker origin got: ${e.method} ${e.url}`),
  });
  console.log(`\nconsent-gate demo: ${servers.siteOrigin}/`);
  console.log(`config builder:    ${servers.siteOrigin}/builder.html`);
  console.log(`(the "third-party" trackers are served from ${servers.trackerOrigin}; every request to it is printed here)`);
  console.log("(consent receipts sent to /consent-log are appended to target/consent-log.jsonl)");
  console.log("Ctrl-C to stop.\n");
}
