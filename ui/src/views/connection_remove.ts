/**
 * *Diese Verbindung entfernen…* for the selected connection (never `default`), in two steps,
 * because removing signs the connection off at Lexware and deletes its credentials and
 * settings (the CLI's `lexguard connections remove`). When Lexware cannot be reached, the
 * error is said and the second try offers *Trotzdem entfernen* with what that means.
 */

import type { ConnectionLine } from "../bindings/ConnectionLine";
import { h, replace, show } from "../dom";
import { label } from "../i18n";
import * as ipc from "../ipc";
import { AlertSlot, busy } from "./common";

export interface RemoveArea {
  element: HTMLElement;
  /** Offers the removal of `selected` when there is more than one connection. */
  render(selected: ConnectionLine | null, count: number): void;
}

/** `reload`: loads the window afresh once the connection is gone. */
export function removeArea(reload: () => void): RemoveArea {
  const element = h("div", { class: "connection-remove", testid: "connection-remove-area" });
  let shown: ConnectionLine | null = null;
  let confirming = false;

  function start(line: ConnectionLine): void {
    confirming = true;
    let force = false;
    const errorHost = h("div");
    const error = new AlertSlot(errorHost, "connection-remove-error");
    const hint = h("p", { class: "muted", testid: "connection-remove-force-hint", i18n: "connections.remove_force_hint" });
    show(hint, false);
    const yes = h("button", { type: "button", class: "danger", testid: "connection-remove-confirm", i18n: "connections.remove_confirm" });
    const no = h("button", { type: "button", testid: "connection-remove-cancel", i18n: "common.cancel" });
    no.addEventListener("click", () => {
      confirming = false;
      render(shown, 2);
    });
    yes.addEventListener("click", async () => {
      error.clear();
      try {
        await busy(yes, () => ipc.removeConnection(line.name, force));
        confirming = false;
        reload();
      } catch (e) {
        error.set(ipc.toIpcError(e).message);
        force = true;
        label(yes, "connections.remove_force");
        show(hint, true);
      }
    });
    replace(
      element,
      h("p", { testid: "connection-remove-question", i18n: "connections.remove_question", i18nParams: { label: line.label } }),
      errorHost,
      hint,
      h("div", { class: "actions" }, yes, no),
    );
    no.focus();
  }

  function render(selected: ConnectionLine | null, count: number): void {
    if (confirming && selected?.name === shown?.name) return;
    confirming = false;
    shown = selected;
    if (!selected || count < 2 || selected.name === "default") {
      replace(element);
      return;
    }
    const button = h("button", { type: "button", class: "link-button", testid: "connection-remove", i18n: "connections.remove" });
    button.addEventListener("click", () => start(selected));
    replace(element, button);
  }

  return { element, render };
}
