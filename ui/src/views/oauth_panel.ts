/**
 * The partner-app tab of "Neu verbinden": the partner app's setup (open until client id and
 * secret are saved, then folded behind "Details"), step 1 "log in at Lexware" with its
 * countdown, step 2 "paste the code". A pasted code or address connects at once (the code dies
 * within minutes); typed text waits for Enter or "Verbinden". No login without a client
 * secret: the code could not be exchanged after the person did e-mail, password and 2FA.
 */

import type { IpcError } from "../bindings/IpcError";
import type { Status } from "../bindings/Status";
import type { Settings } from "../bindings/Settings";
import { h, show } from "../dom";
import { label, labelAttr } from "../i18n";
import * as ipc from "../ipc";
import type { Attempt } from "./apikey_panel";
import { busy, titledDetails } from "./common";
import { FieldError } from "./field_error";
import { LoginProgress, pasted, pasteLooksComplete } from "./login_step";
import { partnerSetup } from "./partner_setup";

export interface OauthPanel {
  panel: HTMLElement;
  loginStart: HTMLButtonElement;
  render(s: Status | null, settings: Settings | null): void;
  clearError(): void;
  /** A rejection: no "still valid for 4:49" above the rejection of that very code. */
  failed(): void;
  /** Connected: nothing of this login stays on screen. */
  connected(): void;
}

export function oauthPanel(attempt: Attempt, result: { clear(): void; showError(e: IpcError): void }): OauthPanel {
  const partner = partnerSetup();
  const partnerOpen = h("div", {}, partner.element);
  const partnerClosed = titledDetails("partner-details", "reconnect.partner_details", h("div", { class: "partner-host" }));

  const loginStart = h("button", { type: "button", testid: "login-start", class: "primary", i18n: "reconnect.login_start" });
  const loginNeedsId = h("p", { testid: "login-needs-client-id", class: "muted", i18n: "reconnect.login_needs_client_id" });
  const loginInfo = h("div", { class: "login-info" });
  show(loginInfo, false);

  const pasteInput = h("input", {
    type: "text",
    id: "paste-input",
    testid: "paste-input",
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    class: "wide mono",
  });
  const pasteError = new FieldError(pasteInput);
  const countdownEl = h("p", { testid: "code-countdown", class: "countdown", role: "timer" });
  show(countdownEl, false);
  const connectButton = h("button", { type: "button", testid: "connect-button", i18n: "reconnect.connect" });

  const panel = h(
    "div",
    { role: "tabpanel", id: "panel-oauth", "aria-labelledby": "tab-oauth", class: "panel" },
    partnerOpen,
    partnerClosed,
    h(
      "ol",
      { class: "steps" },
      h(
        "li",
        { class: "step" },
        h("h3", { i18n: "reconnect.step1_title" }),
        h("p", { class: "muted", i18n: "reconnect.step1_text" }),
        h("div", { class: "actions" }, loginStart),
        loginNeedsId,
        loginInfo,
      ),
      h(
        "li",
        { class: "step" },
        h("h3", {}, h("label", { for: "paste-input", i18n: "reconnect.step2_title" })),
        h("p", { class: "muted", i18n: "reconnect.step2_text" }),
        h("div", { class: "paste-row" }, pasteInput, connectButton),
        pasteError.el,
        countdownEl,
      ),
    ),
  );
  const progress = new LoginProgress(loginInfo, countdownEl);

  function render(s: Status | null, settings: Settings | null): void {
    const hasClient = settings !== null && settings.client_id.trim() !== "";
    // The secret may also come from the environment: the backend says whether one is set.
    const ready = hasClient && settings.client_secret_set;
    show(partnerOpen, !ready);
    show(partnerClosed, ready);
    const host = ready ? partnerClosed.querySelector(".partner-host") : partnerOpen;
    if (host && partner.element.parentElement !== host) host.appendChild(partner.element);
    loginStart.disabled = !ready || loginStart.getAttribute("aria-busy") === "true";
    label(loginNeedsId, hasClient ? "reconnect.login_needs_secret" : "reconnect.login_needs_client_id");
    show(loginNeedsId, !ready);
    if (s) label(loginStart, s.state === "auth_lost" ? "reconnect.login_again" : "reconnect.login_start");
  }

  loginStart.addEventListener("click", async () => {
    result.clear();
    try {
      const start = await busy(loginStart, ipc.startLogin);
      progress.start(start);
      pasteInput.focus();
    } catch (e) {
      result.showError(ipc.toIpcError(e));
    }
  });

  async function connectPasted(): Promise<void> {
    const text = pasteInput.value.trim();
    if (text === "") {
      pasteError.set({ key: "reconnect.paste_empty" });
      pasteInput.focus();
      return;
    }
    pasteError.set(null);
    await attempt(connectButton, () => ipc.connect(text));
  }
  connectButton.addEventListener("click", connectPasted);
  pasteInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connectPasted();
  });
  pasteInput.addEventListener("input", (ev) => {
    pasteError.set(null);
    if (pasted(ev) && pasteLooksComplete(pasteInput.value)) void connectPasted();
  });
  labelAttr(pasteInput, "placeholder", "reconnect.paste_placeholder");

  return {
    panel,
    loginStart,
    render,
    clearError: () => pasteError.set(null),
    failed: () => progress.stop(),
    connected: () => {
      progress.finish();
      pasteInput.value = "";
    },
  };
}
