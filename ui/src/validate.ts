/**
 * Client-side checks that mirror the backend's, so a person sees what is wrong next to the
 * field before anything is saved. Ranges and sizes come from the generated `LIMITS` (the very
 * table `config.rs` validates with), never from numbers of our own. The backend checks
 * again; its word is final. Each check returns a problem as an i18n key (so it follows a
 * language switch) or null.
 */

import { LIMITS } from "./bindings/limitsData";
import type { SecsRange } from "./bindings/SecsRange";
import type { Settings } from "./bindings/Settings";
import type { Key, Params } from "./i18n";

export interface Problem {
  key: Key;
  params?: Params;
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Plain http to this computer: `localhost`, 127.0.0.0/8 or `[::1]`. The core's rule
 * (`src/contract/loopback.rs`, which the app and `doctor` use); a test runs every case the core
 * generated (`bindings/loopbackCases.ts`) through this function, so the two cannot drift.
 */
export function isLoopbackHttp(raw: string): boolean {
  const url = parseUrl(raw);
  if (!url || url.protocol !== "http:") return false;
  const host = url.hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Lexware calls only HTTPS callbacks. Plain http to this computer (127.0.0.1, localhost) is
 * allowed only in the demo, whose simulator receives the webhooks itself.
 */
export function checkCallbackUrl(raw: string, demo: boolean): Problem | null {
  const value = raw.trim();
  if (value === "") return { key: "validate.url_empty" };
  if (/\s/.test(value)) return { key: "validate.url_invalid" };
  const url = parseUrl(value);
  if (!url) return { key: "validate.url_invalid" };
  if (url.protocol === "https:" && url.hostname !== "") return null;
  if (demo && isLoopbackHttp(value)) return null;
  return { key: demo ? "validate.callback_https_demo" : "validate.callback_https" };
}

/** Lexware's own addresses (custom environment): https, or http on loopback for a simulator. */
export function checkBaseUrl(raw: string): Problem | null {
  const value = raw.trim();
  if (value === "") return { key: "validate.url_empty" };
  const url = parseUrl(value);
  if (!url || url.hostname === "") return { key: "validate.url_invalid" };
  if (url.protocol === "https:") return null;
  if (isLoopbackHttp(value)) return null;
  return { key: "validate.base_https" };
}

/** The redirect URI is optional; when given it must be an address. */
export function checkRedirectUri(raw: string): Problem | null {
  const value = raw.trim();
  if (value === "") return null;
  const url = parseUrl(value);
  return url && /^https?:$/.test(url.protocol) ? null : { key: "validate.url_invalid" };
}

/** The client id is optional (API-key mode); when given 1 to 36 characters without spaces. */
export function checkClientId(raw: string): Problem | null {
  const value = raw.trim();
  if (value === "") return null;
  if (value.length > LIMITS.client_id_max_chars || /\s/.test(value)) return { key: "validate.client_id" };
  return null;
}

export interface Range {
  /** Whole display units (minutes, hours) the backend's seconds allow. */
  min: number;
  /** null: no upper limit. */
  max: number | null;
  /** Seconds per display unit. */
  unit: number;
  /** Says the allowed range, e.g. "Erlaubt sind 1 bis 5 Minuten." */
  key: Key;
}

function inUnits(r: SecsRange, unit: number, key: Key): Range {
  return { min: Math.ceil(r.min / unit), max: r.max === null ? null : Math.floor(r.max / unit), unit, key };
}

/** The schedule fields of the settings: the backend's ranges in the units the form shows. */
export const RANGES = {
  check_every: inUnits(LIMITS.check_every, 60, "validate.range_check_every"),
  refresh_before: inUnits(LIMITS.refresh_before, 60, "validate.range_refresh_before"),
  remind_every: inUnits(LIMITS.remind_every, 3600, "validate.range_remind_every"),
} as const satisfies Record<string, Range>;

export type RangeField = keyof typeof RANGES;

/** Seconds as the form shows them: whole units where they fit, else up to two decimals. */
export function inDisplayUnits(field: RangeField, secs: number): string {
  const v = secs / RANGES[field].unit;
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

/** The problem (and hint) that names the field's allowed range. */
export function rangeProblem(field: RangeField): Problem {
  const { key, min, max } = RANGES[field];
  const params: Params = max === null ? { min } : { min, max };
  return { key, params };
}

/** A whole number of units within the field's range (as seconds), or the problem that names the range. */
export function checkRange(field: RangeField, raw: string): { secs: number } | { problem: Problem } {
  const range = RANGES[field];
  const text = raw.trim();
  const problem = rangeProblem(field);
  if (!/^\d+$/.test(text)) return { problem };
  const value = Number(text);
  if (value < range.min || (range.max !== null && value > range.max)) return { problem };
  return { secs: value * range.unit };
}

/** The settings' durations by form field, in seconds. */
export function scheduleSecs(s: Settings): Record<RangeField, number> {
  return { check_every: s.check_every_secs, refresh_before: s.refresh_before_secs, remind_every: s.remind_every_secs };
}

/** What a duration field was filled with: the seconds, and the text that showed them. */
export interface Shown {
  secs: number;
  text: string;
}

/**
 * The seconds to send for a duration field: exactly the loaded ones while its text is as it
 * was shown (even off the unit grid: the backend accepted them), else the checked entry.
 */
export function durationSecs(field: RangeField, raw: string, shown?: Shown): { secs: number } | { problem: Problem } {
  if (shown && raw === shown.text) return { secs: shown.secs };
  return checkRange(field, raw);
}

/** Rows whose event type already appears in an earlier row (Lexware allows one per type). */
export function duplicateRows(eventTypes: string[]): number[] {
  const seen = new Set<string>();
  const dupes: number[] = [];
  eventTypes.forEach((type, i) => {
    if (seen.has(type)) dupes.push(i);
    seen.add(type);
  });
  return dupes;
}
