//! What config.toml holds: the sections as types, with their defaults.

use super::AlertsConfig;
use crate::contract::LEGACY_PRODUCTION_API;
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
    #[serde(default, skip_serializing_if = "WebhooksPolicy::is_default")]
    pub webhooks_policy: WebhooksPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<super::QuietHoursConfig>,
    #[serde(
        default,
        skip_serializing_if = "super::NotificationsConfig::is_default"
    )]
    pub notifications: super::NotificationsConfig,
    /// `[share]`: token files and the local API proxy for other programs.
    #[serde(default, skip_serializing_if = "crate::share::ShareConfig::is_default")]
    pub share: crate::share::ShareConfig,
}

/// `[webhooks_policy]`: what to do when Lexware has removed or changed a managed subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksPolicy {
    pub repair: Repair,
}

impl WebhooksPolicy {
    pub fn is_default(&self) -> bool {
        *self == WebhooksPolicy::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Repair {
    /// Re-create it at once (and say so).
    #[default]
    Auto,
    /// Only say so; a person sets it up again (`lexguard webhooks sync`, or the window).
    Ask,
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
    /// Lexware's public key for `X-Lxo-Signature` (PEM file). Unset: the published key is
    /// fetched once and kept in the data folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_public_key: Option<std::path::PathBuf>,
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
            webhook_public_key: None,
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
    /// Check the connection with `GET /v1/profile` this often (a subscription list with the
    /// current credentials counts too). Short, because only a check learns of a loss at Lexware.
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
    /// Check the managed webhooks at Lexware this often (also after every gap): Lexware
    /// deletes subscriptions on its own and tells nobody.
    #[serde(with = "humantime_serde", default = "d_webhooks_every")]
    pub webhooks_every: Duration,
}

fn d_check_every() -> Duration {
    Duration::from_secs(60)
}
fn d_refresh_before() -> Duration {
    Duration::from_secs(15 * 60)
}
fn d_validate_every() -> Duration {
    // Every second tick: a loss at Lexware shows within two minutes (720 profile reads a day).
    Duration::from_secs(2 * 60)
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
fn d_webhooks_every() -> Duration {
    Duration::from_secs(3600)
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
            webhooks_every: d_webhooks_every(),
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
}
