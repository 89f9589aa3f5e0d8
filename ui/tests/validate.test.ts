import { describe, expect, it } from "vitest";
import { t } from "../src/i18n";
import { LIMITS } from "../src/bindings/limitsData";
import { LOOPBACK_CASES } from "../src/bindings/loopbackCases";
import { checkBaseUrl, checkCallbackUrl, checkClientId, checkRange, checkRedirectUri, duplicateRows, inDisplayUnits, isLoopbackHttp, RANGES } from "../src/validate";

describe("isLoopbackHttp: the core's loopback rule", () => {
  it("judges every case the core generated as the core does", () => {
    expect(LOOPBACK_CASES.length).toBeGreaterThan(10);
    for (const c of LOOPBACK_CASES) expect([c.url, isLoopbackHttp(c.url)]).toEqual([c.url, c.loopback]);
  });

  it("accepts this computer over plain http, nothing else", () => {
    const verdict = (url: string) => LOOPBACK_CASES.find((c) => c.url === url)?.loopback;
    for (const yes of ["http://localhost/cb", "http://127.0.0.1:8080/cb", "http://[::1]:8080/cb"]) {
      expect([yes, verdict(yes), isLoopbackHttp(yes)]).toEqual([yes, true, true]);
    }
    for (const no of ["https://localhost/cb", "http://example.com/cb", "http://localhost.evil.com/cb"]) {
      expect([no, verdict(no), isLoopbackHttp(no)]).toEqual([no, false, false]);
    }
  });

  it("is what the demo's callback check and the base-URL check allow for plain http", () => {
    expect(checkCallbackUrl("http://[::1]:8080/hook", true)).toBeNull();
    expect(checkCallbackUrl("http://localhost.evil.com/hook", true)?.key).toBe("validate.callback_https_demo");
    expect(checkBaseUrl("http://[::1]:8080")).toBeNull();
    expect(checkBaseUrl("http://localhost.evil.com")?.key).toBe("validate.base_https");
  });
});

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
  it("accepts whole numbers in range, as seconds", () => {
    expect(checkRange("check_every", "1")).toEqual({ secs: 60 });
    expect(checkRange("check_every", "5")).toEqual({ secs: 300 });
    expect(checkRange("refresh_before", "15")).toEqual({ secs: 900 });
    expect(checkRange("refresh_before", "180")).toEqual({ secs: 10800 });
    expect(checkRange("remind_every", "1")).toEqual({ secs: 3600 });
    // The core sets no upper limit for reminders; neither does the form.
    expect(checkRange("remind_every", "48")).toEqual({ secs: 48 * 3600 });
  });

  it("refuses the rest and names the allowed range", () => {
    for (const raw of ["0", "6", "2.5", "", "abc", "-1"]) {
      const r = checkRange("check_every", raw);
      expect("problem" in r).toBe(true);
      if ("problem" in r) expect(t(r.problem.key, r.problem.params, "de")).toBe("Erlaubt sind 1 bis 5 Minuten.");
    }
    const refresh = checkRange("refresh_before", "14");
    expect("problem" in refresh && t(refresh.problem.key, refresh.problem.params, "en")).toBe("Allowed: 15 to 180 minutes.");
    expect("problem" in checkRange("refresh_before", "181")).toBe(true);
    const remind = checkRange("remind_every", "0");
    expect("problem" in remind && t(remind.problem.key, remind.problem.params, "de")).toBe("Erlaubt sind ganze Stunden ab 1.");
  });

  it("takes its ranges from the generated limits, not numbers of its own", () => {
    expect(RANGES.check_every).toMatchObject({ min: LIMITS.check_every.min / 60, max: LIMITS.check_every.max! / 60 });
    expect(RANGES.refresh_before).toMatchObject({ min: LIMITS.refresh_before.min / 60, max: LIMITS.refresh_before.max! / 60 });
    expect(RANGES.remind_every.max).toBe(LIMITS.remind_every.max);
    expect(checkClientId("x".repeat(LIMITS.client_id_max_chars))).toBeNull();
    expect(checkClientId("x".repeat(LIMITS.client_id_max_chars + 1))?.key).toBe("validate.client_id");
  });

  it("shows seconds off the minute grid without rounding them", () => {
    expect(inDisplayUnits("check_every", 90)).toBe("1.5");
    expect(inDisplayUnits("remind_every", 1800)).toBe("0.5");
    expect(inDisplayUnits("remind_every", 4 * 3600)).toBe("4");
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
