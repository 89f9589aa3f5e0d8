/**
 * Pieces more than one view uses: the per-subscription result table (after connecting and
 * after a webhook sync), error boxes, and buttons that show they are busy.
 */

import type { Outcome } from "../bindings/Outcome";
import { h, replace, show } from "../dom";
import type { Key } from "../i18n";
import * as ipc from "../ipc";

/**
 * One row per subscription: event type, callback URL, what happened. Rows carry
 * `data-event-type`, the result cell `td.action[data-action]`, for the end-to-end suite.
 * The server's raw text is not here: a failed row is explained by `webhookWarning`, with the
 * raw text behind its "Details".
 */
export function outcomesTable(outcomes: Outcome[], testid: string): HTMLTableElement {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", i18n: "outcome.event_type" }),
    h("th", { scope: "col", i18n: "outcome.callback_url" }),
    h("th", { scope: "col", i18n: "outcome.result" }),
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

/** A "Details" disclosure: technical facts stay out of the main text but are one click away. */
export function details(testid: string, ...children: (HTMLElement | null)[]): HTMLDetailsElement {
  return titledDetails(testid, "common.details", ...children);
}

export function titledDetails(testid: string, summary: Key, ...children: (HTMLElement | null)[]): HTMLDetailsElement {
  return h("details", { testid, class: "details" }, h("summary", { i18n: summary }), ...children);
}

/**
 * A real link (`href`, so it can be read and copied) that opens in the browser: a link
 * followed inside the webview would replace the window.
 */
export function externalLink(url: string, testid: string): HTMLAnchorElement {
  const a = h("a", { href: url, testid, class: "external", rel: "noopener", text: url.replace(/^https:\/\//, "") });
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    void ipc.openLink(url).catch(() => undefined);
  });
  return a;
}

/** Copies `text()` to the clipboard; without a clipboard it selects `fallback` for Ctrl+C. */
export function copyButton(text: () => string, fallback: HTMLElement, testid: string, copied: Key = "common.copied"): HTMLElement {
  const button = h("button", { type: "button", testid, i18n: "common.copy" });
  const host = noteHost();
  button.addEventListener("click", async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text());
      note(host, copied);
    } catch {
      if (fallback instanceof HTMLInputElement) fallback.select();
      else {
        const range = document.createRange();
        range.selectNodeContents(fallback);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
      note(host, "common.copy_selected");
    }
  });
  return h("span", { class: "copy" }, button, host);
}

export interface Row {
  row: HTMLElement;
  value: HTMLElement;
}

/** One fact of a `<dl class="facts">`: its label and the element its value goes in. */
export function factRow(key: Key, testid?: string): Row {
  const value = h("dd", { testid });
  const row = h("div", { class: "fact" }, h("dt", { i18n: key }), value);
  return { row, value };
}
