/**
 * What a connect attempt ended in, shared by both tabs of "Neu verbinden" (so its test ids
 * exist once): the company connected to and how each webhook was set up, or the error, with
 * "your previous connection is untouched" when there was one and the core did not say so.
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import type { IpcError } from "../bindings/IpcError";
import type { Outcome } from "../bindings/Outcome";
import { h, replace } from "../dom";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, details, outcomesTable } from "./common";
import { webhookWarning } from "./webhook_problems";

export interface ConnectResultBox {
  /** The error box, then the result (in this order in the view). */
  errorHost: HTMLElement;
  resultHost: HTMLElement;
  showError(e: IpcError): void;
  showResult(r: ConnectResult): void;
  clear(): void;
}

/** Ends a sentence with one period: German company names often end with one already. */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function connectResultBox(): ConnectResultBox {
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "connect-error");
  const resultHost = h("div", { class: "result", tabindex: "-1" });

  function clear(): void {
    error.clear();
    replace(resultHost);
  }

  function showError(e: IpcError): void {
    replace(resultHost);
    const s = store.status.get();
    // Said once: the core's message may already say that the old connection is untouched.
    const saysSo = /bisherige Verbindung|previous connection/i.test(e.message);
    const untouched = s && s.state !== "not_connected" && !saysSo ? h("p", { i18n: "reconnect.previous_untouched" }) : null;
    error.set(e.message, ...(untouched ? [untouched] : []));
  }

  function showResult(r: ConnectResult): void {
    store.status.set(r.status);
    error.clear();
    const parts: HTMLElement[] = [
      h("p", {
        testid: "connect-company",
        class: "success",
        role: "status",
        i18n: "reconnect.connected_to",
        // The company ends the sentence: "Dr. Anna Beispiel e. K." brings its own period.
        i18nParams: { company_sentence: endSentence(r.company ?? "Lexware Office") },
      }),
      ...webhookParts(r),
    ];
    resultHost.classList.toggle("result-warn", parts.some((p) => p.getAttribute("role") === "alert"));
    replace(resultHost, ...parts);
    resultHost.focus();
  }

  function webhookParts(r: ConnectResult): HTMLElement[] {
    if (r.webhooks && r.webhooks.length > 0) {
      const warning = webhookWarning(r.webhooks, retryWebhooks, "connect-webhook-warning");
      return [...(warning ? [warning] : []), ...resultTable(r.webhooks)];
    }
    if (r.webhooks_error) return [webhooksFailed(r.webhooks_error)];
    return [h("p", { class: "muted", i18n: "reconnect.webhooks_none" })];
  }

  /** No list of outcomes at all (listing the subscriptions failed): the error and a retry. */
  function webhooksFailed(text: string): HTMLElement {
    const retry = h("button", { type: "button", testid: "connect-webhook-warning-retry", i18n: "webhook_fail.retry" });
    retry.addEventListener("click", () => void busy(retry, retryWebhooks).catch(() => undefined));
    return h(
      "div",
      { testid: "connect-webhook-warning", class: "callout callout-warn", role: "alert" },
      h("p", { i18n: "reconnect.webhooks_failed" }),
      details("connect-webhook-warning-details", h("p", { class: "mono", text })),
      h("div", { class: "actions" }, retry),
    );
  }

  /** "Erneut versuchen" after a connect: sets the webhooks up again and shows the new result. */
  async function retryWebhooks(): Promise<void> {
    const outcomes = await ipc.syncWebhooks().catch((e) => {
      error.set(ipc.toIpcError(e).message);
      return null;
    });
    if (!outcomes) return;
    const status = await ipc.getStatus().catch(() => null);
    if (status) store.status.set(status);
    const company = resultHost.querySelector('[data-testid="connect-company"]');
    const warning = webhookWarning(outcomes, retryWebhooks, "connect-webhook-warning");
    replace(
      resultHost,
      company,
      ...(warning ? [warning] : [h("p", { testid: "webhook-retry-ok", class: "success", i18n: "webhook_fail.all_good" })]),
      ...resultTable(outcomes),
    );
  }

  return { errorHost, resultHost, showError, showResult, clear };
}

function resultTable(outcomes: Outcome[]): HTMLElement[] {
  return [h("h3", { i18n: "reconnect.webhooks_title" }), outcomesTable(outcomes, "webhook-results")];
}
