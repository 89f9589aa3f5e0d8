import { describe, expect, it } from "vitest";
import de from "../src/i18n/de.json";
import en from "../src/i18n/en.json";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("language files", () => {
  it("have exactly the same keys", () => {
    const deKeys = Object.keys(de).sort();
    const enKeys = Object.keys(en).sort();
    expect(deKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
    expect(enKeys.filter((k) => !deKeys.includes(k))).toEqual([]);
    expect(deKeys.length).toBeGreaterThan(100);
  });

  it("have no empty values", () => {
    for (const table of [de, en] as Record<string, string>[]) {
      const empty = Object.entries(table).filter(([, v]) => typeof v !== "string" || v.trim() === "");
      expect(empty).toEqual([]);
    }
  });

  it("use the same placeholders in both languages", () => {
    const d = de as Record<string, string>;
    const e = en as Record<string, string>;
    const mismatched = Object.keys(d).filter((k) => placeholders(d[k]!).join() !== placeholders(e[k] ?? "").join());
    expect(mismatched).toEqual([]);
  });

  it("say the labels the end-to-end suite looks for", () => {
    expect(de["nav.settings"]).toBe("Einstellungen");
    expect(en["nav.settings"]).toBe("Settings");
    expect(de["common.save"]).toBe("Speichern");
    expect(en["common.save"]).toBe("Save");
    expect(de["settings.client_secret_set"]).toBe("Ein Client-Secret ist gespeichert.");
  });

  it("address the reader formally in German (Sie, not du)", () => {
    const informal = Object.entries(de).filter(([, v]) => /\b(du|dein|deine|dich|dir)\b/i.test(v));
    expect(informal).toEqual([]);
  });
});

describe("words about where the secrets are", () => {
  const keys = ["partner.secret_set", "partner.secret_unset", "settings.client_secret_hint", "settings.data_folder_hint", "disconnect.explain"] as const;
  it("name the keychain only while secrets are in the keychain", async () => {
    const { setSecretStore, t } = await import("../src/i18n");
    setSecretStore("keychain");
    for (const key of keys) {
      expect([key, t(key, undefined, "de").includes("Schlüsselbund")]).toEqual([key, true]);
      expect([key, t(key, undefined, "en").includes("keychain")]).toEqual([key, true]);
    }
    setSecretStore("file");
    for (const key of keys) {
      const de = t(key, undefined, "de");
      const en = t(key, undefined, "en");
      expect([key, de.includes("Geheimnis-Ordner"), de.includes("Schlüsselbund")]).toEqual([key, true, false]);
      expect([key, en.includes("secrets folder"), en.includes("keychain")]).toEqual([key, true, false]);
    }
    setSecretStore("keychain");
  });
});

describe("event words", () => {
  it("come from the core, not from the language files", async () => {
    const { eventTypeText } = await import("../src/views/webhooks");
    const { EVENT_TYPES } = await import("../src/bindings/eventWords");
    // The core's words (src/webhook_words.rs), the same the tray and the CLI say.
    expect(eventTypeText("invoice.created", "de")).toBe("Rechnung erstellt");
    expect(eventTypeText("invoice.created", "en")).toBe("Invoice created");
    expect(eventTypeText("something.new", "de")).toBeNull();
    expect(EVENT_TYPES).toContain("token.revoked");
    const copies = Object.keys(de).filter((k) => /^(object|verb)\./.test(k));
    expect(copies).toEqual([]);
  });
});
