/**
 * The editable list of webhooks lexguard sets up: one row per subscription (event type, callback
 * address, remove), each field with its error line. The event types are the core's contract
 * (`LIMITS.event_types`), shown with the core's words.
 */

import { EVENT_WORDS } from "../bindings/eventWords";
import { LIMITS } from "../bindings/limitsData";
import type { WebhookSpec } from "../bindings/WebhookSpec";
import { h, replace, show } from "../dom";
import { labelAttr, lang, type Key } from "../i18n";
import * as store from "../store";
import { checkCallbackUrl, duplicateRows } from "../validate";
import { FieldError } from "./field_error";

/** "Rechnung erstellt" for `invoice.created` (the core's words); null for a type the contract lacks. */
export function eventTypeText(type: string, l = lang()): string | null {
  return EVENT_WORDS[type]?.[l] ?? null;
}

function optionText(type: string): string {
  const text = eventTypeText(type);
  return text ? `${text} (${type})` : type;
}

interface Row {
  tr: HTMLTableRowElement;
  select: HTMLSelectElement;
  input: HTMLInputElement;
  remove: HTMLButtonElement;
  selectError: FieldError;
  inputError: FieldError;
}

export interface WebhookRows {
  table: HTMLTableElement;
  /** "Noch keine Webhooks", shown when the list is empty. */
  emptyRow: HTMLElement;
  current(): WebhookSpec[];
  set(specs: WebhookSpec[]): void;
  /** Adds a row with a type not used yet (the usual two first) and puts the cursor in it. */
  addNew(): void;
  /** Client-side checks; marks the fields and returns false when something is wrong. */
  validate(): boolean;
  /** `webhooks[2].callback_url` from the backend: marks that row's field. */
  markBackendField(field: string | null, message: string): void;
  relabel(): void;
}

/** The official list, generated from the core's contract: no round trip needed. */
const TYPES: readonly string[] = LIMITS.event_types;

function fillOptions(select: HTMLSelectElement, value: string): void {
  const all = TYPES.includes(value) || value === "" ? TYPES : [value, ...TYPES];
  replace(select, ...all.map((type) => h("option", { value: type, text: optionText(type) })));
  select.value = value;
}

function rowFor(spec: WebhookSpec): Row {
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
  const selectError = new FieldError(select);
  const inputError = new FieldError(input);
  const remove = h("button", { type: "button", class: "remove", i18n: "webhooks.remove" });
  const tr = h(
    "tr",
    { class: "webhook-row" },
    h("td", {}, select, selectError.el),
    h("td", {}, input, inputError.el),
    h("td", { class: "row-actions" }, remove),
  );
  input.addEventListener("input", () => inputError.set(null));
  input.addEventListener("blur", () => {
    if (input.value.trim() !== "") inputError.set(checkCallbackUrl(input.value, store.isDemo()));
  });
  select.addEventListener("change", () => selectError.set(null));
  return { tr, select, input, remove, selectError, inputError };
}

/** `focusAfterRemove` gets the focus when the last row is removed. */
export function webhookRows(focusAfterRemove: HTMLElement): WebhookRows {
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
  let rows: Row[] = [];

  function renumber(): void {
    rows.forEach((r, i) => {
      labelAttr(r.select, "aria-label", "webhooks.row_event_type", { n: i + 1 });
      labelAttr(r.input, "aria-label", "webhooks.row_callback_url", { n: i + 1 });
      labelAttr(r.remove, "aria-label", "webhooks.row_remove", { n: i + 1 });
    });
    show(emptyRow, rows.length === 0);
  }

  function add(spec: WebhookSpec): Row {
    const row = rowFor(spec);
    row.remove.addEventListener("click", () => {
      const i = rows.indexOf(row);
      rows.splice(i, 1);
      row.tr.remove();
      renumber();
      (rows[i]?.select ?? rows[i - 1]?.select ?? focusAfterRemove).focus();
    });
    rows.push(row);
    tbody.appendChild(row.tr);
    return row;
  }

  function set(specs: WebhookSpec[]): void {
    replace(tbody);
    rows = [];
    for (const s of specs) add(s);
    renumber();
  }

  function addNew(): void {
    const used = new Set(rows.map((r) => r.select.value));
    const preferred = ["invoice.created", "token.revoked"].find((tp) => TYPES.includes(tp) && !used.has(tp));
    const type = preferred ?? TYPES.find((tp) => !used.has(tp)) ?? TYPES[0] ?? "";
    const row = add({ event_type: type, callback_url: "" });
    renumber();
    row.input.focus();
  }

  function validate(): boolean {
    const demo = store.isDemo();
    let first: HTMLElement | null = null;
    const dupes = new Set(duplicateRows(rows.map((r) => r.select.value)));
    rows.forEach((r, i) => {
      const urlProblem = checkCallbackUrl(r.input.value, demo);
      r.inputError.set(urlProblem);
      const typeProblem = r.select.value === "" ? { key: "webhooks.type_empty" as Key } : dupes.has(i) ? { key: "webhooks.type_twice" as Key } : null;
      r.selectError.set(typeProblem);
      if (!first && typeProblem) first = r.select;
      if (!first && urlProblem) first = r.input;
    });
    (first as HTMLElement | null)?.focus();
    return first === null;
  }

  function markBackendField(field: string | null, message: string): void {
    const m = field ? /^webhooks\[(\d+)\]\.(event_type|callback_url)$/.exec(field) : null;
    const row = m ? rows[Number(m[1])] : undefined;
    if (!m || !row) return;
    if (m[2] === "callback_url") row.inputError.set(message);
    else row.selectError.set(message);
  }

  renumber();
  return {
    table,
    emptyRow,
    current: () => rows.map((r) => ({ event_type: r.select.value, callback_url: r.input.value.trim() })),
    set,
    addNew,
    validate,
    markBackendField,
    relabel: () => {
      for (const r of rows) fillOptions(r.select, r.select.value);
    },
  };
}
