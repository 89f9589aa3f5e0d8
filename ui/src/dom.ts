/**
 * A few DOM helpers instead of a framework: the window has four small views, and plain
 * elements keep the bundle tiny and the CSP strict (no inline styles, no `eval`).
 */

import { label, labelAttr, type Key, type Params } from "./i18n";

export type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  /** `data-testid`, which the end-to-end suite finds elements by. */
  testid?: string;
  class?: string;
  /** Text from the language files, relabelled on a language switch. */
  i18n?: Key;
  i18nParams?: Params;
  /** Plain text (data, not words: URLs, company names). */
  text?: string;
  [attr: string]: string | number | boolean | null | undefined | Params;
}

/** Creates an element; `on*` handlers are attached with `on(el, ...)`, not here. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    switch (name) {
      case "testid":
        el.setAttribute("data-testid", String(value));
        break;
      case "class":
        el.className = String(value);
        break;
      case "i18n":
        label(el, value as Key, attrs.i18nParams);
        break;
      case "i18nParams":
        break;
      case "text":
        el.textContent = String(value);
        break;
      default:
        if (name.startsWith("i18n-")) {
          // i18n-aria-label: "key" -> translated attribute
          labelAttr(el, name.slice(5), value as Key);
        } else {
          el.setAttribute(name, value === true ? "" : String(value));
        }
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces all children. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

let counter = 0;
/** A page-unique id, for `<label for>` and `aria-describedby`. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Shows or hides an element (the `hidden` attribute; CSS makes it win over `display`). */
export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}
