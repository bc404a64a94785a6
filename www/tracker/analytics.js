// Stand-in for a third-party analytics tag (gtag.js-like). It does what such tags do: sets a
// first-party cookie on the site, and sends a page-view hit to its own origin.
(function () {
  var origin = new URL(document.currentScript.src).origin;
  var id = "GA1.1." + Math.floor(Math.random() * 1e9) + "." + Math.floor(Date.now() / 1000);
  document.cookie = "_demo_ga=" + id + "; Max-Age=63072000; Path=/; SameSite=Lax";
  window.demoAnalytics = { loaded: true, clientId: id };
  window.__analyticsAt = performance.now();
  document.documentElement.setAttribute("data-demo-analytics", "running");
  new Image().src = origin + "/collect?v=2&tid=G-DEMO&en=page_view&dl=" + encodeURIComponent(location.href);
})();
