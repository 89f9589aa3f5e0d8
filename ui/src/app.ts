/**
 * Builds the one page: header, navigation and the four views, then wires the backend's
 * events. The window exists only while it is open, so it loads everything fresh at start.
 */

import { h, replace, show } from "./dom";
import { onLangChange, setLang, setSecretStore, t, type Key } from "./i18n";
import * as ipc from "./ipc";
import * as store from "./store";
import { AlertSlot } from "./views/common";
import { configErrorView, configProblem } from "./views/config_error";
import { connectionsBar } from "./views/connections";
import { reconnectView } from "./views/reconnect";
import { settingsView } from "./views/settings";
import { statusView } from "./views/status";
import { webhooksView } from "./views/webhooks";

type ViewName = "status" | "reconnect" | "webhooks" | "settings";
const VIEWS: ViewName[] = ["status", "reconnect", "webhooks", "settings"];

export interface App {
  show(view: ViewName): void;
  ready: Promise<void>;
}

/** Mounts the app into `root`; resolves `ready` once settings and status are loaded. */
export function mount(root: HTMLElement): App {
  // The badge exists only in the demo (not merely hidden), so "is this the demo?" has one answer.
  const badge = h("span", { testid: "demo-badge", class: "demo-badge", "i18n-title": "header.demo_title", text: "DEMO" });
  const header = h("header", { class: "app-header" }, h("h1", { testid: "app-title", class: "app-title", text: "lexguard" }));

  const reconnect = reconnectView();
  // The status view's primary action ("Neu verbinden", "Neuen Schlüssel eintragen") goes on
  // in the reconnect view, already doing what the button said.
  const status = statusView((intent) => {
    showView("reconnect", true);
    reconnect.begin(intent);
  });
  const webhooks = webhooksView();
  const settings = settingsView();
  const sections: Record<ViewName, HTMLElement> = {
    status,
    reconnect: reconnect.element,
    webhooks: webhooks.element,
    settings,
  };

  const navButtons = {} as Record<ViewName, HTMLButtonElement>;
  const nav = h("nav", { class: "app-nav", "i18n-aria-label": "nav.label" });
  for (const v of VIEWS) {
    const b = h("button", { type: "button", testid: `nav-${v}`, "aria-controls": `view-${v}`, i18n: `nav.${v}` as Key });
    b.addEventListener("click", () => showView(v, true));
    navButtons[v] = b;
    nav.appendChild(b);
  }

  const globalErrorHost = h("div", { class: "global-error" });
  const globalError = new AlertSlot(globalErrorHost, "app-error");
  const main = h("main", { class: "app-main", id: "main" }, globalErrorHost, ...VIEWS.map((v) => sections[v]));
  // Several connections: which one the window works on, and "Verbindung hinzufügen".
  const connections = connectionsBar();
  replace(root, header, connections.element, nav, main);
  for (const v of VIEWS) show(sections[v], false);

  let currentView: ViewName | null = null;
  function showView(v: ViewName, focus = false): void {
    const changed = currentView !== v;
    currentView = v;
    for (const name of VIEWS) {
      show(sections[name], name === v);
      if (name === v) navButtons[name].setAttribute("aria-current", "page");
      else navButtons[name].removeAttribute("aria-current");
    }
    if (v === "webhooks" && changed) webhooks.refresh();
    if (focus && changed) document.scrollingElement?.scrollTo?.(0, 0);
  }

  /** Marks the Reconnect tab while the connection is lost, so it is found from any view. */
  function markReconnect(): void {
    const state = store.status.get()?.state;
    navButtons.reconnect.classList.toggle("attention", state === "auth_lost");
  }
  store.status.subscribe(markReconnect);

  store.settings.subscribe((s) => {
    if (s.demo) header.appendChild(badge);
    else badge.remove();
    setLang(s.language);
    setSecretStore(s.secret_store);
  });
  onLangChange(() => relabelTitle());
  function relabelTitle(): void {
    document.title = store.isDemo() ? "lexguard – DEMO" : "lexguard";
  }
  store.settings.subscribe(relabelTitle);

  void ipc.onStatus((s) => store.status.set(s)).catch((e) => globalError.set(ipc.toIpcError(e).message));
  void ipc.onConnectResult((o) => reconnect.handleLoopback(o)).catch(() => undefined);

  const ready = (async () => {
    // A broken config.toml: the app runs without an engine; only the fix is on offer. Once a
    // reload worked, the window loads again as the normal app.
    const problem = await configProblem();
    if (problem) {
      replace(root, header, h("main", { class: "app-main", id: "main" }, configErrorView(problem, () => location.reload())));
      return;
    }
    const [settingsResult, statusResult] = await Promise.allSettled([ipc.getSettings(), ipc.getStatus(), connections.load()]);
    if (settingsResult.status === "fulfilled") store.settings.set(settingsResult.value);
    if (statusResult.status === "fulfilled") store.status.set(statusResult.value);
    const failed = [settingsResult, statusResult].find((r) => r.status === "rejected");
    if (failed && failed.status === "rejected") {
      globalError.set(t("app.load_failed"), h("p", { class: "muted", text: ipc.toIpcError(failed.reason).message }));
    }
    const state = store.status.get()?.state;
    // Someone who just lost the connection opened the window to fix it.
    if (currentView === null) showView(state === "auth_lost" || state === "not_connected" ? "reconnect" : "status");
  })();

  return {
    show: (v) => showView(v, true),
    ready,
  };
}
