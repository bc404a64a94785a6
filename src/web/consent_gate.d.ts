// consent-gate's ES module (pkg/consent_gate.js, written by scripts/bundle.mjs --small-esm):
// the API's types, and the config's for code that writes one.
/** The record of a visitor's decision, as `get()` returns it. */
export interface ConsentRecord {
  consentId: string;
  firstDecidedAt: number;
  lastChangedAt: number;
  expiresAt: number;
  revision: number;
  textsHash: string;
  language: string;
  method: "accept-all" | "reject-all" | "custom" | "api" | "gpc";
  gpc: boolean;
  categories: Record<string, boolean>;
  services: Record<string, boolean>;
}

/** Categories and services granted or revoked. */
export interface ConsentGrants {
  categories: string[];
  services: string[];
}

/** The `detail` of `consent` and `change` events. */
export interface ConsentChange {
  first: boolean;
  method: ConsentRecord["method"];
  granted: ConsentGrants;
  revoked: ConsentGrants;
  survivors: string[];
}

/** What `ready()` resolves with (and the `ready` event's `detail`). */
export interface Readiness {
  /** `complete` is false when the page kept the gate from wrapping something: `refused` names
   *  each (a frozen prototype, a non-configurable `fetch`, no `MutationObserver`). */
  protections: { complete: boolean; refused: string[] };
}

/** Each event's `detail`. */
export interface ConsentEventDetail {
  ready: Readiness;
  consent: ConsentChange;
  change: ConsentChange;
  show: null;
  hide: null;
}

export type ConsentEvent = keyof ConsentEventDetail;

/** What `set()` takes: ids of optional categories and services, granted or not. */
export interface ConsentChoices {
  categories?: Record<string, boolean>;
  services?: Record<string, boolean>;
}

/** The consent-gate API once the gate runs (the ES module's exports, and `window.ConsentGate`). */
export interface ConsentGateApi {
  ready(): Promise<Readiness>;
  get(): ConsentRecord | null;
  accepted(category: string): boolean;
  acceptedService(service: string): boolean;
  acceptAll(): void;
  rejectAll(): void;
  set(choices: ConsentChoices): void;
  show(): void;
  showPreferences(): void;
  hide(): void;
  withdraw(): void;
  on<E extends ConsentEvent>(event: E, listener: (detail: ConsentEventDetail[E]) => void): () => void;
  setLanguage(code: string): void;
  exportRecord(): string | null;
  forget(): void;
}

type Queued<F> = F extends (...args: infer A) => infer R ? (...args: A) => R | Promise<Awaited<R>> : never;

/** `window.ConsentGate`: until the gate runs, the README's stub queues each call and returns a
 *  Promise of its result; after, the calls answer at once. `await` works on both. */
export type ConsentGateGlobal = { [K in Exclude<keyof ConsentGateApi, "on">]: Queued<ConsentGateApi[K]> } & {
  on<E extends ConsentEvent>(event: E, listener: (detail: ConsentEventDetail[E]) => void): (() => void) | Promise<() => void>;
  q?: unknown[];
};

/** A Google Consent Mode v2 signal. */
export type ConsentModeSignal =
  | "ad_storage" | "ad_user_data" | "ad_personalization" | "analytics_storage"
  | "functionality_storage" | "personalization_storage" | "security_storage";

/** The banner's and dialog's words (`texts`, and each translation). */
export type ConsentTextKey =
  | "title" | "description" | "acceptAll" | "rejectAll" | "customize" | "privacyPolicy"
  | "preferencesTitle" | "preferencesDescription" | "save" | "close" | "alwaysOn" | "servicesLabel"
  | "cookieName" | "cookieProvider" | "cookiePurpose" | "cookieDuration" | "settingsButton"
  | "placeholderMessage" | "loadOnce" | "alwaysAllow" | "gpcHonoured";

export interface ConsentItemTexts {
  title?: string;
  description?: string;
}

/** The site's config (the JSON in `<script type="application/json" id="consent-gate-config">`). */
export interface ConsentGateConfig {
  $schema?: string;
  revision?: number;
  expiryDays?: number;
  language?: string;
  displayLanguage?: string;
  categories: Array<{
    id: string;
    required?: boolean;
    preselected?: boolean;
    title?: string;
    description?: string;
    consentMode?: ConsentModeSignal[];
  }>;
  services?: Array<{
    id: string;
    category: string;
    title?: string;
    description?: string;
    provider?: string;
    privacyPolicyUrl?: string;
    cookies?: Array<{ name: string; domain?: string; path?: string; provider?: string; duration?: string; purpose?: string; thirdParty?: boolean }>;
    storage?: string[];
    urls?: string[];
    consentMode?: ConsentModeSignal[];
  }>;
  texts?: Partial<Record<ConsentTextKey, string>>;
  translations?: Record<string, Partial<Record<ConsentTextKey, string>> & {
    categories?: Record<string, ConsentItemTexts>;
    services?: Record<string, ConsentItemTexts>;
  }>;
  privacyPolicyUrl?: string;
  logEndpoint?: string;
  gpc?: { mode?: "eu" | "us" | "off"; categories?: string[] };
  cookie?: { name?: string; domain?: string; path?: string; sameSite?: "lax" | "strict" | "none" };
  layout?: "box" | "bar" | "bar-top" | "modal";
  theme?: "auto" | "light" | "dark";
  closeButton?: boolean;
  preferencesButton?: boolean;
  reloadOnWithdraw?: boolean;
  consentMode?: boolean | { enabled?: boolean; waitForUpdate?: number; regions?: string[]; adsDataRedaction?: boolean; urlPassthrough?: boolean };
  uet?: boolean;
  meta?: boolean;
  lockdown?: { meta?: boolean; ownHosts?: string[] };
}

/**
 * Starts the gate (the small gate, as an ES module): it follows a returning visitor's stored
 * decision at once, or loads the interface module (`consent-gate.ui.js`) from beside this file and
 * resolves once that has started. Rejects when the gate cannot be in force (the interface module
 * did not load or start, WebAssembly refused: the console says why); held markup stays held
 * either way. An invalid config resolves it too: the console names each field, and nothing is
 * released. Calling it again returns the same Promise (the first call's options hold).
 */
export default function init(options?: InitOptions): Promise<void>;

/** What the classic `<script>` tag would say in its attributes, which a module cannot read. */
export interface InitOptions {
  /**
   * The page's CSP nonce: the interface module is inserted with it, and so are the
   * scripts consent releases. Needed under a nonce-based `script-src` without `'strict-dynamic'`.
   */
  nonce?: string;
  /** The interface module's URL, as `data-interface` on the classic tag (default: beside the gate). */
  interface?: string;
}

// The ES module's functions, typed as they answer once `await init()` has resolved. Called
// before that, each is queued and returns a Promise of its answer (as the classic stub's calls do).
export function ready(): Promise<Readiness>;
export function get(): ConsentRecord | null;
export function accepted(category: string): boolean;
export function acceptedService(service: string): boolean;
export function acceptAll(): void;
export function rejectAll(): void;
export function set(choices: ConsentChoices): void;
export function show(): void;
export function showPreferences(): void;
export function hide(): void;
export function withdraw(): void;
export function on<E extends ConsentEvent>(event: E, listener: (detail: ConsentEventDetail[E]) => void): () => void;
export function setLanguage(code: string): void;
export function exportRecord(): string | null;
export function forget(): void;

declare global {
  interface Window {
    ConsentGate: ConsentGateGlobal;
  }
}
