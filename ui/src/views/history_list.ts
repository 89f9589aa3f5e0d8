/**
 * The history under the status: one sentence per event (the core's words, with its time
 * words), filterable by kind. Loads fold: calls that arrive while one is in flight become one
 * more load.
 */

import type { HistoryLine } from "../bindings/HistoryLine";
import { h, replace, show } from "../dom";
import { HISTORY_KINDS } from "../events";
import { label, type Key } from "../i18n";
import * as ipc from "../ipc";
import { AlertSlot } from "./common";

const HISTORY_LIMIT = 200;

function historyItem(e: HistoryLine): HTMLElement {
  return h(
    "li",
    { "data-kind": e.kind, class: `kind-${e.kind} event-${e.event.type}` },
    h("time", { datetime: e.at }, h("span", { text: e.at_words.absolute }), h("span", { class: "sub muted", text: e.at_words.relative })),
    h("span", { class: "sentence", text: e.text }),
  );
}

export function historyList(): { parts: HTMLElement[]; load(): void } {
  const filter = h(
    "select",
    { testid: "history-filter", id: "history-filter" },
    h("option", { value: "", i18n: "history.all" }),
    ...HISTORY_KINDS.map((k) => h("option", { value: k, i18n: `kind.${k}` as Key })),
  );
  const list = h("ul", { testid: "history-list", class: "history" });
  const empty = h("p", { class: "muted", i18n: "history.empty" });
  const alertHost = h("div");
  const alert = new AlertSlot(alertHost, "history-error");
  const head = h(
    "div",
    { class: "history-head" },
    h("h2", { i18n: "history.title" }),
    h("div", { class: "inline-field" }, h("label", { for: "history-filter", i18n: "history.filter" }), filter),
  );

  let history: HistoryLine[] = [];
  function render(): void {
    const kind = filter.value;
    const shown = history.filter((e) => kind === "" || e.kind === kind);
    replace(list, ...shown.map(historyItem));
    show(empty, shown.length === 0);
    label(empty, history.length === 0 ? "history.empty" : "history.empty_filtered");
  }

  let loading: Promise<void> | null = null;
  let again = false;
  function load(): void {
    if (loading) {
      again = true;
      return;
    }
    loading = ipc
      .getHistory(HISTORY_LIMIT)
      .then((entries) => {
        history = entries;
        alert.clear();
        render();
      })
      .catch((e) => alert.set(ipc.toIpcError(e).message))
      .finally(() => {
        loading = null;
        if (again) {
          again = false;
          load();
        }
      });
  }

  filter.addEventListener("change", render);
  return { parts: [head, alertHost, list, empty], load };
}
