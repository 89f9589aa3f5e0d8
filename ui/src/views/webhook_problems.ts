/**
 * A webhook that could not be set up is a warning, never a footnote in a green card: the
 * person's shop stops hearing from Lexware. Each failure is explained in plain words with the
 * fix; the server's own text (English, technical) is only behind "Details".
 *
 * The core hands over one sentence per failure (`Outcome.error`) and the facts behind it:
 * Lexware's HTTP status (`Outcome.status`, 406 = its callback check failed) and the error's kind.
 */

import type { Outcome } from "../bindings/Outcome";
import { h } from "../dom";
import { label, type Key, type Params } from "../i18n";
import { busy, details } from "./common";

/** Which plain explanation fits a failed outcome. */
export function explainFailure(o: Outcome): { key: Key; params: Params } {
  const text = o.error ?? "";
  const status = o.status ?? 0;
  const params = { url: o.callback_url };
  if (status === 406 && /callback|HEAD/i.test(text)) return { key: "webhook_fail.unreachable", params };
  if (status === 406 || status === 400) return { key: "webhook_fail.refused", params };
  if (status === 409) return { key: "webhook_fail.conflict", params };
  if (status === 401 || status === 403 || /\b401\b|\b403\b/.test(text)) return { key: "webhook_fail.forbidden", params };
  if (status === 429 || /429/.test(text)) return { key: "webhook_fail.busy", params };
  if (status >= 500) return { key: "webhook_fail.server", params };
  if (o.error_kind === "network" || o.error_kind === "timeout") return { key: "webhook_fail.network", params };
  return { key: "webhook_fail.other", params };
}

export function failedOutcomes(outcomes: Outcome[] | null | undefined): Outcome[] {
  return (outcomes ?? []).filter((o) => o.action === "failed");
}

/**
 * The warning box for the failed ones (null when none failed). `retry` sets them up again;
 * it resolves when done (the caller shows the new result). Each view passes its own `testid`
 * (the views share one page, and the end-to-end suite finds elements by it).
 */
export function webhookWarning(outcomes: Outcome[], retry: (() => Promise<unknown>) | null, testid = "webhook-warning"): HTMLElement | null {
  const failed = failedOutcomes(outcomes);
  if (failed.length === 0) return null;
  const items = failed.map((o) => {
    const why = explainFailure(o);
    return h(
      "li",
      { "data-event-type": o.event_type },
      h("span", { class: "mono", text: o.event_type }),
      " – ",
      h("span", { class: "why", i18n: why.key, i18nParams: why.params }),
    );
  });
  const raw = h(
    "ul",
    { class: "raw" },
    ...failed.map((o) =>
      h("li", { class: "mono", text: `${o.event_type} → ${o.callback_url}: ${o.error ?? "–"}${o.detail ? ` (Lexware: ${o.detail})` : ""}` }),
    ),
  );
  const title = h("p", { class: "strong" });
  label(title, failed.length === 1 ? "webhook_fail.title_one" : "webhook_fail.title_many", { n: failed.length });
  const box = h(
    "div",
    { testid, class: "callout callout-warn", role: "alert" },
    title,
    h("ul", { class: "problems" }, ...items),
    details(`${testid}-details`, raw),
  );
  if (retry) {
    const button = h("button", { type: "button", testid: `${testid}-retry`, i18n: "webhook_fail.retry" });
    button.addEventListener("click", () => void busy(button, retry).catch(() => undefined));
    box.appendChild(h("div", { class: "actions" }, button));
  }
  return box;
}
