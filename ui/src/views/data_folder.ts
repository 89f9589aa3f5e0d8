/** Where lexguard keeps its files, with a button that opens the folder. */

import { h } from "../dom";
import * as ipc from "../ipc";
import { AlertSlot, busy } from "./common";

export function dataFolderFieldset(): { element: HTMLElement; render(path: string): void } {
  const path = h("code", { testid: "settings-data-folder", class: "path" });
  const open = h("button", { type: "button", testid: "settings-open-folder", i18n: "settings.open_folder" });
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "settings-folder-error");
  const element = h(
    "fieldset",
    {},
    h("legend", { i18n: "settings.section_data" }),
    h("p", { class: "muted", i18n: "settings.data_folder_hint" }),
    h("div", { class: "input-row" }, path, open),
    errorHost,
  );
  open.addEventListener("click", async () => {
    error.clear();
    try {
      await busy(open, ipc.openDataFolder);
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
    }
  });
  return {
    element,
    render(p) {
      path.textContent = p;
    },
  };
}
