/**
 * The two ways to connect as ARIA tabs: "Öffentlicher API-Schlüssel" (recommended, first) and
 * "Partner-App". Arrow keys, Home and End move between them, as a tablist should.
 */

import { h, show } from "../dom";

export type Tab = "oauth" | "apikey";

export interface ConnectTabs {
  tablist: HTMLElement;
  select(tab: Tab, focus?: boolean): void;
}

const ORDER: Tab[] = ["apikey", "oauth"];

/** `panels` are shown one at a time; `onSwitch` runs when the person moves to the other tab. */
export function connectTabs(panels: Record<Tab, HTMLElement>, onSwitch: () => void): ConnectTabs {
  const oauth = h("button", {
    type: "button",
    role: "tab",
    id: "tab-oauth",
    testid: "tab-oauth",
    "aria-controls": "panel-oauth",
    i18n: "reconnect.tab_oauth",
  });
  const recommended = h("span", { class: "badge", i18n: "reconnect.recommended" });
  const apikey = h(
    "button",
    { type: "button", role: "tab", id: "tab-apikey", testid: "tab-apikey", "aria-controls": "panel-apikey" },
    h("span", { i18n: "reconnect.tab_apikey" }),
    " ",
    recommended,
  );
  const tablist = h("div", { role: "tablist", class: "tabs", "i18n-aria-label": "reconnect.tabs_label" }, apikey, oauth);
  const buttons: Record<Tab, HTMLButtonElement> = { oauth, apikey };

  let current: Tab | null = null;
  function select(tab: Tab, focus = false): void {
    if (current !== null && current !== tab) onSwitch();
    current = tab;
    for (const t of ORDER) {
      const active = t === tab;
      buttons[t].setAttribute("aria-selected", String(active));
      buttons[t].tabIndex = active ? 0 : -1;
      show(panels[t], active);
      if (active && focus) buttons[t].focus();
    }
  }

  oauth.addEventListener("click", () => select("oauth"));
  apikey.addEventListener("click", () => select("apikey"));
  tablist.addEventListener("keydown", (ev) => {
    const at = oauth.getAttribute("aria-selected") === "true" ? 1 : 0;
    let next: number | null = null;
    if (ev.key === "ArrowRight") next = (at + 1) % ORDER.length;
    else if (ev.key === "ArrowLeft") next = (at + ORDER.length - 1) % ORDER.length;
    else if (ev.key === "Home") next = 0;
    else if (ev.key === "End") next = ORDER.length - 1;
    if (next === null) return;
    ev.preventDefault();
    select(ORDER[next]!, true);
  });

  return { tablist, select };
}
