/**
 * "Neu verbinden": the first run and the repair. With no connection it asks one question
 * ("Wie verbindet sich Ihr System mit Lexware?"): the public API key first (recommended, fewest
 * steps), the partner app second, set up right here. After a loss it is short: "Neu verbinden"
 * opens the login, and pasting the code (or the whole address) connects at once; with a loopback
 * redirect nothing needs pasting. A failed attempt never touches the existing connection.
 *
 * The code Lexware shows dies 5 minutes after it is issued, so step 2 counts down from the
 * moment `start_login` returned, on this window's clock (not `started_at`, which comes from the
 * engine's clock and may be skewed, e.g. in the demo).
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import type { IpcError } from "../bindings/IpcError";
import type { LoopbackOutcome } from "../bindings/LoopbackOutcome";
import { LIMITS } from "../bindings/limitsData";
import { apikeyEndField } from "./apikey_end";
import { h, replace, show } from "../dom";
import { label, labelAttr, onLangChange } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, details, externalLink, outcomesTable, titledDetails } from "./common";
import { fieldError, keyLooksComplete, LoginProgress, pasted, pasteLooksComplete } from "./login_step";
import { partnerSetup } from "./partner_setup";
import { webhookWarning } from "./webhook_problems";

type Tab = "oauth" | "apikey";
/** What a button elsewhere asks this view to do: just show it, start the login, or take a key. */
export type Intent = "show" | "login" | "apikey";

/** Where a public API key is created (the core's `contract::API_KEY_PAGE`). */
export const API_KEY_PAGE = LIMITS.api_key_page;

export interface ReconnectView {
  element: HTMLElement;
  /** The loopback redirect completed a login (or failed): shown like a pasted code's result. */
  handleLoopback(outcome: LoopbackOutcome): void;
  /** Called by the primary action of another view ("Neu verbinden", "Neuen Schlüssel eintragen"). */
  begin(intent: Intent): void;
}

export function reconnectView(): ReconnectView {
  const heading = h("h2", { id: "reconnect-heading", i18n: "nav.reconnect" });
  const intro = h("p", { class: "intro", testid: "reconnect-intro" });
  const question = h("h3", { testid: "first-run-question", class: "question", i18n: "reconnect.question" });
  const partner = partnerSetup();
  const partnerOpen = h("div", {}, partner.element);
  const partnerClosed = titledDetails("partner-details", "reconnect.partner_details", h("div", { class: "partner-host" }));

  // --- tabs -------------------------------------------------------------------------------
  const tabOauth = h("button", {
    type: "button",
    role: "tab",
    id: "tab-oauth",
    testid: "tab-oauth",
    "aria-controls": "panel-oauth",
    i18n: "reconnect.tab_oauth",
  });
  const recommended = h("span", { class: "badge", i18n: "reconnect.recommended" });
  const tabApikey = h("button", {
    type: "button",
    role: "tab",
    id: "tab-apikey",
    testid: "tab-apikey",
    "aria-controls": "panel-apikey",
  }, h("span", { i18n: "reconnect.tab_apikey" }), " ", recommended);
  const tablist = h("div", { role: "tablist", class: "tabs", "i18n-aria-label": "reconnect.tabs_label" }, tabApikey, tabOauth);

  // --- step 1: log in ------------------------------------------------------------------------
  const loginStart = h("button", { type: "button", testid: "login-start", class: "primary", i18n: "reconnect.login_start" });
  const loginNeedsId = h("p", { testid: "login-needs-client-id", class: "muted", i18n: "reconnect.login_needs_client_id" });
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
  const connectButton = h("button", { type: "button", testid: "connect-button", i18n: "reconnect.connect" });

  const panelOauth = h(
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
  const apikeyEnd = apikeyEndField();
  const panelApikey = h(
    "div",
    { role: "tabpanel", id: "panel-apikey", "aria-labelledby": "tab-apikey", class: "panel" },
    h("p", {}, h("span", { i18n: "reconnect.apikey_where" }), " ", externalLink(API_KEY_PAGE, "apikey-link")),
    h("p", { class: "muted", i18n: "reconnect.apikey_text" }),
    h("div", { class: "field" }, h("label", { for: "apikey-input", i18n: "reconnect.apikey_label" }), apikeyInput, apikeyError.el),
    apikeyEnd.el,
    h("div", { class: "actions" }, apikeyConnect),
  );

  // --- result (shared by both tabs, so its test ids exist once) ------------------------------
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "connect-error");
  const resultHost = h("div", { class: "result", tabindex: "-1" });

  const element = h(
    "section",
    { id: "view-reconnect", class: "view", "aria-labelledby": "reconnect-heading" },
    heading,
    intro,
    question,
    tablist,
    panelOauth,
    panelApikey,
    errorHost,
    resultHost,
  );

  // --- behaviour ----------------------------------------------------------------------------
  let currentTab: Tab | null = null;
  function selectTab(tab: Tab, focus = false): void {
    if (currentTab !== null && currentTab !== tab) {
      clearResult();
      pasteError.set(null);
      apikeyError.set(null);
    }
    currentTab = tab;
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
    const order: Tab[] = ["apikey", "oauth"];
    const current = tabOauth.getAttribute("aria-selected") === "true" ? 1 : 0;
    let next: number | null = null;
    if (ev.key === "ArrowRight") next = (current + 1) % order.length;
    else if (ev.key === "ArrowLeft") next = (current + order.length - 1) % order.length;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = order.length - 1;
    if (next === null) return;
    ev.preventDefault();
    selectTab(order[next]!, true);
  });

  /** The tab a person most likely needs: the way they were connected, else the partner app
   * when one is set up, else the recommended API key. Chosen once, when the facts arrive. */
  let tabChosen = false;
  function chooseTab(): void {
    const s = store.status.get();
    const settings = store.settings.get();
    if (tabChosen || !s || !settings) return;
    tabChosen = true;
    const hasClient = settings.client_id.trim() !== "";
    selectTab(s.mode === "api_key" ? "apikey" : s.mode === "oauth" || hasClient ? "oauth" : "apikey");
  }
  selectTab("apikey");

  function renderIntro(): void {
    const s = store.status.get();
    const settings = store.settings.get();
    chooseTab();
    const hasClient = settings !== null && settings.client_id.trim() !== "";
    // No login without a client secret: the code could not be exchanged after the person did
    // e-mail, password and 2FA at Lexware. The secret may also come from the environment.
    const ready = hasClient && settings.client_secret_set;
    // The partner app's setup is open until client id and secret are saved, then folded away.
    show(partnerOpen, !ready);
    show(partnerClosed, ready);
    const host = ready ? partnerClosed.querySelector(".partner-host") : partnerOpen;
    if (host && partner.element.parentElement !== host) host.appendChild(partner.element);
    loginStart.disabled = !ready || loginStart.getAttribute("aria-busy") === "true";
    label(loginNeedsId, hasClient ? "reconnect.login_needs_secret" : "reconnect.login_needs_client_id");
    show(loginNeedsId, !ready);
    if (!s) return;
    const first = s.state === "not_connected";
    show(question, first);
    label(heading, first ? "reconnect.heading_new" : "nav.reconnect");
    label(loginStart, s.state === "auth_lost" ? "reconnect.login_again" : "reconnect.login_start");
    if (s.state === "auth_lost") label(intro, s.mode === "api_key" ? "reconnect.intro_lost_key" : "reconnect.intro_lost");
    else if (first) label(intro, "reconnect.intro_new");
    else label(intro, "reconnect.intro_connected", { company: s.company ?? "Lexware Office" });
  }

  const progress = new LoginProgress(loginInfo, countdownEl);

  function clearResult(): void {
    error.clear();
    replace(resultHost);
  }

  function showError(e: IpcError): void {
    replace(resultHost);
    // No "still valid for 4:49" above the rejection of that very code.
    progress.stop();
    const s = store.status.get();
    // Said once: the core's message may already say that the old connection is untouched.
    const saysSo = /bisherige Verbindung|previous connection/i.test(e.message);
    const untouched = s && s.state !== "not_connected" && !saysSo ? h("p", { i18n: "reconnect.previous_untouched" }) : null;
    error.set(e.message, ...(untouched ? [untouched] : []));
  }

  function showResult(r: ConnectResult): void {
    store.status.set(r.status);
    error.clear();
    progress.finish();
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
      const warning = webhookWarning(r.webhooks, retryWebhooks, "connect-webhook-warning");
      parts.push(...(warning ? [warning] : []), h("h3", { i18n: "reconnect.webhooks_title" }), outcomesTable(r.webhooks, "webhook-results"));
    } else if (r.webhooks_error) {
      const retry = h("button", { type: "button", testid: "connect-webhook-warning-retry", i18n: "webhook_fail.retry" });
      retry.addEventListener("click", () => void busy(retry, retryWebhooks).catch(() => undefined));
      parts.push(
        h(
          "div",
          { testid: "connect-webhook-warning", class: "callout callout-warn", role: "alert" },
          h("p", { i18n: "reconnect.webhooks_failed" }),
          details("connect-webhook-warning-details", h("p", { class: "mono", text: r.webhooks_error })),
          h("div", { class: "actions" }, retry),
        ),
      );
    } else {
      parts.push(h("p", { class: "muted", i18n: "reconnect.webhooks_none" }));
    }
    resultHost.classList.toggle("result-warn", parts.some((p) => p.getAttribute("role") === "alert"));
    replace(resultHost, ...parts);
    resultHost.focus();
  }

  /** "Erneut versuchen" after a connect: sets the webhooks up again and shows the new result. */
  async function retryWebhooks(): Promise<void> {
    const outcomes = await ipc.syncWebhooks().catch((e) => {
      error.set(ipc.toIpcError(e).message);
      return null;
    });
    if (!outcomes) return;
    const status = await ipc.getStatus().catch(() => null);
    if (status) store.status.set(status);
    const company = resultHost.querySelector('[data-testid="connect-company"]');
    const warning = webhookWarning(outcomes, retryWebhooks, "connect-webhook-warning");
    replace(
      resultHost,
      company,
      ...(warning ? [warning] : [h("p", { testid: "webhook-retry-ok", class: "success", i18n: "webhook_fail.all_good" })]),
      h("h3", { i18n: "reconnect.webhooks_title" }),
      outcomesTable(outcomes, "webhook-results"),
    );
  }

  loginStart.addEventListener("click", async () => {
    clearResult();
    try {
      const start = await busy(loginStart, ipc.startLogin);
      progress.start(start);
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
  pasteInput.addEventListener("input", (ev) => {
    pasteError.set(null);
    // A pasted code or address connects at once (it dies within minutes); typed text waits
    // for Enter or "Verbinden".
    if (pasted(ev) && pasteLooksComplete(pasteInput.value)) void connectPasted();
  });

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
      showResult(await busy(apikeyConnect, () => ipc.connectApiKey(key, apikeyEnd.value())));
    } catch (e) {
      showError(ipc.toIpcError(e));
    }
  }
  apikeyConnect.addEventListener("click", connectKey);
  apikeyInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void connectKey();
  });
  apikeyInput.addEventListener("input", (ev) => {
    apikeyError.set(null);
    if (pasted(ev) && keyLooksComplete(apikeyInput.value)) void connectKey();
  });

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
    begin(intent) {
      if (intent === "apikey") {
        selectTab("apikey");
        apikeyInput.focus();
      } else if (intent === "login") {
        selectTab("oauth");
        if (!loginStart.disabled) loginStart.click();
      }
    },
  };
}

/** Ends a sentence with one period: German company names often end with one already. */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
