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
    /// Why: `invalid_grant`, or `invalid_grant` after an interrupted refresh.
    pub auth_lost_reason: Option<Reason>,
    pub last_webhook_sync: Option<WebhookSync>,
    pub refresh_in_flight: Option<InFlight>,
    /// What the failure behind `problem` was, for a person (German, English): the cause and
    /// the fix ("Die Adresse … lässt sich nicht auflösen …"). Never a secret.
    pub problem_detail: Option<(String, String)>,
    pub webhook_health: WebhookHealth,
    /// The smallest warning level (30, 7, 1 days) announced for the authorization's end.
    pub authorization_warned_days: Option<i64>,
    /// Configured scopes the connection was not granted (space separated).
    pub missing_scopes: Option<String>,
    /// A public API key with restricted permissions that may not read the profile (403 on
    /// `/v1/profile`): valid, but checked through the event subscriptions instead.
    pub key_limited: bool,
    /// The key's end is the 24-month assumption, not a date the person entered.
    pub api_key_end_assumed: bool,
    /// When Lexware last answered a check with 402 (plan without API access): the next check
    /// waits the normal `validate_every` from here, not a fast retry.
    pub plan_refused_at: Option<DateTime<Utc>>,
    /// When Lexware's profile (company name, organization) was last read. A check may also be
    /// a subscription list (it proves the credentials as well, but names no company), so the
    /// profile is read again at least once a day.
    pub profile_read_at: Option<DateTime<Utc>>,
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

    /// Lexware confirmed the connection just now (a profile read, a subscription list with the
    /// current credentials, a connect's own check): the check is done, transient trouble of the
    /// credentials is over, and what the profile says about the organization is kept.
    pub fn confirmed(&mut self, now: DateTime<Utc>, profile: Option<&crate::api::Profile>) {
        self.last_validated_at = Some(now);
        self.unauthorized_streak = 0;
        if matches!(
            self.problem,
            Some(
                Reason::ValidationFailing
                    | Reason::Unauthorized
                    | Reason::RefreshFailing
                    | Reason::PlanInactive
            )
        ) {
            self.problem = None;
        }
        self.plan_refused_at = None;
        self.failures = 0;
        self.next_attempt_at = None;
        if let Some(p) = profile {
            // A profile that names the organization was read (not the empty stand-in of a
            // check through the subscription list).
            if p.organization_id.is_some() || p.company_name.is_some() {
                self.profile_read_at = Some(now);
            }
            if p.company_name.is_some() {
                self.company = p.company_name.clone();
            }
            self.organization_id = p.organization_id.clone().or(self.organization_id.take());
            self.connection_id = p.connection_id.clone().or(self.connection_id.take());
        }
    }

    /// Lexware ended the connection (`invalid_grant`, an interrupted refresh, a refused API
    /// key). `true` only the first time: the loss is news once.
    pub fn lost(&mut self, now: DateTime<Utc>, reason: Reason) -> bool {
        if self.auth_lost_at.is_some() {
            return false;
        }
        self.auth_lost_at = Some(now);
        self.auth_lost_reason = Some(reason);
        true
    }

    /// An operation failed for a reason that passes: count it, wait until `retry_at`, and
    /// keep what a person needs to know (`detail`, German and English).
    pub fn failed(
        &mut self,
        reason: Reason,
        retry_at: DateTime<Utc>,
        detail: Option<(String, String)>,
    ) {
        self.failures = self.failures.saturating_add(1);
        self.next_attempt_at = Some(retry_at);
        self.problem = Some(reason);
        self.problem_detail = detail;
    }

    /// Lexware answered a check with 402: the plan does not include API access now. Not a
    /// transient failure (no backoff, no fast retry, refreshes go on as due): the next check
    /// comes at the normal schedule, counted from `now`.
    pub fn plan_refused(&mut self, now: DateTime<Utc>) {
        self.plan_refused_at = Some(now);
        self.problem = Some(Reason::PlanInactive);
        self.problem_detail = None;
    }

    /// Lexware issued a new token pair at `now` (stored before this is called): the refresh
    /// trouble is over.
    pub fn refreshed(
        &mut self,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        issued_at: DateTime<Utc>,
    ) {
        self.refresh_in_flight = None;
        self.access_expires_at = Some(expires_at);
        self.refresh_issued_at = Some(issued_at);
        self.last_refresh_at = Some(now);
        self.failures = 0;
        self.next_attempt_at = None;
        if matches!(
            self.problem,
            Some(Reason::RefreshFailing | Reason::ClientCredentials)
        ) {
            self.problem = None;
        }
    }

    /// The token pair in use now (read from the keychain, or rotated by another lexguard).
    pub fn tokens_held(&mut self, expires_at: DateTime<Utc>, issued_at: DateTime<Utc>) {
        self.access_expires_at = Some(expires_at);
        self.refresh_issued_at = Some(issued_at);
    }

    /// Nothing is connected any more (the credentials are gone): everything about the
    /// connection goes; when lexguard last ran and the last gap and webhook sync stay.
    pub fn forget_connection(&mut self) {
        *self = Persisted {
            last_tick_at: self.last_tick_at,
            last_gap: self.last_gap.clone(),
            last_webhook_sync: self.last_webhook_sync.clone(),
            ..Persisted::default()
        };
    }

    /// The person disconnected: only when lexguard last ran stays.
    pub fn disconnected(&mut self) {
        *self = Persisted {
            last_tick_at: self.last_tick_at,
            ..Persisted::default()
        };
    }

    /// A new connection was made: a fresh start in `mode`. Its own check follows and counts
    /// as a check ([`Persisted::confirmed`]): nothing reads as overdue right after it.
    /// A fresh start in `mode`. Ticks before this connection guarded nothing of it: the next
    /// tick's pause is not measured from them (never a "gap" right after a fresh login).
    pub fn connected(&mut self, mode: Mode) {
        self.forget_connection();
        self.mode = Some(mode);
        self.last_tick_at = None;
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::io(path, e))?;
        crate::fsutil::write_atomic(path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn times_from_a_wrong_clock_are_dropped() {
        let now = Utc::now();
        let mut st = Persisted {
            next_attempt_at: Some(now + Duration::days(3)),
            last_validated_at: Some(now + Duration::days(1)),
            last_tick_at: Some(now + Duration::days(1)),
            ..Persisted::default()
        };
        st.sanitize(now, Duration::minutes(15));
        assert_eq!(st.next_attempt_at, None);
        assert_eq!(st.last_validated_at, None);
        assert_eq!(st.last_tick_at, None);
        let mut fine = Persisted {
            next_attempt_at: Some(now + Duration::minutes(10)),
            last_validated_at: Some(now - Duration::minutes(1)),
            ..Persisted::default()
        };
        let before = fine.clone();
        fine.sanitize(now, Duration::minutes(15));
        assert_eq!(fine, before);
    }

    #[test]
    fn transitions_say_what_changed() {
        let now = Utc::now();
        let mut st = Persisted {
            mode: Some(Mode::ApiKey),
            last_tick_at: Some(now),
            ..Persisted::default()
        };
        st.failed(Reason::ValidationFailing, now + Duration::seconds(30), None);
        assert_eq!(
            (st.failures, st.problem),
            (1, Some(Reason::ValidationFailing))
        );
        let profile = crate::api::Profile {
            company_name: Some("Weiß & Söhne GmbH & Co. KG".into()),
            ..Default::default()
        };
        st.confirmed(now, Some(&profile));
        assert_eq!(
            (st.failures, st.problem, st.next_attempt_at),
            (0, None, None)
        );
        assert_eq!(st.last_validated_at, Some(now));
        assert_eq!(st.company.as_deref(), Some("Weiß & Söhne GmbH & Co. KG"));
        assert!(st.lost(now, Reason::KeyRejected), "news the first time");
        assert!(!st.lost(now, Reason::InvalidGrant), "once");
        assert_eq!(st.auth_lost_reason, Some(Reason::KeyRejected));
        st.connected(Mode::OAuth);
        // Ticks before the connection guarded nothing of it: no gap is measured from them.
        assert_eq!(
            (st.mode, st.auth_lost_at, st.last_tick_at),
            (Some(Mode::OAuth), None, None)
        );
    }

    #[test]
    fn the_fingerprint_is_short_stable_and_not_the_token() {
        let f = InFlight::fingerprint_of("R-SECRET-TOKEN");
        assert_eq!(f.len(), 12);
        assert_eq!(f, InFlight::fingerprint_of("R-SECRET-TOKEN"));
        assert_ne!(f, InFlight::fingerprint_of("R-SECRET-TOKEN2"));
        assert!(!f.contains("SECRET"));
    }
}
