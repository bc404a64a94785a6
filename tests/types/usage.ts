// Every API call and event the README shows, under `tsc --strict` (make types, part of make test).
// It only has to compile: what the calls do is the e2e suite's business.

import init, {
  acceptAll,
  accepted,
  acceptedService,
  exportRecord,
  forget,
  get,
  hide,
  on,
  ready,
  rejectAll,
  set,
  setLanguage,
  show,
  showPreferences,
  withdraw,
  type ConsentChange,
  type ConsentGateConfig,
  type ConsentRecord,
  type Readiness,
} from "../../pkg/consent_gate.js";

export async function esModule(): Promise<void> {
  await init();
  await init({ nonce: "r4nd0m", interface: "/static/consent-gate.ui.en.js" });
  const readiness: Readiness = await ready();
  const complete: boolean = readiness.protections.complete;
  const record: ConsentRecord | null = get();
  const method: string | undefined = record?.method;
  const analytics: boolean = accepted("analytics");
  const youtube: boolean = acceptedService("youtube");
  acceptAll();
  rejectAll();
  set({ categories: { analytics: true }, services: { youtube: false } });
  show();
  showPreferences();
  hide();
  withdraw();
  setLanguage("de");
  const exported: string | null = exportRecord();
  forget();
  const off: () => void = on("change", (detail) => {
    const granted: string[] = detail.granted.categories;
    const first: boolean = detail.first;
    console.log(granted, first, detail.survivors, detail.revoked.services);
  });
  off();
  on("consent", (detail: ConsentChange) => console.log(detail.method));
  on("ready", (detail) => console.log(detail.protections.refused));
  on("show", (detail) => console.log(detail === null));
  on("hide", () => undefined);
  console.log(complete, method, analytics, youtube, exported);
}

// The classic script's global, before the gate runs (the README's stub queues and returns
// Promises) and after (answers at once): `await` works on both.
export async function classic(): Promise<void> {
  await window.ConsentGate.ready();
  const analytics: boolean = await window.ConsentGate.accepted("analytics");
  const record: ConsentRecord | null = await window.ConsentGate.get();
  await window.ConsentGate.set({ categories: { marketing: false } });
  const off = await window.ConsentGate.on("change", (detail) => console.log(detail.granted.services));
  off();
  console.log(analytics, record);
}

// A config written in TypeScript, as the README's example.
export const config: ConsentGateConfig = {
  $schema: "./node_modules/consent-gate/consent-gate.schema.json",
  revision: 1,
  categories: [
    { id: "necessary", required: true, title: "Necessary", consentMode: ["security_storage"] },
    { id: "analytics", title: "Analytics", consentMode: ["analytics_storage"] },
  ],
  services: [{ id: "google-analytics", category: "analytics", urls: ["www.googletagmanager.com/gtag/js"] }],
  texts: { acceptAll: "Accept all", rejectAll: "Reject all" },
  translations: { de: { acceptAll: "Alle akzeptieren", categories: { analytics: { title: "Statistik" } } } },
  gpc: { mode: "us", categories: ["marketing"] },
  consentMode: { enabled: true, waitForUpdate: 500 },
  lockdown: { ownHosts: ["cdn.shop.example"] },
};
