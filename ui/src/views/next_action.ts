/**
 * The window's primary button for the core's next step (`Status.next_action`, decided once in
 * src/vocabulary.rs for the tray, the CLI and this button).
 */

import type { NextAction } from "../bindings/NextAction";
import type { Status } from "../bindings/Status";
import type { Key } from "../i18n";
import type { Intent } from "./reconnect";

/**
 * The primary action: the core's `next_action` (one rule for the tray, the CLI and this
 * button). `null` when the best button is "Jetzt prüfen". Exhaustive: a new action does not
 * compile until it is placed here.
 */
export function primaryAction(s: Status): { key: Key; intent: Intent } | null {
  const next: NextAction = s.next_action;
  switch (next) {
    case "connect":
      return { key: "status.primary_connect", intent: "show" };
    case "reconnect":
      return { key: "status.primary_reconnect", intent: "login" };
    case "enter_new_api_key":
      return { key: "status.primary_new_key", intent: "apikey" };
    // The two-year grant ends soon, or the app asks for more scopes: a new login while the
    // old one still works (the webhooks stay).
    case "reauthorize":
      return { key: "status.primary_reauthorize", intent: "login" };
    case "none":
    case "wait":
    case "check_client_secret":
    case "unlock_keychain":
    case "fix_webhooks":
    case "start_keepalive":
    // The plan lacks API access (402): fixed in Lexware; "Jetzt prüfen" confirms it after.
    case "check_plan":
      return null;
    default:
      return next satisfies never;
  }
}
