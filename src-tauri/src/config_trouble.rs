//! A config.toml that cannot be read must not take the app down: at every login (autostart)
//! a crash would leave the person with nothing, not even a hint. Instead the app starts in a
//! small mode without an engine: the tray icon in the error look with "the settings file has
//! an error", one notification naming file, line and key, and a window that shows the fix
//! with "Ordner öffnen" and "Neu laden". Reloading reads config.toml again and, once it is
//! valid, starts the engine as a normal start would, without a restart.

use crate::error::{IpcError, ShellErrorKind};
use lexguard::Lang;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

/// What the window shows while the settings cannot be read. No secrets: a path, a line, a key
/// and words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConfigProblem {
    /// The settings file (full path); empty when not even the folder is known.
    pub file: String,
    /// The line at fault, when known (1-based).
    pub line: Option<u32>,
    /// The setting at fault (`check_every`), when known.
    pub key: Option<String>,
    /// What is wrong and the fix, in the person's language; names file, line and key.
    pub message: String,
    /// The parser's own text, shown only behind "Details" (never in `message`).
    pub details: Option<String>,
    /// The language of `message`, for the window's own words.
    pub lang: Lang,
}

impl ConfigProblem {
    /// The problem of a failed start. `config_file` is where the settings live, for errors
    /// that do not name the file themselves (keychain or folder trouble at start).
    pub fn of(e: &lexguard::Error, config_file: Option<PathBuf>, lang: Lang) -> Self {
        match e {
            lexguard::Error::Config {
                file, line, key, ..
            } => ConfigProblem {
                file: file.display().to_string(),
                line: *line,
                key: key.clone(),
                message: e.message(lang),
                details: e.details().map(str::to_string),
                lang,
            },
            _ => ConfigProblem {
                file: config_file
                    .map(|f| f.display().to_string())
                    .unwrap_or_default(),
                line: None,
                key: None,
                message: e.message(lang),
                details: None,
                lang,
            },
        }
    }
}

/// Managed for the whole run: `Some` while the app waits for a readable config.toml.
pub struct Trouble {
    problem: Mutex<Option<ConfigProblem>>,
    /// The system's language (the chosen one is in the file that cannot be read).
    pub lang: Lang,
}

impl Trouble {
    pub fn new(lang: Lang) -> Self {
        Self {
            problem: Mutex::new(None),
            lang,
        }
    }

    pub fn get(&self) -> Option<ConfigProblem> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set(&self, p: Option<ConfigProblem>) {
        *self.problem.lock().unwrap_or_else(|e| e.into_inner()) = p;
    }
}

/// The tray's status line in this mode.
#[cfg_attr(test, allow(dead_code))]
pub fn status_line(lang: Lang) -> &'static str {
    lang.pick(
        "Die Einstellungsdatei hat einen Fehler",
        "The settings file has an error",
    )
}

/// Enters the mode: tray, notification, and the window unless started hidden.
pub fn enter<R: Runtime>(
    app: &AppHandle<R>,
    problem: ConfigProblem,
    hidden: bool,
    on_menu: fn(&AppHandle<R>, &str),
) {
    let trouble = app.state::<Trouble>();
    let lang = trouble.lang;
    tracing::error!(file = %problem.file, line = ?problem.line, key = ?problem.key, "config.toml unreadable: waiting for a fix");
    trouble.set(Some(problem.clone()));
    #[cfg(not(test))]
    crate::tray::build_trouble(app, lang, status_line(lang), on_menu);
    #[cfg(test)]
    let _ = on_menu; // no tray under the mock runtime
    {
        use tauri::Listener;
        let handle = app.clone();
        app.listen(crate::requests::RELOAD_CONFIG, move |_| reload(&handle));
    }
    crate::notify::show(
        app,
        crate::notify::Notice {
            summary: lang
                .pick(
                    "Die Einstellungsdatei von lexguard hat einen Fehler",
                    "lexguard's settings file has an error",
                )
                .into(),
            body: lang.pick(
                format!("{} Danach wählen Sie „Neu laden“ im Fenster von lexguard; bis dahin prüft lexguard Ihre Verbindung nicht.", problem.message),
                format!("{} Then choose “Reload” in lexguard's window; until then lexguard does not check your connection.", problem.message),
            ),
            opens_window: true,
            urgent: true,
        },
        lang.pick("Öffnen", "Open"),
    );
    if !hidden {
        crate::window::open(app);
    }
}

/// Reads config.toml again; when it is valid, starts the engine (on the main thread, where
/// the tray lives). Returns the problem that is still there, `None` once started.
pub async fn try_again<R: Runtime>(app: &AppHandle<R>) -> Option<ConfigProblem> {
    let trouble = app.state::<Trouble>();
    let lang = trouble.lang;
    trouble.get()?;
    let built = tauri::async_runtime::spawn_blocking(move || crate::keeper::first_engine(lang))
        .await
        .map_err(|_| {
            lexguard::Error::invalid(
                "Interner Fehler beim Laden.",
                "Internal error while loading.",
            )
        })
        .and_then(|r| r);
    match built {
        Err(e) => {
            let p = ConfigProblem::of(&e, config_file(), lang);
            tracing::warn!(file = %p.file, line = ?p.line, key = ?p.key, "config.toml still unreadable");
            trouble.set(Some(p.clone()));
            Some(p)
        }
        Ok((name, engine)) => {
            trouble.set(None);
            let (done, started) = tokio::sync::oneshot::channel();
            let app2 = app.clone();
            let ran = app.run_on_main_thread(move || {
                match crate::startup::start_named(&app2, name, engine, None, true) {
                    Ok(()) => crate::keeper::watch(&app2, lang),
                    Err(e) => tracing::error!(error = %e, "start after reload failed"),
                }
                let _ = done.send(());
            });
            if ran.is_ok() {
                let _ = started.await;
            }
            tracing::info!("config.toml readable again: started");
            None
        }
    }
}

/// "Neu laden" from the tray: the result shows in the tray (and a notification when the
/// file is still broken).
#[cfg_attr(test, allow(dead_code))]
pub fn reload<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(p) = try_again(&app).await {
            let lang = app.state::<Trouble>().lang;
            crate::notify::show(
                &app,
                crate::notify::Notice {
                    summary: lang
                        .pick(
                            "Die Einstellungsdatei hat noch einen Fehler",
                            "The settings file still has an error",
                        )
                        .into(),
                    body: p.message,
                    opens_window: true,
                    urgent: false,
                },
                lang.pick("Öffnen", "Open"),
            );
        }
    });
}

/// Where config.toml is, when the home itself can be found.
fn config_file() -> Option<PathBuf> {
    lexguard::Home::from_env().ok().map(|h| h.config_file)
}

/// The window asks at load: `null` in a normal run.
#[tauri::command]
pub fn get_config_problem(trouble: State<'_, Trouble>) -> Option<ConfigProblem> {
    trouble.get()
}

/// "Neu laden": `null` once the app runs normally (the window then loads itself again).
#[tauri::command]
pub async fn reload_config<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Option<ConfigProblem>, IpcError> {
    Ok(try_again(&app).await)
}

/// "Ordner öffnen": the folder of config.toml in the file manager.
#[tauri::command]
pub fn open_config_folder<R: Runtime>(
    app: AppHandle<R>,
    trouble: State<'_, Trouble>,
) -> Result<(), IpcError> {
    let lang = trouble.lang;
    let file = trouble
        .get()
        .map(|p| PathBuf::from(p.file))
        .filter(|f| !f.as_os_str().is_empty())
        .or_else(config_file);
    let Some(dir) = file
        .as_deref()
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_path_buf)
    else {
        return Err(IpcError {
            kind: ShellErrorKind::OpenFailed.into(),
            message: lang
                .pick(
                    "Der Ordner der Einstellungsdatei ist nicht bekannt.",
                    "The settings file's folder is not known.",
                )
                .into(),
            field: None,
        });
    };
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|error| IpcError {
            kind: ShellErrorKind::OpenFailed.into(),
            message: lang.pick(
                format!(
                    "Der Ordner {} konnte nicht geöffnet werden ({error}).",
                    dir.display()
                ),
                format!(
                    "The folder {} could not be opened ({error}).",
                    dir.display()
                ),
            ),
            field: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_error_names_file_line_key_and_the_fix() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "[schedule]\ncheck_every = \"7m\"\n").expect("write");
        let e = lexguard::Config::load(&file).expect_err("7m is no valid interval");
        let p = ConfigProblem::of(&e, None, Lang::De);
        assert_eq!(p.file, file.display().to_string());
        assert_eq!(
            p.key.as_deref().map(|k| k.ends_with("check_every")),
            Some(true),
            "{p:?}"
        );
        assert_eq!(p.line, Some(2), "{p:?}");
        assert!(
            p.message.contains("config.toml") && p.message.contains("check_every"),
            "{}",
            p.message
        );
        assert!(p.message.contains("Bitte korrigieren"), "{}", p.message);
    }

    /// A syntax error reads in plain words; the parser's own text waits behind "Details".
    #[test]
    fn a_syntax_error_is_plain_with_the_parser_text_as_details() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("config.toml");
        std::fs::write(
            &file,
            "[lexware]\nclient_id = \"a\"\n\n[schedule]\ncheck_every = 2m\n",
        )
        .expect("write");
        let e = lexguard::Config::load(&file).expect_err("unquoted");
        let p = ConfigProblem::of(&e, None, Lang::De);
        assert_eq!(p.line, Some(5), "{p:?}");
        assert!(
            p.message
                .contains("Zeile 5: Text muss in Anführungszeichen stehen"),
            "{}",
            p.message
        );
        assert!(!p.message.contains("quoted"), "{}", p.message);
        assert!(
            p.details.as_deref().is_some_and(|d| d.contains("quoted")),
            "{p:?}"
        );
    }

    #[test]
    fn other_start_errors_keep_the_settings_path() {
        let p = ConfigProblem::of(
            &lexguard::Error::Timeout,
            Some("/x/config.toml".into()),
            Lang::En,
        );
        assert_eq!(p.file, "/x/config.toml");
        assert_eq!(p.line, None);
        assert!(!p.message.is_empty());
    }
}
