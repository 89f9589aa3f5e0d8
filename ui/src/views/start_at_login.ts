/**
 * "Beim Anmelden starten": the system's autostart entry, the one source of truth the tray's
 * check mark shows too. It is not part of config.toml: the checkbox switches it at once (and
 * shows the system's answer), "Speichern" never touches it, and a change from the tray
 * reaches the checkbox through the `lexguard://autostart` event.
 */

import { h } from "../dom";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot } from "./common";

export interface StartAtLogin {
  element: HTMLElement;
  /** Shows what the system says (from the settings, or an event). */
  render(on: boolean): void;
}

export function startAtLoginField(): StartAtLogin {
  const box = h("input", { type: "checkbox", id: "settings-start-at-login", testid: "settings-start-at-login" });
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "settings-start-at-login-error");
  const element = h(
    "div",
    { class: "field checkbox" },
    box,
    h("label", { for: "settings-start-at-login", i18n: "settings.start_at_login" }),
    errorHost,
  );

  function render(on: boolean): void {
    box.checked = on;
    const s = store.settings.get();
    if (s && s.start_at_login !== on) store.settings.set({ ...s, start_at_login: on });
  }

  box.addEventListener("change", async () => {
    error.clear();
    const wanted = box.checked;
    box.disabled = true;
    try {
      render(await ipc.setStartAtLogin(wanted));
    } catch (e) {
      box.checked = !wanted;
      error.set(ipc.toIpcError(e).message);
    } finally {
      box.disabled = false;
    }
  });
  void ipc.onAutostart(render).catch(() => undefined);
  return { element, render };
}
