// The config builder: a form that writes a consent-gate config from the preset catalog, and a
// preview that runs the real gate (dist/consent-gate.js) on it in a frame. The problems shown are
// what that gate prints on the console, so they are core's own messages, as `consent-gate check`
// prints them. Every text the form or the catalog holds reaches the page as text, never as HTML.

const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "pt", "sl", "hr", "hu", "sv", "cs", "da",
  "fi", "el", "ro", "sk", "bg", "et", "lv", "lt", "ar", "he"];

// The categories a site usually asks about, with the Consent Mode signals each grants.
const CATEGORIES = [
  { id: "necessary", required: true, title: "Strictly necessary",
    description: "What the site cannot work without. Always on.", consentMode: ["security_storage"] },
  { id: "functional", title: "Functional",
    description: "Chat, maps, videos and other features you choose to use.",
    consentMode: ["functionality_storage", "personalization_storage"] },
  { id: "analytics", title: "Analytics",
    description: "Counts visits so we know what people look at.", consentMode: ["analytics_storage"] },
  { id: "marketing", title: "Marketing",
    description: "Measures our ads and shows them to past visitors.",
    consentMode: ["ad_storage", "ad_user_data", "ad_personalization"] },
];

const $ = (id) => document.getElementById(id);
const element = (tag, properties = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
};

/** The config the form describes, with each chosen preset written out as `consent-gate resolve` would. */
function configFromForm(catalog) {
  const services = [];
  for (const preset of catalog) {
    const box = $(`preset-${preset.preset}`);
    if (!box.checked) continue;
    services.push({ ...preset.service, category: $(`category-of-${preset.preset}`).value });
  }
  const used = new Set(services.map((s) => s.category));
  const categories = CATEGORIES.filter((c) => c.required || used.has(c.id)).map((c) => {
    const category = { id: c.id };
    if (c.required) category.required = true;
    category.title = $(`title-of-${c.id}`).value;
    category.description = $(`description-of-${c.id}`).value;
    category.consentMode = c.consentMode;
    return category;
  });
  const config = { revision: 1, language: $("language").value };
  const policy = $("privacyPolicyUrl").value.trim();
  if (policy) config.privacyPolicyUrl = policy;
  config.categories = categories;
  config.services = services;
  const texts = {};
  if ($("title").value.trim()) texts.title = $("title").value.trim();
  if ($("description").value.trim()) texts.description = $("description").value.trim();
  if (Object.keys(texts).length) config.texts = texts;
  const offered = LANGUAGES.filter((code) => code !== config.language && $(`offer-${code}`).checked);
  if (offered.length) config.translations = Object.fromEntries(offered.map((code) => [code, {}]));
  config.layout = $("layout").value;
  config.theme = $("theme").value;
  if ($("closeButton").checked) config.closeButton = true;
  if ($("preferencesButton").checked) config.preferencesButton = true;
  return config;
}

/** JSON for inside a <script> element: no `</` or `<!--` can end or confuse the element. */
const forScript = (json) => json.replace(/<(\/|!--)/g, "\\u003c$1");

function snippet(configText) {
  const host = $("host").value.trim() || "/";
  const folder = host.endsWith("/") ? host : `${host}/`;
  return `<script type="application/json" id="consent-gate-config">\n${forScript(configText)}\n</script>\n` +
    `<script src="${folder.replace(/"/g, "&quot;")}consent-gate.js"></script>`;
}

/** The cookie the previewed config stores its decision in (README, `cookie.name`). */
function cookieName(configText) {
  try {
    const name = JSON.parse(configText)?.cookie?.name;
    return typeof name === "string" ? name : "consent_gate";
  } catch {
    return "consent_gate";
  }
}

let generation = 0;
const problems = [];

// The preview frame reports here: each line consent-gate printed on its console.
window.builderReport = (from, level, text) => {
  if (from !== generation) return;
  // The gate names the element it read; here there is only the one config.
  problems.push({ level, text: text.replace(/^#consent-gate-config /, "") });
};

function showProblems(from) {
  if (from !== generation) return;
  const box = $("problems");
  box.replaceChildren();
  const errors = problems.filter((p) => p.level === "error");
  box.classList.toggle("bad", errors.length > 0);
  if (!problems.length) {
    box.append("No problems: the gate accepts this config.");
    return;
  }
  box.append(errors.length ? `${errors.length} problem${errors.length > 1 ? "s" : ""}; nothing is released until they are fixed:`
    : "Warnings:");
  box.append(element("ul", {}, ...problems.map((p) => element("li", { textContent: p.text }))));
}

/** Shows `configText` in the preview (a fresh decision each time) and its problems. */
function preview(configText) {
  generation += 1;
  problems.length = 0;
  $("snippet").value = snippet(configText);
  const name = JSON.stringify(cookieName(configText));
  const frame = $("preview");
  frame.onload = () => {
    const from = generation;
    setTimeout(() => showProblems(from), 50);
  };
  // The frame forgets the previous preview's decision, then reports what the gate prints.
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<script>
(function () {
  var name = ${forScript(name)}, from = ${generation};
  document.cookie = name + "=; Max-Age=0; Path=/";
  try { localStorage.removeItem(name); } catch (e) {}
  ["error", "warn"].forEach(function (level) {
    var original = console[level];
    console[level] = function (first) {
      var text = String(first);
      if (text.indexOf("consent-gate: ") === 0) parent.builderReport(from, level, text.slice(14));
      return original.apply(console, arguments);
    };
  });
})();
</script>
${snippet(configText)}
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1d1d1f}</style>
</head><body><h1>Your page</h1><p>This is how the banner looks on a page. Decide, then change the
config: the preview starts over.</p><p><button type="button" onclick="ConsentGate.showPreferences()">Cookie settings</button></p></body></html>`;
}

function fromForm(catalog) {
  const text = JSON.stringify(configFromForm(catalog), null, 2);
  $("config").value = text;
  preview(text);
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function start() {
  const response = await fetch("/presets/catalog.json");
  const catalog = (await response.json()).presets;
  const chosen = new Set(["ga4", "meta-pixel", "youtube"]);
  for (const preset of catalog) {
    const select = element("select", { id: `category-of-${preset.preset}` },
      ...CATEGORIES.map((c) => element("option", { value: c.id, textContent: c.id })));
    select.value = preset.service.category;
    select.setAttribute("aria-label", `${preset.name}: category`);
    $("presets").append(element("label", { title: preset.note ?? preset.service.provider },
      element("input", { type: "checkbox", id: `preset-${preset.preset}`, checked: chosen.has(preset.preset) }),
      element("span", { textContent: preset.name }), select));
  }
  for (const category of CATEGORIES) {
    $("categories").append(
      element("label", {}, `${category.id}: title `,
        element("input", { type: "text", id: `title-of-${category.id}`, value: category.title })),
      element("label", {}, `${category.id}: description `,
        element("input", { type: "text", id: `description-of-${category.id}`, value: category.description })));
  }
  for (const code of LANGUAGES) {
    $("language").append(element("option", { value: code, textContent: code }));
    $("languages").append(element("label", {},
      element("input", { type: "checkbox", id: `offer-${code}`, checked: ["de", "fr"].includes(code) }), code));
  }
  const update = debounce(() => fromForm(catalog), 250);
  $("form").addEventListener("input", update);
  $("form").addEventListener("change", update);
  $("config").addEventListener("input", debounce(() => preview($("config").value), 250));
  $("copy").addEventListener("click", () => navigator.clipboard?.writeText($("snippet").value));
  fromForm(catalog);
}

start().catch((error) => {
  $("problems").textContent = `The builder could not start: ${error.message}`;
  $("problems").classList.add("bad");
});
