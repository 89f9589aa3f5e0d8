/**
 * "Neu verbinden": the first run and the repair. With no connection it asks one question
 * ("Wie verbindet sich Ihr System mit Lexware?"): the public API key first (recommended, fewest
 * steps), the partner app second, set up right here. After a loss it is short: "Neu verbinden"
 * opens the login, and pasting the code (or the whole address) connects at once; with a loopback
 * redirect nothing needs pasting. A failed attempt never touches the existing connection.
 *
 * The pieces: the tabs (`connect_tabs.ts`), one panel per way (`apikey_panel.ts`,
 * `oauth_panel.ts`) and the result both share (`connect_result.ts`).
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import type { IpcError } from "../bindings/IpcError";
import type { LoopbackOutcome } from "../bindings/LoopbackOutcome";
import { h, show } from "../dom";
import { label, onLangChange } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { apikeyPanel } from "./apikey_panel";
import { busy } from "./common";
import { connectResultBox } from "./connect_result";
import { connectTabs } from "./connect_tabs";
import { oauthPanel } from "./oauth_panel";


/** What a button elsewhere asks this view to do: just show it, start the login, or take a key. */
export type Intent = "show" | "login" | "apikey";

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

  const box = connectResultBox();
  const result = {
    clear: box.clear,
    showError(e: IpcError): void {
      oauth.failed();
      box.showError(e);
    },
    showResult(r: ConnectResult): void {
      box.showResult(r);
      oauth.connected();
      apikey.clearValue();
    },
  };
  async function attempt(button: HTMLButtonElement, work: () => Promise<ConnectResult>): Promise<void> {
    box.clear();
    try {
      result.showResult(await busy(button, work));
    } catch (e) {
      result.showError(ipc.toIpcError(e));
    }
  }
  const oauth = oauthPanel(attempt, result);
  const apikey = apikeyPanel(attempt);
  const tabs = connectTabs({ oauth: oauth.panel, apikey: apikey.panel }, () => {
    box.clear();
    oauth.clearError();
    apikey.clearError();
  });

  const element = h(
    "section",
    { id: "view-reconnect", class: "view", "aria-labelledby": "reconnect-heading" },
    heading,
    intro,
    question,
    tabs.tablist,
    oauth.panel,
    apikey.panel,
    box.errorHost,
    box.resultHost,
  );

  /** The tab a person most likely needs: the way they were connected, else the partner app
   * when one is set up, else the recommended API key. Chosen once, when the facts arrive. */
  let tabChosen = false;
  function chooseTab(): void {
    const s = store.status.get();
    const settings = store.settings.get();
    if (tabChosen || !s || !settings) return;
    tabChosen = true;
    const hasClient = settings.client_id.trim() !== "";
    tabs.select(s.mode === "api_key" ? "apikey" : s.mode === "oauth" || hasClient ? "oauth" : "apikey");
  }
  tabs.select("apikey");

  function renderIntro(): void {
    const s = store.status.get();
    chooseTab();
    oauth.render(s, store.settings.get());
    if (!s) return;
    const first = s.state === "not_connected";
    show(question, first);
    label(heading, first ? "reconnect.heading_new" : "nav.reconnect");
    if (s.state === "auth_lost") label(intro, s.mode === "api_key" ? "reconnect.intro_lost_key" : "reconnect.intro_lost");
    else if (first) label(intro, "reconnect.intro_new");
    else label(intro, "reconnect.intro_connected", { company: s.company ?? "Lexware Office" });
  }

  store.status.subscribe(renderIntro);
  store.settings.subscribe(renderIntro);
  onLangChange(renderIntro);
  renderIntro();

  return {
    element,
    handleLoopback(outcome) {
      if (outcome.result) result.showResult(outcome.result);
      else if (outcome.error) result.showError(outcome.error);
    },
    begin(intent) {
      if (intent === "apikey") {
        tabs.select("apikey");
        apikey.input.focus();
      } else if (intent === "login") {
        tabs.select("oauth");
        if (!oauth.loginStart.disabled) oauth.loginStart.click();
      }
    },
  };
}
