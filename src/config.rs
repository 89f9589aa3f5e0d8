//! `config.toml`: where Lexware lives, the schedule, the desired webhooks. No secrets.
//!
//! A broken file gets an error naming file, line and key in plain words (the parser's own
//! text only behind "Details"), because the person reading it is editing a text file by hand.
//! A save edits the person's document instead of rewriting it ([`Config::edit`]).

use crate::error::{Error, Result};
use std::path::Path;

mod alerts;
pub(crate) mod edit;
mod home;
mod model;
mod parse_error;
mod quiet;
mod validate;
mod webhook_list;

pub use alerts::AlertsConfig;
pub use home::Home;
pub use model::{
    AppConfig, Config, Environment, LexwareConfig, PRODUCTION_API, PRODUCTION_AUTH, Repair,
    SANDBOX_API, SANDBOX_AUTH, Schedule, WebhookSpec, WebhooksPolicy,
};
pub use quiet::{NotificationsConfig, QuietHoursConfig};
pub use validate::{Problem, check_base_url, check_callback_url};
pub use webhook_list::edited_list;

impl Config {
    /// Reads and validates the file; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1)
                .map(|l| u32::try_from(l).unwrap_or(u32::MAX));
            let found = e.span().and_then(|s| text.get(s)).unwrap_or_default();
            let plain = parse_error::plain(e.message(), found);
            Error::Config {
                file: path.into(),
                line,
                key: plain.key,
                problem: (plain.de, plain.en),
                detail: Some(e.message().trim().into()),
            }
        })?;
        config.validate().map_err(|p| Error::Config {
            file: path.into(),
            line: line_of(text, &p.section, p.index, &p.key),
            key: Some(p.qualified_key()),
            problem: (p.de, p.en),
            detail: None,
        })?;
        Ok(config)
    }

    /// Changes config.toml: reads it again (a hand edit made since lexguard started counts),
    /// applies `change` to what it holds, validates, and writes back only the keys that
    /// changed, as an edit of the document (comments, order, spelling and every section the
    /// change did not touch stay as the person wrote them). Atomic (temp file + rename); a
    /// file that does not read is reported, never overwritten. Returns what the file now holds.
    ///
    /// Callers that can race with other writers hold the engine's operation lock
    /// ([`crate::Engine::update_config`]).
    pub fn edit(path: &Path, change: impl FnOnce(&mut Config)) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(path, e)),
        };
        let old = Self::parse(&text, path)?;
        let mut new = old.clone();
        change(&mut new);
        new.validate().map_err(|p| Error::Config {
            file: path.into(),
            line: None,
            key: Some(p.qualified_key()),
            problem: (p.de, p.en),
            detail: None,
        })?;
        if new == old && !text.is_empty() {
            return Ok(new);
        }
        // A new file gets every setting, so the person sees what there is to edit.
        let written = if text.trim().is_empty() {
            toml::to_string_pretty(&new).ok()
        } else {
            edit::patched(&text, &old, &new)
        };
        let written = written
            .filter(|t| Self::parse(t, path).ok().as_ref() == Some(&new))
            .ok_or_else(|| {
                Error::io(
                    path,
                    "the change could not be written as an edit of the file; nothing was changed",
                )
            })?;
        crate::fsutil::write_atomic(path, written.as_bytes())?;
        Ok(new)
    }

    /// Writes this configuration to `path` as an edit of what is there (see [`Config::edit`]).
    pub fn save(&self, path: &Path) -> Result<()> {
        Self::edit(path, |c| *c = self.clone()).map(|_| ())
    }
}

/// Line (1-based) of `key =` in `[section]` (or the `index`-th `[[section]]`).
fn line_of(text: &str, section: &str, index: Option<usize>, key: &str) -> Option<u32> {
    let mut seen_array = 0usize;
    let mut in_target = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let current = name.trim();
            in_target = current == section && Some(seen_array) == index;
            if current == section {
                seen_array += 1;
            }
            continue;
        }
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            in_target = name.trim() == section && index.is_none();
            continue;
        }
        if in_target
            && let Some((k, _)) = t.split_once('=')
            && k.trim() == key
        {
            return u32::try_from(n + 1).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("/x/config.toml"))
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = parse("").expect("empty config is fine");
        assert_eq!(c.schedule.check_every, Duration::from_secs(60));
        assert_eq!(c.schedule.refresh_before, Duration::from_secs(900));
        assert_eq!(c.lexware.api_url, PRODUCTION_API);
        assert_eq!(c.environment(), Environment::Production);
    }

    #[test]
    fn range_error_names_file_line_and_key() {
        let text = "[lexware]\nclient_id = \"abc\"\n\n[schedule]\ngap_after = \"10m\"\ncheck_every = \"7m\"\n";
        let e = parse(text).expect_err("7 minutes is out of range");
        match &e {
            Error::Config { line, key, .. } => {
                assert_eq!(*line, Some(6));
                assert_eq!(key.as_deref(), Some("schedule.check_every"));
            }
            other => panic!("{other:?}"),
        }
        let msg = e.message(crate::Lang::De);
        assert!(msg.contains("/x/config.toml, Zeile 6"), "{msg}");
        assert!(msg.contains("1 bis 5 Minuten"), "{msg}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = parse("[schedule]\ncheck_every = 2m\n").expect_err("unquoted");
        assert!(matches!(e, Error::Config { line: Some(2), .. }), "{e:?}");
    }

    #[test]
    fn unknown_key_is_refused() {
        assert!(parse("[schedule]\ncheck_evry = \"2m\"\n").is_err());
    }

    #[test]
    fn webhook_errors_point_at_the_entry() {
        let text = "[[webhooks]]\nevent_type = \"invoice.created\"\ncallback_url = \"https://a.example/h\"\n\n[[webhooks]]\nevent_type = \"invoice.changed\"\ncallback_url = \"http://shop.example/h\"\n";
        match parse(text).expect_err("http on a public host") {
            Error::Config { line, key, .. } => {
                assert_eq!(line, Some(7));
                assert_eq!(key.as_deref(), Some("webhooks[1].callback_url"));
            }
            other => panic!("{other:?}"),
        }
        let bad_type =
            "[[webhooks]]\nevent_type = \"invoice.paid\"\ncallback_url = \"https://a.example/h\"\n";
        assert!(parse(bad_type).is_err());
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://localhost:1").is_ok());
        assert!(check_base_url("http://api.lexware.io").is_err());
        assert!(check_base_url("https://api.lexware.io").is_ok());
        assert!(check_base_url("nonsense").is_err());
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        let mut c = Config::default();
        c.schedule.check_every = Duration::from_secs(120);
        c.webhooks.push(WebhookSpec {
            event_type: "invoice.created".into(),
            callback_url: "https://shop.example/hook".into(),
        });
        c.save(&path).expect("save");
        assert_eq!(Config::load(&path).expect("load"), c);
    }
}
