//! The persisted, non-secret state: what the last tick saw, so the next tick (in this process
//! or another one, minutes or days later) can judge gaps and backoff by wall-clock time.

use crate::error::{Error, Result};
use crate::webhooks::Outcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

mod read;
mod transitions;

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
    /// Lexware rejects the API calls (401) although the login itself works: a refresh just
    /// succeeded. Scopes, plan or a deactivated app; heals by itself when the calls pass again.
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
    /// Lexware refused the public API key twice in a row (deleted, replaced or run out).
    KeyRejected,
    /// `invalid_grant` after a refresh of this token was interrupted (timeout, cut answer,
    /// killed process): Lexware had rotated, the answer never arrived. Not the user's doing.
    InterruptedRefresh,
    /// The token entry in the keychain cannot be read as lexguard's format.
    KeychainCorrupt,
    /// No check for longer than twice `check_every`: nothing is keeping the connection alive.
    ChecksOverdue,
    /// A managed webhook cannot be set up at Lexware (or is missing, with `repair = "ask"`).
    WebhooksFailing,
    /// The partner-app authorization ends within 30 days (two years after it was granted).
    AuthorizationExpiring,
    /// The configured `scope` asks for more than the connection was granted.
    ScopesMissing,
    /// Lexware answers 402: the plan (a trial that ended, a cancelled subscription) does not
    /// include API access right now. The tokens stay valid and are kept; checked at the normal
    /// schedule, it heals by itself when Lexware answers 200 again.
    PlanInactive,
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

/// The managed webhooks as lexguard last saw them at Lexware. Lexware deletes subscriptions
/// on its own (after failed deliveries, at once on 410, with a replaced API key) and tells
/// nobody: so they are checked on a schedule and this is what the last check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct WebhookHealth {
    pub checked_at: Option<DateTime<Utc>>,
    pub repaired_at: Option<DateTime<Utc>>,
    /// Event types lexguard set up again at `repaired_at` (Lexware had removed or changed them).
    pub repaired: Vec<String>,
    /// Managed subscriptions that cannot be set up, each with the reason in plain words.
    pub failing: Vec<WebhookProblem>,
    /// Missing at Lexware and not set up again (`repair = "ask"`).
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookProblem {
    pub event_type: String,
    pub callback_url: String,
    pub reason: String,
}

impl WebhookHealth {
    pub fn in_trouble(&self) -> bool {
        !self.failing.is_empty() || !self.missing.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookSync {
    pub at: DateTime<Utc>,
    pub outcomes: Vec<Outcome>,
}

/// A refresh grant that was sent and whose outcome is not known yet. Written before the
/// request leaves, cleared when Lexware's answer was received and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub started_at: DateTime<Utc>,
    /// The first 12 hex digits of SHA-256 over the refresh token that was sent: enough to
    /// recognise it, useless to anyone who reads the file.
    pub fingerprint: String,
}

impl InFlight {
    pub fn fingerprint_of(refresh_token: &str) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(refresh_token.as_bytes());
        digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
    }
}

/// The state file (`state.json`). Its fields are private: the engine changes them only
/// through the named transitions (`state/transitions.rs`), so every writer of a fact is in
/// one place; surfaces read them through the accessors (`state/read.rs`). The field names
/// are the file's keys: renaming one breaks every state file already written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Persisted {
    state: ConnState,
    reason: Option<Reason>,
    mode: Option<Mode>,
    company: Option<String>,
    organization_id: Option<String>,
    connection_id: Option<String>,
    connected_at: Option<DateTime<Utc>>,
    access_expires_at: Option<DateTime<Utc>>,
    refresh_issued_at: Option<DateTime<Utc>>,
    api_key_expires_at: Option<DateTime<Utc>>,
    /// The smallest warning level (30, 7, 1 days) already announced.
    api_key_warned_days: Option<i64>,
    last_tick_at: Option<DateTime<Utc>>,
    last_validated_at: Option<DateTime<Utc>>,
    last_refresh_at: Option<DateTime<Utc>>,
    last_gap: Option<Gap>,
    /// A failure that lasts until the operation succeeds again.
    problem: Option<Reason>,
    failures: u32,
    next_attempt_at: Option<DateTime<Utc>>,
    unauthorized_streak: u32,
    auth_lost_at: Option<DateTime<Utc>>,
    /// Why: `invalid_grant`, or `invalid_grant` after an interrupted refresh.
    auth_lost_reason: Option<Reason>,
    last_webhook_sync: Option<WebhookSync>,
    refresh_in_flight: Option<InFlight>,
    /// What the failure behind `problem` was, for a person (German, English): the cause and
    /// the fix ("Die Adresse … lässt sich nicht auflösen …"). Never a secret.
    problem_detail: Option<(String, String)>,
    webhook_health: WebhookHealth,
    /// The smallest warning level (30, 7, 1 days) announced for the authorization's end.
    authorization_warned_days: Option<i64>,
    /// Configured scopes the connection was not granted (space separated).
    missing_scopes: Option<String>,
    /// A public API key with restricted permissions that may not read the profile (403 on
    /// `/v1/profile`): valid, but checked through the event subscriptions instead.
    key_limited: bool,
    /// The key's end is the 24-month assumption, not a date the person entered.
    api_key_end_assumed: bool,
    /// When Lexware last answered a check with 402 (plan without API access): the next check
    /// waits the normal `validate_every` from here, not a fast retry.
    plan_refused_at: Option<DateTime<Utc>>,
    /// When Lexware's profile (company name, organization) was last read. A check may also be
    /// a subscription list (it proves the credentials as well, but names no company), so the
    /// profile is read again at least once a day. Newer than the file format: absent, not
    /// `null`, until it is known, so a state.json of the previous version saves unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_read_at: Option<DateTime<Utc>>,
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

    /// Times written under a wrong clock are not trusted once the clock is right again: a
    /// retry time further ahead than the longest backoff, or a check "in the future" (the clock
    /// was set back), would otherwise block refreshes or validations for as long as the clock
    /// was off.
    pub fn sanitize(&mut self, now: DateTime<Utc>, max_backoff: chrono::Duration) {
        if self.next_attempt_at.is_some_and(|t| t - now > max_backoff) {
            tracing::warn!("retry time too far ahead (clock was wrong?): retrying now");
            self.next_attempt_at = None;
        }
        if self.last_validated_at.is_some_and(|t| t > now) {
            tracing::warn!("last validation lies in the future (clock set back?): validating now");
            self.last_validated_at = None;
        }
        if self.plan_refused_at.is_some_and(|t| t > now) {
            self.plan_refused_at = None;
        }
        if self.profile_read_at.is_some_and(|t| t > now) {
            self.profile_read_at = None;
        }
        if self.last_tick_at.is_some_and(|t| t > now) {
            self.last_tick_at = None;
        }
        if self.last_refresh_at.is_some_and(|t| t > now) {
            self.last_refresh_at = None;
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::io(path, e))?;
        crate::fsutil::write_atomic(path, &bytes)
    }
}

/// A state as a test describes it, in state.json's own words (the fields are private to this
/// module). Every key must be one of the fields: a misspelt key fails here instead of quietly
/// meaning "default".
#[cfg(test)]
pub(crate) fn sample(json: serde_json::Value) -> Persisted {
    let st: Persisted = serde_json::from_value(json.clone()).expect("a state");
    let back = serde_json::to_value(&st).expect("json");
    for (key, value) in json.as_object().expect("an object") {
        assert_eq!(
            back.get(key),
            Some(value),
            "`{key}` is no field of Persisted"
        );
    }
    st
}

#[cfg(test)]
mod tests;
