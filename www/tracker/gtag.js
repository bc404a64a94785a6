// Stand-in for gtag.js: records what dataLayer held when it loaded, as the real one reads it.
window.__gtagSaw = (window.dataLayer || []).map(function (entry) {
  return { type: Object.prototype.toString.call(entry), command: entry[0], kind: entry[1], fields: entry[2] };
});
