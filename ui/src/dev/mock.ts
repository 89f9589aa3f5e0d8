/**
 * Dev only (`vite`, then `/?mock`): a fake backend with plausible data, to look at the window
 * in a plain browser without the Rust side. `main.ts` imports it behind
 * `import.meta.env.DEV`, so production builds contain none of it.
 *
 * Scenarios by query: `?mock` healthy OAuth, `?mock=lost` connection lost, `?mock=new` not
 * connected, `?mock=api` API key, `?mock=listening` login completes via loopback after 4 s,
 * `?mock=en` English. Paste "bad" to see a rejected code.
 */

import type { ConnectResult } from "../bindings/ConnectResult";
import type { HistoryLine } from "../bindings/HistoryLine";
import type { IpcError } from "../bindings/IpcError";
import type { IpcErrorKind } from "../bindings/IpcErrorKind";
import type { Outcome } from "../bindings/Outcome";
import type { Settings } from "../bindings/Settings";
import type { Status } from "../bindings/Status";
import type { StatusTimes } from "../bindings/StatusTimes";
import type { TimeWords } from "../bindings/TimeWords";
import type { WebhookSpec } from "../bindings/WebhookSpec";
import { LIMITS } from "../bindings/limitsData";
import type { Backend } from "../ipc";
import { EVENT_TYPES } from "../bindings/eventWords";
import { SETTINGS, status as statusFixture, times, vocabulary, WEBHOOKS } from "./fixtures";

const min = 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

export function mockBackend(scenario: string): Backend {
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  const emit = (event: string, payload: unknown) => handlers.get(event)?.forEach((fn) => fn(payload));
  const fail = (kind: IpcErrorKind, message: string, field: string | null = null): IpcError => ({ kind, message, field });

  let webhooks: WebhookSpec[] = WEBHOOKS.map((w) => ({ ...w }));
  let settings: Settings = { ...SETTINGS, client_secret_set: false, language: scenario === "en" ? "en" : "de" };
  const en = () => settings.language === "en";
  /** Time words as the core would write them; the window formats none itself. */
  const tw = (absDe: string, absEn: string, relDe: string, relEn: string = relDe): TimeWords => {
    const [absolute, relative] = en() ? [absEn, relEn] : [absDe, relDe];
    return { absolute, relative, full: `${absolute} (${relative})` };
  };
  const mockTimes = (over: Partial<StatusTimes> = {}): StatusTimes =>
    times({
      connected: tw("09.01.2025 16:28 MEZ", "2025-01-09 16:28 CET", "vor 3 d 0 h", "3 d 0 h ago"),
      access_expires: tw("16:42 MEZ", "16:42 CET", "in 14 min"),
      refresh_issued: tw("16:22 MEZ", "16:22 CET", "vor 6 min", "6 min ago"),
      refresh_expires_assumed: tw("16.01.2025 16:22 MEZ", "2025-01-16 16:22 CET", "in 6 d 23 h"),
      api_key_expires: scenario === "api" ? tw("10.12.2026 16:28 MEZ", "2026-12-10 16:28 CET", "in 700 d 0 h") : null,
      last_check: tw("16:27 MEZ", "16:27 CET", "vor 30 s", "30 s ago"),
      last_validated: tw("16:22 MEZ", "16:22 CET", "vor 6 min", "6 min ago"),
      next_check: tw("16:28 MEZ", "16:28 CET", "in 30 s"),
      next_attempt: null,
      last_gap_from: tw("11.01.2025 14:28 MEZ", "2025-01-11 14:28 CET", "vor 1 d 2 h", "1 d 2 h ago"),
      last_gap_to: tw("11.01.2025 17:28 MEZ", "2025-01-11 17:28 CET", "vor 23 h 0 min", "23 h 0 min ago"),
      last_gap_length: "3 h 0 min",
      last_webhook_sync: tw("16:22 MEZ", "16:22 CET", "vor 6 min", "6 min ago"),
      ...over,
    });
  const outcomes = (): Outcome[] =>
    webhooks.map((w, i) => ({
      event_type: w.event_type,
      callback_url: w.callback_url,
      action: i === 0 ? "created" : "kept",
      subscription_id: `sub-${i + 1}`,
      error: null,
      status: null,
      error_kind: null,
    }));

  const healthy = (): Status =>
    statusFixture({
      headline:
        settings.language === "de"
          ? "Verbunden mit Demo GmbH · Verbindung gültig bis 16:42 MEZ (in 14 min)"
          : "Connected to Demo GmbH · connection valid until 16:42 CET (in 14 min)",
      message:
        settings.language === "de"
          ? "Verbunden mit Demo GmbH · Verbindung gültig bis 16:42 MEZ (in 14 min)."
          : "Connected to Demo GmbH · connection valid until 16:42 CET (in 14 min).",
      mode: scenario === "api" ? "api_key" : "oauth",
      organization_id: "0f2a7c1e-5b7d-4c8e-9a11-3d2f6b8e4a90",
      connected_at: iso(-3 * 86_400_000),
      refresh_expires_assumed_at: iso(7 * 86_400_000 - 6 * min),
      api_key_expires_at: scenario === "api" ? iso(700 * 86_400_000) : null,
      last_validated_at: iso(-6 * min),
      last_gap: { from: iso(-26 * 60 * min), to: iso(-23 * 60 * min), seconds: 3 * 3600, while_running: true },
      webhooks,
      last_webhook_sync: { at: iso(-6 * min), outcomes: outcomes() },
      times: mockTimes(),
    });
  let status: Status =
    scenario === "lost"
      ? {
          ...healthy(),
          ...vocabulary({ state: "auth_lost", reason: "invalid_grant" }),
          state: "auth_lost",
          reason: "invalid_grant",
          headline: "Verbindung zu Demo GmbH verloren",
          message:
            "Die Verbindung zu Demo GmbH ist verloren. Bitte verbinden Sie sich neu; danach richtet lexguard die Webhooks wieder ein.",
          access_expires_at: null,
          next_check_at: iso(0.5 * min),
          times: mockTimes({ access_expires: null }),
        }
      : scenario === "new"
        ? {
            ...healthy(),
            ...vocabulary({ state: "not_connected" }),
            state: "not_connected",
            headline: "Nicht verbunden",
            message: "Nicht verbunden. Verbinden Sie lexguard mit Lexware Office.",
            mode: null,
            company: null,
            organization_id: null,
            connected_at: null,
            access_expires_at: null,
            refresh_issued_at: null,
            refresh_expires_assumed_at: null,
            last_validated_at: null,
            last_gap: null,
            last_webhook_sync: null,
            times: mockTimes({
              connected: null,
              access_expires: null,
              refresh_issued: null,
              refresh_expires_assumed: null,
              last_validated: null,
              last_gap_from: null,
              last_gap_to: null,
              last_gap_length: null,
              last_webhook_sync: null,
            }),
          }
        : healthy();

  const line = (at: number, at_words: TimeWords, event: HistoryLine["event"], kind: HistoryLine["kind"], de: string, en_: string): HistoryLine => ({
    at: iso(at),
    at_words,
    kind,
    text: en() ? en_ : de,
    event,
  });
  const history = (): HistoryLine[] => [
    line(-0.5 * min, tw("16:27 MEZ", "16:27 CET", "vor 30 s", "30 s ago"), { type: "validated", company: "Demo GmbH" }, "validate",
      "Verbindung zu Demo GmbH geprüft – alles in Ordnung.", "Connection to Demo GmbH checked – all is well."),
    line(-6 * min, tw("16:22 MEZ", "16:22 CET", "vor 6 min", "6 min ago"), { type: "refreshed", expires_at: iso(14 * min) }, "refresh",
      "Zugangsdaten erneuert; das Zugriffstoken gilt bis 16:42 MEZ.", "Credentials refreshed; the access token is valid until 16:42 CET."),
    line(-6 * min, tw("16:22 MEZ", "16:22 CET", "vor 6 min", "6 min ago"), { type: "webhooks_synced", outcomes: outcomes() }, "webhooks",
      "Webhooks eingerichtet: 1 angelegt, 1 vorhanden.", "Webhooks set up: 1 created, 1 already there."),
    line(-9 * min, tw("16:19 MEZ", "16:19 CET", "vor 9 min", "9 min ago"), { type: "refresh_failing", error: "network", retry_at: iso(-8 * min), expires_at: iso(-2 * min) }, "failure",
      "Erneuern fehlgeschlagen (keine Netzwerkverbindung zu Lexware); nächster Versuch 16:20 MEZ. Das Zugriffstoken gilt noch bis 16:26 MEZ.",
      "Refreshing failed (no network connection to Lexware); next try 16:20 CET. The access token is still valid until 16:26 CET."),
    line(-21 * min, tw("16:07 MEZ", "16:07 CET", "vor 21 min", "21 min ago"), { type: "keychain_trouble", fault: "locked", unsaved: true }, "keychain",
      "Der Schlüsselbund ist gesperrt. Neue Zugangsdaten liegen nur im Speicher – bitte entsperren Sie den Schlüsselbund und beenden Sie lexguard bis dahin nicht.",
      "The keychain is locked. New credentials are held in memory only – please unlock the keychain and do not quit lexguard until then."),
    line(-23 * 60 * min, tw("11.01.2025 17:28 MEZ", "2025-01-11 17:28 CET", "vor 23 h 0 min", "23 h 0 min ago"),
      { type: "gap_detected", gap: { from: iso(-26 * 60 * min), to: iso(-23 * 60 * min), seconds: 10_800, while_running: true }, tokens_survived: true }, "gap",
      "3 h 0 min lang keine Prüfung (der Computer schlief oder hing). Die Zugangsdaten haben die Lücke überstanden.",
      "No check for 3 h 0 min (the computer slept or stalled). The credentials survived the gap."),
    line(-3 * 86_400_000, tw("09.01.2025 16:28 MEZ", "2025-01-09 16:28 CET", "vor 3 d 0 h", "3 d 0 h ago"), { type: "connected", company: "Demo GmbH", mode: "oauth" }, "connect",
      "Verbunden mit Demo GmbH (Lexware-Anmeldung).", "Connected to Demo GmbH (Lexware login)."),
  ];

  const connectResult = (): ConnectResult => {
    status = healthy();
    emit("lexguard://status", status);
    return { status, company: "Demo GmbH", webhooks: outcomes(), webhooks_error: null };
  };

  const delay = <T>(value: T, ms = 300) => new Promise<T>((r) => setTimeout(() => r(value), ms));
  const reject = (e: IpcError, ms = 300) => new Promise<never>((_, r) => setTimeout(() => r(e), ms));

  const commands: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
    get_status: () => delay(status, 50),
    get_history: (a) => delay(history().slice(0, Number(a.limit)), 50),
    get_settings: () => delay(settings, 50),
    start_login: () => {
      if (scenario === "listening") setTimeout(() => emit("lexguard://connect-result", { result: connectResult(), error: null }), 4000);
      return delay({
        url: "http://127.0.0.1:41234/oauth2/authorize?response_type=code&client_id=lexguard-test-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A41234%2Fcopy-code&code_challenge=Qm9vbWVyYW5nIGlzIGEgZ29vZCBmaWxt&code_challenge_method=S256&state=7d1c",
        started_at: new Date().toISOString(),
        code_valid_secs: LIMITS.code_lifetime_secs,
        browser_opened: scenario !== "listening",
        listening: scenario === "listening",
      });
    },
    connect: (a) =>
      String(a.pasted).includes("bad")
        ? reject(fail("code_rejected", "Lexware hat den Code abgelehnt (falsch, abgelaufen oder schon benutzt). Bitte melden Sie sich erneut an und fügen Sie den neuen Code sofort ein."))
        : delay(connectResult(), 700),
    connect_api_key: () => delay(connectResult(), 700),
    list_webhooks: () =>
      status.state === "healthy" || status.state === "degraded"
        ? delay({
            existing: [
              ...webhooks.map((w, i) => ({ subscriptionId: `sub-${i + 1}`, eventType: w.event_type, callbackUrl: w.callback_url })),
              { subscriptionId: "9b3e-44aa", eventType: "contact.changed", callbackUrl: "https://crm.example.de/lexware/contacts" },
            ],
            desired: webhooks,
          })
        : reject(fail("auth_lost", "Die Verbindung zu Lexware ist verloren. Bitte verbinden Sie sich neu.")),
    sync_webhooks: () => delay(outcomes(), 600),
    save_webhooks: (a) => {
      webhooks = a.webhooks as WebhookSpec[];
      status = { ...status, webhooks };
      return delay(webhooks);
    },
    event_types: () => delay(EVENT_TYPES, 50),
    save_settings: (a) => {
      const s = a.settings as Settings;
      if (s.check_every_secs === 300)
        return reject(fail("config", "Muss länger als check_every und höchstens 12 Stunden sein (z. B. \"5m\").", "schedule.gap_after"));
      settings = { ...s, client_secret_set: settings.client_secret_set, start_at_login: settings.start_at_login, demo: true, data_folder: settings.data_folder };
      return delay(settings);
    },
    set_client_secret: () => {
      settings = { ...settings, client_secret_set: true };
      return delay(null);
    },
    set_start_at_login: (a) => {
      settings = { ...settings, start_at_login: a.on as boolean };
      return delay(settings.start_at_login);
    },
    open_data_folder: () => delay(null),
    tick_now: () => {
      status = {
        ...status,
        last_tick_at: iso(0),
        next_check_at: iso(min),
        times: { ...status.times, last_check: tw("16:28 MEZ", "16:28 CET", "gerade eben", "just now"), next_check: tw("16:29 MEZ", "16:29 CET", "in 1 min") },
      };
      emit("lexguard://status", status);
      return delay(outcome(status), 800);
    },
    refresh_now: () => {
      status = {
        ...status,
        access_expires_at: iso(20 * min),
        refresh_issued_at: iso(0),
        times: { ...status.times, access_expires: tw("16:48 MEZ", "16:48 CET", "in 20 min"), refresh_issued: tw("16:28 MEZ", "16:28 CET", "gerade eben", "just now") },
      };
      return delay(outcome(status), 600);
    },
    disconnect: () => {
      status = { ...status, state: "not_connected", next_action: "connect", connection_usable: false, mode: null, company: null, headline: "Nicht verbunden", message: "Nicht verbunden." };
      return delay(status);
    },
  };

  function outcome(s: Status) {
    const ok = s.state === "healthy";
    return { ok, status: s, error_kind: null, error: null, failure: ok ? null : `${s.headline}. ${s.message}` };
  }

  return {
    invoke<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
      const fn = commands[cmd];
      if (!fn) return Promise.reject(`command ${cmd} not found`);
      return fn(args) as Promise<T>;
    },
    async listen<T>(event: string, handler: (payload: T) => void) {
      const set = handlers.get(event) ?? new Set();
      set.add(handler as (p: unknown) => void);
      handlers.set(event, set);
      return () => set.delete(handler as (p: unknown) => void);
    },
  };
}
