/**
 * The whole window in jsdom against a scripted backend: the test ids the end-to-end suite
 * relies on, the flows, and the language switch.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConnectResult } from "../src/bindings/ConnectResult";
import type { Status } from "../src/bindings/Status";
import { FakeBackend, HISTORY, ipcError, SETTINGS, status, times, words } from "./fake";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);
const $$ = (selector: string) => [...document.querySelectorAll<HTMLElement>(selector)];
const must = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = $<T>(id);
  if (!el) throw new Error(`no element with data-testid=${id}`);
  return el;
};

/** Lets pending promise callbacks run (works with fake timers too). */
async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

async function boot(backend: FakeBackend) {
  vi.resetModules();
  document.body.innerHTML = '<div id="app"></div>';
  const ipc = await import("../src/ipc");
  ipc.useBackend(backend);
  const { mount } = await import("../src/app");
  const app = mount(document.getElementById("app")!);
  await app.ready;
  await flush();
  return app;
}

function type(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
}

async function click(id: string | HTMLElement): Promise<void> {
  (typeof id === "string" ? must(id) : id).click();
  await flush();
}

const visible = (el: HTMLElement | null) => {
  for (let e = el; e; e = e.parentElement) if (e.hidden) return false;
  return el !== null;
};

afterEach(() => {
  vi.useRealTimers();
});

const RESULT: ConnectResult = {
  status: status(),
  company: "Demo GmbH",
  webhooks: [
    { event_type: "invoice.created", callback_url: "https://shop.example.de/a", action: "created", subscription_id: "s1", error: null, status: null, error_kind: null },
    { event_type: "token.revoked", callback_url: "https://shop.example.de/b", action: "failed", subscription_id: null, error: "Lexware antwortet nicht.", status: null, error_kind: "network" },
  ],
  webhooks_error: null,
};

describe("header, navigation, status", () => {
  it("shows the title, the demo badge and the live state", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    expect(must("app-title").textContent).toBe("lexguard");
    expect(visible($("demo-badge"))).toBe(true);
    expect(must("demo-badge").textContent).toBe("DEMO");
    expect(must("nav-status").textContent).toBe("Status");
    expect(must("nav-reconnect").textContent).toBe("Neu verbinden");
    expect(must("nav-webhooks").textContent).toBe("Webhooks");
    expect(must("nav-settings").textContent).toBe("Einstellungen");
    expect(visible($("status-state"))).toBe(true);
    expect(must("status-state").textContent).toBe("Verbunden");
    expect(must("status-state").classList.contains("state-healthy")).toBe(true);
    expect(must("status-message").textContent).toContain("Demo GmbH");
    expect(must("status-company").textContent).toBe("Demo GmbH");
    expect(must("status-mode").textContent).toBe("Partner-App (Anmeldung bei Lexware)");
    expect(must("status-environment").textContent).toBe("DEMO (eingebauter Simulator)");
    expect(must("status-access-expires").textContent).toContain("16:42 MEZ (in 14 min)");
    expect(must("status-last-tick").textContent).toBe("16:27 MEZ (vor 30 s)");
    expect(must("status-last-gap").textContent).toBe("keine");

    backend.emit("lexguard://status", status({ state: "degraded", reason: "refresh_failing", message: "Erneuern klappt gerade nicht." }));
    await flush();
    expect(must("status-state").textContent).toBe("Eingeschränkt");
    expect(must("status-state").className).toContain("state-degraded");
    expect(must("status-message").textContent).toBe("Erneuern klappt gerade nicht.");
  });

  it("says until when notifications are muted, and nothing when they are not", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    expect(visible($("status-quiet"))).toBe(false);
    backend.emit("lexguard://status", status({ quiet: true, snoozed_until: "2026-01-15T07:00:00Z", quiet_line: "stumm bis 08:00" }));
    await flush();
    expect(visible($("status-quiet"))).toBe(true);
    expect(must("status-quiet").textContent).toBe("stumm bis 08:00");
    backend.emit("lexguard://status", status());
    await flush();
    expect(visible($("status-quiet"))).toBe(false);
  });

  it("shows what the connection shares with other programs, only when [share] is set", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    expect(visible($("status-share"))).toBe(false);
    const share = { token_dir: "/run/lexguard", proxy: "unix:/run/lexguard/api.sock", requests: 30, waited: 4, rate_limited: 1, last_error: null };
    backend.emit("lexguard://status", status({ share }));
    await flush();
    expect(visible($("status-share"))).toBe(true);
    expect(must("share-token-dir").textContent).toBe("/run/lexguard");
    expect(must("share-proxy").textContent).toBe("unix:/run/lexguard/api.sock");
    expect(must("share-requests").textContent).toBe("30 seit dem Start, 4 davon mussten warten, 1 von Lexware gebremst");
    expect(must("share-last-error").textContent).toBe("–");
    backend.emit("lexguard://status", status());
    await flush();
    expect(visible($("status-share"))).toBe(false);
  });

  it("lists the history as sentences, filterable by kind", async () => {
    await boot(new FakeBackend());
    const items = $$('[data-testid="history-list"] li');
    expect(items.map((li) => li.dataset.kind)).toEqual(["validate", "refresh", "auth_lost"]);
    expect(items[0]!.querySelector(".sentence")!.textContent).toBe("Verbindung zu Demo GmbH geprüft – alles in Ordnung.");
    expect(items[0]!.querySelector("time")!.textContent).toBe("16:27 MEZvor 30 s");
    type(must<HTMLSelectElement>("history-filter"), "refresh");
    expect($$('[data-testid="history-list"] li').map((li) => li.dataset.kind)).toEqual(["refresh"]);
  });

  it("shows the core's time words, never its own reading of this machine's clock", async () => {
    // The demo after "3 hours of sleep": the core's clock is 3 h ahead of this machine's, so
    // its last check lies in the window's future. The window still says what the core says.
    const ahead = (ms: number) => new Date(Date.now() + 3 * 3600_000 + ms).toISOString();
    const backend = new FakeBackend(
      status({
        last_tick_at: ahead(-3 * 3600_000),
        access_expires_at: ahead(59 * 60_000),
        last_gap: { from: ahead(-3 * 3600_000), to: ahead(0), seconds: 10_800, while_running: true },
        times: times({
          last_check: words("14:00 MEZ", "vor 3 h 0 min"),
          access_expires: words("17:59 MEZ", "in 59 min"),
          last_gap_to: words("17:00 MEZ", "gerade eben"),
          last_gap_length: "3 h 0 min",
        }),
      }),
    );
    backend.handlers.get_history = () => [{ ...HISTORY[1]!, at: ahead(-3 * 3600_000), at_words: words("14:00 MEZ", "vor 3 h 0 min") }];
    await boot(backend);
    expect(must("status-last-tick").textContent).toBe("14:00 MEZ (vor 3 h 0 min)");
    expect(must("status-access-expires").textContent).toContain("17:59 MEZ (in 59 min)");
    expect(must("status-last-gap").textContent).toContain("3 h 0 min");
    expect(must("status-last-gap").textContent).toContain("17:00 MEZ (gerade eben)");
    const item = $$('[data-testid="history-list"] li')[0]!;
    expect(item.querySelector("time")!.textContent).toBe("14:00 MEZvor 3 h 0 min");
    expect(item.textContent).not.toMatch(/\bin \d|gleich/);
  });

  it("asks the core for fresh words every 15 s; a newer status event wins", async () => {
    vi.useFakeTimers();
    const backend = new FakeBackend();
    await boot(backend);
    expect(must("status-last-tick").textContent).toBe("16:27 MEZ (vor 30 s)");
    backend.handlers.get_status = () => status({ times: times({ last_check: words("16:27 MEZ", "vor 1 min") }) });
    await vi.advanceTimersByTimeAsync(15_000);
    await flush();
    expect(must("status-last-tick").textContent).toBe("16:27 MEZ (vor 1 min)");
    expect(backend.calledWith("get_history").length).toBeGreaterThanOrEqual(2);
    // An answer that was asked before a status event arrived does not override it.
    let answer: (s: ReturnType<typeof status>) => void = () => {};
    backend.handlers.get_status = () => new Promise((r) => (answer = r));
    await vi.advanceTimersByTimeAsync(15_000);
    backend.emit("lexguard://status", status({ times: times({ last_check: words("16:29 MEZ", "gerade eben") }) }));
    await flush();
    answer(status({ times: times({ last_check: words("16:27 MEZ", "vor 2 min") }) }));
    await flush();
    expect(must("status-last-tick").textContent).toBe("16:29 MEZ (gerade eben)");
  });

  it("checks and refreshes on request", async () => {
    const backend = new FakeBackend();
    const ok = (s: Status) => ({ ok: true, status: s, error_kind: null, error: null, failure: null });
    backend.handlers.tick_now = () => ok(status({ message: "Frisch geprüft." }));
    backend.handlers.refresh_now = () => ok(status({ message: "Frisch erneuert." }));
    await boot(backend);
    await click("status-check-now");
    expect(backend.calledWith("tick_now")).toHaveLength(1);
    expect(must("status-action-note").textContent).toBe("Geprüft.");
    expect(must("status-message").textContent).toBe("Frisch geprüft.");
    await click("status-refresh-now");
    expect(backend.calledWith("refresh_now")).toHaveLength(1);
    expect(must("status-message").textContent).toBe("Frisch erneuert.");
    expect(must("status-action-note").textContent).toBe("Erneuert.");
    expect($("status-error")).toBeNull();
  });

  it("says a failed check failed, with what happens next, where the button is", async () => {
    const backend = new FakeBackend();
    const failing = status({
      state: "degraded",
      reason: "validation_failing",
      headline: "Demo GmbH · Lexware ist gerade nicht erreichbar",
      message: "Lexware ist gerade nicht erreichbar; neuer Versuch in 2 min.",
    });
    backend.handlers.tick_now = () => ({
      ok: false,
      status: failing,
      error_kind: null,
      error: null,
      failure: "Demo GmbH · Lexware ist gerade nicht erreichbar. Lexware ist gerade nicht erreichbar; neuer Versuch in 2 min.",
    });
    backend.handlers.refresh_now = () => ({
      ok: false,
      status: failing,
      error_kind: "network",
      error: "Lexware ist nicht erreichbar.",
      failure: "Lexware ist nicht erreichbar. Lexware ist gerade nicht erreichbar; neuer Versuch in 2 min.",
    });
    await boot(backend);
    await click("status-check-now");
    expect($("status-action-note")?.textContent ?? "").not.toContain("Geprüft");
    expect(must("status-error").textContent).toContain("neuer Versuch in 2 min");
    expect(must("status-state").className).toContain("state-degraded");
    await click("status-refresh-now");
    expect($("status-action-note")?.textContent ?? "").not.toContain("Erneuert");
    expect(must("status-error").textContent).toContain("Lexware ist nicht erreichbar.");
  });

  it("a failure box from an earlier click goes when the state moves on, and says its sentence once", async () => {
    const backend = new FakeBackend();
    const failing = status({
      state: "degraded",
      reason: "validation_failing",
      next_attempt_at: "2025-01-15T16:30:00Z",
      message: "Lexware ist gerade nicht erreichbar; neuer Versuch in 25 s.",
    });
    backend.handlers.tick_now = () => ({ ok: false, status: failing, error_kind: null, error: null, failure: failing.message });
    await boot(backend);
    await click("status-check-now");
    expect(must("status-error").textContent).toContain("neuer Versuch in 25 s");
    // The box already says the status message: not a second time right above it.
    expect(visible($("status-message"))).toBe(false);
    // The same story again (fresh words, same state and retry): the box stays.
    backend.emit("lexguard://status", { ...failing });
    await flush();
    expect($("status-error")).not.toBeNull();
    // The next try was made and failed again: a new "next try", so the old box is stale.
    backend.emit("lexguard://status", status({ ...failing, next_attempt_at: "2025-01-15T16:31:00Z", message: "Lexware ist gerade nicht erreichbar; neuer Versuch in 1 min." }));
    await flush();
    expect($("status-error")).toBeNull();
    expect(must("status-message").textContent).toBe("Lexware ist gerade nicht erreichbar; neuer Versuch in 1 min.");
    expect(visible($("status-message"))).toBe(true);
    // And after a failure, the connection healing clears it too.
    await click("status-check-now");
    expect($("status-error")).not.toBeNull();
    backend.emit("lexguard://status", status());
    await flush();
    expect($("status-error")).toBeNull();
    expect(must("status-state").className).toContain("state-healthy");
  });

  it("the primary button is the core's next step", async () => {
    const backend = new FakeBackend(status({ state: "degraded", reason: "keychain_corrupt", next_action: "reconnect", connection_usable: false }));
    const app = await boot(backend);
    app.show("status");
    await flush();
    expect(must("status-primary").textContent).toBe("Neu verbinden");
    expect(visible($("status-refresh-now"))).toBe(false);
    backend.emit("lexguard://status", status({ state: "degraded", reason: "keychain_unavailable", next_action: "unlock_keychain" }));
    await flush();
    expect(visible($("status-primary"))).toBe(false);
    expect(visible($("status-refresh-now"))).toBe(true);
  });

  it("lost: the technical token time is gone too", async () => {
    const app = await boot(new FakeBackend(status({ state: "auth_lost", reason: "invalid_grant" })));
    app.show("status");
    await flush();
    expect(visible($("status-access-expires"))).toBe(false);
    expect(visible($("status-token-expires"))).toBe(false);
  });

  it("opens Reconnect first when the connection is lost", async () => {
    await boot(new FakeBackend(status({ state: "auth_lost", reason: "invalid_grant" })));
    expect(visible($("login-start"))).toBe(true);
    expect(visible($("status-state"))).toBe(false);
    expect(must("nav-reconnect").getAttribute("aria-current")).toBe("page");
    await click("nav-status");
    expect(visible($("status-state"))).toBe(true);
    expect(must("status-state").className).toContain("state-auth_lost");
  });

  it("hides the demo badge outside the demo", async () => {
    await boot(new FakeBackend(status(), { ...SETTINGS, demo: false }));
    expect($("demo-badge")).toBeNull();
    expect(must("status-environment").textContent).toBe("Eigene Adressen");
  });
});

describe("language", () => {
  it("switches every label at once and saves the choice", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    await click("nav-settings");
    expect(must("settings-save").textContent).toBe("Speichern");
    type(must<HTMLSelectElement>("settings-language"), "en");
    await flush();
    expect(must("nav-settings").textContent).toBe("Settings");
    expect(must("settings-save").textContent).toBe("Save");
    expect(must("status-state").textContent).toBe("Connected");
    expect(must("tab-oauth").textContent).toBe("Partner app");
    expect(document.documentElement.lang).toBe("en");
    expect(backend.calledWith("save_settings").map((a) => (a?.settings as typeof SETTINGS).language)).toEqual(["en"]);
  });

  it("starts in the backend's language", async () => {
    await boot(new FakeBackend(status(), { ...SETTINGS, language: "en" }));
    expect(must("nav-settings").textContent).toBe("Settings");
    expect(must("nav-reconnect").textContent).toBe("Reconnect");
  });
});

describe("settings", () => {
  it("fills the form, never the secret", async () => {
    await boot(new FakeBackend(status(), { ...SETTINGS, client_secret_set: true }));
    expect(must<HTMLInputElement>("settings-client-id").value).toBe("lexguard-test-client");
    expect(must<HTMLInputElement>("settings-client-secret").value).toBe("");
    expect(must<HTMLInputElement>("settings-client-secret").type).toBe("password");
    expect(must("settings-client-secret-state").textContent).toBe("Ein Client-Secret ist gespeichert.");
    expect(must<HTMLInputElement>("settings-check-every").value).toBe("1");
    expect(must<HTMLInputElement>("settings-check-every").type).toBe("number");
    expect(must<HTMLSelectElement>("settings-environment").value).toBe("custom");
    expect(visible($("settings-auth-url"))).toBe(false); // settings view not shown yet
    expect(must("settings-data-folder").textContent).toBe("/home/anna/.local/share/lexguard");
  });

  it("sends back the exact seconds of every duration nobody edited", async () => {
    const backend = new FakeBackend(status(), { ...SETTINGS, check_every_secs: 90, remind_every_secs: 1800 });
    await boot(backend);
    await click("nav-settings");
    expect(must<HTMLInputElement>("settings-check-every").value).toBe("1.5");
    expect(must<HTMLInputElement>("settings-remind-every").value).toBe("0.5");
    type(must<HTMLSelectElement>("settings-language"), "en");
    await flush();
    await click("settings-save");
    const sent = backend.calledWith("save_settings").map((a) => a?.settings as typeof SETTINGS);
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.language).toBe("en");
      expect([s.check_every_secs, s.remind_every_secs, s.refresh_before_secs]).toEqual([90, 1800, 900]);
    }
    expect($("settings-error")).toBeNull();
  });

  it("an edited duration is checked and sent in seconds; the others stay as they came", async () => {
    const backend = new FakeBackend(status(), { ...SETTINGS, check_every_secs: 90, remind_every_secs: 1800 });
    await boot(backend);
    await click("nav-settings");
    type(must<HTMLInputElement>("settings-remind-every"), "2");
    await click("settings-save");
    const saved = backend.calledWith("save_settings").at(-1)?.settings as typeof SETTINGS;
    expect([saved.check_every_secs, saved.remind_every_secs]).toEqual([90, 7200]);
  });

  it("refuses out-of-range values next to the field, before saving", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    await click("nav-settings");
    expect($("settings-error")).toBeNull();
    type(must<HTMLInputElement>("settings-check-every"), "7");
    await click("settings-save");
    const err = must("settings-error");
    expect(err.getAttribute("role")).toBe("alert");
    expect(err.textContent).toContain("Erlaubt sind 1 bis 5 Minuten.");
    const input = must<HTMLInputElement>("settings-check-every");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = input.getAttribute("aria-describedby")!.split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(described).toContain("Erlaubt sind 1 bis 5 Minuten.");
    expect(backend.calledWith("save_settings")).toHaveLength(0);
    expect($("settings-saved")).toBeNull();
  });

  it("shows backend errors next to the field, then saves", async () => {
    const backend = new FakeBackend();
    backend.handlers.save_settings = () => {
      throw ipcError("Erlaubt sind 15 Minuten bis 3 Stunden (z. B. \"15m\").", "schedule.refresh_before");
    };
    await boot(backend);
    await click("nav-settings");
    type(must<HTMLInputElement>("settings-refresh-before"), "30");
    await click("settings-save");
    expect(must("settings-error").textContent).toContain("Erlaubt sind 15 Minuten bis 3 Stunden");
    expect(must("settings-refresh-before").getAttribute("aria-invalid")).toBe("true");

    backend.handlers.save_settings = (a) => a.settings;
    await click("settings-save");
    expect($("settings-error")).toBeNull();
    expect(must("settings-saved").textContent).toBe("Gespeichert.");
    const saved = backend.calledWith("save_settings").at(-1)?.settings as typeof SETTINGS;
    expect(saved.refresh_before_secs).toBe(30 * 60);
    expect(saved.scope).toBe(SETTINGS.scope);
  });

  it("start at login switches at once, follows the tray, and Speichern never sends a change", async () => {
    const backend = new FakeBackend(status(), { ...SETTINGS, start_at_login: true });
    backend.handlers.set_start_at_login = (a) => a.on;
    await boot(backend);
    await click("nav-settings");
    const box = must<HTMLInputElement>("settings-start-at-login");
    expect(box.checked).toBe(true);
    box.checked = false;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    await flush();
    expect(backend.calledWith("set_start_at_login")).toEqual([{ on: false }]);
    expect(box.checked).toBe(false);
    // The tray switched it back on: the checkbox follows.
    backend.emit("lexguard://autostart", true);
    await flush();
    expect(box.checked).toBe(true);
    type(must<HTMLInputElement>("settings-remind-every"), "2");
    await click("settings-save");
    expect(backend.calledWith("set_start_at_login")).toHaveLength(1);
    expect(box.checked).toBe(true);
  });

  it("start at login the system refused stays as it was, with the reason", async () => {
    const backend = new FakeBackend();
    backend.handlers.set_start_at_login = () => {
      throw ipcError("„Beim Anmelden starten“ ließ sich nicht ändern (read-only).", null, "autostart_failed");
    };
    await boot(backend);
    await click("nav-settings");
    const box = must<HTMLInputElement>("settings-start-at-login");
    box.checked = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    await flush();
    expect(box.checked).toBe(false);
    expect(must("settings-start-at-login-error").textContent).toContain("ließ sich nicht ändern");
  });

  it("stores the client secret write-only", async () => {
    const backend = new FakeBackend(status(), { ...SETTINGS, client_secret_set: false });
    backend.handlers.set_client_secret = () => null;
    await boot(backend);
    await click("nav-settings");
    expect(must("settings-client-secret-state").textContent).toBe("Noch kein Client-Secret gespeichert.");
    type(must<HTMLInputElement>("settings-client-secret"), "  sim-secret ");
    await click("settings-client-secret-save");
    expect(backend.calledWith("set_client_secret")).toEqual([{ secret: "sim-secret" }]);
    expect(must<HTMLInputElement>("settings-client-secret").value).toBe("");
    expect(must("settings-client-secret-state").textContent).toBe("Ein Client-Secret ist gespeichert.");
  });

  it("shows the custom addresses only for custom", async () => {
    await boot(new FakeBackend());
    await click("nav-settings");
    expect(visible($("settings-auth-url"))).toBe(true);
    type(must<HTMLSelectElement>("settings-environment"), "production");
    expect(visible($("settings-auth-url"))).toBe(false);
    expect(visible($("settings-api-url"))).toBe(false);
  });
});

describe("reconnect", () => {
  const URL = "https://app.lexware.de/oauth2/authorize?client_id=x&state=abc";

  it("guides through login, paste and connect with a countdown", async () => {
    vi.useFakeTimers();
    const backend = new FakeBackend();
    backend.handlers.start_login = () => ({ url: URL, started_at: "2000-01-01T00:00:00Z", code_valid_secs: 300, browser_opened: false, listening: false });
    await boot(backend);
    await click("nav-reconnect");
    expect($("login-url")).toBeNull();
    await click("login-start");
    expect(must("login-url").textContent).toBe(URL);
    expect(visible($("login-copy"))).toBe(true);
    expect($("login-waiting")).toBeNull();
    expect(must("code-countdown").textContent).toBe("Noch 5:00 Minuten Zeit, den Code einzufügen.");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(must("code-countdown").textContent).toBe("Noch 4:00 Minuten Zeit, den Code einzufügen.");
    await vi.advanceTimersByTimeAsync(240_000);
    expect(must("code-countdown").textContent).toContain("Die Zeit für diesen Code ist um.");

    await click("connect-button");
    expect(backend.calledWith("connect")).toHaveLength(0);

    backend.handlers.connect = () => {
      throw ipcError("Lexware hat den Code abgelehnt. Bitte melden Sie sich erneut an.", null, "code_rejected");
    };
    type(must<HTMLInputElement>("paste-input"), "wrong");
    await click("connect-button");
    const err = must("connect-error");
    expect(err.getAttribute("role")).toBe("alert");
    expect(err.textContent).toContain("Lexware hat den Code abgelehnt.");
    expect(err.textContent).toContain("Ihre bisherige Verbindung bleibt unverändert.");
    expect($("connect-company")).toBeNull();
    // No "still valid" countdown above the rejection of that code.
    expect(visible($("code-countdown"))).toBe(false);

    backend.handlers.connect = () => RESULT;
    type(must<HTMLInputElement>("paste-input"), "https://shop.example.de/cb?code=abc&state=x");
    await click("connect-button");
    expect(backend.calledWith("connect").at(-1)).toEqual({ pasted: "https://shop.example.de/cb?code=abc&state=x" });
    expect($("connect-error")).toBeNull();
    expect(must("connect-company").textContent).toBe("Verbunden mit Demo GmbH.");
    const rows = $$('[data-testid="webhook-results"] tbody tr');
    expect(rows.map((r) => r.dataset.eventType)).toEqual(["invoice.created", "token.revoked"]);
    const actions = rows.map((r) => r.querySelector<HTMLElement>("td.action"));
    expect(actions.map((a) => a?.dataset.action)).toEqual(["created", "failed"]);
    expect(actions.map((a) => a?.textContent)).toEqual(["angelegt", "fehlgeschlagen"]);
    // The raw server text is behind "Details" of the warning, not in the table.
    expect(rows[1]!.textContent).not.toContain("Lexware antwortet nicht.");
    expect(must("connect-webhook-warning").textContent).toContain("Ein Webhook ist nicht eingerichtet");
    expect(must("connect-webhook-warning-details").textContent).toContain("Lexware antwortet nicht.");
    expect(must("connect-webhook-warning-details").hasAttribute("open")).toBe(false);
  });

  it("waits for the loopback redirect when lexguard listens", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost" }));
    backend.handlers.start_login = () => ({ url: URL, started_at: "x", code_valid_secs: 300, browser_opened: true, listening: true });
    await boot(backend);
    await click("login-start");
    expect(must("login-waiting").textContent).toContain("lexguard wartet auf die Rückmeldung von Lexware");
    backend.emit("lexguard://connect-result", { result: { ...RESULT, webhooks: null }, error: null });
    await flush();
    expect(must("connect-company").textContent).toContain("Demo GmbH");
    expect($("login-waiting")).toBeNull();
    expect(must("status-state").textContent).toBe("Verbunden");
  });

  it("ends the connected sentence once after a company name with a period", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost" }));
    await boot(backend);
    backend.emit("lexguard://connect-result", { result: { ...RESULT, company: "Dr. Anna Beispiel e. K.", webhooks: null }, error: null });
    await flush();
    expect(must("connect-company").textContent).toBe("Verbunden mit Dr. Anna Beispiel e. K.");
  });

  it("shows a loopback failure like a pasted one", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost" }));
    await boot(backend);
    backend.emit("lexguard://connect-result", { result: null, error: ipcError("Der Code ist abgelaufen.", null, "login_expired") });
    await flush();
    expect(must("connect-error").textContent).toContain("Der Code ist abgelaufen.");
  });

  it("sends the end date Lexware shows for the key, when one is given", async () => {
    const backend = new FakeBackend(status({ state: "not_connected", company: null, mode: null }));
    backend.handlers.connect_api_key = () => ({ ...RESULT, webhooks: null, webhooks_error: null });
    await boot(backend);
    await click("tab-apikey");
    must<HTMLInputElement>("apikey-end").value = "2027-05-31";
    type(must<HTMLInputElement>("apikey-input"), "key-123");
    await click("apikey-connect");
    expect(backend.calledWith("connect_api_key")).toEqual([{ key: "key-123", expires: "2027-05-31" }]);
  });

  it("connects with an API key", async () => {
    const backend = new FakeBackend(status({ state: "not_connected", company: null, mode: null }));
    backend.handlers.connect_api_key = () => ({ ...RESULT, webhooks: null, webhooks_error: "Lexware war nicht erreichbar." });
    await boot(backend);
    expect(visible($("apikey-input"))).toBe(false);
    await click("tab-apikey");
    expect(must("tab-apikey").getAttribute("aria-selected")).toBe("true");
    expect(visible($("apikey-input"))).toBe(true);
    expect(must<HTMLInputElement>("apikey-input").type).toBe("password");
    type(must<HTMLInputElement>("apikey-input"), "key-123");
    await click("apikey-connect");
    expect(backend.calledWith("connect_api_key")).toEqual([{ key: "key-123", expires: null }]);
    expect(must("connect-company").textContent).toBe("Verbunden mit Demo GmbH.");
    expect(must("connect-webhook-warning-details").textContent).toContain("Lexware war nicht erreichbar.");
    expect(must<HTMLInputElement>("apikey-input").value).toBe("");
  });
});

describe("webhooks", () => {
  it("edits, validates and saves the desired list", async () => {
    const backend = new FakeBackend();
    await boot(backend);
    await click("nav-webhooks");
    await flush();
    let rows = $$('[data-testid="webhooks-table"] tbody tr.webhook-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.querySelector<HTMLSelectElement>("select.event-type")!.value).toBe("invoice.created");
    expect(rows[1]!.querySelector<HTMLInputElement>("input.callback-url")!.value).toBe("http://127.0.0.1:41234/hooks/token-revoked");

    const unmanaged = must("webhooks-unmanaged");
    expect([...unmanaged.querySelectorAll<HTMLElement>("tbody tr")].map((r) => r.dataset.eventType)).toEqual(["contact.changed"]);

    const url = rows[0]!.querySelector<HTMLInputElement>("input.callback-url")!;
    type(url, "http://shop.example.de/hook");
    await click("webhook-save");
    expect(backend.calledWith("save_webhooks")).toHaveLength(0);
    expect(url.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(url.getAttribute("aria-describedby")!)!.textContent).toContain("https://");

    type(url, "https://shop.example.de/hook");
    await click("webhook-add");
    rows = $$('[data-testid="webhooks-table"] tbody tr.webhook-row');
    expect(rows).toHaveLength(3);
    type(rows[2]!.querySelector<HTMLSelectElement>("select.event-type")!, "contact.changed");
    type(rows[2]!.querySelector<HTMLInputElement>("input.callback-url")!, "https://crm.example.de/hook");
    await click("webhook-save");
    expect(backend.calledWith("save_webhooks").at(-1)).toEqual({
      webhooks: [
        { event_type: "invoice.created", callback_url: "https://shop.example.de/hook" },
        { event_type: "token.revoked", callback_url: "http://127.0.0.1:41234/hooks/token-revoked" },
        { event_type: "contact.changed", callback_url: "https://crm.example.de/hook" },
      ],
    });
    expect($("webhook-error")).toBeNull();

    // Saving re-renders the rows from what the backend accepted.
    rows = $$('[data-testid="webhooks-table"] tbody tr.webhook-row');
    expect(rows).toHaveLength(3);
    await click(rows[2]!.querySelector<HTMLButtonElement>("button.remove")!);
    expect($$('[data-testid="webhooks-table"] tbody tr.webhook-row')).toHaveLength(2);
  });

  it("refuses an event type twice and shows backend errors", async () => {
    const backend = new FakeBackend();
    backend.handlers.save_webhooks = () => {
      throw ipcError("„x“ ist keine HTTPS-Adresse; Lexware ruft nur https://… auf.", "webhooks[1].callback_url");
    };
    await boot(backend);
    await click("nav-webhooks");
    const rows = $$("tr.webhook-row");
    type(rows[1]!.querySelector<HTMLSelectElement>("select.event-type")!, "invoice.created");
    await click("webhook-save");
    expect(rows[1]!.textContent).toContain("Lexware erlaubt ein Abo je Ereignistyp");
    expect(backend.calledWith("save_webhooks")).toHaveLength(0);

    type(rows[1]!.querySelector<HTMLSelectElement>("select.event-type")!, "token.revoked");
    await click("webhook-save");
    expect(must("webhook-error").textContent).toContain("keine HTTPS-Adresse");
    expect(rows[1]!.querySelector("input.callback-url")!.getAttribute("aria-invalid")).toBe("true");
  });

  it("sets the webhooks up again with a result per item", async () => {
    const backend = new FakeBackend();
    backend.handlers.sync_webhooks = () => RESULT.webhooks;
    await boot(backend);
    await click("nav-webhooks");
    await click("webhook-sync");
    expect(backend.calledWith("sync_webhooks")).toHaveLength(1);
    const rows = $$('[data-testid="webhook-sync-results"] tbody tr');
    expect(rows.map((r) => r.querySelector<HTMLElement>("td.action")!.dataset.action)).toEqual(["created", "failed"]);
  });

  it("says why the Lexware list is missing without a connection", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost" }));
    backend.handlers.list_webhooks = () => {
      throw ipcError("Die Verbindung zu Lexware ist verloren. Bitte verbinden Sie sich neu.", null, "auth_lost");
    };
    await boot(backend);
    await click("nav-webhooks");
    expect(must("webhooks-unmanaged").textContent).toContain("Die Verbindung zu Lexware ist verloren.");
    expect(must("webhooks-unmanaged").querySelector("table")).toBeNull();
    expect($("webhook-error")).toBeNull();
    expect($$("tr.webhook-row")).toHaveLength(2);
  });

  it("allows loopback http only in the demo", async () => {
    const backend = new FakeBackend(status(), { ...SETTINGS, demo: false });
    await boot(backend);
    await click("nav-webhooks");
    await click("webhook-save");
    expect(backend.calledWith("save_webhooks")).toHaveLength(0);
    expect($$("tr.webhook-row")[0]!.textContent).toContain("Lexware ruft nur HTTPS-Adressen auf");
  });
});

/** What a browser fires when text is pasted into an input (Ctrl+V, context menu). */
function paste(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
}

describe("journeys", () => {
  const NEW = { ...SETTINGS, client_id: "", redirect_uri: "", client_secret_set: false, demo: false };
  const URL = "https://app.lexware.de/oauth2/authorize?client_id=x&state=abc";

  it("first run asks one question, the API key first and recommended", async () => {
    const backend = new FakeBackend(status({ state: "not_connected", company: null, mode: null }), NEW);
    await boot(backend);
    expect(visible($("first-run-question"))).toBe(true);
    expect(must("first-run-question").textContent).toBe("Wie verbindet sich Ihr System mit Lexware?");
    const tabs = $$('[role="tab"]').map((t) => t.dataset.testid);
    expect(tabs).toEqual(["tab-apikey", "tab-oauth"]);
    expect(must("tab-apikey").getAttribute("aria-selected")).toBe("true");
    expect(must("tab-apikey").textContent).toContain("empfohlen");
    expect(must<HTMLAnchorElement>("apikey-link").href).toBe("https://app.lexware.de/addons/public-api");
    const text = document.querySelector("#panel-apikey")!.textContent!;
    for (const fact of ["Administrator", "XL", "nur einmal", "24 Monate"]) expect(text).toContain(fact);
    // A pasted key connects at once: paste, check, done.
    backend.handlers.connect_api_key = () => ({ ...RESULT, webhooks: null });
    paste(must<HTMLInputElement>("apikey-input"), "a-long-public-api-key-0123456789");
    await flush();
    expect(backend.calledWith("connect_api_key")).toEqual([{ key: "a-long-public-api-key-0123456789", expires: null }]);
    expect(must("connect-company").textContent).toBe("Verbunden mit Demo GmbH.");
  });

  it("sets a partner app up inline; the login waits for a client id", async () => {
    const backend = new FakeBackend(status({ state: "not_connected", company: null, mode: null }), NEW);
    backend.handlers.set_client_secret = () => null;
    backend.handlers.open_link = () => null;
    backend.handlers.connect_api_key = () => {
      throw ipcError("Lexware lehnt den API-Schlüssel ab.", null, "rejected");
    };
    await boot(backend);
    type(must<HTMLInputElement>("apikey-input"), "wrong-key");
    await click("apikey-connect");
    expect($("connect-error")).not.toBeNull();
    await click("tab-oauth");
    // The other tab's error does not follow.
    expect($("connect-error")).toBeNull();
    expect(visible($("partner-setup"))).toBe(true);
    expect(must<HTMLAnchorElement>("partner-portal-link").href).toBe("https://developers.lexware.io/");
    await click("partner-portal-link");
    expect(backend.calledWith("open_link")).toEqual([{ url: "https://developers.lexware.io" }]);
    expect(must<HTMLInputElement>("partner-redirect").value).toBe("http://127.0.0.1:8477/callback");
    expect(visible($("partner-redirect-copy"))).toBe(true);
    expect(must<HTMLButtonElement>("login-start").disabled).toBe(true);
    expect(visible($("login-needs-client-id"))).toBe(true);

    type(must<HTMLInputElement>("partner-client-id"), "my-app");
    type(must<HTMLInputElement>("partner-client-secret"), "s3cret");
    await click("partner-save");
    const sent = backend.calledWith("save_settings").at(-1)?.settings as typeof SETTINGS;
    expect(sent.client_id).toBe("my-app");
    expect(sent.redirect_uri).toBe("http://127.0.0.1:8477/callback");
    expect(backend.calledWith("set_client_secret")).toEqual([{ secret: "s3cret" }]);
    expect(must<HTMLInputElement>("partner-client-secret").value).toBe("");
    expect(must<HTMLButtonElement>("login-start").disabled).toBe(false);
    expect(visible($("login-needs-client-id"))).toBe(false);
  });

  it("no partner login without a client secret: the secret is asked in the same step", async () => {
    const backend = new FakeBackend(status({ state: "not_connected", company: null, mode: null }), { ...NEW, client_id: "my-app" });
    backend.handlers.set_client_secret = () => null;
    backend.handlers.start_login = () => ({ url: URL, started_at: "x", code_valid_secs: 300, browser_opened: true, listening: false });
    await boot(backend);
    await click("tab-oauth");
    expect(visible($("partner-setup"))).toBe(true);
    expect(visible($("partner-client-secret"))).toBe(true);
    expect(must<HTMLButtonElement>("login-start").disabled).toBe(true);
    expect(must("login-needs-client-id").textContent).toContain("Client-Secret");
    await click("login-start");
    expect(backend.calledWith("start_login")).toHaveLength(0);

    await click("partner-save");
    expect(must("partner-error").textContent).toContain("Client-Secret");
    expect(backend.calledWith("save_settings")).toHaveLength(0);

    type(must<HTMLInputElement>("partner-client-secret"), "s3cret");
    await click("partner-save");
    expect(backend.calledWith("set_client_secret")).toEqual([{ secret: "s3cret" }]);
    expect(must<HTMLButtonElement>("login-start").disabled).toBe(false);
    expect(visible($("login-needs-client-id"))).toBe(false);
    await click("login-start");
    expect(backend.calledWith("start_login")).toHaveLength(1);
  });

  it("lost: no validity claim, one click starts the login, a paste connects", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost", reason: "invalid_grant", message: "Lexware hat die Verbindung beendet." }));
    backend.handlers.start_login = () => ({ url: URL, started_at: "x", code_valid_secs: 300, browser_opened: true, listening: false });
    backend.handlers.connect = () => RESULT;
    const app = await boot(backend);
    app.show("status");
    await flush();
    expect(visible($("status-access-expires"))).toBe(false);
    expect(must("status-primary").textContent).toBe("Neu verbinden");
    expect(visible($("status-refresh-now"))).toBe(false);
    await click("status-primary");
    expect(visible(document.getElementById("view-reconnect"))).toBe(true);
    expect(backend.calledWith("start_login")).toHaveLength(1);
    // Typing waits for "Verbinden"; a paste connects at once.
    type(must<HTMLInputElement>("paste-input"), "abc");
    await flush();
    expect(backend.calledWith("connect")).toHaveLength(0);
    paste(must<HTMLInputElement>("paste-input"), "https://shop.example.de/cb?code=abc123&state=x");
    await flush();
    expect(backend.calledWith("connect")).toEqual([{ pasted: "https://shop.example.de/cb?code=abc123&state=x" }]);
    expect(must("connect-company").textContent).toBe("Verbunden mit Demo GmbH.");
  });

  it("a pasted sentence is not a code: it waits for the button", async () => {
    const backend = new FakeBackend(status({ state: "auth_lost" }));
    await boot(backend);
    paste(must<HTMLInputElement>("paste-input"), "das ist kein Code");
    await flush();
    expect(backend.calledWith("connect")).toHaveLength(0);
  });

  it("the two-year grant running out offers to authorize again while it still works", async () => {
    const backend = new FakeBackend(status({ state: "degraded", reason: "authorization_expiring" }));
    const app = await boot(backend);
    app.show("status");
    await flush();
    expect(must("status-primary").textContent).toBe("Jetzt erneut autorisieren");
  });

  it("a key running out asks for a new key; degraded says when lexguard tries next", async () => {
    const backend = new FakeBackend(status({ state: "degraded", reason: "api_key_expiring", mode: "api_key" }));
    const app = await boot(backend);
    app.show("status");
    await flush();
    expect(must("status-primary").textContent).toBe("Neuen Schlüssel eintragen");
    await click("status-primary");
    expect(must("tab-apikey").getAttribute("aria-selected")).toBe("true");

    backend.emit(
      "lexguard://status",
      status({ state: "degraded", reason: "validation_failing", next_attempt_at: "x", times: times({ next_attempt: words("16:30 MEZ", "in 2 min") }) }),
    );
    await flush();
    expect(visible($("status-primary"))).toBe(false);
    expect(must("status-next").textContent).toBe("Nächster Versuch: 16:30 MEZ (in 2 min).");
    expect(must("status-check-now").classList.contains("primary")).toBe(true);
  });

  it("healthy keeps token words behind Details", async () => {
    await boot(new FakeBackend());
    const main = document.querySelector("#view-status")!;
    const details = must("status-details");
    const outside = [...main.querySelectorAll("dt")].filter((dt) => !details.contains(dt)).map((dt) => dt.textContent);
    for (const word of ["Zugriffstoken", "Refresh-Token", "Organisations-ID"]) {
      expect(outside.join(" ")).not.toContain(word);
      expect(details.textContent).toContain(word);
    }
    expect(outside).toContain("Verbindung gültig bis");
  });

  it("a failed webhook is a warning with the fix, the raw text in Details, and a retry", async () => {
    const failed = {
      event_type: "invoice.created",
      callback_url: "https://shop.example.de/hook",
      action: "failed" as const,
      subscription_id: null,
      error: "Lexware hat die Anfrage abgelehnt (406): Callback URL check failed; callbackUrl: HEAD answered 404",
      status: 406,
      error_kind: "rejected" as const,
    };
    const st = status({ last_webhook_sync: { at: "2025-01-01T00:00:00Z", outcomes: [failed] } });
    const backend = new FakeBackend(st);
    backend.handlers.sync_webhooks = () => [{ ...failed, action: "created", error: null, subscription_id: "s1" }];
    await boot(backend);
    const warning = must("status-webhook-warning");
    expect(warning.textContent).toContain("Lexware konnte Ihre Adresse nicht erreichen: https://shop.example.de/hook");
    const raw = must("status-webhook-warning-details");
    expect(raw.textContent).toContain("Callback URL check failed");
    expect(warning.textContent!.replace(raw.textContent!, "")).not.toContain("Callback URL check failed");
    await click("status-webhook-warning-retry");
    expect(backend.calledWith("sync_webhooks")).toHaveLength(1);
  });

  it("saving the webhook list offers to set it up at Lexware", async () => {
    const backend = new FakeBackend();
    backend.handlers.sync_webhooks = () => [];
    const app = await boot(backend);
    app.show("webhooks");
    await flush();
    expect(visible($("webhook-offer"))).toBe(false);
    await click("webhook-save");
    expect(visible($("webhook-offer"))).toBe(true);
    await click("webhook-save-sync");
    expect(backend.calledWith("sync_webhooks")).toHaveLength(1);
    expect(visible($("webhook-offer"))).toBe(false);
  });
});

describe("broken config.toml", () => {
  it("says it in plain words; the parser's own text waits behind Details", async () => {
    const backend = new FakeBackend();
    backend.handlers.get_config_problem = () => ({
      file: "/home/anna/.config/lexguard/config.toml",
      line: 5,
      key: null,
      message: "Fehler in der Konfiguration /home/anna/.config/lexguard/config.toml, Zeile 5: Text muss in Anführungszeichen stehen, z. B. check_every = \"2m\". Bitte korrigieren Sie die Datei und versuchen Sie es erneut.",
      details: "string values must be quoted, expected literal string",
      lang: "de",
    });
    await boot(backend);
    const message = must("config-error-message").textContent ?? "";
    expect(message).toContain("Zeile 5: Text muss in Anführungszeichen stehen");
    expect(message).not.toContain("quoted");
    const details = must<HTMLDetailsElement>("config-error-parser-details");
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(false);
    expect(must("config-error-parser-text").textContent).toBe("string values must be quoted, expected literal string");
  });

  it("shows no Details when there is no parser text", async () => {
    const backend = new FakeBackend();
    backend.handlers.get_config_problem = () => ({
      file: "/x/config.toml",
      line: 6,
      key: "schedule.check_every",
      message: "Fehler in der Konfiguration /x/config.toml, Zeile 6 (schedule.check_every): Erlaubt sind 1 bis 5 Minuten.",
      details: null,
      lang: "de",
    });
    await boot(backend);
    expect(must("config-error-parser-details").hidden).toBe(true);
  });
});

describe("where the secrets are", () => {
  const cases = [
    ["keychain", "Schlüsselbund", "Geheimnis-Ordner"],
    ["file", "Geheimnis-Ordner", "Schlüsselbund"],
  ] as const;
  for (const [secretStore, place, elsewhere] of cases) {
    it(`names the ${secretStore} store, never the other one`, async () => {
      await boot(new FakeBackend(status(), { ...SETTINGS, client_secret_set: true, secret_store: secretStore }));
      const start = $$(".danger-zone button")[0];
      expect(start).toBeDefined();
      await click(start!);
      const said = (key: string) => document.querySelector(`[data-i18n="${key}"]`)?.textContent ?? "";
      for (const key of ["disconnect.explain", "settings.data_folder_hint", "settings.client_secret_hint"]) {
        expect([key, said(key).includes(place), said(key).includes(elsewhere)]).toEqual([key, true, false]);
      }
    });
  }
});
