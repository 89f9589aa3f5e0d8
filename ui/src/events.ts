/**
 * Labels for the engine's enums (state, mode, webhook action) in the chosen language, and the
 * history kinds the filter offers (generated from `HistoryKind` in `src/history.rs`). The
 * history sentences themselves come from the core (`HistoryLine.text`, `Event::describe`).
 */

import type { Action } from "./bindings/Action";
import type { ConnState } from "./bindings/ConnState";
import type { Lang } from "./bindings/Lang";
import type { Mode } from "./bindings/Mode";
import type { Outcome } from "./bindings/Outcome";
import { t, type Key } from "./i18n";

export type { HistoryKind } from "./bindings/HistoryKind";
export { HISTORY_KINDS } from "./bindings/historyKinds";

export function stateLabel(s: ConnState, lang?: Lang): string {
  return t(`state.${s}` as Key, undefined, lang);
}

export function modeLabel(m: Mode, lang?: Lang): string {
  return t(`mode.${m}` as Key, undefined, lang);
}

export function actionLabel(a: Action, lang?: Lang): string {
  return t(`action.${a}` as Key, undefined, lang);
}

/** "2 angelegt, 1 vorhanden" — how many subscriptions each action touched, in a fixed order. */
export function outcomeSummary(outcomes: Outcome[], lang: Lang): string {
  const order: Action[] = ["created", "kept", "repaired", "removed", "unmanaged", "failed"];
  return order
    .map((a) => [a, outcomes.filter((o) => o.action === a).length] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} ${actionLabel(a, lang)}`)
    .join(", ");
}
