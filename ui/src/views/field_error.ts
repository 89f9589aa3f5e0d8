/**
 * The one way the window shows an error under a field: a `<p class="field-error">` after the
 * input, the input marked `aria-invalid` and described by the error (so a screen reader reads
 * it with the field). A field with a hint hides the hint while the error shows (the error
 * names the allowed values itself) and is described by the hint again when the error goes.
 */

import { h, replace, show, uid } from "../dom";
import { label } from "../i18n";
import type { Problem } from "../validate";

/** A problem in the language files (follows a language switch), a backend sentence, or none. */
export type FieldMessage = Problem | string | null;

export class FieldError {
  /** The error line; place it under the input. */
  readonly el: HTMLElement;

  constructor(
    private readonly input: HTMLElement,
    private readonly hint: HTMLElement | null = null,
  ) {
    this.el = h("p", { id: uid("err"), class: "field-error" });
    show(this.el, false);
  }

  set(message: FieldMessage): void {
    if (this.hint) show(this.hint, message === null);
    if (message === null) {
      replace(this.el);
      show(this.el, false);
      this.input.removeAttribute("aria-invalid");
      if (this.hint) this.input.setAttribute("aria-describedby", this.hint.id);
      else this.input.removeAttribute("aria-describedby");
      return;
    }
    if (typeof message === "string") {
      this.el.removeAttribute("data-i18n");
      this.el.textContent = message;
    } else {
      label(this.el, message.key, message.params);
    }
    show(this.el, true);
    this.input.setAttribute("aria-invalid", "true");
    this.input.setAttribute("aria-describedby", this.el.id);
  }
}
