/**
 * The window while config.toml cannot be read: the app runs without checking, and this view
 * says what is wrong (file, line, setting, fix; the parser's own text only behind "Details") with two ways forward: open the file's folder,
 * and "Neu laden" once it is fixed. A reload that works loads the window again, now as the
 * normal app. Its commands exist only in the desktop app; outside it (tests, the dev mock)
 * `configProblem()` says "no problem" and the normal window is built.
 */

import type { ConfigProblem } from "../bindings/ConfigProblem";
import { h, replace } from "../dom";
import * as ipc from "../ipc";
import { setLang, t } from "../i18n";
import { titledDetails } from "./common";

/** The problem the app started with, or `null` in a normal run. */
export async function configProblem(): Promise<ConfigProblem | null> {
  try {
    return (await ipc.getConfigProblem()) ?? null;
  } catch {
    return null;
  }
}

function message(e: unknown): string {
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

/** The view for `problem`; `onFixed` runs once the app started normally. */
export function configErrorView(problem: ConfigProblem, onFixed: () => void): HTMLElement {
  setLang(problem.lang);
  const details = h("dl", { class: "config-error-details" });
  const text = h("p", { testid: "config-error-message" });
  const feedback = h("div", { class: "config-error-feedback", "aria-live": "polite" });
  // The parser's own words, for whoever wants them; the message above is plain.
  const parserText = h("pre", { testid: "config-error-parser-text", class: "mono" });
  const parserDetails = titledDetails("config-error-parser-details", "common.details", parserText);

  function render(p: ConfigProblem): void {
    text.textContent = p.message;
    parserText.textContent = p.details ?? "";
    parserDetails.hidden = !p.details;
    const rows: [Parameters<typeof t>[0], string | null][] = [
      ["config_error.file", p.file || null],
      ["config_error.line", p.line === null ? null : String(p.line)],
      ["config_error.key", p.key],
    ];
    replace(
      details,
      ...rows
        .filter(([, v]) => v !== null)
        .flatMap(([k, v]) => [h("dt", { i18n: k }), h("dd", { class: "mono", text: v as string })]),
    );
  }
  render(problem);

  const open = h("button", { type: "button", testid: "config-error-open", i18n: "config_error.open_folder" });
  open.addEventListener("click", () => {
    ipc.openConfigFolder().catch((e: unknown) => replace(feedback, h("p", { role: "alert", text: message(e) })));
  });
  const reload = h("button", { type: "button", testid: "config-error-reload", class: "primary", i18n: "config_error.reload" });
  reload.addEventListener("click", () => {
    reload.disabled = true;
    replace(feedback, h("p", { class: "muted", i18n: "config_error.reloading" }));
    ipc.reloadConfig()
      .then((still) => {
        if (still) {
          render(still);
          replace(feedback, h("p", { role: "alert", i18n: "config_error.still_broken" }));
        } else {
          onFixed();
        }
      })
      .catch((e: unknown) => replace(feedback, h("p", { role: "alert", text: message(e) })))
      .finally(() => {
        reload.disabled = false;
      });
  });

  return h(
    "section",
    { testid: "view-config-error", class: "view config-error", id: "view-config-error" },
    h("h2", { i18n: "config_error.title" }),
    h("div", { role: "alert", class: "alert alert-error" }, text),
    details,
    parserDetails,
    h("p", { i18n: "config_error.meanwhile" }),
    h("div", { class: "actions" }, open, reload),
    feedback,
  );
}
