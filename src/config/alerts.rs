//! `[alerts]` of config.toml: where alerts go (the sending is in `crate::alerts`).

use serde::{Deserialize, Serialize};

/// `[alerts]` in config.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    /// Pinged (GET) after every good check; `{ping_url}/fail` (POST, the reason as text) on loss
    /// or lasting degradation.
    pub ping_url: Option<String>,
    /// Receives a JSON document (POST) on every state change and reminder.
    pub webhook_url: Option<String>,
    /// A program and its arguments (no shell), run on every state change and reminder with
    /// `LEXGUARD_STATE`, `LEXGUARD_REASON`, `LEXGUARD_COMPANY`, `LEXGUARD_HEADLINE`,
    /// `LEXGUARD_MESSAGE`, `LEXGUARD_AT`, `LEXGUARD_REMINDER`, `LEXGUARD_CATCH_UP` in its environment.
    pub command: Option<Vec<String>>,
}

impl AlertsConfig {
    pub fn is_empty(&self) -> bool {
        self.ping_url.is_none() && self.webhook_url.is_none() && self.command.is_none()
    }
}
