/**
 * Several Lexware organizations side by side: the connections the app keeps, as a small
 * list under the header, and *Verbindung hinzufügen*. The window always works on one
 * connection, the selected one (the backend holds it; every command acts on it), which can be
 * removed there too (views/connection_remove.ts). Choosing another, or adding or removing one,
 * loads the window afresh, so every view shows that connection and nothing of the one before;
 * a new connection then meets the same first-run question as the first one did.
 */

import type { ConnectionLine } from "../bindings/ConnectionLine";
import { h, replace, show } from "../dom";
import { stateLabel } from "../events";
import * as ipc from "../ipc";
import { AlertSlot } from "./common";
import { removeArea } from "./connection_remove";

export interface ConnectionsBar {
  element: HTMLElement;
  /** Loads the list; resolves once it is shown. */
  load(): Promise<void>;
}

/** `reload`: loads the window afresh (after another connection was chosen or added). */
export function connectionsBar(reload: () => void = () => location.reload()): ConnectionsBar {
  const list = h("div", { class: "connections-list", role: "list" });
  const addButton = h("button", { type: "button", testid: "connection-add", class: "secondary", i18n: "connections.add" });
  const input = h("input", {
    id: "connection-name",
    testid: "connection-name",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    maxlength: 32,
    "aria-describedby": "connection-name-hint",
  });
  const create = h("button", { type: "submit", testid: "connection-create", i18n: "connections.create" });
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "connection-name-error");
  const form = h(
    "form",
    { class: "connection-add-form", testid: "connection-add-form" },
    h("label", { for: "connection-name", i18n: "connections.name" }),
    input,
    h("p", { id: "connection-name-hint", class: "muted", i18n: "connections.name_hint" }),
    errorHost,
    create,
  );
  show(form, false);
  const removal = removeArea(reload);
  const element = h(
    "section",
    { class: "connections", testid: "connections", "i18n-aria-label": "connections.label" },
    list,
    removal.element,
    addButton,
    form,
  );
  // The connection this window was loaded for: a change of selection loads it afresh.
  let loadedFor: string | null = null;

  function render(lines: ConnectionLine[]): void {
    const selected = lines.find((l) => l.selected)?.name ?? null;
    if (loadedFor !== null && selected !== null && selected !== loadedFor) {
      reload();
      return;
    }
    loadedFor = selected;
    // One connection: nothing to choose between; the list starts with the second.
    show(list, lines.length > 1);
    removal.render(lines.find((l) => l.selected) ?? null, lines.length);
    replace(
      list,
      ...lines.map((l) => {
        const b = h(
          "button",
          { type: "button", role: "listitem", testid: `connection-${l.name}`, class: `connection state-${l.state}`, title: l.headline },
          h("span", { class: "connection-label", text: l.label }),
          h("span", { class: "connection-state", text: stateLabel(l.state) }),
        );
        if (l.selected) b.setAttribute("aria-current", "true");
        b.addEventListener("click", () => void choose(l.name));
        return b;
      }),
    );
  }

  async function choose(name: string): Promise<void> {
    if (name === loadedFor) return;
    try {
      await ipc.selectConnection(name);
      reload();
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
    }
  }

  addButton.addEventListener("click", () => {
    show(form, true);
    input.focus();
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.clear();
    create.disabled = true;
    try {
      await ipc.addConnection(input.value.trim());
      reload();
    } catch (e) {
      error.set(ipc.toIpcError(e).message);
      input.setAttribute("aria-invalid", "true");
    } finally {
      create.disabled = false;
    }
  });

  void ipc.onConnections(render).catch(() => undefined);

  return {
    element,
    async load() {
      // An app without several connections (or a test backend without them): no list.
      const lines = await ipc.listConnections().catch(() => null);
      if (lines) render(lines);
      else show(element, false);
    },
  };
}
