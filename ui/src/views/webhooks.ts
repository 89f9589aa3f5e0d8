/**
 * The webhooks (event subscriptions) lexguard sets up again after every new connection: an
 * editable list of the desired ones, "set up again now" with a per-item result, and what
 * exists at Lexware without being managed here (left alone by lexguard).
 *
 * The list can be edited without a connection (it is only configuration); only the table of
 * unmanaged subscriptions needs Lexware, and says why when it cannot be had.
 */

import { EVENT_WORDS } from "../bindings/eventWords";
import { LIMITS } from "../bindings/limitsData";
import type { Subscription } from "../bindings/Subscription";
import type { WebhookSpec } from "../bindings/WebhookSpec";
import { h, replace, show, uid } from "../dom";
import { label, labelAttr, lang, onLangChange, type Key, type Params } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { checkCallbackUrl, duplicateRows } from "../validate";
import { AlertSlot, busy, note, noteHost, outcomesTable } from "./common";
import { webhookWarning } from "./webhook_problems";

/** "Rechnung erstellt" for `invoice.created` (the core's words); null for a type the contract lacks. */
export function eventTypeText(type: string, l = lang()): string | null {
  return EVENT_WORDS[type]?.[l] ?? null;
}

function optionText(type: string): string {
  const text = eventTypeText(type);
  return text ? `${text} (${type})` : type;
}

interface RowRefs {
  tr: HTMLTableRowElement;
  select: HTMLSelectElement;
  input: HTMLInputElement;
  selectError: HTMLElement;
  inputError: HTMLElement;
}

function setFieldError(field: HTMLElement, el: HTMLElement, message: { key: Key; params?: Params } | string | null): void {
  if (message === null) {
    replace(el);
    show(el, false);
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
    return;
  }
  if (typeof message === "string") {
    el.removeAttribute("data-i18n");
    el.textContent = message;
  } else {
    label(el, message.key, message.params);
  }
  show(el, true);
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", el.id);
}

function same(a: WebhookSpec[], b: WebhookSpec[]): boolean {
  return a.length === b.length && a.every((w, i) => w.event_type === b[i]!.event_type && w.callback_url === b[i]!.callback_url);
}

export function webhooksView(): { element: HTMLElement; refresh(): void } {
  const tbody = h("tbody");
  const emptyRow = h("p", { class: "muted", i18n: "webhooks.empty" });
  const table = h(
    "table",
    { testid: "webhooks-table", class: "table edit-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "col-type", i18n: "outcome.event_type" }),
        h("th", { scope: "col", i18n: "outcome.callback_url" }),
        h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", i18n: "webhooks.actions" })),
      ),
    ),
    tbody,
  );
  const add = h("button", { type: "button", testid: "webhook-add", i18n: "webhooks.add" });
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
  const unmanaged = h("div", { testid: "webhooks-unmanaged", class: "unmanaged" });

  const element = h(
    "section",
    { id: "view-webhooks", class: "view", "aria-labelledby": "webhooks-heading" },
    h("h2", { id: "webhooks-heading", i18n: "nav.webhooks" }),
    h("p", { class: "intro", i18n: "webhooks.intro" }),
    table,
    emptyRow,
    h("div", { class: "actions" }, add),
    h("div", { class: "actions actions-main" }, save, sync, saveNote),
    offer,
    errorHost,
    syncHost,
    h("h2", { i18n: "webhooks.unmanaged_title" }),
    h("p", { class: "muted", i18n: "webhooks.unmanaged_text" }),
    unmanaged,
  );

  /** The official list, generated from the core's contract: no round trip needed. */
  const types: readonly string[] = LIMITS.event_types;
  let saved: WebhookSpec[] | null = null;
  let rows: RowRefs[] = [];
  let existing: Subscription[] | null = null;
  let listError: string | null = null;
  let loading = false;

  function current(): WebhookSpec[] {
    return rows.map((r) => ({ event_type: r.select.value, callback_url: r.input.value.trim() }));
  }

  function dirty(): boolean {
    return saved !== null && !same(current(), saved);
  }

  function fillOptions(select: HTMLSelectElement, value: string): void {
    const all = types.includes(value) || value === "" ? types : [value, ...types];
    replace(select, ...all.map((type) => h("option", { value: type, text: optionText(type) })));
    select.value = value;
  }

  function renumber(): void {
    rows.forEach((r, i) => {
      labelAttr(r.select, "aria-label", "webhooks.row_event_type", { n: i + 1 });
      labelAttr(r.input, "aria-label", "webhooks.row_callback_url", { n: i + 1 });
      const remove = r.tr.querySelector("button.remove");
      if (remove) labelAttr(remove, "aria-label", "webhooks.row_remove", { n: i + 1 });
    });
    show(emptyRow, rows.length === 0);
  }

  function addRow(spec: WebhookSpec): RowRefs {
    const select = h("select", { class: "event-type" });
    fillOptions(select, spec.event_type);
    const input = h("input", {
      type: "url",
      class: "callback-url mono",
      value: spec.callback_url,
      autocomplete: "off",
      spellcheck: "false",
      placeholder: "https://",
    });
    const selectError = h("p", { id: uid("err"), class: "field-error" });
    const inputError = h("p", { id: uid("err"), class: "field-error" });
    show(selectError, false);
    show(inputError, false);
    const remove = h("button", { type: "button", class: "remove", i18n: "webhooks.remove" });
    const tr = h(
      "tr",
      { class: "webhook-row" },
      h("td", {}, select, selectError),
      h("td", {}, input, inputError),
      h("td", { class: "row-actions" }, remove),
    );
    const refs: RowRefs = { tr, select, input, selectError, inputError };
    input.addEventListener("input", () => setFieldError(input, inputError, null));
    input.addEventListener("blur", () => {
      if (input.value.trim() !== "") setFieldError(input, inputError, checkCallbackUrl(input.value, store.isDemo()));
    });
    select.addEventListener("change", () => setFieldError(select, selectError, null));
    remove.addEventListener("click", () => {
      const i = rows.indexOf(refs);
      rows.splice(i, 1);
      tr.remove();
      renumber();
      (rows[i]?.select ?? rows[i - 1]?.select ?? add).focus();
    });
    rows.push(refs);
    tbody.appendChild(tr);
    return refs;
  }

  function setRows(specs: WebhookSpec[]): void {
    replace(tbody);
    rows = [];
    for (const s of specs) addRow(s);
    renumber();
  }

  /** Client-side checks; marks the fields and returns false when something is wrong. */
  function validate(): boolean {
    const demo = store.isDemo();
    let first: HTMLElement | null = null;
    const dupes = new Set(duplicateRows(rows.map((r) => r.select.value)));
    rows.forEach((r, i) => {
      const urlProblem = checkCallbackUrl(r.input.value, demo);
      setFieldError(r.input, r.inputError, urlProblem);
      const typeProblem = r.select.value === "" ? { key: "webhooks.type_empty" as Key } : dupes.has(i) ? { key: "webhooks.type_twice" as Key } : null;
      setFieldError(r.select, r.selectError, typeProblem);
      if (!first && typeProblem) first = r.select;
      if (!first && urlProblem) first = r.input;
    });
    (first as HTMLElement | null)?.focus();
    return first === null;
  }

  /** `webhooks[2].callback_url` from the backend: marks that row's field. */
  function markBackendField(field: string | null, message: string): void {
    const m = field ? /^webhooks\[(\d+)\]\.(event_type|callback_url)$/.exec(field) : null;
    const row = m ? rows[Number(m[1])] : undefined;
    if (!m || !row) return;
    if (m[2] === "callback_url") setFieldError(row.input, row.inputError, message);
    else setFieldError(row.select, row.selectError, message);
  }

  function renderUnmanaged(): void {
    if (listError !== null) {
      replace(unmanaged, h("p", { class: "callout", text: listError }));
      return;
    }
    if (existing === null) {
      replace(unmanaged, h("p", { class: "muted", i18n: "common.loading" }));
      return;
    }
    const desired = new Set((saved ?? []).map((w) => w.event_type));
    const others = existing.filter((s) => !desired.has(s.eventType));
    if (others.length === 0) {
      replace(unmanaged, h("p", { class: "muted", i18n: "webhooks.unmanaged_none" }));
      return;
    }
    replace(
      unmanaged,
      h(
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
      ),
    );
  }

  function adoptSaved(specs: WebhookSpec[]): void {
    saved = specs;
    setRows(specs);
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
    if (!validate()) return false;
    try {
      const result = await busy(save, () => ipc.saveWebhooks(current()));
      adoptSaved(result);
      note(saveNote, "common.saved", "webhook-saved");
      const state = store.status.get()?.state;
      show(offer, state === "healthy" || state === "degraded");
      return true;
    } catch (e) {
      const err = ipc.toIpcError(e);
      error.set(err.message);
      markBackendField(err.field, err.message);
      return false;
    }
  }

  add.addEventListener("click", () => {
    const used = new Set(rows.map((r) => r.select.value));
    const preferred = ["invoice.created", "token.revoked"].find((tp) => types.includes(tp) && !used.has(tp));
    const type = preferred ?? types.find((tp) => !used.has(tp)) ?? types[0] ?? "";
    const row = addRow({ event_type: type, callback_url: "" });
    renumber();
    row.input.focus();
  });

  save.addEventListener("click", () => void doSave());

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
  sync.addEventListener("click", () => void runSync(sync));
  offerSync.addEventListener("click", () => void runSync(offerSync));

  // Until the listing arrives, the configured list from the status is what is saved.
  store.status.subscribe((s) => {
    if (saved === null || (!dirty() && !same(s.webhooks, saved))) adoptSaved(s.webhooks);
  });
  onLangChange(() => {
    for (const r of rows) fillOptions(r.select, r.select.value);
  });
  renumber();
  renderUnmanaged();

  return { element, refresh: () => void refresh() };
}
