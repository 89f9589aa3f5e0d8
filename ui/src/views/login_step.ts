/**
 * Pieces of the login step: the live countdown for the code (on this window's clock, from the
 * moment `start_login` returned, not `started_at`, which comes from the engine's clock and may
 * be skewed, e.g. in the demo), the login link, "waiting for Lexware" while lexguard listens on
 * a loopback redirect, and what counts as a complete paste.
 */

import type { LoginStart } from "../bindings/LoginStart";
import { h, replace, show } from "../dom";
import { countdown } from "../format";
import { label } from "../i18n";
import { copyButton, details } from "./common";

/**
 * Whether a paste is complete enough to connect at once: the whole redirect address (with
 * `code=` or `error=`), or one token without spaces. Anything else waits for "Verbinden".
 */
export function pasteLooksComplete(raw: string): boolean {
  const v = raw.trim();
  if (v === "" || /\s/.test(v)) return false;
  if (/^https?:\/\//i.test(v)) return /[?&#](code|error)=/.test(v);
  return /^[A-Za-z0-9._~-]{8,}$/.test(v);
}

/** A pasted API key: long, without spaces. */
export function keyLooksComplete(raw: string): boolean {
  const v = raw.trim();
  return v.length >= 20 && !/\s/.test(v);
}

/** Whether an input event came from pasting or dropping text (not from typing). */
export function pasted(ev: Event): boolean {
  const type = (ev as InputEvent).inputType ?? "";
  return type === "insertFromPaste" || type === "insertFromDrop";
}

/** The countdown and the login link of one login. */
export class LoginProgress {
  private deadline: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private waitingEl: HTMLElement | null = null;

  constructor(
    private readonly info: HTMLElement,
    private readonly countdownEl: HTMLElement,
  ) {
    show(info, false);
    show(countdownEl, false);
  }

  start(start: LoginStart): void {
    this.stop();
    this.deadline = Date.now() + start.code_valid_secs * 1000;
    this.render();
    this.timer = setInterval(() => this.render(), 500);
    const urlEl = h("code", { testid: "login-url", class: "login-url", text: start.url });
    const box = h("div", { class: "url-box" }, urlEl, copyButton(() => start.url, urlEl, "login-copy", "reconnect.copied"));
    this.waitingEl = start.listening
      ? h(
          "div",
          { testid: "login-waiting", class: "waiting", role: "status" },
          h("span", { class: "spinner", "aria-hidden": "true" }),
          h("div", {}, h("p", { class: "strong", i18n: "reconnect.waiting" }), h("p", { class: "muted", i18n: "reconnect.waiting_text" })),
        )
      : null;
    replace(
      this.info,
      h("p", {
        class: start.browser_opened ? "muted" : "callout callout-warn",
        i18n: start.browser_opened ? "reconnect.browser_opened" : "reconnect.no_browser",
      }),
      // The link is needed only when no browser opened; otherwise it waits behind "Details".
      start.browser_opened ? details("login-link-details", box) : box,
      this.waitingEl,
    );
    show(this.info, true);
  }

  /** Ends the countdown and hides it (after a result, or a rejection of the code). */
  stop(): void {
    this.halt();
    this.deadline = null;
    show(this.countdownEl, false);
  }

  /** After a connect: nothing of this login stays on screen. */
  finish(): void {
    this.stop();
    this.dropWaiting();
    show(this.info, false);
  }

  /** "Waiting for Lexware" is shown only while lexguard is actually waiting. */
  dropWaiting(): void {
    this.waitingEl?.remove();
    this.waitingEl = null;
  }

  private halt(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private render(): void {
    if (this.deadline === null) {
      show(this.countdownEl, false);
      return;
    }
    const left = (this.deadline - Date.now()) / 1000;
    show(this.countdownEl, true);
    if (left <= 0) {
      label(this.countdownEl, "reconnect.code_expired");
      this.countdownEl.classList.add("expired");
      this.halt();
      this.dropWaiting();
    } else {
      label(this.countdownEl, "reconnect.countdown", { left: countdown(left) });
      this.countdownEl.classList.remove("expired");
    }
  }
}
