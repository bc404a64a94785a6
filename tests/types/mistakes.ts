// What must not compile: each line below is a mistake the types catch. `@ts-expect-error` makes
// tsc fail if a line compiles after all (make types).

import init, { accepted, on, set, type ConsentGateConfig } from "../../pkg/consent_gate.js";

// @ts-expect-error: the nonce is a string, as the attribute is
void init({ nonce: 1234 });

// @ts-expect-error: not an event
on("changed", () => undefined);

on("change", (detail) => {
  // @ts-expect-error: a change's detail has no `categories` of its own
  console.log(detail.categories);
});

// @ts-expect-error: show's detail is null
on("show", (detail) => detail.first);

// @ts-expect-error: a category id is a string
accepted(1);

// @ts-expect-error: choices are booleans
set({ categories: { analytics: "yes" } });

// @ts-expect-error: get() may be null
export const method: string = window.ConsentGate.get().method;

export const config: ConsentGateConfig = {
  categories: [
    // @ts-expect-error: not a Consent Mode signal
    { id: "analytics", consentMode: ["analytics"] },
  ],
};

export const typo: ConsentGateConfig = {
  categories: [],
  // @ts-expect-error: the key is privacyPolicyUrl
  privacyPolicyURL: "/privacy",
};
