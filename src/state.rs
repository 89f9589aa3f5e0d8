//! The persisted, non-secret state: what the last tick saw, so the next tick (in this process
//! or another one, minutes or days later) can judge gaps and backoff by wall-clock time.

use crate::error::{Error, Result};
use crate::webhooks::Outcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ConnState {
    #[default]
    NotConnected,
    Healthy,
    Degraded,
    AuthLost,
}

/// Why the state is not simply healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Refreshing fails for a transient reason; lexguard keeps trying.
    RefreshFailing,
    /// The validity check fails for a transient reason.
    ValidationFailing,
    /// Lexware answers 401 even with a fresh token (maybe a short outage).
    Unauthorized,
    /// Lexware rejects the app's client id/secret.
    ClientCredentials,
    /// A rotated token set could not be written to the keychain; it is held in memory.
    KeychainUnsaved,
    /// The keychain cannot be read right now.
    KeychainUnavailable,
    /// A cron gap was seen in this tick.
    GapSeen,
    /// The public API key runs out within 30 days.
    ApiKeyExpiring,
    /// `invalid_grant`: Lexware ended the connection.
    InvalidGrant,
    /// The public API key was refused repeatedly.
    KeyRejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[serde(rename = "oauth")]
    OAuth,
    ApiKey,
}

/// A pause in the ticking longer than `gap_after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Gap {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[ts(type = "number")]
    pub seconds: i64,
    /// true: the process was running (suspend, stall); false: no lexguard was running.
    pub while_running: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookSync {
    pub at: DateTime<Utc>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Persisted {
    pub state: ConnState,
    pub reason: Option<Reason>,
    pub mode: Option<Mode>,
    pub company: Option<String>,
    pub organization_id: Option<String>,
    pub connection_id: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_issued_at: Option<DateTime<Utc>>,
    pub api_key_expires_at: Option<DateTime<Utc>>,
    /// The smallest warning level (30, 7, 1 days) already announced.
    pub api_key_warned_days: Option<i64>,
    pub last_tick_at: Option<DateTime<Utc>>,
    pub last_validated_at: Option<DateTime<Utc>>,
    pub last_refresh_at: Option<DateTime<Utc>>,
    pub last_gap: Option<Gap>,
    /// A failure that lasts until the operation succeeds again.
    pub problem: Option<Reason>,
    pub failures: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub unauthorized_streak: u32,
    pub auth_lost_at: Option<DateTime<Utc>>,
    pub last_webhook_sync: Option<WebhookSync>,
}

impl Persisted {
    /// A missing file is a fresh start; an unreadable one is set aside (it holds nothing
    /// secret and nothing that cannot be learned again) rather than stopping the tick.
    pub fn load(path: &Path) -> Result<Persisted> {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(p) => Ok(p),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "state file unreadable, starting fresh");
                    let _ = std::fs::rename(path, path.with_extension("json.bad"));
                    Ok(Persisted::default())
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Persisted::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::io(path, e))?;
        crate::fsutil::write_atomic(path, &bytes)
    }
}
