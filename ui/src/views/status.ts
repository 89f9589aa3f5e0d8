/**
 * The default view: is the connection alive, until when, what happened. Everything here is
 * derived from the latest `Status` (live via the status event) and the history. Every time
 * shown is the core's words (`status.times`, `HistoryLine.at_words`): the window formats none.
 * Relative words go stale, so every few seconds the window asks for a fresh status and
 * history (the core rewrites the words as of its own clock, which may differ from this
 * machine's, e.g. in the demo).
 *
 * The core's `next_action` decides the primary action: lost → "Neu verbinden", key running
 * out → "Neuen Schlüssel eintragen", degraded → what lexguard does about it and when it tries
 * next. One story per screen: a failure box from an earlier click goes when the state moves
 * on, and the message is not repeated under it. Plain words in the facts; token details live
 * behind "Details".
 */

import type { ActionOutcome } from "../bindings/ActionOutcome";
import type { HistoryLine } from "../bindings/HistoryLine";
import type { Status } from "../bindings/Status";
import type { TimeWords } from "../bindings/TimeWords";
import { h, replace, show } from "../dom";
import { HISTORY_KINDS, modeLabel, outcomeSummary, stateLabel } from "../events";
import { label, lang, onLangChange, t, type Key } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, details, factRow, note, noteHost } from "./common";
import { shareFacts } from "./share_facts";
import type { Intent } from "./reconnect";
import { primaryAction } from "./next_action";
import { StoryAlert } from "./story_alert";
import { webhookWarning } from "./webhook_problems";

const HISTORY_LIMIT = 200;
/** Relative times ("in 2 h 10 min") go stale; this often the core is asked for fresh ones. */
const CLOCK_MS = 15_000;

export function statusView(go: (intent: Intent) => void): HTMLElement {
  const primary = h("button", { type: "button", testid: "status-primary", class: "primary" });
  const nextStep = h("p", { testid: "status-next", class: "status-next" });
  const webhookHost = h("div", { testid: "status-webhooks" });
  const stateEl = h("strong", { testid: "status-state", class: "state" });
  const message = h("p", { testid: "status-message", class: "status-message" });
  // "stumm bis 08:00": the core's words while a snooze or quiet hours hold notifications back.
  const quietLine = h("p", { testid: "status-quiet", class: "status-quiet muted" });
  const checkNow = h("button", { type: "button", testid: "status-check-now", i18n: "status.check_now" });
  const refreshNow = h("button", { type: "button", testid: "status-refresh-now", i18n: "status.refresh_now" });
  const actionNote = noteHost();
  const alertHost = h("div");
  const alert = new AlertSlot(alertHost, "status-error");

  const rows = {
    company: factRow("status.company", "status-company"),
    mode: factRow("status.mode", "status-mode"),
    environment: factRow("status.environment", "status-environment"),
    connectedAt: factRow("status.connected_at"),
    access: factRow("status.access_expires", "status-access-expires"),
    apiKey: factRow("status.api_key_expires"),
    lastTick: factRow("status.last_tick", "status-last-tick"),
    lastValidated: factRow("status.last_validated"),
    nextCheck: factRow("status.next_check"),
    lastGap: factRow("status.last_gap", "status-last-gap"),
    webhooks: factRow("status.webhooks"),
  };
  /** Technical facts, for whoever supports the person: behind "Details". */
  const tech = {
    organization: factRow("status.organization"),
    connection: factRow("status.connection_id"),
    token: factRow("status.token_expires", "status-token-expires"),
    refresh: factRow("status.refresh_issued"),
  };
  const share = shareFacts();
  const techBox = details("status-details", h("dl", { class: "facts" }, ...Object.values(tech).map((r) => r.row)));

  const filter = h(
    "select",
    { testid: "history-filter", id: "history-filter" },
    h("option", { value: "", i18n: "history.all" }),
    ...HISTORY_KINDS.map((k) => h("option", { value: k, i18n: `kind.${k}` as Key })),
  );
  const historyList = h("ul", { testid: "history-list", class: "history" });
  const historyEmpty = h("p", { class: "muted", i18n: "history.empty" });
  const historyAlertHost = h("div");
  const historyAlert = new AlertSlot(historyAlertHost, "history-error");

  const disconnectArea = h("div", { class: "danger-zone" });

  const section = h(
    "section",
    { id: "view-status", class: "view", "aria-labelledby": "status-heading" },
    h("h2", { id: "status-heading", class: "visually-hidden", i18n: "nav.status" }),
    h(
      "div",
      { class: "card state-card" },
      h("p", { class: "state-line" }, h("span", { class: "dot", "aria-hidden": "true" }), stateEl),
      message,
      quietLine,
      nextStep,
      h("div", { class: "actions" }, primary, checkNow, refreshNow, actionNote),
      alertHost,
    ),
    webhookHost,
    h("dl", { class: "facts" }, ...Object.values(rows).map((r) => r.row)),
    techBox,
    share.element,
    h(
      "div",
      { class: "history-head" },
      h("h2", { i18n: "history.title" }),
      h("div", { class: "inline-field" }, h("label", { for: "history-filter", i18n: "history.filter" }), filter),
    ),
    historyAlertHost,
    historyList,
    historyEmpty,
    disconnectArea,
  );

  let history: HistoryLine[] = [];
  const failure = new StoryAlert(alert);
  /** A status fetched only for fresher time words; dropped whenever the store's changes. */
  let fresh: Status | null = null;
  let storeVersion = 0;

  function render(): void {
    const s = fresh ?? store.status.get();
    if (!s) return;
    const l = lang();
    const times = s.times;
    const when = (w: TimeWords | null, none: Key = "common.none") => (w ? w.full : t(none));

    stateEl.className = `state state-${s.state}`;
    stateEl.textContent = stateLabel(s.state);
    section.dataset.state = s.state;
    message.textContent = s.message;
    // The failure box already says this sentence: once per screen.
    show(message, !failure.says(s.message));
    share.render(s);
    quietLine.textContent = s.quiet_line ?? "";
    show(quietLine, s.quiet_line !== null);

    const action = primaryAction(s);
    show(primary, action !== null);
    if (action) {
      label(primary, action.key);
      primary.dataset.intent = action.intent;
    }
    checkNow.classList.toggle("primary", action === null);
    // Degraded: what lexguard does about it and when it tries next (only when it will).
    const next = s.state === "degraded" && times.next_attempt ? t("status.next_try", { when: times.next_attempt.full }) : "";
    nextStep.textContent = next;
    show(nextStep, next !== "");

    rows.company.value.textContent = s.company ?? "–";
    tech.organization.value.textContent = s.organization_id ?? "–";
    tech.connection.value.textContent = s.connection_id ?? "–";
    rows.mode.value.textContent = s.mode ? modeLabel(s.mode) : "–";
    rows.environment.value.textContent = store.isDemo() ? t("env.demo") : t(`env.${s.environment}` as Key);
    rows.connectedAt.value.textContent = when(times.connected);
    show(rows.connectedAt.row, s.connected_at !== null);

    const apiKeyMode = s.mode === "api_key";
    // A lost connection is valid until nothing: never "gültig bis … (in 14 min)" while lost.
    const live = s.state === "healthy" || s.state === "degraded";
    replace(
      rows.access.value,
      when(times.access_expires),
      s.state === "healthy" && h("span", { class: "sub muted", text: t("status.access_renewed") }),
    );
    show(rows.access.row, !apiKeyMode && live && times.access_expires !== null);
    tech.token.value.textContent = when(times.access_expires);
    show(tech.token.row, !apiKeyMode && live);
    replace(
      tech.refresh.value,
      when(times.refresh_issued),
      times.refresh_expires_assumed &&
        h("span", { class: "sub muted", text: t("status.refresh_assumed", { time: times.refresh_expires_assumed.absolute }) }),
    );
    show(tech.refresh.row, !apiKeyMode && s.refresh_issued_at !== null);
    show(techBox, s.state !== "not_connected");
    rows.apiKey.value.textContent = when(times.api_key_expires);
    show(rows.apiKey.row, apiKeyMode);

    rows.lastTick.value.textContent = when(times.last_check, "status.never");
    rows.lastTick.row.classList.toggle("warn", s.tick_overdue);
    rows.lastValidated.value.textContent = when(times.last_validated, "status.never");
    show(rows.lastValidated.row, s.state !== "not_connected");
    rows.nextCheck.value.textContent = when(times.next_check);

    const gap = s.last_gap;
    rows.lastGap.value.textContent = gap
      ? t("status.gap_value", {
          length: times.last_gap_length ?? "–",
          when: when(times.last_gap_to),
          why: t(gap.while_running ? "gap.while_running" : "gap.not_running"),
        })
      : t("status.no_gap");

    const sync = s.last_webhook_sync;
    rows.webhooks.value.textContent =
      s.webhooks.length === 0
        ? t("status.webhooks_none")
        : sync
          ? t("status.webhooks_synced", {
              count: s.webhooks.length,
              when: when(times.last_webhook_sync),
              summary: outcomeSummary(sync.outcomes, l) || "–",
            })
          : t("status.webhooks_count", { count: s.webhooks.length });

    renderWebhookWarning(s);
    // Renewing a lost connection cannot work: only "Neu verbinden" can (the core's rule).
    show(refreshNow, !apiKeyMode && s.connection_usable);
    show(checkNow, s.state !== "not_connected");
    refreshNow.disabled = refreshNow.getAttribute("aria-busy") === "true";
    renderDisconnect(s);
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
      failure.set(ipc.toIpcError(e).message, store.status.get());
    }
    const fresh = await ipc.getStatus().catch(() => null);
    if (fresh) store.status.set(fresh);
  }

  primary.addEventListener("click", () => {
    const intent = primary.dataset.intent as Intent | undefined;
    if (intent) go(intent);
  });

  /** Two steps, because disconnecting revokes at Lexware and deletes the local credentials. */
  function renderDisconnect(s: Status): void {
    if (s.state === "not_connected") {
      replace(disconnectArea);
      return;
    }
    if (disconnectArea.dataset.confirming === "true") return;
    const start = h("button", { type: "button", class: "link-button", i18n: "disconnect.start" });
    start.addEventListener("click", () => {
      disconnectArea.dataset.confirming = "true";
      const yes = h("button", { type: "button", class: "danger", i18n: "disconnect.confirm" });
      const no = h("button", { type: "button", i18n: "common.cancel" });
      const done = () => {
        delete disconnectArea.dataset.confirming;
        render();
      };
      no.addEventListener("click", done);
      yes.addEventListener("click", async () => {
        try {
          const after = await busy(yes, ipc.disconnect);
          failure.clear();
          store.status.set(after);
        } catch (e) {
          failure.set(ipc.toIpcError(e).message, store.status.get());
        }
        done();
      });
      replace(disconnectArea, h("p", { i18n: "disconnect.explain" }), h("div", { class: "actions" }, yes, no));
      no.focus();
    });
    replace(disconnectArea, start);
  }

  function renderHistory(): void {
    const kind = filter.value;
    const shown = history.filter((e) => kind === "" || e.kind === kind);
    replace(
      historyList,
      ...shown.map((e) =>
        h(
          "li",
          { "data-kind": e.kind, class: `kind-${e.kind} event-${e.event.type}` },
          h(
            "time",
            { datetime: e.at },
            h("span", { text: e.at_words.absolute }),
            h("span", { class: "sub muted", text: e.at_words.relative }),
          ),
          h("span", { class: "sentence", text: e.text }),
        ),
      ),
    );
    show(historyEmpty, shown.length === 0);
    label(historyEmpty, history.length === 0 ? "history.empty" : "history.empty_filtered");
  }

  let loading: Promise<void> | null = null;
  let again = false;
  /** Fetches the history; calls that arrive while one is in flight fold into one more. */
  function loadHistory(): void {
    if (loading) {
      again = true;
      return;
    }
    loading = ipc
      .getHistory(HISTORY_LIMIT)
      .then((entries) => {
        history = entries;
        historyAlert.clear();
        renderHistory();
      })
      .catch((e) => historyAlert.set(ipc.toIpcError(e).message))
      .finally(() => {
        loading = null;
        if (again) {
          again = false;
          loadHistory();
        }
      });
  }

  /**
   * How a manual action ended, shown where its button is: a success only when the operation
   * worked and the connection is healthy afterwards; otherwise what failed and what lexguard
   * does next (the backend words both, so the tray's notification says the same).
   */
  function showOutcome(o: ActionOutcome, success: Key): void {
    if (o.ok) {
      failure.clear();
      note(actionNote, success, "status-action-note");
    } else {
      note(actionNote, null);
      failure.set(o.failure ?? o.status.message, o.status);
    }
    store.status.set(o.status);
  }

  async function act(button: HTMLButtonElement, work: () => Promise<ActionOutcome>, pending: Key | null, success: Key) {
    failure.clear();
    note(actionNote, pending, "status-action-note");
    try {
      showOutcome(await busy(button, work), success);
    } catch (e) {
      note(actionNote, null);
      failure.set(ipc.toIpcError(e).message, store.status.get());
    }
    render();
  }

  checkNow.addEventListener("click", () => void act(checkNow, ipc.tickNow, "status.checking", "status.checked"));
  refreshNow.addEventListener("click", () => void act(refreshNow, ipc.refreshNow, null, "status.refreshed"));

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
    loadHistory();
  }

  filter.addEventListener("change", renderHistory);

  store.status.subscribe(() => {
    storeVersion++;
    fresh = null;
    // The state moved on: an earlier click's failure ("neuer Versuch in 25 s") is an old
    // story now, and so is its note.
    if (failure.dropIfStale(store.status.get())) note(actionNote, null);
    render();
    loadHistory();
  });
  store.settings.subscribe(render);
  onLangChange(() => {
    render();
    refreshWords();
  });
  setInterval(refreshWords, CLOCK_MS);

  render();
  loadHistory();
  return section;
}
