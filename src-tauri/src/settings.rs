//! The settings form as the window sees it, and how it maps onto `config.toml`. The client
//! secret is write-only: the window learns only whether one is stored.

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
    /// 1–5.
    pub check_every_minutes: u32,
    /// At least 15.
    pub refresh_before_minutes: u32,
    /// 1–24.
    pub remind_every_hours: u32,
    pub language: Lang,
    pub start_at_login: bool,
    /// Read-only: this is the demo.
    pub demo: bool,
    /// Read-only: where state and history live.
    pub data_folder: String,
}

fn minutes(d: Duration) -> u32 {
    (d.as_secs() / 60) as u32
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
            check_every_minutes: minutes(c.schedule.check_every).max(1),
            refresh_before_minutes: minutes(c.schedule.refresh_before),
            remind_every_hours: (c.schedule.remind_every.as_secs() / 3600).max(1) as u32,
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
        c.schedule.check_every = Duration::from_secs(u64::from(self.check_every_minutes) * 60);
        // A gap is a pause longer than `gap_after`, which must exceed the interval: keep it so.
        if c.schedule.gap_after <= c.schedule.check_every {
            c.schedule.gap_after = c.schedule.check_every * 2;
        }
        c.schedule.refresh_before =
            Duration::from_secs(u64::from(self.refresh_before_minutes) * 60);
        c.schedule.remind_every = Duration::from_secs(u64::from(self.remind_every_hours) * 3600);
        c.app.language = Some(self.language);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_ranges() {
        let c = Config::default();
        let s = Settings::from_config(&c, Lang::De, false, false, false, "/x".into());
        assert_eq!(s.check_every_minutes, 1);
        assert_eq!(s.refresh_before_minutes, 15);
        assert_eq!(s.remind_every_hours, 4);
        let mut two = s.clone();
        two.check_every_minutes = 2;
        let applied = two.apply(&c);
        assert_eq!(applied.schedule.check_every, Duration::from_secs(120));
        assert!(applied.validate().is_ok());
        let mut five = s.clone();
        five.check_every_minutes = 5;
        assert!(five.apply(&c).validate().is_ok(), "5 minutes is allowed");
        let mut seven = s;
        seven.check_every_minutes = 7;
        let problem = seven
            .apply(&c)
            .validate()
            .expect_err("7 minutes is out of range");
        assert_eq!(problem.qualified_key(), "schedule.check_every");
        assert!(problem.de.contains("1 bis 5 Minuten"));
    }
}
