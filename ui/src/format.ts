/**
 * Times as a shop owner reads them, the same way the tray and the `lexguard` command write
 * them: local time with zone ("14:32 MEZ", "01.12.2025 14:32 MEZ"), relative ("in 2 h 10 min",
 * "vor 5 min") and durations ("3 h 0 min", "2 d 4 h").
 *
 * Every function takes `now` and an optional IANA `timeZone` instead of reading the machine's
 * clock and zone, so tests can pin both.
 */

import type { Lang } from "./bindings/Lang";
import { t } from "./i18n";

export type When = Date | string;

function toDate(at: When): Date {
  return typeof at === "string" ? new Date(at) : at;
}

/** "2 h 10 min", "2 d 4 h", "45 min", "45 s"; never negative. Units read alike in both languages. */
export function duration(seconds: number): string {
  const secs = Math.max(0, Math.floor(seconds));
  const days = Math.floor(secs / 86_400);
  const hours = Math.floor((secs % 86_400) / 3600);
  const mins = Math.floor((secs % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${mins} min`;
  if (mins > 0) return `${mins} min`;
  return `${secs} s`;
}

/**
 * "in 2 h 10 min" / "vor 5 min" ("5 min ago"); from a day on in words ("vor 3 Tagen"), where
 * hours no longer matter and the absolute time stands next to it anyway. Under a minute it
 * says "gerade eben" / "gleich" rather than seconds that are stale a moment later.
 */
export function relative(at: When, now: Date, lang: Lang): string {
  const secs = Math.round((toDate(at).getTime() - now.getTime()) / 1000);
  const future = secs >= 0;
  const abs = Math.abs(secs);
  if (abs < 60) return t(future ? "time.soon" : "time.just_now", undefined, lang);
  if (abs >= 86_400) {
    const n = Math.floor(abs / 86_400);
    const key = future
      ? n === 1 ? "time.in_days_one" : "time.in_days"
      : n === 1 ? "time.days_ago_one" : "time.days_ago";
    return t(key, { n }, lang);
  }
  return t(future ? "time.in" : "time.ago", { d: duration(abs) }, lang);
}

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

function parts(at: Date, timeZone?: string): Parts {
  const fmt = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const out: Record<string, string> = {};
  for (const p of fmt.formatToParts(at)) out[p.type] = p.value;
  return {
    year: out.year ?? "",
    month: out.month ?? "",
    day: out.day ?? "",
    hour: out.hour ?? "",
    minute: out.minute ?? "",
  };
}

function zonePart(at: Date, locale: string, timeZone: string | undefined, style: "short" | "longOffset"): string {
  try {
    const p = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(at);
    return p.find((x) => x.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}

/** Zones that use Central European Time, for when the engine's ICU lacks the names. */
const CENTRAL_EUROPE = /^Europe\/(Berlin|Vienna|Zurich|Busingen|Luxembourg|Brussels|Amsterdam|Paris|Rome|Madrid|Prague|Copenhagen|Oslo|Stockholm|Warsaw|Vaduz)$/;

/**
 * The zone's short name: MEZ/MESZ in German and CET/CEST in English for Central Europe,
 * otherwise what Intl knows ("GMT", "UTC", "UTC-5").
 */
export function zoneName(at: When, lang: Lang, timeZone?: string): string {
  const d = toDate(at);
  let name = zonePart(d, "en-GB", timeZone, "short");
  if (!/^(CET|CEST)$/.test(name)) {
    const zone = timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (CENTRAL_EUROPE.test(zone)) {
      const offset = zonePart(d, "en-GB", timeZone, "longOffset");
      if (offset === "GMT+01:00") name = "CET";
      else if (offset === "GMT+02:00") name = "CEST";
    }
  }
  if (lang === "de") {
    if (name === "CET") return "MEZ";
    if (name === "CEST") return "MESZ";
  }
  if (/^GMT[+-]/.test(name)) return `UTC${name.slice(3)}`;
  return name;
}

/** "14:32 MEZ" today, "01.12.2025 14:32 MEZ" (English "2025-12-01 14:32 CET") on other days. */
export function localTime(at: When, now: Date, lang: Lang, timeZone?: string): string {
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return "–";
  const p = parts(d, timeZone);
  const today = parts(now, timeZone);
  const clock = `${p.hour}:${p.minute}`;
  const zone = zoneName(d, lang, timeZone);
  const sameDay = p.year === today.year && p.month === today.month && p.day === today.day;
  if (sameDay) return `${clock} ${zone}`;
  const date = lang === "de" ? `${p.day}.${p.month}.${p.year}` : `${p.year}-${p.month}-${p.day}`;
  return `${date} ${clock} ${zone}`;
}

/** "14:32 MEZ (in 2 h 10 min)". */
export function localAndRelative(at: When, now: Date, lang: Lang, timeZone?: string): string {
  return `${localTime(at, now, lang, timeZone)} (${relative(at, now, lang)})`;
}

/** "4:59": minutes and seconds left on a countdown. */
export function countdown(secondsLeft: number): string {
  const s = Math.max(0, Math.ceil(secondsLeft));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
