import { describe, expect, it } from "vitest";
import { t } from "../src/i18n";
import { checkBaseUrl, checkCallbackUrl, checkClientId, checkRange, checkRedirectUri, duplicateRows } from "../src/validate";

describe("checkCallbackUrl", () => {
  it("accepts https with a host", () => {
    expect(checkCallbackUrl("https://shop.example.de/lexware/hook", false)).toBeNull();
    expect(checkCallbackUrl("  https://shop.example.de  ", false)).toBeNull();
  });

  it("refuses plain http, other schemes and non-addresses", () => {
    expect(checkCallbackUrl("http://shop.example.de/hook", false)?.key).toBe("validate.callback_https");
    expect(checkCallbackUrl("ftp://shop.example.de", false)?.key).toBe("validate.callback_https");
    expect(checkCallbackUrl("", false)?.key).toBe("validate.url_empty");
    expect(checkCallbackUrl("shop.example.de/hook", false)?.key).toBe("validate.url_invalid");
    expect(checkCallbackUrl("https://", false)?.key).toBe("validate.url_invalid");
    expect(checkCallbackUrl("https://shop example.de", false)?.key).toBe("validate.url_invalid");
  });

  it("allows http to this computer only in the demo", () => {
    expect(checkCallbackUrl("http://127.0.0.1:41234/hooks/a", false)?.key).toBe("validate.callback_https");
    expect(checkCallbackUrl("http://127.0.0.1:41234/hooks/a", true)).toBeNull();
    expect(checkCallbackUrl("http://localhost:8080/x", true)).toBeNull();
    expect(checkCallbackUrl("http://192.168.1.5/x", true)?.key).toBe("validate.callback_https_demo");
  });
});

describe("checkRange", () => {
  it("accepts whole numbers in range", () => {
    expect(checkRange("check_every_minutes", "1")).toEqual({ value: 1 });
    expect(checkRange("check_every_minutes", "5")).toEqual({ value: 5 });
    expect(checkRange("refresh_before_minutes", "15")).toEqual({ value: 15 });
    expect(checkRange("refresh_before_minutes", "180")).toEqual({ value: 180 });
    expect(checkRange("remind_every_hours", "24")).toEqual({ value: 24 });
  });

  it("refuses the rest and names the allowed range", () => {
    for (const raw of ["0", "6", "2.5", "", "abc", "-1"]) {
      const r = checkRange("check_every_minutes", raw);
      expect("problem" in r).toBe(true);
      if ("problem" in r) expect(t(r.problem.key, r.problem.params, "de")).toBe("Erlaubt sind 1 bis 5 Minuten.");
    }
    const refresh = checkRange("refresh_before_minutes", "14");
    expect("problem" in refresh && t(refresh.problem.key, refresh.problem.params, "en")).toBe("Allowed: 15 to 180 minutes.");
    expect("problem" in checkRange("refresh_before_minutes", "181")).toBe(true);
    const remind = checkRange("remind_every_hours", "25");
    expect("problem" in remind && t(remind.problem.key, remind.problem.params, "de")).toBe("Erlaubt sind 1 bis 24 Stunden.");
  });
});

describe("other fields", () => {
  it("checks Lexware's base addresses", () => {
    expect(checkBaseUrl("https://app.lexware.de")).toBeNull();
    expect(checkBaseUrl("http://127.0.0.1:8080")).toBeNull();
    expect(checkBaseUrl("http://app.lexware.de")?.key).toBe("validate.base_https");
    expect(checkBaseUrl("")?.key).toBe("validate.url_empty");
  });

  it("checks the client id and the redirect URI", () => {
    expect(checkClientId("")).toBeNull();
    expect(checkClientId("lexguard-test-client")).toBeNull();
    expect(checkClientId("a".repeat(37))?.key).toBe("validate.client_id");
    expect(checkClientId("two words")?.key).toBe("validate.client_id");
    expect(checkRedirectUri("")).toBeNull();
    expect(checkRedirectUri("https://shop.example.de/callback")).toBeNull();
    expect(checkRedirectUri("nonsense")?.key).toBe("validate.url_invalid");
  });

  it("finds event types listed twice", () => {
    expect(duplicateRows(["invoice.created", "token.revoked", "invoice.created"])).toEqual([2]);
    expect(duplicateRows(["invoice.created", "token.revoked"])).toEqual([]);
  });
});
