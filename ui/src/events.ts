/**
 * The history as sentences: each `Event` the engine records becomes one line a shop owner
 * understands, in the chosen language. Kinds mirror `Event::kind` in `src/event.rs`; the
 * history filter offers them.
 */

import type { Action } from "./bindings/Action";
import type { ConnState } from "./bindings/ConnState";
import type { Event } from "./bindings/Event";
import type { KeychainFault } from "./bindings/KeychainFault";
import type { Lang } from "./bindings/Lang";
import type { Mode } from "./bindings/Mode";
import type { Outcome } from "./bindings/Outcome";
import type { Reason } from "./bindings/Reason";
import { duration, localTime } from "./format";
import { t, type Key } from "./i18n";

export const HISTORY_KINDS = [
  "state",
  "gap",
  "refresh",
  "failure",
  "validate",
  "auth_lost",
  "connect",
  "disconnect",
  "webhooks",
  "keychain",
  "api_key",
  "keepalive",
] as const;

export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** The history kind of an event, as the CLI's `history` names it. */
export function kindOf(e: Event): HistoryKind {
  switch (e.type) {
    case "state_changed":
      return "state";
    case "gap_detected":
      return "gap";
    case "refreshed":
      return "refresh";
    case "refresh_failing":
      return "failure";
    case "validated":
      return "validate";
    case "auth_lost":
      return "auth_lost";
    case "connected":
      return "connect";
    case "disconnected":
      return "disconnect";
    case "webhooks_synced":
      return "webhooks";
    case "keychain_trouble":
    case "keychain_recovered":
      return "keychain";
    case "api_key_expiring":
      return "api_key";
    case "keepalive_restarted":
      return "keepalive";
  }
}

export function stateLabel(s: ConnState, lang?: Lang): string {
  return t(`state.${s}` as Key, undefined, lang);
}

export function reasonText(r: Reason, lang?: Lang): string {
  return t(`reason.${r}` as Key, undefined, lang);
}

export function modeLabel(m: Mode, lang?: Lang): string {
  return t(`mode.${m}` as Key, undefined, lang);
}

/** The mode inside a sentence ("Verbunden mit X (Lexware-Anmeldung)."). */
function modeShort(m: Mode, lang: Lang): string {
  return t(`mode_short.${m}` as Key, undefined, lang);
}

export function actionLabel(a: Action, lang?: Lang): string {
  return t(`action.${a}` as Key, undefined, lang);
}

const ERROR_KINDS = new Set([
  "network",
  "timeout",
  "server",
  "rate_limited",
  "unauthorized",
  "protocol",
  "busy",
  "client_credentials",
]);

/** The engine's error kind (`network`, `server`, ...) in words; unknown kinds stay as they are. */
export function errorKindText(kind: string, lang?: Lang): string {
  if (ERROR_KINDS.has(kind)) return t(`error_kind.${kind}` as Key, undefined, lang);
  if (kind.startsWith("keychain")) return t("error_kind.keychain", undefined, lang);
  return kind;
}

function faultText(f: KeychainFault, lang: Lang): string {
  return t(`keychain.${f}` as Key, undefined, lang);
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

/** One history line in words. */
export function describeEvent(e: Event, lang: Lang, now: Date, timeZone?: string): string {
  const time = (at: string) => localTime(at, now, lang, timeZone);
  switch (e.type) {
    case "state_changed": {
      const params = { from: stateLabel(e.from, lang), to: stateLabel(e.to, lang) };
      return e.reason
        ? t("event.state_changed_reason", { ...params, reason: reasonText(e.reason, lang) }, lang)
        : t("event.state_changed", params, lang);
    }
    case "gap_detected": {
      const params = {
        length: duration(e.gap.seconds),
        why: t(e.gap.while_running ? "gap.while_running" : "gap.not_running", undefined, lang),
      };
      return t(e.tokens_survived ? "event.gap_survived" : "event.gap_lost", params, lang);
    }
    case "refreshed":
      return t("event.refreshed", { time: time(e.expires_at) }, lang);
    case "refresh_failing": {
      const first = t("event.refresh_failing", { error: errorKindText(e.error, lang), retry: time(e.retry_at) }, lang);
      return e.expires_at ? `${first} ${t("event.refresh_failing_expires", { time: time(e.expires_at) }, lang)}` : first;
    }
    case "validated":
      return e.company
        ? t("event.validated", { company: e.company }, lang)
        : t("event.validated_plain", undefined, lang);
    case "auth_lost":
      return t("event.auth_lost", { reason: reasonText(e.reason, lang) }, lang);
    case "connected":
      return e.company
        ? t("event.connected", { company: e.company, mode: modeShort(e.mode, lang) }, lang)
        : t("event.connected_plain", { mode: modeShort(e.mode, lang) }, lang);
    case "disconnected":
      return t("event.disconnected", undefined, lang);
    case "webhooks_synced":
      return e.outcomes.length === 0
        ? t("event.webhooks_synced_none", undefined, lang)
        : t("event.webhooks_synced", { summary: outcomeSummary(e.outcomes, lang) }, lang);
    case "keychain_trouble": {
      const first = faultText(e.fault, lang);
      return e.unsaved ? `${first} ${t("event.keychain_unsaved", undefined, lang)}` : first;
    }
    case "keychain_recovered":
      return t("event.keychain_recovered", undefined, lang);
    case "api_key_expiring": {
      const params = { days: e.days, time: time(e.expires_at) };
      const key = e.days <= 0 ? "event.api_key_expiring_today" : e.days === 1 ? "event.api_key_expiring_one" : "event.api_key_expiring";
      return t(key, params, lang);
    }
    case "keepalive_restarted":
      return e.restarts > 1
        ? t("event.keepalive_restarted_again", { n: e.restarts }, lang)
        : t("event.keepalive_restarted", undefined, lang);
  }
}
