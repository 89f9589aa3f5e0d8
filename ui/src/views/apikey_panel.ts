/**
 * The API-key tab of "Neu verbinden": where the key is created, the key itself and the date
 * it ends. A pasted key connects at once; typed text waits for Enter or the button.
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import { h } from "../dom";
import * as ipc from "../ipc";
import { apikeyEndField } from "./apikey_end";
import { externalLink } from "./common";
import { FieldError } from "./field_error";
import { keyLooksComplete, pasted } from "./login_step";
import { LIMITS } from "../bindings/limitsData";

/** Where a public API key is created. */
export const API_KEY_PAGE = LIMITS.api_key_page;

/** Runs a connect attempt behind `button` and shows how it ended. */
export type Attempt = (button: HTMLButtonElement, work: () => Promise<ConnectResult>) => Promise<void>;

export interface ApikeyPanel {
  panel: HTMLElement;
  input: HTMLInputElement;
  /** After a switch of tabs: the error belongs to the other attempt. */
  clearError(): void;
  /** After a connect: the key is in the keychain now, not in this field. */
  clearValue(): void;
}

export function apikeyPanel(attempt: Attempt): ApikeyPanel {
  const input = h("input", {
    type: "password",
    id: "apikey-input",
    testid: "apikey-input",
    autocomplete: "off",
    spellcheck: "false",
    class: "wide mono",
  });
  const error = new FieldError(input);
  const connect = h("button", { type: "button", testid: "apikey-connect", class: "primary", i18n: "reconnect.apikey_connect" });
  const end = apikeyEndField();
  const panel = h(
    "div",
    { role: "tabpanel", id: "panel-apikey", "aria-labelledby": "tab-apikey", class: "panel" },
    h("p", {}, h("span", { i18n: "reconnect.apikey_where" }), " ", externalLink(API_KEY_PAGE, "apikey-link")),
    h("p", { class: "muted", i18n: "reconnect.apikey_text" }),
    h("div", { class: "field" }, h("label", { for: "apikey-input", i18n: "reconnect.apikey_label" }), input, error.el),
    end.el,
    h("div", { class: "actions" }, connect),
  );

  async function connectKey(): Promise<void> {
    const key = input.value.trim();
    if (key === "") {
      error.set({ key: "reconnect.apikey_empty" });
      input.focus();
      return;
    }
    error.set(null);
    await attempt(connect, () => ipc.connectApiKey(key, end.value()));
  }
  connect.addEventListener("click", connectKey);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connectKey();
  });
  input.addEventListener("input", (ev) => {
    error.set(null);
    if (pasted(ev) && keyLooksComplete(input.value)) void connectKey();
  });

  return {
    panel,
    input,
    clearError: () => error.set(null),
    clearValue: () => {
      input.value = "";
    },
  };
}
