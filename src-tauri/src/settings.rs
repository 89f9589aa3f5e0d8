//! The settings form as the window sees it, and how it maps onto `config.toml`. The client
//! secret is write-only: the window learns only whether one is stored.
//!
//! A save writes only what the person changed ([`Settings::apply`] compares the form with the
//! settings the window was shown): a field nobody edited is not written at all, so a save
//! (even a language switch) never rounds `30m` to an hour or `90s` to a minute, and never
//! undoes an edit made by hand in config.toml meanwhile. Durations travel in whole seconds.

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
    /// Read-only: where the secrets are (`[store] kind`), so the window never says
    /// "Schlüsselbund" for lexguard's file store.
    pub secret_store: lexguard::store::StoreKind,
}

/// Whole seconds; a value beyond `u32` (only a hand-edited config) is shown clamped.
fn secs(d: Duration) -> u32 {
    u32::try_from(d.as_secs()).unwrap_or(u32::MAX)
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
            secret_store: c.store.kind,
        }
    }

    /// Writes into `c` what the person changed: every field where this form differs from
    /// `shown` (the settings the window was given). A field nobody touched is not written, so
    /// a value edited by hand in config.toml meanwhile stays, and a duration keeps its exact
    /// value and spelling. Ranges are checked by `Config::validate` when it is saved.
    /// `start_at_login` is not part of the file (see `crate::autostart`).
    pub fn apply(&self, shown: &Settings, c: &mut Config) {
        let opt = |s: &str| {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        };
        let changed = |new: &str, old: &str| new.trim() != old.trim();
        let l = &mut c.lexware;
        if changed(&self.client_id, &shown.client_id) {
            l.client_id = opt(&self.client_id);
        }
        if changed(&self.redirect_uri, &shown.redirect_uri) {
            l.redirect_uri = opt(&self.redirect_uri);
        }
        if changed(&self.scope, &shown.scope) {
            l.scope = opt(&self.scope);
        }
        if changed(&self.connection_name, &shown.connection_name) {
            l.connection_name = opt(&self.connection_name);
        }
        let urls_changed = self.environment == Environment::Custom
            && (changed(&self.auth_url, &shown.auth_url) || changed(&self.api_url, &shown.api_url));
        if self.environment != shown.environment || urls_changed {
            let (auth, api) = match self.environment {
                Environment::Production => (PRODUCTION_AUTH, PRODUCTION_API),
                Environment::Sandbox => (SANDBOX_AUTH, SANDBOX_API),
                Environment::Custom => (self.auth_url.trim(), self.api_url.trim()),
            };
            l.auth_url = auth.to_string();
            l.api_url = api.to_string();
        }
        let s = &mut c.schedule;
        let sent = |v: u32| Duration::from_secs(u64::from(v));
        if self.check_every_secs != shown.check_every_secs {
            s.check_every = sent(self.check_every_secs);
            // A gap is a pause longer than `gap_after`, which must exceed the interval.
            if s.gap_after <= s.check_every {
                s.gap_after = s.check_every * 2;
            }
        }
        if self.refresh_before_secs != shown.refresh_before_secs {
            s.refresh_before = sent(self.refresh_before_secs);
        }
        if self.remind_every_secs != shown.remind_every_secs {
            s.remind_every = sent(self.remind_every_secs);
        }
        if self.language != shown.language {
            c.app.language = Some(self.language);
        }
    }
}

#[cfg(test)]
mod tests;
