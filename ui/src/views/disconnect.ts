/**
 * "Verbindung trennen" in two steps, because disconnecting revokes at Lexware and deletes the
 * local credentials.
 */

import type { Status } from "../bindings/Status";
import { h, replace } from "../dom";
import * as ipc from "../ipc";
import * as store from "../store";
import { busy } from "./common";
import type { StoryAlert } from "./story_alert";

/** `failure` shows what went wrong; `rerender` redraws the view when the question closes. */
export function disconnectArea(failure: StoryAlert, rerender: () => void): { element: HTMLElement; render(s: Status): void } {
  const element = h("div", { class: "danger-zone" });

  function confirm(): void {
    element.dataset.confirming = "true";
    const yes = h("button", { type: "button", class: "danger", i18n: "disconnect.confirm" });
    const no = h("button", { type: "button", i18n: "common.cancel" });
    const done = () => {
      delete element.dataset.confirming;
      rerender();
    };
    no.addEventListener("click", done);
    yes.addEventListener("click", async () => {
      try {
        const after = await busy(yes, ipc.disconnect);
        failure.clear();
        store.status.set(after);
      } catch (e) {
        failure.set(ipc.toIpcError(e).message, store.status.get());
      }
      done();
    });
    replace(element, h("p", { i18n: "disconnect.explain" }), h("div", { class: "actions" }, yes, no));
    no.focus();
  }

  function render(s: Status): void {
    if (s.state === "not_connected") {
      replace(element);
      return;
    }
    if (element.dataset.confirming === "true") return;
    const start = h("button", { type: "button", class: "link-button", i18n: "disconnect.start" });
    start.addEventListener("click", confirm);
    replace(element, start);
  }

  return { element, render };
}
