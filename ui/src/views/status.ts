/**
 * The default view: is the connection alive, until when, what happened. Everything here is
 * derived from the latest `Status` (live via the status event) and the history. Every time
 * shown is the core's words (`status.times`, `HistoryLine.at_words`): the window formats none.
 * Relative words go stale, so every few seconds the window asks for a fresh status and
 * history (the core rewrites the words as of its own clock, which may differ from this
 * machine's, e.g. in the demo).
 *
 * The pieces: the state card with the core's next action (`state_card.ts`), the webhook
 * warning, the facts (`status_facts.ts`), what is shared (`share_facts.ts`), the history
 * (`history_list.ts`) and disconnecting (`disconnect.ts`).
 */

import type { Status } from "../bindings/Status";
import { h, replace } from "../dom";
import { lang, onLangChange } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { disconnectArea } from "./disconnect";
import { historyList } from "./history_list";
import type { Intent } from "./reconnect";
import { shareFacts } from "./share_facts";
import { stateCard } from "./state_card";
import { statusFacts } from "./status_facts";
import { webhookWarning } from "./webhook_problems";

/** Relative times ("in 2 h 10 min") go stale; this often the core is asked for fresh ones. */
const CLOCK_MS = 15_000;

export function statusView(go: (intent: Intent) => void): HTMLElement {
  const card = stateCard(go, () => render());
  const webhookHost = h("div", { testid: "status-webhooks" });
  const facts = statusFacts();
  const share = shareFacts();
  const history = historyList();
  const disconnect = disconnectArea(card.failure, () => render());

  const section = h(
    "section",
    { id: "view-status", class: "view", "aria-labelledby": "status-heading" },
    h("h2", { id: "status-heading", class: "visually-hidden", i18n: "nav.status" }),
    card.element,
    webhookHost,
    facts.list,
    facts.techBox,
    share.element,
    ...history.parts,
    disconnect.element,
  );

  /** A status fetched only for fresher time words; dropped whenever the store's changes. */
  let fresh: Status | null = null;
  let storeVersion = 0;

  function render(): void {
    const s = fresh ?? store.status.get();
    if (!s) return;
    section.dataset.state = s.state;
    card.render(s);
    share.render(s);
    facts.render(s);
    renderWebhookWarning(s);
    disconnect.render(s);
  }

  /** The last webhook setup, when something failed: a warning with the fix and a retry. */
  let warnedFor: string | null = null;
  function renderWebhookWarning(s: Status): void {
    const sync = s.last_webhook_sync;
    const key = sync && s.state !== "not_connected" ? `${sync.at}|${lang()}` : null;
    if (key === warnedFor) return;
    warnedFor = key;
    const warning = sync && key ? webhookWarning(sync.outcomes, retryWebhooks, "status-webhook-warning") : null;
    replace(webhookHost, warning);
  }

  async function retryWebhooks(): Promise<void> {
    try {
      await ipc.syncWebhooks();
    } catch (e) {
      card.failure.set(ipc.toIpcError(e).message, store.status.get());
    }
    const latest = await ipc.getStatus().catch(() => null);
    if (latest) store.status.set(latest);
  }

  /** Asks the core for the same facts in fresh words (and the history with them). */
  function refreshWords(): void {
    const asked = storeVersion;
    ipc
      .getStatus()
      .then((s) => {
        // A status that arrived meanwhile is newer than this answer may be.
        if (asked !== storeVersion) return;
        fresh = s;
        render();
      })
      .catch(() => {
        // The next status event or interval brings words again; nothing to tell the user.
      });
    history.load();
  }

  store.status.subscribe(() => {
    storeVersion++;
    fresh = null;
    card.dropStale(store.status.get());
    render();
    history.load();
  });
  store.settings.subscribe(render);
  onLangChange(() => {
    render();
    refreshWords();
  });
  setInterval(refreshWords, CLOCK_MS);

  render();
  history.load();
  return section;
}
