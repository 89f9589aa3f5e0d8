/**
 * The window's one fixture set: settings, time words, a status (with the core's vocabulary for
 * its state) and a history, as the backend would send them. The Vitest suite (`tests/fake.ts`)
 * and the dev mock (`dev/mock.ts`) both build on these, so a new field in `Status` or
 * `Settings` is added here once. Dev and tests only: production code never imports this.
 */
import type { HistoryLine } from "../bindings/HistoryLine";
import type { IpcError } from "../bindings/IpcError";
import type { IpcErrorKind } from "../bindings/IpcErrorKind";
import type { Settings } from "../bindings/Settings";
import type { Status } from "../bindings/Status";
import type { StatusTimes } from "../bindings/StatusTimes";
import type { TimeWords } from "../bindings/TimeWords";
import type { WebhookSpec } from "../bindings/WebhookSpec";

/** The two webhooks of the demo, at the simulator's receiver. */
export const WEBHOOKS: WebhookSpec[] = [
  { event_type: "invoice.created", callback_url: "http://127.0.0.1:41234/hooks/invoice-created" },
  { event_type: "token.revoked", callback_url: "http://127.0.0.1:41234/hooks/token-revoked" },
];

export const SETTINGS: Settings = {
  client_id: "lexguard-test-client",
  client_secret_set: true,
  redirect_uri: "http://127.0.0.1:41234/copy-code",
  environment: "custom",
  auth_url: "http://127.0.0.1:41234",
  api_url: "http://127.0.0.1:41234",
  scope: "",
  connection_name: "lexguard Demo",
  check_every_secs: 60,
  refresh_before_secs: 900,
  remind_every_secs: 4 * 3600,
  language: "de",
  start_at_login: false,
  demo: true,
  data_folder: "/home/anna/.local/share/lexguard",
  secret_store: "keychain",
};

/** Time words as the core writes them (the window shows them as they are). */
export const words = (absolute: string, relative: string): TimeWords => ({ absolute, relative, full: `${absolute} (${relative})` });

export function times(over: Partial<StatusTimes> = {}): StatusTimes {
  return {
    as_of: new Date().toISOString(),
    connected: words("12.01.2025 11:00 MEZ", "vor 3 d 5 h"),
    access_expires: words("16:42 MEZ", "in 14 min"),
    refresh_issued: words("16:22 MEZ", "vor 6 min"),
    refresh_expires_assumed: null,
    api_key_expires: null,
    last_check: words("16:27 MEZ", "vor 30 s"),
    last_validated: null,
    next_check: words("16:28 MEZ", "in 30 s"),
    next_attempt: null,
    last_gap_from: null,
    last_gap_to: null,
    last_gap_length: null,
    last_webhook_sync: null,
    ...over,
  };
}

export const HISTORY: HistoryLine[] = [
  {
    at: new Date().toISOString(),
    at_words: words("16:27 MEZ", "vor 30 s"),
    kind: "validate",
    text: "Verbindung zu Demo GmbH geprüft – alles in Ordnung.",
    event: { type: "validated", company: "Demo GmbH" },
  },
  {
    at: new Date().toISOString(),
    at_words: words("16:22 MEZ", "vor 6 min"),
    kind: "refresh",
    text: "Zugangsdaten erneuert; das Zugriffstoken gilt bis 16:42 MEZ.",
    event: { type: "refreshed", expires_at: new Date(Date.now() + 3600_000).toISOString() },
  },
  {
    at: new Date().toISOString(),
    at_words: words("10.01.2025 09:00 MEZ", "vor 5 d 7 h"),
    kind: "auth_lost",
    text: "Verbindung verloren: Lexware hat die Anmeldung beendet. Bitte verbinden Sie sich neu.",
    event: { type: "auth_lost", reason: "invalid_grant" },
  },
];

/**
 * The core's vocabulary for a fixture's state (src/vocabulary.rs decides it for real; a test
 * about another combination passes `next_action` itself).
 */
export function vocabulary(s: Partial<Status>): Pick<Status, "severity" | "next_action" | "connection_usable"> {
  const state = s.state ?? "healthy";
  if (state === "not_connected") return { severity: "info", next_action: "connect", connection_usable: false };
  if (state === "auth_lost")
    return { severity: "lost", next_action: s.mode === "api_key" ? "enter_new_api_key" : "reconnect", connection_usable: false };
  if (state === "healthy") return { severity: "info", next_action: "none", connection_usable: true };
  const byReason: Record<string, Pick<Status, "severity" | "next_action">> = {
    authorization_expiring: { severity: "info", next_action: "reauthorize" },
    scopes_missing: { severity: "info", next_action: "reauthorize" },
    api_key_expiring: { severity: "info", next_action: "enter_new_api_key" },
    keychain_corrupt: { severity: "trouble", next_action: "reconnect" },
    plan_inactive: { severity: "trouble", next_action: "check_plan" },
  };
  const known = byReason[s.reason ?? ""] ?? { severity: "warning", next_action: "wait" };
  return { ...known, connection_usable: known.next_action !== "reconnect" };
}

export function status(over: Partial<Status> = {}): Status {
  return {
    state: "healthy",
    reason: null,
    ...vocabulary(over),
    headline: "Verbunden mit Demo GmbH · Verbindung gültig bis 16:42 MEZ (in 14 min)",
    message: "Verbunden mit Demo GmbH · Verbindung gültig bis 16:42 MEZ (in 14 min).",
    mode: "oauth",
    environment: "custom",
    company: "Demo GmbH",
    organization_id: "org-1",
    connection_id: "c-1",
    connected_at: "2025-01-12T10:00:00Z",
    access_expires_at: new Date(Date.now() + 14 * 60_000).toISOString(),
    refresh_issued_at: new Date(Date.now() - 6 * 60_000).toISOString(),
    refresh_expires_assumed_at: null,
    api_key_expires_at: null,
    last_tick_at: new Date(Date.now() - 30_000).toISOString(),
    last_validated_at: null,
    next_check_at: new Date(Date.now() + 30_000).toISOString(),
    next_attempt_at: null,
    last_gap: null,
    tick_overdue: false,
    authorization_expires_at: null,
    webhooks: WEBHOOKS.map((w) => ({ ...w })),
    last_webhook_sync: null,
    webhooks_health: { checked_at: null, repaired_at: null, repaired: [], failing: [], missing: [] },
    times: times(),
    snoozed_until: null,
    quiet: false,
    quiet_line: null,
    ...over,
  };
}

export const ipcError = (message: string, field: string | null = null, kind: IpcErrorKind = "config"): IpcError => ({ kind, message, field });
