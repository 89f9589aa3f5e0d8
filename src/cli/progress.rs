//! A spinner on stderr while a command waits on Lexware (a refresh or a connect can take
//! 12–30 s): a person at a terminal sees that something happens. Only when stderr is a
//! terminal – scripts, cron and tests read a clean stderr – and never on stdout, where
//! `token` prints the token alone.

use crate::text::i18n::Lang;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// The spinner being shown, so that a signal can clear it before "Abgebrochen" is printed.
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// What the command is waiting for, in the words a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Connect,
    Refresh,
    Check,
    Token,
    Webhooks,
    Disconnect,
    /// Any other question to Lexware (the webhook list).
    Lexware,
}

impl Wait {
    pub fn words(self, lang: Lang) -> &'static str {
        match self {
            Wait::Connect => lang.pick("Verbinde mit Lexware …", "Connecting to Lexware …"),
            Wait::Refresh => lang.pick("Erneuere die Anmeldung …", "Renewing the login …"),
            Wait::Check => lang.pick("Prüfe die Verbindung …", "Checking the connection …"),
            Wait::Token => lang.pick("Hole die Anmeldung …", "Getting the login …"),
            Wait::Webhooks => lang.pick("Richte die Webhooks ein …", "Setting up the webhooks …"),
            Wait::Disconnect => lang.pick("Trenne die Verbindung …", "Disconnecting …"),
            Wait::Lexware => lang.pick("Frage bei Lexware nach …", "Asking Lexware …"),
        }
    }
}

/// Shown from [`Spinner::start`] until it is dropped (also when the command's task is
/// aborted), then the line is cleared so the answer stands alone.
pub struct Spinner(Option<ProgressBar>);

impl Spinner {
    pub fn start(wait: Wait, lang: Lang) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.set_message(wait.words(lang));
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut shown) = SHOWN.lock() {
            *shown = Some(bar.clone());
        }
        Spinner(Some(bar))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
            if let Ok(mut shown) = SHOWN.lock() {
                *shown = None;
            }
        }
    }
}

/// Clears a spinner still shown (a signal arrived while the command waits).
pub fn clear() {
    if let Ok(mut shown) = SHOWN.lock()
        && let Some(bar) = shown.take()
    {
        bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_german_first() {
        assert_eq!(Wait::Connect.words(Lang::De), "Verbinde mit Lexware …");
        assert_eq!(Wait::Refresh.words(Lang::De), "Erneuere die Anmeldung …");
        assert_eq!(Wait::Refresh.words(Lang::En), "Renewing the login …");
    }
}
