//! The named transitions of the persisted state: every change the engine makes is one of
//! these, named for what happened, so a new fact is written in one place and every writer of
//! a field can be found here.

use super::{ConnState, Gap, InFlight, Mode, Persisted, Reason, WebhookProblem, WebhookSync};
use crate::webhooks::{Action, Outcome};
use chrono::{DateTime, Utc};

impl Persisted {
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

    /// Lexware refused an API call (401) with credentials whose login works: counted, so a
    /// streak can be told from a single refusal; a confirmation ends the streak.
    pub fn unauthorized_seen(&mut self) {
        self.unauthorized_streak = self.unauthorized_streak.saturating_add(1);
    }

    /// A refresh grant for the refresh token with `fingerprint` is about to leave: the marker
    /// is written (and saved by the caller) before the request, so a crash, a timeout or a cut
    /// answer leaves proof that Lexware may have rotated. `true`: the same token was already
    /// sent once and never answered (an `invalid_grant` now means an interrupted refresh).
    pub fn refresh_started(&mut self, now: DateTime<Utc>, fingerprint: String) -> bool {
        let again = self
            .refresh_in_flight
            .as_ref()
            .is_some_and(|f| f.fingerprint == fingerprint);
        self.refresh_in_flight = Some(InFlight {
            started_at: now,
            fingerprint,
        });
        again
    }

    /// The refresh's outcome is known (an answer arrived, or another lexguard rotated): the
    /// in-flight marker goes. A refresh that succeeded settles in [`Persisted::refreshed`].
    pub fn refresh_settled(&mut self) {
        self.refresh_in_flight = None;
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

    /// A login just gave this token pair: the authorization's two years count from
    /// `connected_at`.
    pub fn tokens_connected(
        &mut self,
        connected_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        issued_at: DateTime<Utc>,
    ) {
        self.connected_at = Some(connected_at);
        self.tokens_held(expires_at, issued_at);
    }

    /// The state file was lost and the keychain holds a token pair: OAuth, with the facts the
    /// set itself carries. A connection is never "not connected" while its tokens exist.
    pub fn tokens_adopted(
        &mut self,
        connected_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        issued_at: DateTime<Utc>,
    ) {
        self.mode = Some(Mode::OAuth);
        self.tokens_connected(connected_at, expires_at, issued_at);
    }

    /// The state file was lost and the keychain holds an API key: API-key mode, with the end
    /// the record carries.
    pub fn api_key_adopted(&mut self, expires_at: DateTime<Utc>) {
        self.mode = Some(Mode::ApiKey);
        self.api_key_expires_at = Some(expires_at);
    }

    /// A public API key was just connected. `limited`: it may not read the profile and is
    /// checked through the event subscriptions from now on.
    pub fn api_key_connected(&mut self, expires_at: DateTime<Utc>, assumed: bool, limited: bool) {
        self.api_key_held(expires_at, assumed);
        self.key_limited = limited;
    }

    /// The stored key's end as its record says now (`assumed`: the 24-month assumption).
    pub fn api_key_held(&mut self, expires_at: DateTime<Utc>, assumed: bool) {
        self.api_key_expires_at = Some(expires_at);
        self.api_key_end_assumed = assumed;
    }

    /// The person entered the end date Lexware shows for the key: it replaces the assumption,
    /// and the warnings (30, 7, 1 days) start anew from it.
    pub fn api_key_end_entered(&mut self, end: DateTime<Utc>) {
        self.mode = Some(Mode::ApiKey);
        self.api_key_held(end, false);
        self.api_key_warned_days = None;
    }

    /// The key's end is `level` days (30, 7, 1) or less away. `true` only the first time this
    /// level (or a smaller one) is reached: each warning is told once.
    pub fn api_key_warned(&mut self, level: i64) -> bool {
        warn_once(&mut self.api_key_warned_days, level)
    }

    /// The authorization's end is `level` days (30, 7, 1) or less away; told once per level
    /// as [`Persisted::api_key_warned`].
    pub fn authorization_warned(&mut self, level: i64) -> bool {
        warn_once(&mut self.authorization_warned_days, level)
    }

    /// The configured scopes were compared with the granted ones: `missing` is what the
    /// connection lacks (space separated), `None` when it has everything.
    pub fn scopes_compared(&mut self, missing: Option<String>) {
        self.missing_scopes = missing;
    }

    /// A tick begins at `now`. Returns the last tick that guarded a connection: the pause
    /// since then is judged as a gap (a pause with nothing connected is no news).
    pub fn tick_started(&mut self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last = self.last_tick_at.filter(|_| self.mode.is_some());
        self.last_tick_at = Some(now);
        last
    }

    /// A pause longer than `gap_after` was found; the last one is shown until the next.
    pub fn gap_found(&mut self, gap: Gap) {
        self.last_gap = Some(gap);
    }

    /// The state the engine derived from this operation's facts. A passing problem's
    /// details go with the problem.
    pub fn judged(&mut self, state: ConnState, reason: Option<Reason>) {
        self.state = state;
        self.reason = reason;
        if self.problem.is_none() {
            self.problem_detail = None;
        }
    }

    /// This state as a surface shows it when the checks are overdue: the same facts under
    /// another judgement. The persisted state itself is not changed.
    pub fn shown_as(&self, state: ConnState, reason: Option<Reason>) -> Persisted {
        Persisted {
            state,
            reason,
            ..self.clone()
        }
    }

    /// A webhook sync ran at `now` (after a connect, a person's "set up again", the watch):
    /// the outcomes are the last sync and the webhook health. Returns the failures that are
    /// new (each is told once).
    pub fn webhooks_synced(
        &mut self,
        now: DateTime<Utc>,
        outcomes: &[Outcome],
    ) -> Vec<WebhookProblem> {
        self.last_webhook_sync = Some(WebhookSync {
            at: now,
            outcomes: outcomes.to_vec(),
        });
        let h = &mut self.webhook_health;
        let before = std::mem::take(&mut h.failing);
        h.checked_at = Some(now);
        h.missing.clear();
        h.failing = outcomes
            .iter()
            .filter(|o| o.action == Action::Failed)
            .map(|o| WebhookProblem {
                event_type: o.event_type.clone(),
                callback_url: o.callback_url.clone(),
                reason: o.error.clone().unwrap_or_default(),
            })
            .collect();
        h.failing
            .iter()
            .filter(|p| {
                !before
                    .iter()
                    .any(|b| b.event_type == p.event_type && b.callback_url == p.callback_url)
            })
            .cloned()
            .collect()
    }

    /// The watch set up again at `now` what Lexware had removed or changed (`event_types`).
    pub fn webhooks_restored(&mut self, now: DateTime<Utc>, event_types: Vec<String>) {
        self.webhook_health.repaired = event_types;
        self.webhook_health.repaired_at = Some(now);
    }

    /// The watch found every managed webhook at Lexware as configured.
    pub fn webhooks_present(&mut self, now: DateTime<Utc>) {
        let h = &mut self.webhook_health;
        h.checked_at = Some(now);
        h.failing.clear();
        h.missing.clear();
    }

    /// The watch found `missing` absent at Lexware and did not set them up (`repair = "ask"`).
    pub fn webhooks_missing(&mut self, now: DateTime<Utc>, missing: Vec<String>) {
        self.webhook_health.checked_at = Some(now);
        self.webhook_health.missing = missing;
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
    /// Ticks before this connection guarded nothing of it: the next tick's pause is not
    /// measured from them (never a "gap" right after a fresh login).
    pub fn connected(&mut self, mode: Mode) {
        self.forget_connection();
        self.mode = Some(mode);
        self.last_tick_at = None;
    }
}

/// `true` when `level` is news: no warning yet, or a smaller level than the last one told.
fn warn_once(told: &mut Option<i64>, level: i64) -> bool {
    if told.is_some_and(|w| level >= w) {
        return false;
    }
    *told = Some(level);
    true
}
