/**
 * Pieces more than one view uses: the per-subscription result table (after connecting and
 * after a webhook sync), error boxes, and buttons that show they are busy.
 */

import type { Outcome } from "../bindings/Outcome";
import { h, replace, show } from "../dom";
import type { Key } from "../i18n";

/**
 * One row per subscription: event type, callback URL, what happened. Rows carry
 * `data-event-type`, the result cell `td.action[data-action]`, for the end-to-end suite.
 * A fourth column with the error text appears only when some row has one.
 */
export function outcomesTable(outcomes: Outcome[], testid: string): HTMLTableElement {
  const withErrors = outcomes.some((o) => o.error);
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", i18n: "outcome.event_type" }),
    h("th", { scope: "col", i18n: "outcome.callback_url" }),
    h("th", { scope: "col", i18n: "outcome.result" }),
    withErrors && h("th", { scope: "col", i18n: "outcome.error" }),
  );
  const rows = outcomes.map((o) =>
    h(
      "tr",
      { "data-event-type": o.event_type },
      h("td", { class: "mono", text: o.event_type }),
      h("td", { class: "mono url", text: o.callback_url }),
      h("td", {
        class: `action action-${o.action}`,
        "data-action": o.action,
        i18n: `action.${o.action}` as Key,
      }),
      withErrors && h("td", { class: "outcome-error", text: o.error ?? "" }),
    ),
  );
  return h("table", { testid, class: "table" }, h("thead", {}, head), h("tbody", {}, ...rows));
}

/** A `role="alert"` box: created when there is an error, removed when there is none. */
export class AlertSlot {
  constructor(
    private readonly host: HTMLElement,
    private readonly testid: string,
  ) {}

  /** `lead` is a localized message from the backend; `extra` are further lines (i18n or plain). */
  set(message: string, ...extra: (HTMLElement | string)[]): void {
    replace(
      this.host,
      h("div", { testid: this.testid, role: "alert", class: "alert alert-error" }, h("p", { text: message }), ...extra),
    );
  }

  clear(): void {
    replace(this.host);
  }

  get active(): boolean {
    return this.host.firstChild !== null;
  }
}

/** Disables the button while `work` runs and marks it busy, so a double click does nothing. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/**
 * A short confirmation next to a button ("Gespeichert."), replaced on the next action. The
 * host is a persistent polite live region (see `noteHost`), so screen readers announce it.
 */
export function noteHost(): HTMLElement {
  return h("span", { class: "note-host", "aria-live": "polite" });
}

export function note(host: HTMLElement, key: Key | null, testid?: string): void {
  if (key === null) {
    replace(host);
    show(host, false);
    return;
  }
  replace(host, h("span", { testid, class: "note", i18n: key }));
  show(host, true);
}
