/**
 * "Neu verbinden": a guided flow for someone who has just lost the connection, often under
 * stress. Three numbered steps for the Lexware login (OAuth), or an API key. A failed attempt
 * never touches the existing connection, and the window says so.
 *
 * The code Lexware shows dies 5 minutes after it is issued, so step 2 counts down from the
 * moment `start_login` returned, on this window's clock (not `started_at`, which comes from the
 * engine's clock and may be skewed, e.g. in the demo).
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import type { IpcError } from "../bindings/IpcError";
import type { LoginStart } from "../bindings/LoginStart";
import type { LoopbackOutcome } from "../bindings/LoopbackOutcome";
import { h, replace, show, uid } from "../dom";
import { countdown } from "../format";
import { label, labelAttr, onLangChange, type Key } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, note, noteHost, outcomesTable } from "./common";

type Tab = "oauth" | "apikey";

/** A field error under an input, wired with aria-describedby / aria-invalid. */
function fieldError(input: HTMLInputElement): { el: HTMLElement; set(key: Key | null): void } {
  const el = h("p", { id: uid("err"), class: "field-error" });
  show(el, false);
  return {
    el,
    set(key) {
      if (key) {
        label(el, key);
        show(el, true);
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", el.id);
      } else {
        replace(el);
        show(el, false);
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    },
  };
}

export interface ReconnectView {
  element: HTMLElement;
  /** The loopback redirect completed a login (or failed): shown like a pasted code's result. */
  handleLoopback(outcome: LoopbackOutcome): void;
}

export function reconnectView(): ReconnectView {
  const intro = h("p", { class: "intro" });
  const clientIdHint = h("p", { class: "callout", i18n: "reconnect.no_client_id" });

  // --- tabs -------------------------------------------------------------------------------
  const tabOauth = h("button", {
    type: "button",
    role: "tab",
    id: "tab-oauth",
    testid: "tab-oauth",
    "aria-controls": "panel-oauth",
    i18n: "reconnect.tab_oauth",
  });
  const tabApikey = h("button", {
    type: "button",
    role: "tab",
    id: "tab-apikey",
    testid: "tab-apikey",
    "aria-controls": "panel-apikey",
    i18n: "reconnect.tab_apikey",
  });
  const tablist = h("div", { role: "tablist", class: "tabs", "i18n-aria-label": "reconnect.tabs_label" }, tabOauth, tabApikey);

  // --- step 1: log in ------------------------------------------------------------------------
  const loginStart = h("button", { type: "button", testid: "login-start", class: "primary", i18n: "reconnect.login_start" });
  const loginInfo = h("div", { class: "login-info" });
  show(loginInfo, false);

  // --- step 2: paste ------------------------------------------------------------------------
  const pasteInput = h("input", {
    type: "text",
    id: "paste-input",
    testid: "paste-input",
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    class: "wide mono",
  });
  const pasteError = fieldError(pasteInput);
  const countdownEl = h("p", { testid: "code-countdown", class: "countdown", role: "timer" });
  show(countdownEl, false);

  // --- step 3: connect ----------------------------------------------------------------------
  const connectButton = h("button", { type: "button", testid: "connect-button", class: "primary", i18n: "reconnect.connect" });

  const panelOauth = h(
    "div",
    { role: "tabpanel", id: "panel-oauth", "aria-labelledby": "tab-oauth", class: "panel" },
    clientIdHint,
    h(
      "ol",
      { class: "steps" },
      h(
        "li",
        { class: "step" },
        h("h3", { i18n: "reconnect.step1_title" }),
        h("p", { class: "muted", i18n: "reconnect.step1_text" }),
        h("div", { class: "actions" }, loginStart),
        loginInfo,
      ),
      h(
        "li",
        { class: "step" },
        h("h3", {}, h("label", { for: "paste-input", i18n: "reconnect.step2_title" })),
        h("p", { class: "muted", i18n: "reconnect.step2_text" }),
        pasteInput,
        pasteError.el,
        countdownEl,
      ),
      h("li", { class: "step" }, h("h3", { i18n: "reconnect.step3_title" }), h("div", { class: "actions" }, connectButton)),
    ),
  );

  // --- API key ------------------------------------------------------------------------------
  const apikeyInput = h("input", {
    type: "password",
    id: "apikey-input",
    testid: "apikey-input",
    autocomplete: "off",
    spellcheck: "false",
    class: "wide mono",
  });
  const apikeyError = fieldError(apikeyInput);
  const apikeyConnect = h("button", { type: "button", testid: "apikey-connect", class: "primary", i18n: "reconnect.apikey_connect" });
  const panelApikey = h(
    "div",
    { role: "tabpanel", id: "panel-apikey", "aria-labelledby": "tab-apikey", class: "panel" },
    h("p", { i18n: "reconnect.apikey_text" }),
    h("div", { class: "field" }, h("label", { for: "apikey-input", i18n: "reconnect.apikey_label" }), apikeyInput, apikeyError.el),
    h("div", { class: "actions" }, apikeyConnect),
  );

  // --- result (shared by both tabs, so its test ids exist once) ------------------------------
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "connect-error");
  const resultHost = h("div", { class: "result", tabindex: "-1" });

  const element = h(
    "section",
    { id: "view-reconnect", class: "view", "aria-labelledby": "reconnect-heading" },
    h("h2", { id: "reconnect-heading", i18n: "nav.reconnect" }),
    intro,
    tablist,
    panelOauth,
    panelApikey,
    errorHost,
    resultHost,
  );

  // --- behaviour ----------------------------------------------------------------------------
  function selectTab(tab: Tab, focus = false): void {
    for (const [t, button, panel] of [
      ["oauth", tabOauth, panelOauth],
      ["apikey", tabApikey, panelApikey],
    ] as const) {
      const active = t === tab;
      button.setAttribute("aria-selected", String(active));
      button.tabIndex = active ? 0 : -1;
      show(panel, active);
      if (active && focus) button.focus();
    }
  }
  tabOauth.addEventListener("click", () => selectTab("oauth"));
  tabApikey.addEventListener("click", () => selectTab("apikey"));
  tablist.addEventListener("keydown", (ev) => {
    const order: Tab[] = ["oauth", "apikey"];
    const current = tabApikey.getAttribute("aria-selected") === "true" ? 1 : 0;
    let next: number | null = null;
    if (ev.key === "ArrowRight") next = (current + 1) % order.length;
    else if (ev.key === "ArrowLeft") next = (current + order.length - 1) % order.length;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = order.length - 1;
    if (next === null) return;
    ev.preventDefault();
    selectTab(order[next]!, true);
  });
  selectTab("oauth");

  function renderIntro(): void {
    const s = store.status.get();
    const settings = store.settings.get();
    show(clientIdHint, settings !== null && !settings.demo && settings.client_id.trim() === "");
    if (!s) return;
    if (s.state === "auth_lost") label(intro, "reconnect.intro_lost");
    else if (s.state === "not_connected") label(intro, "reconnect.intro_new");
    else label(intro, "reconnect.intro_connected", { company: s.company ?? "Lexware Office" });
  }

  // Countdown for the code, on this window's clock.
  let deadline: number | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let waitingEl: HTMLElement | null = null;

  function renderCountdown(): void {
    if (deadline === null) {
      show(countdownEl, false);
      return;
    }
    const left = (deadline - Date.now()) / 1000;
    show(countdownEl, true);
    if (left <= 0) {
      label(countdownEl, "reconnect.code_expired");
      countdownEl.classList.add("expired");
      stopCountdown(false);
      dropWaiting();
    } else {
      label(countdownEl, "reconnect.countdown", { left: countdown(left) });
      countdownEl.classList.remove("expired");
    }
  }

  /** "Waiting for Lexware" is shown only while lexguard is actually waiting. */
  function dropWaiting(): void {
    waitingEl?.remove();
    waitingEl = null;
  }

  function stopCountdown(hide: boolean): void {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (hide) {
      deadline = null;
      show(countdownEl, false);
    }
  }

  function startCountdown(validSecs: number): void {
    stopCountdown(true);
    deadline = Date.now() + validSecs * 1000;
    renderCountdown();
    timer = setInterval(renderCountdown, 500);
  }

  function showLoginInfo(start: LoginStart): void {
    const urlEl = h("code", { testid: "login-url", class: "login-url", text: start.url });
    const copy = h("button", { type: "button", testid: "login-copy", i18n: "reconnect.copy_link" });
    const copyNote = noteHost();
    copy.addEventListener("click", async () => {
      try {
        if (!navigator.clipboard) throw new Error("no clipboard");
        await navigator.clipboard.writeText(start.url);
        note(copyNote, "reconnect.copied");
      } catch {
        // No clipboard (permissions, older WebKit): select the text so Ctrl+C works.
        const range = document.createRange();
        range.selectNodeContents(urlEl);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
        note(copyNote, "reconnect.copy_selected");
      }
    });
    waitingEl = start.listening
      ? h(
          "div",
          { testid: "login-waiting", class: "waiting", role: "status" },
          h("span", { class: "spinner", "aria-hidden": "true" }),
          h("div", {}, h("p", { class: "strong", i18n: "reconnect.waiting" }), h("p", { class: "muted", i18n: "reconnect.waiting_text" })),
        )
      : null;
    replace(
      loginInfo,
      h("p", {
        class: start.browser_opened ? "muted" : "callout callout-warn",
        i18n: start.browser_opened ? "reconnect.browser_opened" : "reconnect.no_browser",
      }),
      h("div", { class: "url-box" }, urlEl, h("div", { class: "actions" }, copy, copyNote)),
      waitingEl,
    );
    show(loginInfo, true);
  }

  function clearResult(): void {
    error.clear();
    replace(resultHost);
  }

  function showError(e: IpcError): void {
    replace(resultHost);
    const s = store.status.get();
    const untouched = s && s.state !== "not_connected" ? h("p", { i18n: "reconnect.previous_untouched" }) : null;
    error.set(e.message, ...(untouched ? [untouched] : []));
  }

  function showResult(r: ConnectResult): void {
    store.status.set(r.status);
    error.clear();
    stopCountdown(true);
    dropWaiting();
    show(loginInfo, false);
    pasteInput.value = "";
    apikeyInput.value = "";
    const parts: HTMLElement[] = [
      h("p", {
        testid: "connect-company",
        class: "success",
        role: "status",
        i18n: "reconnect.connected_to",
        // The company ends the sentence: "Dr. Anna Beispiel e. K." brings its own period.
        i18nParams: { company_sentence: endSentence(r.company ?? "Lexware Office") },
      }),
    ];
    if (r.webhooks && r.webhooks.length > 0) {
      parts.push(h("h3", { i18n: "reconnect.webhooks_title" }), outcomesTable(r.webhooks, "webhook-results"));
    } else if (r.webhooks_error) {
      parts.push(
        h("div", { class: "callout callout-warn" }, h("p", { i18n: "reconnect.webhooks_failed" }), h("p", { text: r.webhooks_error })),
      );
    } else {
      parts.push(h("p", { class: "muted", i18n: "reconnect.webhooks_none" }));
    }
    replace(resultHost, ...parts);
    resultHost.focus();
  }

  loginStart.addEventListener("click", async () => {
    clearResult();
    try {
      const start = await busy(loginStart, ipc.startLogin);
      startCountdown(start.code_valid_secs);
      showLoginInfo(start);
      pasteInput.focus();
    } catch (e) {
      showError(ipc.toIpcError(e));
    }
  });

  async function connectPasted(): Promise<void> {
    const pasted = pasteInput.value.trim();
    if (pasted === "") {
      pasteError.set("reconnect.paste_empty");
      pasteInput.focus();
      return;
    }
    pasteError.set(null);
    clearResult();
    try {
      showResult(await busy(connectButton, () => ipc.connect(pasted)));
    } catch (e) {
      showError(ipc.toIpcError(e));
    }
  }
  connectButton.addEventListener("click", connectPasted);
  pasteInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connectPasted();
  });
  pasteInput.addEventListener("input", () => pasteError.set(null));

  async function connectKey(): Promise<void> {
    const key = apikeyInput.value.trim();
    if (key === "") {
      apikeyError.set("reconnect.apikey_empty");
      apikeyInput.focus();
      return;
    }
    apikeyError.set(null);
    clearResult();
    try {
      showResult(await busy(apikeyConnect, () => ipc.connectApiKey(key)));
    } catch (e) {
      showError(ipc.toIpcError(e));
    }
  }
  apikeyConnect.addEventListener("click", connectKey);
  apikeyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connectKey();
  });
  apikeyInput.addEventListener("input", () => apikeyError.set(null));

  labelAttr(pasteInput, "placeholder", "reconnect.paste_placeholder");

  store.status.subscribe(renderIntro);
  store.settings.subscribe(renderIntro);
  onLangChange(renderIntro);
  renderIntro();

  return {
    element,
    handleLoopback(outcome) {
      if (outcome.result) showResult(outcome.result);
      else if (outcome.error) showError(outcome.error);
    },
  };
}

/** Ends a sentence with one period: German company names often end with one already. */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
