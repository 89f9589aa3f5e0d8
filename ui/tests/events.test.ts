import { describe, expect, it } from "vitest";
import type { Event } from "../src/bindings/Event";
import type { Lang } from "../src/bindings/Lang";
import { describeEvent, HISTORY_KINDS, kindOf } from "../src/events";

const BERLIN = "Europe/Berlin";
const now = new Date("2025-01-15T13:00:00Z"); // 14:00 MEZ
const say = (e: Event, lang: Lang = "de") => describeEvent(e, lang, now, BERLIN);

const ALL: Event[] = [
  { type: "state_changed", from: "healthy", to: "degraded", reason: "refresh_failing" },
  { type: "gap_detected", gap: { from: "2025-01-15T08:00:00Z", to: "2025-01-15T11:00:00Z", seconds: 10_800, while_running: true }, tokens_survived: true },
  { type: "refreshed", expires_at: "2025-01-15T15:32:00Z" },
  { type: "refresh_failing", error: "network", retry_at: "2025-01-15T13:05:00Z", expires_at: "2025-01-15T15:32:00Z" },
  { type: "validated", company: "Demo GmbH" },
  { type: "auth_lost", reason: "invalid_grant" },
  { type: "connected", company: "Demo GmbH", mode: "oauth" },
  { type: "disconnected" },
  {
    type: "webhooks_synced",
    outcomes: [
      { event_type: "invoice.created", callback_url: "https://a.example/x", action: "created", subscription_id: "1", error: null },
      { event_type: "token.revoked", callback_url: "https://a.example/y", action: "kept", subscription_id: "2", error: null },
      { event_type: "contact.changed", callback_url: "https://a.example/z", action: "failed", subscription_id: null, error: "timeout" },
    ],
  },
  { type: "keychain_trouble", fault: "locked", unsaved: true },
  { type: "keychain_recovered" },
  { type: "api_key_expiring", days: 7, expires_at: "2025-01-22T09:00:00Z" },
  { type: "keepalive_restarted", panicked: true, restarts: 1 },
];

describe("history sentences (German)", () => {
  it("state changes name both states and the reason", () => {
    expect(say(ALL[0]!)).toBe("Der Zustand wechselte von „Verbunden“ zu „Eingeschränkt“: Das Erneuern klappt gerade nicht.");
    expect(say({ type: "state_changed", from: "auth_lost", to: "healthy", reason: null })).toBe(
      "Der Zustand wechselte von „Verbindung verloren“ zu „Verbunden“.",
    );
  });

  it("gaps say how long, why, and whether the connection survived", () => {
    expect(say(ALL[1]!)).toBe("3 h 0 min lang keine Prüfung (der Computer schlief oder hing). Die Zugangsdaten haben die Lücke überstanden.");
    expect(
      say({ type: "gap_detected", gap: { from: "2025-01-13T08:00:00Z", to: "2025-01-15T12:00:00Z", seconds: 187_200, while_running: false }, tokens_survived: false }),
    ).toBe("2 d 4 h lang keine Prüfung (lexguard lief nicht). Die Verbindung hat die Lücke nicht überstanden.");
  });

  it("refreshes and failures give local times with zone", () => {
    expect(say(ALL[2]!)).toBe("Zugangsdaten erneuert; das Zugriffstoken gilt bis 16:32 MEZ.");
    expect(say(ALL[3]!)).toBe(
      "Erneuern fehlgeschlagen (keine Netzwerkverbindung zu Lexware); nächster Versuch 14:05 MEZ. Das Zugriffstoken gilt noch bis 16:32 MEZ.",
    );
    expect(say({ type: "refresh_failing", error: "weird_kind", retry_at: "2025-01-15T13:05:00Z", expires_at: null })).toBe(
      "Erneuern fehlgeschlagen (weird_kind); nächster Versuch 14:05 MEZ.",
    );
  });

  it("connection events name the company", () => {
    expect(say(ALL[4]!)).toBe("Verbindung zu Demo GmbH geprüft – alles in Ordnung.");
    expect(say({ type: "validated", company: null })).toBe("Verbindung geprüft – alles in Ordnung.");
    expect(say(ALL[5]!)).toBe("Verbindung verloren: Lexware hat die Anmeldung beendet, z. B. nach einer Passwortänderung. Bitte verbinden Sie sich neu.");
    expect(say(ALL[6]!)).toBe("Verbunden mit Demo GmbH (Lexware-Anmeldung).");
    expect(say({ type: "connected", company: "Muster GmbH", mode: "api_key" })).toBe("Verbunden mit Muster GmbH (API-Schlüssel).");
    expect(say(ALL[7]!)).toBe("Verbindung getrennt; die Zugangsdaten wurden gelöscht.");
  });

  it("webhook syncs count what happened", () => {
    expect(say(ALL[8]!)).toBe("Webhooks eingerichtet: 1 angelegt, 1 vorhanden, 1 fehlgeschlagen.");
    expect(say({ type: "webhooks_synced", outcomes: [] })).toBe("Webhooks abgeglichen: keine eingerichtet.");
  });

  it("keychain and API key events", () => {
    expect(say(ALL[9]!)).toBe(
      "Der Schlüsselbund ist gesperrt. Neue Zugangsdaten liegen nur im Speicher – bitte entsperren Sie den Schlüsselbund und beenden Sie lexguard bis dahin nicht.",
    );
    expect(say({ type: "keychain_trouble", fault: "unavailable", unsaved: false })).toBe("Der Schlüsselbund ist nicht erreichbar.");
    expect(say(ALL[10]!)).toBe("Der Schlüsselbund ist wieder erreichbar; alles ist gespeichert.");
    expect(say(ALL[11]!)).toBe("Der API-Schlüssel läuft in 7 Tagen ab (22.01.2025 10:00 MEZ).");
    expect(say({ type: "api_key_expiring", days: 1, expires_at: "2025-01-16T09:00:00Z" })).toBe(
      "Der API-Schlüssel läuft in 1 Tag ab (16.01.2025 10:00 MEZ).",
    );
    expect(say(ALL[12]!)).toBe("Die automatische Prüfung war ausgefallen und wurde neu gestartet.");
    expect(say({ type: "keepalive_restarted", panicked: false, restarts: 3 })).toBe(
      "Die automatische Prüfung war ausgefallen und wurde neu gestartet (zum 3. Mal).",
    );
  });
});

describe("history sentences (English)", () => {
  it("reads as English", () => {
    expect(say(ALL[0]!, "en")).toBe("The state changed from “Connected” to “Degraded”: Refreshing fails right now.");
    expect(say(ALL[1]!, "en")).toBe("No check for 3 h 0 min (the computer slept or stalled). The credentials survived the gap.");
    expect(say(ALL[2]!, "en")).toBe("Credentials refreshed; the access token is valid until 16:32 CET.");
    expect(say(ALL[8]!, "en")).toBe("Webhooks set up: 1 created, 1 already there, 1 failed.");
    expect(say(ALL[11]!, "en")).toBe("The API key expires in 7 days (2025-01-22 10:00 CET).");
    expect(say(ALL[12]!, "en")).toBe("The automatic check had stopped and was restarted.");
  });
});

describe("every event", () => {
  it("has a complete sentence in both languages", () => {
    for (const e of ALL) {
      for (const lang of ["de", "en"] as const) {
        const text = say(e, lang);
        expect(text, `${e.type} ${lang}`).toMatch(/\.$/);
        expect(text, `${e.type} ${lang}`).not.toMatch(/[{}]|undefined|event\.|reason\./);
      }
    }
  });

  it("maps to the history kinds of the backend", () => {
    expect(ALL.map(kindOf)).toEqual([
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
      "keychain",
      "api_key",
      "keepalive",
    ]);
    expect(new Set(ALL.map(kindOf))).toEqual(new Set(HISTORY_KINDS));
  });
});
