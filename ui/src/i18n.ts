/**
 * Every word the window shows comes from `i18n/de.json` or `i18n/en.json` (same keys; a test
 * keeps them in step). The language is the backend's `Settings.language`; switching it must
 * relabel the whole window at once, without a reload and without losing what the person has
 * typed, so static labels remember their key on the element (`data-i18n`) and are rewritten
 * in place, while views with computed text re-render through `onLangChange`.
 *
 * Words about where the secrets are depend on `Settings.secret_store` too: a key with a
 * `.file` variant (`partner.secret_set.file`) says that variant while secrets are kept in
 * lexguard's file store (`[store] kind = "file"`), so the window never claims the keychain
 * holds what a file holds. `setSecretStore` switches them like `setLang`.
 */

import type { Lang } from "./bindings/Lang";
import type { StoreKind } from "./bindings/StoreKind";
import de from "./i18n/de.json";
import en from "./i18n/en.json";

export type Key = keyof typeof de;
export type Params = Record<string, string | number>;

const tables: Record<Lang, Record<string, string>> = { de, en };

let current: Lang = "de";
let secretStore: StoreKind = "keychain";
const listeners = new Set<(lang: Lang) => void>();

export function lang(): Lang {
  return current;
}

/** The text for `key` (its `.file` variant while secrets are in the file store), with `{name}` placeholders filled in. */
export function t(key: Key, params?: Params, l: Lang = current): string {
  const variant = secretStore === "file" ? (tables[l][`${key}.file`] ?? tables.de[`${key}.file`]) : undefined;
  const text = variant ?? tables[l][key] ?? tables.de[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Switches the language and relabels everything on the page. */
export function setLang(l: Lang): void {
  if (l !== "de" && l !== "en") return;
  const changed = l !== current;
  current = l;
  document.documentElement.lang = l;
  if (!changed) return;
  relabel(document);
  for (const fn of listeners) fn(l);
}

/** Where the secrets are (`Settings.secret_store`); relabels the words that name the place. */
export function setSecretStore(s: StoreKind): void {
  if (s !== "keychain" && s !== "file") return;
  const changed = s !== secretStore;
  secretStore = s;
  if (changed) relabel(document);
}

/** Called after every language switch (for views whose text is computed). */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Sets the element's text to `key` and remembers the key for the next language switch. */
export function label<T extends Element>(el: T, key: Key, params?: Params): T {
  el.setAttribute("data-i18n", key);
  if (params) el.setAttribute("data-i18n-params", JSON.stringify(params));
  else el.removeAttribute("data-i18n-params");
  el.textContent = t(key, params);
  return el;
}

/** Like `label`, for an attribute (`aria-label`, `placeholder`, `title`). */
export function labelAttr<T extends Element>(el: T, attr: string, key: Key, params?: Params): T {
  const all = readAttrs(el);
  all[attr] = params ? [key, params] : [key];
  el.setAttribute("data-i18n-attrs", JSON.stringify(all));
  el.setAttribute(attr, t(key, params));
  return el;
}

type AttrEntry = [Key] | [Key, Params];

function readAttrs(el: Element): Record<string, AttrEntry> {
  const raw = el.getAttribute("data-i18n-attrs");
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, AttrEntry>;
  } catch {
    return {};
  }
}

/** Rewrites every remembered label below `root` in the current language. */
export function relabel(root: ParentNode): void {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    const key = el.getAttribute("data-i18n") as Key;
    const raw = el.getAttribute("data-i18n-params");
    el.textContent = t(key, raw ? (JSON.parse(raw) as Params) : undefined);
  }
  for (const el of root.querySelectorAll("[data-i18n-attrs]")) {
    for (const [attr, [key, params]] of Object.entries(readAttrs(el))) {
      el.setAttribute(attr, t(key, params));
    }
  }
}
