//! The rules config.toml must follow: ranges, URLs, event types, server parts. The first
//! problem wins, with where it is (section, key, index) for the line number.

use super::model::Config;
use crate::contract::EVENT_TYPES;
use crate::contract::loopback::is_loopback_url;
use crate::limits;
use url::Url;

impl Config {
    /// Checks ranges and URLs; the first problem wins.
    pub fn validate(&self) -> std::result::Result<(), Problem> {
        let l = &self.lexware;
        check_base_url(&l.auth_url)
            .map_err(|(de, en)| Problem::new("lexware", "auth_url", de, en))?;
        check_base_url(&l.api_url)
            .map_err(|(de, en)| Problem::new("lexware", "api_url", de, en))?;
        for (key, url, new) in [
            ("auth_url", &l.auth_url, crate::contract::PRODUCTION_AUTH),
            ("api_url", &l.api_url, crate::contract::PRODUCTION_API),
        ] {
            if crate::contract::is_legacy_host(url) {
                return Err(Problem::new(
                    "lexware",
                    key,
                    format!(
                        "„{url}“ ist die alte lexoffice-Adresse; Lexware hat sie abgeschaltet. Bitte tragen Sie {key} = \"{new}\" ein."
                    ),
                    format!(
                        "'{url}' is the old lexoffice address; Lexware switched it off. Please set {key} = \"{new}\"."
                    ),
                ));
            }
        }
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
        if !limits::WEBHOOKS_EVERY.contains(s.webhooks_every) {
            return Err(Problem::new(
                "schedule",
                "webhooks_every",
                "Erlaubt sind 5 Minuten bis 24 Stunden (z. B. \"1h\").".into(),
                "Allowed: 5 minutes to 24 hours (e.g. \"1h\").".into(),
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

    /// `[store]`, `[alerts]` and `[share]`.
    fn validate_server_parts(&self) -> std::result::Result<(), Problem> {
        self.share
            .check()
            .map_err(|(key, de, en)| Problem::new("share", key, de, en))?;
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
        quiet_hours(self)
    }
}

/// `[quiet_hours]` must parse into rules (the rules themselves live in `crate::quiet`).
fn quiet_hours(config: &Config) -> std::result::Result<(), Problem> {
    let Some(q) = &config.quiet_hours else {
        return Ok(());
    };
    crate::quiet::QuietHours::parse(q)
        .map(|_| ())
        .map_err(|e| Problem::new("quiet_hours", e.key, e.de, e.en))
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

/// Base URLs must be https; plain http only on loopback (simulator, demo).
pub fn check_base_url(raw: &str) -> std::result::Result<(), (String, String)> {
    match Url::parse(raw) {
        Ok(u) if u.scheme() == "https" || is_loopback_url(&u) => Ok(()),
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
        Ok(u) if is_loopback_url(&u) => Ok(()),
        _ => Err((
            format!("„{raw}“ ist keine HTTPS-Adresse; Lexware ruft nur https://… auf."),
            format!("'{raw}' is not an HTTPS address; Lexware only calls https://…."),
        )),
    }
}
