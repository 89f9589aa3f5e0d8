/**
 * The settings form. Its pieces: the checked fields (`settings_fields.ts`), the write-only
 * client secret (`client_secret.ts`), "Beim Anmelden starten" (`start_at_login.ts`) and the
 * data folder (`data_folder.ts`). Problems are shown next to their field and listed above
 * "Speichern"; nothing is sent while one remains.
 *
 * The language applies (and is saved) as soon as it is picked, so the whole window switches
 * at once; so does "Beim Anmelden starten", which "Speichern" never touches.
 */

import type { Lang } from "../bindings/Lang";
import type { Settings } from "../bindings/Settings";
import { h } from "../dom";
import { onLangChange, setLang, t } from "../i18n";
import * as ipc from "../ipc";
import * as store from "../store";
import type { Problem } from "../validate";
import { clientSecretField } from "./client_secret";
import { AlertSlot, busy, note, noteHost } from "./common";
import { dataFolderFieldset } from "./data_folder";
import { field } from "./form_field";
import { BACKEND_FIELDS, FIELD_LABELS, settingsFields, type FieldName } from "./settings_fields";
import { startAtLoginField } from "./start_at_login";

/** "Prüfen Sie diese Felder": one line per field with what is wrong there. */
function problemList(problems: [FieldName, Problem | string][]): HTMLElement {
  return h(
    "ul",
    {},
    ...problems.map(([name, p]) =>
      h("li", {}, h("span", { i18n: FIELD_LABELS[name] }), ": ", typeof p === "string" ? p : h("span", { i18n: p.key, i18nParams: p.params })),
    ),
  );
}

export function settingsView(): HTMLElement {
  const checked = settingsFields();
  const { fields } = checked;
  const secret = clientSecretField();
  // Language names stay in their own language, so either can be found.
  const langSelect = h(
    "select",
    { testid: "settings-language" },
    h("option", { value: "de", lang: "de", text: "Deutsch" }),
    h("option", { value: "en", lang: "en", text: "English" }),
  );
  const language = field("settings.language", langSelect, { key: "settings.language_hint" });
  const startAtLogin = startAtLoginField();
  const dataFolder = dataFolderFieldset();

  const saveButton = h("button", { type: "submit", testid: "settings-save", class: "primary", i18n: "common.save" });
  const savedNote = noteHost();
  const errorHost = h("div");
  const error = new AlertSlot(errorHost, "settings-error");

  const form = h(
    "form",
    { class: "settings", novalidate: true },
    h(
      "fieldset",
      {},
      h("legend", { i18n: "settings.section_lexware" }),
      fields.client_id.wrap,
      secret.wrap,
      fields.redirect_uri.wrap,
      checked.environment.wrap,
      checked.customUrls,
    ),
    h("fieldset", {}, h("legend", { i18n: "settings.section_schedule" }), fields.check_every.wrap, fields.refresh_before.wrap, fields.remind_every.wrap),
    h("fieldset", {}, h("legend", { i18n: "settings.section_general" }), language.wrap, startAtLogin.element),
    errorHost,
    h("div", { class: "actions actions-main" }, saveButton, savedNote),
    dataFolder.element,
  );

  const element = h(
    "section",
    { id: "view-settings", class: "view", "aria-labelledby": "settings-heading" },
    h("h2", { id: "settings-heading", i18n: "nav.settings" }),
    form,
  );

  /** Puts saved settings into the form (at load and after a save; edits in between stay). */
  function populate(s: Settings): void {
    checked.populate(s);
    langSelect.value = s.language;
    startAtLogin.render(s.start_at_login);
    dataFolder.render(s.data_folder);
    secret.clearValue();
    secret.render(s);
    checked.clearErrors();
  }

  /** Saves run one after another: the language is saved on its own as soon as it is picked. */
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  function showProblems(problems: [FieldName, Problem | string][]): void {
    for (const [name, p] of problems) fields[name].error.set(p);
    error.set(t("settings.check_fields"), problemList(problems));
    fields[problems[0]![0]].input.focus();
  }

  async function save(): Promise<void> {
    error.clear();
    note(savedNote, null);
    checked.clearErrors();
    const { settings, problems } = checked.collect(store.settings.get());
    if (problems.length > 0) return showProblems(problems);
    if (!settings) return;
    const next: Settings = { ...settings, language: langSelect.value as Lang };
    try {
      const result = await busy(saveButton, () => serial(() => ipc.saveSettings(next)));
      store.settings.set(result);
      populate(result);
      setLang(result.language);
      note(savedNote, "common.saved", "settings-saved");
    } catch (e) {
      const err = ipc.toIpcError(e);
      const name = err.field ? BACKEND_FIELDS[err.field] : undefined;
      if (name) showProblems([[name, err.message]]);
      else error.set(err.message);
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void save();
  });
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

  let populated = false;
  store.settings.subscribe((s) => {
    if (!populated) {
      populated = true;
      populate(s);
    } else {
      secret.render(s);
      langSelect.value = s.language;
      startAtLogin.render(s.start_at_login);
      dataFolder.render(s.data_folder);
    }
  });
  onLangChange(() => secret.render(store.settings.get()));
  secret.render(null);
  return element;
}
