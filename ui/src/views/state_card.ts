/**
 * The card at the top of the status: the state, the core's sentence, the primary action (the
 * core's `next_action`), "Jetzt prüfen" and "Jetzt erneuern", and how a click ended. One story
 * per screen: a failure box from an earlier click goes when the state moves on, and the
 * message is not repeated under it.
 */

import type { ActionOutcome } from "../bindings/ActionOutcome";
import type { Status } from "../bindings/Status";
import { h, show } from "../dom";
import { stateLabel } from "../events";
import { label, t, type Key } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { AlertSlot, busy, note, noteHost } from "./common";
import { primaryAction } from "./next_action";
import type { Intent } from "./reconnect";
import { StoryAlert } from "./story_alert";

export interface StateCard {
  element: HTMLElement;
  /** What an earlier click found; other parts of the view report their failures here too. */
  failure: StoryAlert;
  render(s: Status): void;
  /** The state moved on: an earlier click's failure and its note are an old story now. */
  dropStale(s: Status | null): void;
}

/** `go` follows the primary action; `rerender` redraws the whole view after a click. */
export function stateCard(go: (intent: Intent) => void, rerender: () => void): StateCard {
  const primary = h("button", { type: "button", testid: "status-primary", class: "primary" });
  const nextStep = h("p", { testid: "status-next", class: "status-next" });
  const stateEl = h("strong", { testid: "status-state", class: "state" });
  const message = h("p", { testid: "status-message", class: "status-message" });
  // "stumm bis 08:00": the core's words while a snooze or quiet hours hold notifications back.
  const quietLine = h("p", { testid: "status-quiet", class: "status-quiet muted" });
  const checkNow = h("button", { type: "button", testid: "status-check-now", i18n: "status.check_now" });
  const refreshNow = h("button", { type: "button", testid: "status-refresh-now", i18n: "status.refresh_now" });
  const actionNote = noteHost();
  const alertHost = h("div");
  const failure = new StoryAlert(new AlertSlot(alertHost, "status-error"));
  const element = h(
    "div",
    { class: "card state-card" },
    h("p", { class: "state-line" }, h("span", { class: "dot", "aria-hidden": "true" }), stateEl),
    message,
    quietLine,
    nextStep,
    h("div", { class: "actions" }, primary, checkNow, refreshNow, actionNote),
    alertHost,
  );

  function renderActions(s: Status): void {
    const action = primaryAction(s);
    show(primary, action !== null);
    if (action) {
      label(primary, action.key);
      primary.dataset.intent = action.intent;
    }
    checkNow.classList.toggle("primary", action === null);
    // Degraded: what lexguard does about it and when it tries next (only when it will).
    const next = s.state === "degraded" && s.times.next_attempt ? t("status.next_try", { when: s.times.next_attempt.full }) : "";
    nextStep.textContent = next;
    show(nextStep, next !== "");
    // Renewing a lost connection cannot work: only "Neu verbinden" can (the core's rule).
    show(refreshNow, s.mode !== "api_key" && s.connection_usable);
    show(checkNow, s.state !== "not_connected");
    refreshNow.disabled = refreshNow.getAttribute("aria-busy") === "true";
  }

  function render(s: Status): void {
    stateEl.className = `state state-${s.state}`;
    stateEl.textContent = stateLabel(s.state);
    message.textContent = s.message;
    // The failure box already says this sentence: once per screen.
    show(message, !failure.says(s.message));
    quietLine.textContent = s.quiet_line ?? "";
    show(quietLine, s.quiet_line !== null);
    renderActions(s);
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
    rerender();
  }

  primary.addEventListener("click", () => {
    const intent = primary.dataset.intent as Intent | undefined;
    if (intent) go(intent);
  });
  checkNow.addEventListener("click", () => void act(checkNow, ipc.tickNow, "status.checking", "status.checked"));
  refreshNow.addEventListener("click", () => void act(refreshNow, ipc.refreshNow, null, "status.refreshed"));

  return {
    element,
    failure,
    render,
    dropStale(s) {
      if (failure.dropIfStale(s)) note(actionNote, null);
    },
  };
}
