//! `config.toml`: where Lexware lives, the schedule, the desired webhooks. No secrets.
//!
//! A broken file gets an error naming file, line and key, because the person reading it is
//! editing a text file by hand.

use crate::contract::{EVENT_TYPES, LEGACY_PRODUCTION_API};
use crate::error::{Error, Result};
use crate::limits;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;
use url::Url;

mod alerts;
mod home;
mod spelling;

pub use alerts::AlertsConfig;

pub use home::Home;

pub use crate::contract::{PRODUCTION_API, PRODUCTION_AUTH, SANDBOX_API, SANDBOX_AUTH};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub lexware: LexwareConfig,
    #[serde(default)]
    pub schedule: Schedule,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhooks: Vec<WebhookSpec>,
    #[serde(default)]
    pub app: AppConfig,
    #[serde(default, skip_serializing_if = "crate::store::StoreConfig::is_default")]
    pub store: crate::store::StoreConfig,
    #[serde(default, skip_serializing_if = "AlertsConfig::is_empty")]
    pub alerts: AlertsConfig,
}

/// Settings of the desktop app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// `de` or `en`; unset: from the system locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::Lang>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexwareConfig {
    /// OAuth server base; `/oauth2/authorize|token|revoke` are appended.
    #[serde(default = "default_auth_url")]
    pub auth_url: String,
    /// API base; `/v1/...` is appended.
    #[serde(default = "default_api_url")]
    pub api_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_name: Option<String>,
}

impl Default for LexwareConfig {
    fn default() -> Self {
        Self {
            auth_url: default_auth_url(),
            api_url: default_api_url(),
            client_id: None,
            redirect_uri: None,
            scope: None,
            connection_name: None,
        }
    }
}

fn default_auth_url() -> String {
    PRODUCTION_AUTH.into()
}
fn default_api_url() -> String {
    PRODUCTION_API.into()
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// How often the tick runs (1–5 min).
    #[serde(with = "humantime_serde", default = "d_check_every")]
    pub check_every: Duration,
    /// Refresh when the access token expires within this (≥ 15 min).
    #[serde(with = "humantime_serde", default = "d_refresh_before")]
    pub refresh_before: Duration,
    /// Check the connection with `GET /v1/profile` this often.
    #[serde(with = "humantime_serde", default = "d_validate_every")]
    pub validate_every: Duration,
    /// A pause between two ticks longer than this is a cron gap.
    #[serde(with = "humantime_serde", default = "d_gap_after")]
    pub gap_after: Duration,
    /// While authentication stays lost, remind this often.
    #[serde(with = "humantime_serde", default = "d_remind_every")]
    pub remind_every: Duration,
    /// Assumed refresh-token lifetime (Lexware does not publish it); only for display and
    /// warnings, never to throw a token away.
    #[serde(with = "humantime_serde", default = "d_refresh_token_lifetime")]
    pub refresh_token_lifetime: Duration,
}

fn d_check_every() -> Duration {
    Duration::from_secs(60)
}
fn d_refresh_before() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_validate_every() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_gap_after() -> Duration {
    Duration::from_secs(5 * 60)
}
fn d_remind_every() -> Duration {
    Duration::from_secs(4 * 3600)
}
fn d_refresh_token_lifetime() -> Duration {
    Duration::from_secs(7 * 86_400)
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            check_every: d_check_every(),
            refresh_before: d_refresh_before(),
            validate_every: d_validate_every(),
            gap_after: d_gap_after(),
            remind_every: d_remind_every(),
            refresh_token_lifetime: d_refresh_token_lifetime(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    pub event_type: String,
    pub callback_url: String,
}

/// Which Lexware the config points at, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Production,
    Sandbox,
    Custom,
}

impl Config {
    pub fn environment(&self) -> Environment {
        let api = self.lexware.api_url.trim_end_matches('/');
        if api == PRODUCTION_API || api == LEGACY_PRODUCTION_API {
            Environment::Production
        } else if api == SANDBOX_API {
            Environment::Sandbox
        } else {
            Environment::Custom
        }
    }

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
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let msg = e.message().to_string();
            Error::Config {
                file: path.to_path_buf(),
                line,
                key: None,
                problem: (msg.clone(), msg),
            }
        })?;
        config.validate().map_err(|p| Error::Config {
            file: path.to_path_buf(),
            line: line_of(text, &p.section, p.index, &p.key),
            key: Some(p.qualified_key()),
            problem: (p.de, p.en),
        })?;
        Ok(config)
    }

    /// Writes the file atomically (temp file + rename); unchanged durations keep their spelling.
    pub fn save(&self, path: &Path) -> Result<()> {
        self.validate().map_err(|p| Error::Config {
            file: path.to_path_buf(),
            line: None,
            key: Some(p.qualified_key()),
            problem: (p.de, p.en),
        })?;
        let mut text = toml::to_string_pretty(self).map_err(|e| Error::io(path, e))?;
        if let Ok(old) = std::fs::read_to_string(path) {
            text = spelling::keep_durations(text, &self.schedule, &old);
        }
        crate::fsutil::write_atomic(path, text.as_bytes())
    }

    /// Checks ranges and URLs; the first problem wins.
    pub fn validate(&self) -> std::result::Result<(), Problem> {
        let l = &self.lexware;
        check_base_url(&l.auth_url)
            .map_err(|(de, en)| Problem::new("lexware", "auth_url", de, en))?;
        check_base_url(&l.api_url)
            .map_err(|(de, en)| Problem::new("lexware", "api_url", de, en))?;
        if let Some(id) = &l.client_id
            && (id.trim().is_empty()
                || id.len() > limits::CLIENT_ID_MAX_CHARS as usize
                || id.chars().any(char::is_whitespace))
        {
            return Err(Problem::new(
                "lexware",
                "client_id",
                "Die Client-ID muss 1 bis 36 Zeichen ohne Leerzeichen haben.".into(),
                "The client id must be 1 to 36 characters without spaces.".into(),
            ));
        }
        if let Some(uri) = &l.redirect_uri
            && Url::parse(uri).is_err()
        {
            return Err(Problem::new(
                "lexware",
                "redirect_uri",
                format!("„{uri}“ ist keine gültige Adresse (z. B. https://…)."),
                format!("'{uri}' is not a valid address (e.g. https://…)."),
            ));
        }
        let s = &self.schedule;
        if !limits::CHECK_EVERY.contains(s.check_every) {
            return Err(Problem::new(
                "schedule",
                "check_every",
                "Erlaubt sind 1 bis 5 Minuten (z. B. \"2m\").".into(),
                "Allowed: 1 to 5 minutes (e.g. \"2m\").".into(),
            ));
        }
        if !limits::REFRESH_BEFORE.contains(s.refresh_before) {
            return Err(Problem::new(
                "schedule",
                "refresh_before",
                "Erlaubt sind 15 Minuten bis 3 Stunden (z. B. \"15m\").".into(),
                "Allowed: 15 minutes to 3 hours (e.g. \"15m\").".into(),
            ));
        }
        if !limits::VALIDATE_EVERY.contains(s.validate_every) {
            return Err(Problem::new(
                "schedule",
                "validate_every",
                "Erlaubt sind 1 Minute bis 24 Stunden (z. B. \"15m\").".into(),
                "Allowed: 1 minute to 24 hours (e.g. \"15m\").".into(),
            ));
        }
        if s.gap_after <= s.check_every || !limits::GAP_AFTER.contains(s.gap_after) {
            return Err(Problem::new(
                "schedule",
                "gap_after",
                "Muss länger als check_every und höchstens 12 Stunden sein (z. B. \"5m\").".into(),
                "Must be longer than check_every and at most 12 hours (e.g. \"5m\").".into(),
            ));
        }
        if !limits::REMIND_EVERY.contains(s.remind_every) {
            return Err(Problem::new(
                "schedule",
                "remind_every",
                "Mindestens 15 Minuten (z. B. \"4h\").".into(),
                "At least 15 minutes (e.g. \"4h\").".into(),
            ));
        }
        if !limits::REFRESH_TOKEN_LIFETIME.contains(s.refresh_token_lifetime) {
            return Err(Problem::new(
                "schedule",
                "refresh_token_lifetime",
                "Mindestens 1 Stunde (z. B. \"7d\").".into(),
                "At least 1 hour (e.g. \"7d\").".into(),
            ));
        }
        for (i, w) in self.webhooks.iter().enumerate() {
            if !EVENT_TYPES.contains(&w.event_type.as_str()) {
                return Err(Problem::new(
                    "webhooks",
                    "event_type",
                    format!(
                        "„{}“ ist kein Ereignistyp von Lexware (z. B. invoice.created).",
                        w.event_type
                    ),
                    format!(
                        "'{}' is not a Lexware event type (e.g. invoice.created).",
                        w.event_type
                    ),
                )
                .at(i));
            }
            check_callback_url(&w.callback_url)
                .map_err(|(de, en)| Problem::new("webhooks", "callback_url", de, en).at(i))?;
            if self.webhooks[..i]
                .iter()
                .any(|o| o.event_type == w.event_type)
            {
                return Err(Problem::new(
                    "webhooks",
                    "event_type",
                    format!(
                        "„{}“ steht zweimal in der Liste; Lexware erlaubt ein Abo je Ereignistyp.",
                        w.event_type
                    ),
                    format!(
                        "'{}' is listed twice; Lexware allows one subscription per event type.",
                        w.event_type
                    ),
                )
                .at(i));
            }
        }
        self.validate_server_parts()
    }

    /// `[store]` and `[alerts]`.
    fn validate_server_parts(&self) -> std::result::Result<(), Problem> {
        if let Some(dir) = &self.store.dir
            && !dir.is_absolute()
        {
            return Err(Problem::new(
                "store",
                "dir",
                format!(
                    "„{}“ muss ein absoluter Pfad sein (z. B. /var/lib/lexguard/secrets).",
                    dir.display()
                ),
                format!(
                    "'{}' must be an absolute path (e.g. /var/lib/lexguard/secrets).",
                    dir.display()
                ),
            ));
        }
        let a = &self.alerts;
        for (key, url) in [("ping_url", &a.ping_url), ("webhook_url", &a.webhook_url)] {
            if let Some(url) = url {
                check_base_url(url).map_err(|(de, en)| Problem::new("alerts", key, de, en))?;
            }
        }
        if let Some(argv) = &a.command
            && argv.first().is_none_or(|p| p.trim().is_empty())
        {
            return Err(Problem::new(
                "alerts",
                "command",
                "Bitte geben Sie das Programm und seine Argumente als Liste an, z. B. command = [\"/usr/local/bin/melden\", \"--mail\"].".into(),
                "Please give the program and its arguments as a list, e.g. command = [\"/usr/local/bin/notify\", \"--mail\"].".into(),
            ));
        }
        Ok(())
    }
}

/// One validation problem: where, and what (German, English).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub section: String,
    pub index: Option<usize>,
    pub key: String,
    pub de: String,
    pub en: String,
}

impl Problem {
    fn new(section: &str, key: &str, de: String, en: String) -> Self {
        Self {
            section: section.into(),
            index: None,
            key: key.into(),
            de,
            en,
        }
    }
    fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
    pub fn qualified_key(&self) -> String {
        match self.index {
            Some(i) => format!("{}[{i}].{}", self.section, self.key),
            None => format!("{}.{}", self.section, self.key),
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

/// Base URLs must be https; plain http only on loopback (simulator, demo).
pub fn check_base_url(raw: &str) -> std::result::Result<(), (String, String)> {
    match Url::parse(raw) {
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && is_loopback(&u)) => Ok(()),
        Ok(_) => Err((
            format!("„{raw}“ muss mit https:// beginnen (http:// nur für 127.0.0.1)."),
            format!("'{raw}' must start with https:// (http:// only for 127.0.0.1)."),
        )),
        Err(_) => Err((
            format!("„{raw}“ ist keine gültige Adresse (z. B. https://api.lexware.io)."),
            format!("'{raw}' is not a valid address (e.g. https://api.lexware.io)."),
        )),
    }
}

/// Lexware only calls HTTPS callbacks; loopback http is allowed for tests and demo.
pub fn check_callback_url(raw: &str) -> std::result::Result<(), (String, String)> {
    match Url::parse(raw) {
        Ok(u) if u.scheme() == "https" && u.host().is_some() => Ok(()),
        Ok(u) if u.scheme() == "http" && is_loopback(&u) => Ok(()),
        _ => Err((
            format!("„{raw}“ ist keine HTTPS-Adresse; Lexware ruft nur https://… auf."),
            format!("'{raw}' is not an HTTPS address; Lexware only calls https://…."),
        )),
    }
}

/// Line (1-based) of `key =` in `[section]` (or the `index`-th `[[section]]`).
fn line_of(text: &str, section: &str, index: Option<usize>, key: &str) -> Option<usize> {
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
            return Some(n + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(msg.contains("/x/config.toml:6"), "{msg}");
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
