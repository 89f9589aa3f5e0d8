/**
 * The settings fields that are checked before a save: the partner app (client id, redirect
 * address), the environment with its own addresses, and the schedule. Out-of-range values are
 * refused next to the field, with the allowed range; the backend checks again and its errors
 * (with the settings key at fault) land next to the same field.
 *
 * Durations come in seconds and are shown in minutes or hours; an unedited field goes back
 * with exactly its seconds, so no save (not even the language) rounds `90s` or `30m`.
 */

import type { Environment } from "../bindings/Environment";
import type { Settings } from "../bindings/Settings";
import { h, show } from "../dom";
import type { Key } from "../i18n";
import { checkBaseUrl, checkClientId, checkRedirectUri, durationSecs, inDisplayUnits, rangeProblem, RANGES, scheduleSecs, type Problem, type RangeField, type Shown } from "../validate";
import { field, numberInput, textInput, type Field } from "./form_field";

export type FieldName = "client_id" | "redirect_uri" | "auth_url" | "api_url" | RangeField;

/** Backend settings keys (`IpcError.field`) → form field. `gap_after` must exceed the check interval. */
export const BACKEND_FIELDS: Record<string, FieldName> = {
  "lexware.client_id": "client_id",
  "lexware.redirect_uri": "redirect_uri",
  "lexware.auth_url": "auth_url",
  "lexware.api_url": "api_url",
  "schedule.check_every": "check_every",
  "schedule.gap_after": "check_every",
  "schedule.refresh_before": "refresh_before",
  "schedule.remind_every": "remind_every",
};

export const FIELD_LABELS: Record<FieldName, Key> = {
  client_id: "settings.client_id",
  redirect_uri: "settings.redirect_uri",
  auth_url: "settings.auth_url",
  api_url: "settings.api_url",
  check_every: "settings.check_every",
  refresh_before: "settings.refresh_before",
  remind_every: "settings.remind_every",
};

/** What the checked fields say: the settings to save, or the problems to show first. */
export type Collected = { settings: Omit<Settings, "language"> | null; problems: [FieldName, Problem][] };

export interface SettingsFields {
  fields: Record<FieldName, Field>;
  environment: Field;
  /** The custom environment's two addresses, shown only for "custom". */
  customUrls: HTMLElement;
  populate(s: Settings): void;
  collect(base: Settings | null): Collected;
  clearErrors(): void;
}

export function settingsFields(): SettingsFields {
  const envSelect = h(
    "select",
    { testid: "settings-environment" },
    h("option", { value: "production", i18n: "env.production_option" }),
    h("option", { value: "sandbox", i18n: "env.sandbox_option" }),
    h("option", { value: "custom", i18n: "env.custom_option" }),
  );
  const fields: Record<FieldName, Field> = {
    client_id: field("settings.client_id", textInput("settings-client-id", "text"), { key: "settings.client_id_hint" }),
    redirect_uri: field("settings.redirect_uri", textInput("settings-redirect-uri", "url"), { key: "settings.redirect_uri_hint" }),
    auth_url: field("settings.auth_url", textInput("settings-auth-url", "url")),
    api_url: field("settings.api_url", textInput("settings-api-url", "url")),
    check_every: field("settings.check_every", numberInput("settings-check-every", RANGES.check_every), rangeProblem("check_every")),
    refresh_before: field("settings.refresh_before", numberInput("settings-refresh-before", RANGES.refresh_before), rangeProblem("refresh_before")),
    remind_every: field("settings.remind_every", numberInput("settings-remind-every", RANGES.remind_every), rangeProblem("remind_every")),
  };
  const environment = field("settings.environment", envSelect);
  const customUrls = h("div", { class: "custom-urls" }, fields.auth_url.wrap, fields.api_url.wrap);
  const value = (name: FieldName) => fields[name].input.value;
  const loaded: Partial<Record<RangeField, Shown>> = {};

  function showCustom(): void {
    show(customUrls, envSelect.value === "custom");
  }

  function clearErrors(): void {
    for (const f of Object.values(fields)) f.error.set(null);
  }

  function populate(s: Settings): void {
    fields.client_id.input.value = s.client_id;
    fields.redirect_uri.input.value = s.redirect_uri;
    envSelect.value = s.environment;
    fields.auth_url.input.value = s.auth_url;
    fields.api_url.input.value = s.api_url;
    for (const [name, secs] of Object.entries(scheduleSecs(s)) as [RangeField, number][]) {
      loaded[name] = { secs, text: inDisplayUnits(name, secs) };
      fields[name].input.value = loaded[name].text;
    }
    showCustom();
  }

  function collect(base: Settings | null): Collected {
    const problems: [FieldName, Problem][] = [];
    const check = (name: FieldName, p: Problem | null) => {
      if (p) problems.push([name, p]);
    };
    check("client_id", checkClientId(value("client_id")));
    check("redirect_uri", checkRedirectUri(value("redirect_uri")));
    const env = envSelect.value as Environment;
    if (env === "custom") {
      check("auth_url", checkBaseUrl(value("auth_url")));
      check("api_url", checkBaseUrl(value("api_url")));
    }
    const numbers: Partial<Record<RangeField, number>> = {};
    for (const name of Object.keys(RANGES) as RangeField[]) {
      const r = durationSecs(name, value(name), loaded[name]);
      if ("problem" in r) check(name, r.problem);
      else numbers[name] = r.secs;
    }
    if (!base || problems.length > 0) return { settings: null, problems };
    return {
      problems,
      settings: {
        ...base,
        client_id: value("client_id").trim(),
        redirect_uri: value("redirect_uri").trim(),
        environment: env,
        auth_url: env === "custom" ? value("auth_url").trim() : base.auth_url,
        api_url: env === "custom" ? value("api_url").trim() : base.api_url,
        check_every_secs: numbers.check_every!,
        refresh_before_secs: numbers.refresh_before!,
        remind_every_secs: numbers.remind_every!,
      },
    };
  }

  envSelect.addEventListener("change", showCustom);
  for (const f of Object.values(fields)) f.input.addEventListener("input", () => f.error.set(null));
  showCustom();
  return { fields, environment, customUrls, populate, collect, clearErrors };
}
