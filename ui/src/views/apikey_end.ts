/**
 * "Gültig bis" for a public API key: the date Lexware shows next to the key. Keys live at
 * most 24 months and can be extended in Lexware; left empty, lexguard assumes 24 months and
 * says so.
 */

import { h } from "../dom";

export interface EndField {
  el: HTMLElement;
  /** The date as typed (YYYY-MM-DD), or `null` when left empty. */
  value(): string | null;
}

export function apikeyEndField(): EndField {
  const input = h("input", { type: "date", id: "apikey-end", testid: "apikey-end", class: "short" }) as HTMLInputElement;
  const el = h(
    "div",
    { class: "field" },
    h("label", { for: "apikey-end", i18n: "reconnect.apikey_end_label" }),
    input,
    h("p", { class: "muted", i18n: "reconnect.apikey_end_hint" }),
  );
  return { el, value: () => (input.value.trim() === "" ? null : input.value.trim()) };
}
