//! What the surfaces read of the persisted state: every field by value or by reference, none
//! writable. Changes go through the named transitions in [`super::transitions`].

use super::{ConnState, Gap, InFlight, Mode, Persisted, Reason, WebhookHealth, WebhookSync};
use chrono::{DateTime, Utc};

impl Persisted {
    pub fn state(&self) -> ConnState {
        self.state
    }

    pub fn reason(&self) -> Option<Reason> {
        self.reason
    }

    /// `None`: nothing is connected.
    pub fn mode(&self) -> Option<Mode> {
        self.mode
    }

    pub fn company(&self) -> Option<&str> {
        self.company.as_deref()
    }

    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_deref()
    }

    pub fn connection_id(&self) -> Option<&str> {
        self.connection_id.as_deref()
    }

    pub fn connected_at(&self) -> Option<DateTime<Utc>> {
        self.connected_at
    }

    pub fn access_expires_at(&self) -> Option<DateTime<Utc>> {
        self.access_expires_at
    }

    pub fn refresh_issued_at(&self) -> Option<DateTime<Utc>> {
        self.refresh_issued_at
    }

    pub fn api_key_expires_at(&self) -> Option<DateTime<Utc>> {
        self.api_key_expires_at
    }

    /// The key's end is the 24-month assumption, not a date the person entered.
    pub fn api_key_end_assumed(&self) -> bool {
        self.api_key_end_assumed
    }

    /// The key may not read the profile; it is checked through the event subscriptions.
    pub fn key_limited(&self) -> bool {
        self.key_limited
    }

    pub fn last_tick_at(&self) -> Option<DateTime<Utc>> {
        self.last_tick_at
    }

    pub fn last_validated_at(&self) -> Option<DateTime<Utc>> {
        self.last_validated_at
    }

    pub fn last_gap(&self) -> Option<&Gap> {
        self.last_gap.as_ref()
    }

    /// A failure that lasts until the operation succeeds again.
    pub fn problem(&self) -> Option<Reason> {
        self.problem
    }

    /// The failure behind [`Persisted::problem`] for a person (German, English).
    pub fn problem_detail(&self) -> Option<&(String, String)> {
        self.problem_detail.as_ref()
    }

    /// Failed attempts in a row (the backoff's exponent).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The backoff: no refresh or check before this time.
    pub fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.next_attempt_at
    }

    /// Whether a backoff holds the next attempt back at `now`.
    pub fn in_backoff(&self, now: DateTime<Utc>) -> bool {
        self.next_attempt_at.is_some_and(|t| now < t)
    }

    pub fn auth_lost_at(&self) -> Option<DateTime<Utc>> {
        self.auth_lost_at
    }

    pub fn auth_lost_reason(&self) -> Option<Reason> {
        self.auth_lost_reason
    }

    pub fn last_webhook_sync(&self) -> Option<&WebhookSync> {
        self.last_webhook_sync.as_ref()
    }

    pub fn refresh_in_flight(&self) -> Option<&InFlight> {
        self.refresh_in_flight.as_ref()
    }

    pub fn webhook_health(&self) -> &WebhookHealth {
        &self.webhook_health
    }

    /// Configured scopes the connection was not granted (space separated).
    pub fn missing_scopes(&self) -> Option<&str> {
        self.missing_scopes.as_deref()
    }

    /// When Lexware last answered a check with 402.
    pub fn plan_refused_at(&self) -> Option<DateTime<Utc>> {
        self.plan_refused_at
    }

    /// When Lexware's profile (company, organization) was last read: a check through the
    /// subscription list names neither, so the profile is read again at least once a day.
    pub fn profile_read_at(&self) -> Option<DateTime<Utc>> {
        self.profile_read_at
    }
}
