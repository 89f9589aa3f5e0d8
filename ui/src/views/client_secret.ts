/**
 * The client secret in the settings: write-only, with its own field and button, never
 * pre-filled; the window only learns whether one is stored.
 */

import type { Settings } from "../bindings/Settings";
import { h } from "../dom";
import { label } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, note, noteHost } from "./common";
import { field } from "./form_field";

export interface ClientSecretField {
  wrap: HTMLElement;
  /** Says whether a secret is stored (`null`: not known yet). */
  render(s: Settings | null): void;
  /** A fresh form: the field empty (a secret is never shown again). */
  clearValue(): void;
}

export function clientSecretField(): ClientSecretField {
  const input = h("input", {
    type: "password",
    testid: "settings-client-secret",
    autocomplete: "new-password",
    spellcheck: "false",
    class: "wide mono",
  });
  const save = h("button", { type: "button", testid: "settings-client-secret-save", "i18n-aria-label": "settings.client_secret_save_label", i18n: "common.save" });
  const state = h("p", { testid: "settings-client-secret-state", class: "secret-state" });
  const savedNote = noteHost();
  const secret = field("settings.client_secret", input, { key: "settings.client_secret_hint" });
  secret.wrap.insertBefore(h("div", { class: "input-row" }, input, save, savedNote), secret.wrap.querySelector(".hint"));
  secret.wrap.appendChild(state);
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "settings-client-secret-error");
  secret.wrap.appendChild(errorHost);

  function render(s: Settings | null): void {
    label(state, s?.client_secret_set ? "settings.client_secret_set" : "settings.client_secret_unset");
    state.classList.toggle("muted", !s?.client_secret_set);
  }

  save.addEventListener("click", async () => {
    error.clear();
    note(savedNote, null);
    const value = input.value.trim();
    if (value === "") {
      secret.error.set({ key: "settings.client_secret_empty" });
      input.focus();
      return;
    }
    secret.error.set(null);
    try {
      await busy(save, () => ipc.setClientSecret(value));
      input.value = "";
      const s = store.settings.get();
      if (s) store.settings.set({ ...s, client_secret_set: true });
      render(store.settings.get() ?? ({ client_secret_set: true } as Settings));
      note(savedNote, "settings.client_secret_saved");
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
    }
  });
  input.addEventListener("input", () => secret.error.set(null));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      save.click();
    }
  });

  return {
    wrap: secret.wrap,
    render,
    clearValue() {
      input.value = "";
    },
  };
}
