/**
 * The webhooks (event subscriptions) lexguard sets up again after every new connection: an
 * editable list of the desired ones (`webhook_rows.ts`), "set up again now" with a per-item
 * result, and what exists at Lexware without being managed here (`unmanaged_webhooks.ts`).
 *
 * The list can be edited without a connection (it is only configuration); only the table of
 * unmanaged subscriptions needs Lexware, and says why when it cannot be had.
 */

import type { Subscription } from "../bindings/Subscription";
import type { WebhookSpec } from "../bindings/WebhookSpec";
import { h, replace, show } from "../dom";
import { onLangChange } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, note, noteHost, outcomesTable } from "./common";
import { unmanagedBox } from "./unmanaged_webhooks";
import { webhookRows } from "./webhook_rows";
import { webhookWarning } from "./webhook_problems";

export { eventTypeText } from "./webhook_rows";

function same(a: WebhookSpec[], b: WebhookSpec[]): boolean {
  return a.length === b.length && a.every((w, i) => w.event_type === b[i]!.event_type && w.callback_url === b[i]!.callback_url);
}

export function webhooksView(): { element: HTMLElement; refresh(): void } {
  const add = h("button", { type: "button", testid: "webhook-add", i18n: "webhooks.add" });
  const rows = webhookRows(add);
  const save = h("button", { type: "button", testid: "webhook-save", class: "primary", i18n: "common.save" });
  const sync = h("button", { type: "button", testid: "webhook-sync", i18n: "webhooks.sync" });
  const saveNote = noteHost();
  /** After a save: "Jetzt bei Lexware einrichten?" — the list is only a wish until then. */
  const offer = h("div", { testid: "webhook-offer", class: "callout" });
  const offerSync = h("button", { type: "button", testid: "webhook-save-sync", class: "primary", i18n: "webhooks.offer_sync" });
  offer.append(h("p", { i18n: "webhooks.offer_text" }), h("div", { class: "actions" }, offerSync));
  show(offer, false);
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "webhook-error");
  const syncHost = h("div", { class: "result" });
  const unmanaged = unmanagedBox();

  const element = h(
    "section",
    { id: "view-webhooks", class: "view", "aria-labelledby": "webhooks-heading" },
    h("h2", { id: "webhooks-heading", i18n: "nav.webhooks" }),
    h("p", { class: "intro", i18n: "webhooks.intro" }),
    rows.table,
    rows.emptyRow,
    h("div", { class: "actions" }, add),
    h("div", { class: "actions actions-main" }, save, sync, saveNote),
    offer,
    errorHost,
    syncHost,
    h("h2", { i18n: "webhooks.unmanaged_title" }),
    h("p", { class: "muted", i18n: "webhooks.unmanaged_text" }),
    unmanaged.element,
  );

  let saved: WebhookSpec[] | null = null;
  let existing: Subscription[] | null = null;
  let listError: string | null = null;
  let loading = false;

  const dirty = () => saved !== null && !same(rows.current(), saved);
  const renderUnmanaged = () => unmanaged.render(existing, listError, new Set((saved ?? []).map((w) => w.event_type)));

  function adoptSaved(specs: WebhookSpec[]): void {
    saved = specs;
    rows.set(specs);
    renderUnmanaged();
  }

  /** Loads the listing; keeps unsaved edits. */
  async function refresh(): Promise<void> {
    if (loading) return;
    loading = true;
    try {
      const listing = await ipc.listWebhooks();
      existing = listing.existing;
      listError = null;
      if (!dirty()) adoptSaved(listing.desired);
      else {
        saved = listing.desired;
        renderUnmanaged();
      }
    } catch (e) {
      listError = ipc.toIpcError(e).message;
      renderUnmanaged();
    } finally {
      loading = false;
    }
  }

  async function doSave(): Promise<boolean> {
    error.clear();
    note(saveNote, null);
    if (!rows.validate()) return false;
    try {
      const result = await busy(save, () => ipc.saveWebhooks(rows.current()));
      adoptSaved(result);
      note(saveNote, "common.saved", "webhook-saved");
      const state = store.status.get()?.state;
      show(offer, state === "healthy" || state === "degraded");
      return true;
    } catch (e) {
      const err = ipc.toIpcError(e);
      error.set(err.message);
      rows.markBackendField(err.field, err.message);
      return false;
    }
  }

  async function runSync(button: HTMLButtonElement): Promise<void> {
    // Set up what the person sees: unsaved edits are saved first.
    if (dirty() && !(await doSave())) return;
    error.clear();
    show(offer, false);
    replace(syncHost);
    try {
      const outcomes = await busy(button, ipc.syncWebhooks);
      syncHost.classList.toggle("result-warn", outcomes.some((o) => o.action === "failed"));
      replace(
        syncHost,
        webhookWarning(outcomes, () => runSync(sync)),
        h("h3", { i18n: "webhooks.sync_results" }),
        outcomes.length > 0 ? outcomesTable(outcomes, "webhook-sync-results") : h("p", { class: "muted", i18n: "webhooks.sync_nothing" }),
      );
      const status = await ipc.getStatus().catch(() => null);
      if (status) store.status.set(status);
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
    }
    void refresh();
  }

  add.addEventListener("click", () => rows.addNew());
  save.addEventListener("click", () => void doSave());
  sync.addEventListener("click", () => void runSync(sync));
  offerSync.addEventListener("click", () => void runSync(offerSync));

  // Until the listing arrives, the configured list from the status is what is saved.
  store.status.subscribe((s) => {
    if (saved === null || (!dirty() && !same(s.webhooks, saved))) adoptSaved(s.webhooks);
  });
  onLangChange(() => rows.relabel());
  renderUnmanaged();

  return { element, refresh: () => void refresh() };
}
