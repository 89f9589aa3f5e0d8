import { describe, expect, it } from "vitest";
import { countdown, duration, localAndRelative, localTime, relative, zoneName } from "../src/format";

const BERLIN = "Europe/Berlin";
const min = 60_000;
const hour = 60 * min;
const day = 24 * hour;

describe("duration", () => {
  it("reads naturally", () => {
    expect(duration(130 * 60)).toBe("2 h 10 min");
    expect(duration(3 * 3600)).toBe("3 h 0 min");
    expect(duration(2 * 86_400 + 4 * 3600 + 59)).toBe("2 d 4 h");
    expect(duration(45 * 60)).toBe("45 min");
    expect(duration(45)).toBe("45 s");
    expect(duration(-5)).toBe("0 s");
  });
});

describe("relative", () => {
  const now = new Date("2025-01-15T12:00:00Z");
  const at = (ms: number) => new Date(now.getTime() + ms);

  it("says 'in' and 'vor' in German", () => {
    expect(relative(at(2 * hour + 10 * min), now, "de")).toBe("in 2 h 10 min");
    expect(relative(at(-5 * min), now, "de")).toBe("vor 5 min");
    expect(relative(at(-3 * day - 2 * hour), now, "de")).toBe("vor 3 Tagen");
    expect(relative(at(-day), now, "de")).toBe("vor 1 Tag");
    expect(relative(at(700 * day), now, "de")).toBe("in 700 Tagen");
  });

  it("says 'in' and 'ago' in English", () => {
    expect(relative(at(2 * hour + 10 * min), now, "en")).toBe("in 2 h 10 min");
    expect(relative(at(-5 * min), now, "en")).toBe("5 min ago");
    expect(relative(at(-3 * day), now, "en")).toBe("3 days ago");
    expect(relative(at(day + hour), now, "en")).toBe("in 1 day");
  });

  it("does not show seconds that are stale a moment later", () => {
    expect(relative(at(20_000), now, "de")).toBe("gleich");
    expect(relative(at(-20_000), now, "de")).toBe("gerade eben");
    expect(relative(at(-20_000), now, "en")).toBe("just now");
  });

  it("accepts RFC 3339 strings", () => {
    expect(relative("2025-01-15T11:00:00Z", now, "de")).toBe("vor 1 h 0 min");
  });
});

describe("zoneName", () => {
  const winter = new Date("2025-01-15T12:00:00Z");
  const summer = new Date("2025-07-15T12:00:00Z");

  it("is MEZ/MESZ in German and CET/CEST in English for Berlin", () => {
    expect(zoneName(winter, "de", BERLIN)).toBe("MEZ");
    expect(zoneName(summer, "de", BERLIN)).toBe("MESZ");
    expect(zoneName(winter, "en", BERLIN)).toBe("CET");
    expect(zoneName(summer, "en", BERLIN)).toBe("CEST");
    expect(zoneName(winter, "de", "Europe/Vienna")).toBe("MEZ");
  });

  it("falls back to UTC names and offsets elsewhere", () => {
    expect(zoneName(winter, "de", "UTC")).toBe("UTC");
    expect(zoneName(winter, "en", "America/New_York")).toBe("UTC-5");
  });
});

describe("localTime", () => {
  const now = new Date("2025-01-15T10:00:00Z");

  it("shows only the time today", () => {
    expect(localTime("2025-01-15T13:32:00Z", now, "de", BERLIN)).toBe("14:32 MEZ");
    expect(localTime("2025-01-15T13:32:00Z", now, "en", BERLIN)).toBe("14:32 CET");
  });

  it("adds the date on other days, German and ISO style", () => {
    expect(localTime("2025-01-16T13:32:00Z", now, "de", BERLIN)).toBe("16.01.2025 14:32 MEZ");
    expect(localTime("2025-01-16T13:32:00Z", now, "en", BERLIN)).toBe("2025-01-16 14:32 CET");
    expect(localTime("2025-07-01T06:05:00Z", now, "de", BERLIN)).toBe("01.07.2025 08:05 MESZ");
  });

  it("decides 'today' in the given zone, not in UTC", () => {
    // 23:30 UTC is already the next day in Berlin.
    expect(localTime("2025-01-15T23:30:00Z", now, "de", BERLIN)).toBe("16.01.2025 00:30 MEZ");
    expect(localTime("2025-01-15T23:30:00Z", now, "de", "UTC")).toBe("23:30 UTC");
  });

  it("combines with the relative time", () => {
    expect(localAndRelative("2025-01-15T12:10:00Z", now, "de", BERLIN)).toBe("13:10 MEZ (in 2 h 10 min)");
    expect(localAndRelative("2025-01-15T09:55:00Z", now, "en", BERLIN)).toBe("10:55 CET (5 min ago)");
  });
});

describe("countdown", () => {
  it("shows minutes and seconds, never below zero", () => {
    expect(countdown(300)).toBe("5:00");
    expect(countdown(299.2)).toBe("5:00");
    expect(countdown(59)).toBe("0:59");
    expect(countdown(-3)).toBe("0:00");
  });
});
