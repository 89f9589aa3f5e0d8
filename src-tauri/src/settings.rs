//! The settings form as the window sees it, and how it maps onto `config.toml`. The client
//! secret is write-only: the window learns only whether one is stored.
//!
//! Durations travel in whole seconds, exactly as the config holds them; the window shows
//! minutes or hours but sends back the seconds it got for a field nobody edited, and
//! [`Settings::apply`] changes a duration only when the seconds differ, so a save (even a
//! language switch) never rounds `30m` to an hour or `90s` to a minute.

use lexguard::Lang;
use lexguard::config::{
    Config, Environment, PRODUCTION_API, PRODUCTION_AUTH, SANDBOX_API, SANDBOX_AUTH,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    pub client_id: String,
    /// Read-only: a client secret is stored (it is never shown).
    pub client_secret_set: bool,
    pub redirect_uri: String,
    pub environment: Environment,
    pub auth_url: String,
    pub api_url: String,
    pub scope: String,
    pub connection_name: String,
    /// `schedule.check_every` in seconds (range: `Limits.check_every`).
    pub check_every_secs: u32,
    /// `schedule.refresh_before` in seconds (range: `Limits.refresh_before`).
    pub refresh_before_secs: u32,
    /// `schedule.remind_every` in seconds (range: `Limits.remind_every`).
    pub remind_every_secs: u32,
    pub language: Lang,
    pub start_at_login: bool,
    /// Read-only: this is the demo.
    pub demo: bool,
    /// Read-only: where state and history live.
    pub data_folder: String,
}

/// Whole seconds; a value beyond `u32` (only a hand-edited config) is shown clamped.
fn secs(d: Duration) -> u32 {
    u32::try_from(d.as_secs()).unwrap_or(u32::MAX)
}

/// `current` unless the window sent other seconds: then exactly those.
fn updated(current: Duration, sent: u32) -> Duration {
    if secs(current) == sent {
        current
    } else {
        Duration::from_secs(u64::from(sent))
    }
}

impl Settings {
    pub fn from_config(
        c: &Config,
        lang: Lang,
        client_secret_set: bool,
        start_at_login: bool,
        demo: bool,
        data_folder: String,
    ) -> Settings {
        Settings {
            client_id: c.lexware.client_id.clone().unwrap_or_default(),
            client_secret_set,
            redirect_uri: c.lexware.redirect_uri.clone().unwrap_or_default(),
            environment: c.environment(),
            auth_url: c.lexware.auth_url.clone(),
            api_url: c.lexware.api_url.clone(),
            scope: c.lexware.scope.clone().unwrap_or_default(),
            connection_name: c.lexware.connection_name.clone().unwrap_or_default(),
            check_every_secs: secs(c.schedule.check_every),
            refresh_before_secs: secs(c.schedule.refresh_before),
            remind_every_secs: secs(c.schedule.remind_every),
            language: c.app.language.unwrap_or(lang),
            start_at_login,
            demo,
            data_folder,
        }
    }

    /// The new configuration; ranges are checked by `Config::validate` when it is saved.
    pub fn apply(&self, base: &Config) -> Config {
        let opt = |s: &str| {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let mut c = base.clone();
        c.lexware.client_id = opt(&self.client_id);
        c.lexware.redirect_uri = opt(&self.redirect_uri);
        c.lexware.scope = opt(&self.scope);
        c.lexware.connection_name = opt(&self.connection_name);
        let (auth, api) = match self.environment {
            Environment::Production => (PRODUCTION_AUTH.to_string(), PRODUCTION_API.to_string()),
            Environment::Sandbox => (SANDBOX_AUTH.to_string(), SANDBOX_API.to_string()),
            Environment::Custom => (
                self.auth_url.trim().to_string(),
                self.api_url.trim().to_string(),
            ),
        };
        c.lexware.auth_url = auth;
        c.lexware.api_url = api;
        c.schedule.check_every = updated(c.schedule.check_every, self.check_every_secs);
        // A gap is a pause longer than `gap_after`, which must exceed the interval: keep it so.
        if c.schedule.gap_after <= c.schedule.check_every {
            c.schedule.gap_after = c.schedule.check_every * 2;
        }
        c.schedule.refresh_before = updated(c.schedule.refresh_before, self.refresh_before_secs);
        c.schedule.remind_every = updated(c.schedule.remind_every, self.remind_every_secs);
        c.app.language = Some(self.language);
        c
    }
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
