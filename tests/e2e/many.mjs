// A host page with thousands of gated elements (fault 11 of the e2e suite, and a page of
// `make bench`): held pixels on the tracker origin, each with its own URL so every release is a
// request of its own, and held inline scripts that count how many ran.

/** The page's HTML; the server puts the tracker's origin for `__TRACKER_ORIGIN__`. */
export function manyElementsPage({ images = 1500, scripts = 500, gate = "/dist/consent-gate.js" } = {}) {
  const config = {
    categories: [
      { id: "necessary", required: true, title: "Necessary" },
      { id: "analytics", title: "Analytics" },
      { id: "marketing", title: "Marketing" },
    ],
  };
  const held = [];
  for (let i = 0; i < images; i++) {
    held.push(`<img data-category="marketing" data-src="__TRACKER_ORIGIN__/pixel.gif?n=${i}" width="1" height="1" alt="">`);
  }
  for (let i = 0; i < scripts; i++) {
    held.push(`<script type="text/plain" data-category="analytics">window.__ran = (window.__ran || 0) + 1;</script>`);
  }
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${images + scripts} gated elements</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">${JSON.stringify(config)}</script>
  <script src="${gate}"></script>
</head>
<body>
  <main><h1>${images + scripts} gated elements</h1></main>
  ${held.join("\n  ")}
</body>
</html>
`;
}

/**
 * A page that adds and removes `count` nodes (a div with a span in it, each appended to the body
 * and removed again) once loaded, and records how long that took in `window.__churn` (ms): what
 * the gate's insertion wrappers and observer cost a busy page. `gate` is the gate's script, or
 * null for the page without any tool.
 */
export function churnPage({ count = 50000, gate = "/dist/consent-gate.js" } = {}) {
  const config = {
    categories: [
      { id: "necessary", required: true, title: "Necessary" },
      { id: "analytics", title: "Analytics" },
    ],
    services: [{ id: "tracker", category: "analytics", urls: ["tracker.test"] }],
  };
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${count} nodes added and removed</title>
  <link rel="icon" href="data:,">
  <script type="application/json" id="consent-gate-config">${JSON.stringify(config)}</script>
  ${gate ? `<script src="${gate}"></script>` : ""}
</head>
<body>
  <main><h1>${count} nodes added and removed</h1></main>
  <script>
    addEventListener("load", function () {
      setTimeout(function () {
        var t0 = performance.now();
        var nodes = [];
        for (var i = 0; i < ${count}; i++) {
          var d = document.createElement("div");
          d.appendChild(document.createElement("span"));
          document.body.appendChild(d);
          nodes.push(d);
        }
        for (var j = 0; j < nodes.length; j++) nodes[j].remove();
        window.__churn = performance.now() - t0;
      }, 100);
    });
  </script>
</body>
</html>
`;
}
