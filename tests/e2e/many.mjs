// A host page with thousands of gated elements (fault 11 of the e2e suite, and a page of
// `make bench`): held pixels on the tracker origin, each with its own URL so every release is a
// request of its own, and held inline scripts that count how many ran.

/** The page's HTML; the server puts the tracker's origin for `__TRACKER_ORIGIN__`. */
export function manyElementsPage({ images = 1500, scripts = 500 } = {}) {
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
  <script src="/dist/consent-gate.js"></script>
</head>
<body>
  <main><h1>${images + scripts} gated elements</h1></main>
  ${held.join("\n  ")}
</body>
</html>
`;
}
