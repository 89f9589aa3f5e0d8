/**
 * Client-side checks that mirror the backend's (`config.rs`), so a person sees what is wrong
 * next to the field before anything is saved. The backend checks again; its word is final.
 * Each check returns a problem as an i18n key (so it follows a language switch) or null.
 */

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

function isLoopback(url: URL): boolean {
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
  if (demo && url.protocol === "http:" && isLoopback(url)) return null;
  return { key: demo ? "validate.callback_https_demo" : "validate.callback_https" };
}

/** Lexware's own addresses (custom environment): https, or http on loopback for a simulator. */
export function checkBaseUrl(raw: string): Problem | null {
  const value = raw.trim();
  if (value === "") return { key: "validate.url_empty" };
  const url = parseUrl(value);
  if (!url || url.hostname === "") return { key: "validate.url_invalid" };
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopback(url)) return null;
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
  if (value.length > 36 || /\s/.test(value)) return { key: "validate.client_id" };
  return null;
}

export interface Range {
  min: number;
  max: number;
  /** Says the allowed range, e.g. "Erlaubt sind 1 bis 5 Minuten." */
  key: Key;
}

/** The ranges the backend accepts for the schedule fields of the settings. */
export const RANGES = {
  check_every_minutes: { min: 1, max: 5, key: "validate.range_check_every" },
  refresh_before_minutes: { min: 15, max: 180, key: "validate.range_refresh_before" },
  remind_every_hours: { min: 1, max: 24, key: "validate.range_remind_every" },
} as const satisfies Record<string, Range>;

export type RangeField = keyof typeof RANGES;

/** A whole number within the field's range, or the problem that names the range. */
export function checkRange(field: RangeField, raw: string): { value: number } | { problem: Problem } {
  const range = RANGES[field];
  const text = raw.trim();
  const problem = { key: range.key, params: { min: range.min, max: range.max } };
  if (!/^\d+$/.test(text)) return { problem };
  const value = Number(text);
  if (value < range.min || value > range.max) return { problem };
  return { value };
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
