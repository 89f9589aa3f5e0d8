/**
 * What exists at Lexware without being managed here: lexguard leaves it alone and says so.
 * Needs a connection; says why when the listing cannot be had.
 */

import type { Subscription } from "../bindings/Subscription";
import { h, replace } from "../dom";

export function unmanagedBox(): { element: HTMLElement; render(existing: Subscription[] | null, error: string | null, managed: Set<string>): void } {
  const element = h("div", { testid: "webhooks-unmanaged", class: "unmanaged" });
  function render(existing: Subscription[] | null, error: string | null, managed: Set<string>): void {
    if (error !== null) return replace(element, h("p", { class: "callout", text: error }));
    if (existing === null) return replace(element, h("p", { class: "muted", i18n: "common.loading" }));
    const others = existing.filter((s) => !managed.has(s.eventType));
    if (others.length === 0) return replace(element, h("p", { class: "muted", i18n: "webhooks.unmanaged_none" }));
    replace(element, unmanagedTable(others));
  }
  return { element, render };
}

function unmanagedTable(others: Subscription[]): HTMLTableElement {
  return h(
    "table",
    { class: "table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", i18n: "outcome.event_type" }),
        h("th", { scope: "col", i18n: "outcome.callback_url" }),
        h("th", { scope: "col", i18n: "webhooks.subscription_id" }),
      ),
    ),
    h(
      "tbody",
      {},
      ...others.map((s) =>
        h(
          "tr",
          { "data-event-type": s.eventType },
          h("td", { class: "mono", text: s.eventType }),
          h("td", { class: "mono url", text: s.callbackUrl }),
          h("td", { class: "mono muted", text: s.subscriptionId }),
        ),
      ),
    ),
  );
}
