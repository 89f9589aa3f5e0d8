/**
 * The settings form. Out-of-range values are refused here, next to the field and with the
 * allowed range, before anything is sent; the backend checks again and its errors (with the
 * settings key at fault) land next to the same field.
 *
 * Durations come in seconds and are shown in minutes or hours; an unedited field goes back
 * with exactly its seconds, so no save (not even the language) rounds `90s` or `30m`.
 *
 * The client secret is write-only: its own field and button, never pre-filled; the window
 * only learns whether one is stored. The language applies (and is saved) as soon as it is
 * picked, so the whole window switches at once; so does "Beim Anmelden starten"
 * (`start_at_login.ts`), which "Speichern" never touches.
 */

import type { Environment } from "../bindings/Environment";
import type { Lang } from "../bindings/Lang";
import type { Settings } from "../bindings/Settings";
import { h, replace, show, uid } from "../dom";
import { label, onLangChange, setLang, t, type Key, type Params } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import { checkBaseUrl, checkClientId, checkRedirectUri, durationSecs, inDisplayUnits, rangeProblem, RANGES, scheduleSecs, type Problem, type RangeField, type Shown } from "../validate";
import { AlertSlot, busy, note, noteHost } from "./common";
import { startAtLoginField } from "./start_at_login";

type FieldName =
  | "client_id"
  | "redirect_uri"
  | "auth_url"
  | "api_url"
  | RangeField;

/** Backend settings keys (`IpcError.field`) → form field. `gap_after` must exceed the check interval. */
const BACKEND_FIELDS: Record<string, FieldName> = {
  "lexware.client_id": "client_id",
  "lexware.redirect_uri": "redirect_uri",
  "lexware.auth_url": "auth_url",
  "lexware.api_url": "api_url",
  "schedule.check_every": "check_every",
  "schedule.gap_after": "check_every",
  "schedule.refresh_before": "refresh_before",
  "schedule.remind_every": "remind_every",
};

const FIELD_LABELS: Record<FieldName, Key> = {
  client_id: "settings.client_id",
  redirect_uri: "settings.redirect_uri",
  auth_url: "settings.auth_url",
  api_url: "settings.api_url",
  check_every: "settings.check_every",
  refresh_before: "settings.refresh_before",
  remind_every: "settings.remind_every",
};

interface Field {
  wrap: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

function field(
  labelKey: Key,
  input: HTMLInputElement | HTMLSelectElement,
  hint?: { key: Key; params?: Params },
  ...extra: HTMLElement[]
): Field {
  const id = input.id || uid("field");
  input.id = id;
  const error = h("p", { id: uid("err"), class: "field-error" });
  show(error, false);
  const hintEl = hint ? h("p", { id: uid("hint"), class: "hint", i18n: hint.key, i18nParams: hint.params }) : null;
  if (hintEl) input.setAttribute("aria-describedby", hintEl.id);
  const wrap = h("div", { class: "field" }, h("label", { for: id, i18n: labelKey }), input, ...extra, hintEl, error);
  return { wrap, input, error };
}

function setError(f: Field, problem: Problem | string | null): void {
  const hint = f.wrap.querySelector<HTMLElement>(".hint");
  const hintId = hint?.id;
  // The error names the allowed range itself; the hint would only repeat it.
  if (hint) show(hint, problem === null);
  if (problem === null) {
    replace(f.error);
    show(f.error, false);
    f.input.removeAttribute("aria-invalid");
    if (hintId) f.input.setAttribute("aria-describedby", hintId);
    else f.input.removeAttribute("aria-describedby");
    return;
  }
  if (typeof problem === "string") {
    f.error.removeAttribute("data-i18n");
    f.error.textContent = problem;
  } else {
    label(f.error, problem.key, problem.params);
  }
  show(f.error, true);
  f.input.setAttribute("aria-invalid", "true");
  f.input.setAttribute("aria-describedby", f.error.id);
}

const numberInput = (testid: string, { min, max }: { min: number; max: number | null }): HTMLInputElement =>
  h("input", { type: "number", testid, min, max, step: "any", inputmode: "numeric", class: "narrow" });

export function settingsView(): HTMLElement {
  // --- Lexware access ---------------------------------------------------------------------
  const clientId = field("settings.client_id", h("input", { type: "text", testid: "settings-client-id", autocomplete: "off", spellcheck: "false", class: "wide mono" }), {
    key: "settings.client_id_hint",
  });

  const secretInput = h("input", {
    type: "password",
    testid: "settings-client-secret",
    autocomplete: "new-password",
    spellcheck: "false",
    class: "wide mono",
  });
  const secretSave = h("button", { type: "button", testid: "settings-client-secret-save", "i18n-aria-label": "settings.client_secret_save_label", i18n: "common.save" });
  const secretState = h("p", { testid: "settings-client-secret-state", class: "secret-state" });
  const secretNote = noteHost();
  const secret = field("settings.client_secret", secretInput, { key: "settings.client_secret_hint" });
  secret.wrap.insertBefore(h("div", { class: "input-row" }, secretInput, secretSave, secretNote), secret.wrap.querySelector(".hint"));
  secret.wrap.appendChild(secretState);

  const redirect = field("settings.redirect_uri", h("input", { type: "url", testid: "settings-redirect-uri", autocomplete: "off", spellcheck: "false", class: "wide mono" }), {
    key: "settings.redirect_uri_hint",
  });

  const envSelect = h(
    "select",
    { testid: "settings-environment" },
    h("option", { value: "production", i18n: "env.production_option" }),
    h("option", { value: "sandbox", i18n: "env.sandbox_option" }),
    h("option", { value: "custom", i18n: "env.custom_option" }),
  );
  const environment = field("settings.environment", envSelect);
  const authUrl = field("settings.auth_url", h("input", { type: "url", testid: "settings-auth-url", autocomplete: "off", spellcheck: "false", class: "wide mono" }));
  const apiUrl = field("settings.api_url", h("input", { type: "url", testid: "settings-api-url", autocomplete: "off", spellcheck: "false", class: "wide mono" }));
  const customUrls = h("div", { class: "custom-urls" }, authUrl.wrap, apiUrl.wrap);

  // --- schedule -----------------------------------------------------------------------------
  const checkEvery = field("settings.check_every", numberInput("settings-check-every", RANGES.check_every), rangeProblem("check_every"));
  const refreshBefore = field("settings.refresh_before", numberInput("settings-refresh-before", RANGES.refresh_before), rangeProblem("refresh_before"));
  const remindEvery = field("settings.remind_every", numberInput("settings-remind-every", RANGES.remind_every), rangeProblem("remind_every"));

  // --- general ------------------------------------------------------------------------------
  // Language names stay in their own language, so either can be found.
  const langSelect = h(
    "select",
    { testid: "settings-language" },
    h("option", { value: "de", lang: "de", text: "Deutsch" }),
    h("option", { value: "en", lang: "en", text: "English" }),
  );
  const language = field("settings.language", langSelect, { key: "settings.language_hint" });
  const startAtLogin = startAtLoginField();

  // --- data folder --------------------------------------------------------------------------
  const dataFolder = h("code", { testid: "settings-data-folder", class: "path" });
  const openFolder = h("button", { type: "button", testid: "settings-open-folder", i18n: "settings.open_folder" });
  const folderErrorHost = h("div");
  const folderError = new AlertSlot(folderErrorHost, "settings-folder-error");

  // --- save ---------------------------------------------------------------------------------
  const saveButton = h("button", { type: "submit", testid: "settings-save", class: "primary", i18n: "common.save" });
  const savedNote = noteHost();
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "settings-error");
  const secretErrorHost = h("div");
  const secretError = new AlertSlot(secretErrorHost, "settings-client-secret-error");
  secret.wrap.appendChild(secretErrorHost);

  const fields: Record<FieldName, Field> = {
    client_id: clientId,
    redirect_uri: redirect,
    auth_url: authUrl,
    api_url: apiUrl,
    check_every: checkEvery,
    refresh_before: refreshBefore,
    remind_every: remindEvery,
  };

  const loaded: Partial<Record<RangeField, Shown>> = {};

  const form = h(
    "form",
    { class: "settings", novalidate: true },
    h("fieldset", {}, h("legend", { i18n: "settings.section_lexware" }), clientId.wrap, secret.wrap, redirect.wrap, environment.wrap, customUrls),
    h("fieldset", {}, h("legend", { i18n: "settings.section_schedule" }), checkEvery.wrap, refreshBefore.wrap, remindEvery.wrap),
    h("fieldset", {}, h("legend", { i18n: "settings.section_general" }), language.wrap, startAtLogin.element),
    errorHost,
    h("div", { class: "actions actions-main" }, saveButton, savedNote),
    h(
      "fieldset",
      {},
      h("legend", { i18n: "settings.section_data" }),
      h("p", { class: "muted", i18n: "settings.data_folder_hint" }),
      h("div", { class: "input-row" }, dataFolder, openFolder),
      folderErrorHost,
    ),
  );

  const element = h(
    "section",
    { id: "view-settings", class: "view", "aria-labelledby": "settings-heading" },
    h("h2", { id: "settings-heading", i18n: "nav.settings" }),
    form,
  );

  // --- behaviour ----------------------------------------------------------------------------
  const input = (f: Field) => f.input as HTMLInputElement;

  function showCustom(): void {
    show(customUrls, envSelect.value === "custom");
  }

  function renderSecretState(s: Settings | null): void {
    label(secretState, s?.client_secret_set ? "settings.client_secret_set" : "settings.client_secret_unset");
    secretState.classList.toggle("muted", !s?.client_secret_set);
  }

  /** Puts saved settings into the form (at load and after a save; edits in between stay). */
  function populate(s: Settings): void {
    input(clientId).value = s.client_id;
    input(redirect).value = s.redirect_uri;
    envSelect.value = s.environment;
    input(authUrl).value = s.auth_url;
    input(apiUrl).value = s.api_url;
    for (const [name, secs] of Object.entries(scheduleSecs(s)) as [RangeField, number][]) {
      loaded[name] = { secs, text: inDisplayUnits(name, secs) };
      input(fields[name]).value = loaded[name].text;
    }
    langSelect.value = s.language;
    startAtLogin.render(s.start_at_login);
    dataFolder.textContent = s.data_folder;
    secretInput.value = "";
    renderSecretState(s);
    showCustom();
    for (const f of Object.values(fields)) setError(f, null);
  }

  /** Saves run one after another: the language is saved on its own as soon as it is picked. */
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  function collect(): { settings: Settings | null; problems: [FieldName, Problem][] } {
    const base = store.settings.get();
    const problems: [FieldName, Problem][] = [];
    const check = (name: FieldName, p: Problem | null) => {
      if (p) problems.push([name, p]);
    };
    check("client_id", checkClientId(input(clientId).value));
    check("redirect_uri", checkRedirectUri(input(redirect).value));
    const env = envSelect.value as Environment;
    if (env === "custom") {
      check("auth_url", checkBaseUrl(input(authUrl).value));
      check("api_url", checkBaseUrl(input(apiUrl).value));
    }
    const numbers: Partial<Record<RangeField, number>> = {};
    for (const name of Object.keys(RANGES) as RangeField[]) {
      const r = durationSecs(name, input(fields[name]).value, loaded[name]);
      if ("problem" in r) check(name, r.problem);
      else numbers[name] = r.secs;
    }
    if (!base || problems.length > 0) return { settings: null, problems };
    return {
      problems,
      settings: {
        ...base,
        client_id: input(clientId).value.trim(),
        redirect_uri: input(redirect).value.trim(),
        environment: env,
        auth_url: env === "custom" ? input(authUrl).value.trim() : base.auth_url,
        api_url: env === "custom" ? input(apiUrl).value.trim() : base.api_url,
        check_every_secs: numbers.check_every!,
        refresh_before_secs: numbers.refresh_before!,
        remind_every_secs: numbers.remind_every!,
        language: langSelect.value as Lang,
      },
    };
  }

  async function save(): Promise<void> {
    error.clear();
    note(savedNote, null);
    for (const f of Object.values(fields)) setError(f, null);
    const { settings, problems } = collect();
    if (problems.length > 0) {
      for (const [name, p] of problems) setError(fields[name], p);
      error.set(
        t("settings.check_fields"),
        h(
          "ul",
          {},
          ...problems.map(([name, p]) => h("li", {}, h("span", { i18n: FIELD_LABELS[name] }), ": ", h("span", { i18n: p.key, i18nParams: p.params }))),
        ),
      );
      fields[problems[0]![0]].input.focus();
      return;
    }
    if (!settings) return;
    try {
      const result = await busy(saveButton, () => serial(() => ipc.saveSettings(settings)));
      store.settings.set(result);
      populate(result);
      setLang(result.language);
      note(savedNote, "common.saved", "settings-saved");
    } catch (e) {
      const err = ipc.toIpcError(e);
      const name = err.field ? BACKEND_FIELDS[err.field] : undefined;
      if (name) {
        setError(fields[name], err.message);
        error.set(t("settings.check_fields"), h("ul", {}, h("li", {}, h("span", { i18n: FIELD_LABELS[name] }), ": ", err.message)));
        fields[name].input.focus();
      } else {
        error.set(err.message);
      }
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void save();
  });
  envSelect.addEventListener("change", showCustom);
  for (const f of Object.values(fields)) f.input.addEventListener("input", () => setError(f, null));
  form.addEventListener("input", () => note(savedNote, null));

  langSelect.addEventListener("change", () => {
    const chosen = langSelect.value as Lang;
    setLang(chosen);
    if (!store.settings.get()) return;
    void serial(async () => {
      const base = store.settings.get();
      if (!base || base.language === chosen) return;
      try {
        store.settings.set(await ipc.saveSettings({ ...base, language: chosen }));
      } catch (e) {
        error.set(ipc.toIpcError(e).message);
      }
    });
  });

  secretSave.addEventListener("click", async () => {
    secretError.clear();
    note(secretNote, null);
    const value = secretInput.value.trim();
    if (value === "") {
      setError(secret, { key: "settings.client_secret_empty" });
      secretInput.focus();
      return;
    }
    setError(secret, null);
    try {
      await busy(secretSave, () => ipc.setClientSecret(value));
      secretInput.value = "";
      const s = store.settings.get();
      if (s) store.settings.set({ ...s, client_secret_set: true });
      renderSecretState(store.settings.get() ?? { client_secret_set: true } as Settings);
      note(secretNote, "settings.client_secret_saved");
    } catch (e) {
      secretError.set(ipc.toIpcError(e).message);
    }
  });
  secretInput.addEventListener("input", () => setError(secret, null));
  secretInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      secretSave.click();
    }
  });

  openFolder.addEventListener("click", async () => {
    folderError.clear();
    try {
      await busy(openFolder, ipc.openDataFolder);
    } catch (e) {
      folderError.set(ipc.toIpcError(e).message);
    }
  });

  let populated = false;
  store.settings.subscribe((s) => {
    if (!populated) {
      populated = true;
      populate(s);
    } else {
      renderSecretState(s);
      langSelect.value = s.language;
      startAtLogin.render(s.start_at_login);
      dataFolder.textContent = s.data_folder;
    }
  });
  onLangChange(() => renderSecretState(store.settings.get()));
  renderSecretState(null);
  showCustom();
  return element;
}
