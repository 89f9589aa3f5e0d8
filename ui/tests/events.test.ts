import { describe, expect, it } from "vitest";
import type { Outcome } from "../src/bindings/Outcome";
import { HISTORY_KINDS, outcomeSummary, stateLabel } from "../src/events";
import de from "../src/i18n/de.json";
import en from "../src/i18n/en.json";

const outcome = (action: Outcome["action"]): Outcome => ({ event_type: "invoice.created", callback_url: "https://a.example/x", action, subscription_id: null, error: null, status: null, error_kind: null });

describe("history kinds", () => {
  it("each has a filter label in both languages", () => {
    for (const k of HISTORY_KINDS) {
      expect((de as Record<string, string>)[`kind.${k}`], k).toBeTruthy();
      expect((en as Record<string, string>)[`kind.${k}`], k).toBeTruthy();
    }
    expect(HISTORY_KINDS).toHaveLength(13);
  });
});

describe("labels", () => {
  it("name states and count webhook outcomes", () => {
    expect(stateLabel("healthy", "de")).toBe("Verbunden");
    expect(stateLabel("auth_lost", "en")).toBe("Connection lost");
    expect(outcomeSummary([outcome("created"), outcome("kept"), outcome("failed"), outcome("created")], "de")).toBe(
      "2 angelegt, 1 vorhanden, 1 fehlgeschlagen",
    );
    expect(outcomeSummary([], "en")).toBe("");
  });
});
