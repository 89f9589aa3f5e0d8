/**
 * The facts under the state: company, way of connecting, until when, last check, last gap,
 * webhooks; token details for whoever supports the person behind "Details". Every time is the
 * core's words (`status.times`): the window formats none.
 */

import type { Status } from "../bindings/Status";
import type { TimeWords } from "../bindings/TimeWords";
import { h, replace, show } from "../dom";
import { modeLabel, outcomeSummary } from "../events";
import { lang, t, type Key } from "../i18n";
import * as store from "../store";
import { details, factRow } from "./common";

export function statusFacts(): { list: HTMLElement; techBox: HTMLDetailsElement; render(s: Status): void } {
  const rows = {
    company: factRow("status.company", "status-company"),
    mode: factRow("status.mode", "status-mode"),
    environment: factRow("status.environment", "status-environment"),
    connectedAt: factRow("status.connected_at"),
    access: factRow("status.access_expires", "status-access-expires"),
    apiKey: factRow("status.api_key_expires"),
    lastTick: factRow("status.last_tick", "status-last-tick"),
    lastValidated: factRow("status.last_validated"),
    nextCheck: factRow("status.next_check"),
    lastGap: factRow("status.last_gap", "status-last-gap"),
    webhooks: factRow("status.webhooks"),
  };
  const tech = {
    organization: factRow("status.organization"),
    connection: factRow("status.connection_id"),
    token: factRow("status.token_expires", "status-token-expires"),
    refresh: factRow("status.refresh_issued"),
  };
  const list = h("dl", { class: "facts" }, ...Object.values(rows).map((r) => r.row));
  const techBox = details("status-details", h("dl", { class: "facts" }, ...Object.values(tech).map((r) => r.row)));
  const when = (w: TimeWords | null, none: Key = "common.none") => (w ? w.full : t(none));

  /** Until when the connection holds: a lost one is valid until nothing, never "in 14 min". */
  function renderValidity(s: Status): void {
    const times = s.times;
    const apiKeyMode = s.mode === "api_key";
    const live = s.state === "healthy" || s.state === "degraded";
    replace(
      rows.access.value,
      when(times.access_expires),
      s.state === "healthy" && h("span", { class: "sub muted", text: t("status.access_renewed") }),
    );
    show(rows.access.row, !apiKeyMode && live && times.access_expires !== null);
    tech.token.value.textContent = when(times.access_expires);
    show(tech.token.row, !apiKeyMode && live);
    replace(
      tech.refresh.value,
      when(times.refresh_issued),
      times.refresh_expires_assumed &&
        h("span", { class: "sub muted", text: t("status.refresh_assumed", { time: times.refresh_expires_assumed.absolute }) }),
    );
    show(tech.refresh.row, !apiKeyMode && s.refresh_issued_at !== null);
    show(techBox, s.state !== "not_connected");
    rows.apiKey.value.textContent = when(times.api_key_expires);
    show(rows.apiKey.row, apiKeyMode);
  }

  function gapText(s: Status): string {
    const gap = s.last_gap;
    if (!gap) return t("status.no_gap");
    return t("status.gap_value", {
      length: s.times.last_gap_length ?? "–",
      when: when(s.times.last_gap_to),
      why: t(gap.while_running ? "gap.while_running" : "gap.not_running"),
    });
  }

  function webhooksText(s: Status): string {
    const sync = s.last_webhook_sync;
    if (s.webhooks.length === 0) return t("status.webhooks_none");
    if (!sync) return t("status.webhooks_count", { count: s.webhooks.length });
    return t("status.webhooks_synced", {
      count: s.webhooks.length,
      when: when(s.times.last_webhook_sync),
      summary: outcomeSummary(sync.outcomes, lang()) || "–",
    });
  }

  function render(s: Status): void {
    const times = s.times;
    rows.company.value.textContent = s.company ?? "–";
    tech.organization.value.textContent = s.organization_id ?? "–";
    tech.connection.value.textContent = s.connection_id ?? "–";
    rows.mode.value.textContent = s.mode ? modeLabel(s.mode) : "–";
    rows.environment.value.textContent = store.isDemo() ? t("env.demo") : t(`env.${s.environment}` as Key);
    rows.connectedAt.value.textContent = when(times.connected);
    show(rows.connectedAt.row, s.connected_at !== null);
    renderValidity(s);
    rows.lastTick.value.textContent = when(times.last_check, "status.never");
    rows.lastTick.row.classList.toggle("warn", s.tick_overdue);
    rows.lastValidated.value.textContent = when(times.last_validated, "status.never");
    show(rows.lastValidated.row, s.state !== "not_connected");
    rows.nextCheck.value.textContent = when(times.next_check);
    rows.lastGap.value.textContent = gapText(s);
    rows.webhooks.value.textContent = webhooksText(s);
  }

  return { list, techBox, render };
}
