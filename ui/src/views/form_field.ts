/**
 * One labelled form field: label, input, optional hint and its error line (`FieldError`), in
 * the `div.field` the settings form is made of.
 */

import { h, uid } from "../dom";
import type { Key, Params } from "../i18n";
import { FieldError } from "./field_error";

export interface Field {
  wrap: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  error: FieldError;
}

export function field(labelKey: Key, input: HTMLInputElement | HTMLSelectElement, hint?: { key: Key; params?: Params }, ...extra: HTMLElement[]): Field {
  const id = input.id || uid("field");
  input.id = id;
  const hintEl = hint ? h("p", { id: uid("hint"), class: "hint", i18n: hint.key, i18nParams: hint.params }) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  const error = new FieldError(input, hintEl);
  const wrap = h("div", { class: "field" }, h("label", { for: id, i18n: labelKey }), input, ...extra, hintEl, error.el);
  return { wrap, input, error };
}

/** A number of minutes or hours, within the contract's range. */
export const numberInput = (testid: string, { min, max }: { min: number; max: number | null }): HTMLInputElement =>
  h("input", { type: "number", testid, min, max, step: "any", inputmode: "numeric", class: "narrow" });

/** A URL or identifier typed in full (no spell checking, no autofill). */
export const textInput = (testid: string, type: "text" | "url"): HTMLInputElement =>
  h("input", { type, testid, autocomplete: "off", spellcheck: "false", class: "wide mono" });
