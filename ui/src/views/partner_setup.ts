/**
 * Setting up a partner app where the login is, so nobody has to look for "Einstellungen"
 * first: where to register the app, the exact redirect address to register (with a copy
 * button), then client id and client secret, in one step: the login waits until both are
 * stored (without the secret, a login would fail only after e-mail, password and 2FA at
 * Lexware). Saved through the same commands as the settings view (`save_settings`,
 * `set_client_secret`); the secret goes one way only.
 */

import { LIMITS } from "../bindings/limitsData";
import { h, show } from "../dom";
import { label, labelAttr, t } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { checkClientId, checkRedirectUri } from "../validate";
import { AlertSlot, busy, copyButton, externalLink, note, noteHost } from "./common";

/** Lexware's developer portal, where partner apps are registered. */
export const DEVELOPER_PORTAL = LIMITS.developer_portal;
/**
 * Proposed when no redirect address is set yet: a loopback address (RFC 8252), on which
 * lexguard listens during a login and completes it without pasting a code.
 */
export const SUGGESTED_REDIRECT = "http://127.0.0.1:8477/callback";

export interface PartnerSetup {
  element: HTMLElement;
  /** Refills the fields from the saved settings (unless the person is typing in them). */
  render(): void;
}

export function partnerSetup(): PartnerSetup {
  const redirect = h("input", { type: "text", id: "partner-redirect", testid: "partner-redirect", class: "wide mono", spellcheck: "false", autocomplete: "off" });
  const clientId = h("input", { type: "text", id: "partner-client-id", testid: "partner-client-id", class: "wide mono", spellcheck: "false", autocomplete: "off" });
  const secret = h("input", { type: "password", id: "partner-client-secret", testid: "partner-client-secret", class: "wide mono", autocomplete: "off" });
  const secretState = h("p", { class: "muted" });
  const save = h("button", { type: "button", testid: "partner-save", class: "primary", i18n: "partner.save" });
  const saved = noteHost();
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "partner-error");

  const element = h(
    "div",
    { testid: "partner-setup", class: "partner-setup" },
    h("p", {}, h("span", { i18n: "partner.register" }), " ", externalLink(DEVELOPER_PORTAL, "partner-portal-link")),
    h(
      "div",
      { class: "field" },
      h("label", { for: "partner-redirect", i18n: "partner.redirect_label" }),
      h("div", { class: "url-box" }, redirect, copyButton(() => redirect.value.trim(), redirect, "partner-redirect-copy")),
    ),
    h("div", { class: "field" }, h("label", { for: "partner-client-id", i18n: "partner.client_id" }), clientId),
    h("div", { class: "field" }, h("label", { for: "partner-client-secret", i18n: "partner.client_secret" }), secret, secretState),
    h("div", { class: "actions" }, save, saved),
    errorHost,
  );
  labelAttr(secret, "placeholder", "partner.client_secret_placeholder");

  function render(): void {
    const s = store.settings.get();
    if (!s) return;
    const active = document.activeElement;
    if (active !== redirect) redirect.value = s.redirect_uri || SUGGESTED_REDIRECT;
    if (active !== clientId) clientId.value = s.client_id;
    label(secretState, s.client_secret_set ? "partner.secret_set" : "partner.secret_unset");
    labelAttr(secret, "placeholder", s.client_secret_set ? "partner.client_secret_placeholder" : "partner.client_secret_placeholder_new");
  }

  save.addEventListener("click", async () => {
    error.clear();
    note(saved, null);
    const s = store.settings.get();
    if (!s) return;
    const problem =
      clientId.value.trim() === "" ? { key: "partner.client_id_empty" as const } : (checkClientId(clientId.value) ?? checkRedirectUri(redirect.value));
    if (problem) {
      error.set(t(problem.key, "params" in problem ? problem.params : undefined));
      clientId.focus();
      return;
    }
    if (!s.client_secret_set && secret.value.trim() === "") {
      error.set(t("partner.client_secret_empty"));
      secret.focus();
      return;
    }
    try {
      await busy(save, async () => {
        const next = await ipc.saveSettings({ ...s, client_id: clientId.value.trim(), redirect_uri: redirect.value.trim() });
        const typed = secret.value.trim();
        if (typed !== "") {
          await ipc.setClientSecret(typed);
          secret.value = "";
          store.settings.set({ ...next, client_secret_set: true });
        } else {
          store.settings.set(next);
        }
      });
      note(saved, "common.saved", "partner-saved");
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
    }
  });

  store.settings.subscribe(render);
  render();
  show(element, true);
  return { element, render };
}

