//! The user's language: German first, English second.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    /// German when the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, first one set) starts with
    /// `de`, English otherwise.
    pub fn from_env() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("de") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// Picks the German or the English text.
    pub fn pick<T>(self, de: T, en: T) -> T {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "de" | "deutsch" | "german" => Ok(Lang::De),
            "en" | "english" | "englisch" => Ok(Lang::En),
            other => Err(format!("de | en, nicht/not '{other}'")),
        }
    }
}

/// Which shell this process is: messages name the CLI commands or the window's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Cli,
    App,
}

static APP_SURFACE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Set once at start-up by the desktop app.
pub fn set_surface(surface: Surface) {
    APP_SURFACE.store(
        surface == Surface::App,
        std::sync::atomic::Ordering::Relaxed,
    );
}

pub fn surface() -> Surface {
    if APP_SURFACE.load(std::sync::atomic::Ordering::Relaxed) {
        Surface::App
    } else {
        Surface::Cli
    }
}

/// How to (re)connect, in the words of this shell.
pub fn connect_hint(lang: Lang) -> &'static str {
    match surface() {
        Surface::Cli => lang.pick(
            "lexguard login-url, dann lexguard connect",
            "lexguard login-url, then lexguard connect",
        ),
        Surface::App => lang.pick(
            "im lexguard-Fenster unter „Neu verbinden“",
            "in the lexguard window under “Reconnect”",
        ),
    }
}

/// How to start a login, in the words of this shell.
pub fn login_hint(lang: Lang) -> &'static str {
    match surface() {
        Surface::Cli => "lexguard login-url",
        Surface::App => lang.pick("„Bei Lexware anmelden“", "“Log in at Lexware”"),
    }
}

/// Ends a sentence with a period unless its last word already brings one: German company
/// names often do ("Dr. Anna Beispiel e. K.", "Muster GmbH & Co. KG"), and "e. K.." is wrong.
pub fn sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}
