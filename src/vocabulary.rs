//! The one vocabulary every surface speaks: how bad a [`Reason`] is ([`Severity`]) and what the
//! person should do next ([`NextAction`]). The tray, the window's primary button, the CLI, the
//! desktop notices and the off-machine alerts all read these instead of keeping their own
//! lists, so a new [`Reason`] does not compile until someone decided both (the matches below
//! have no `_` arm on purpose).
//!
//! The two telling rules:
//! - **Tell at once** ([`Severity::tells_at_once`]): the connection is lost, or something only the
//!   person can fix stands in the way ([`Severity::Lost`], [`Severity::Trouble`]). A desktop
//!   notice and an alert's `/fail` ping the moment the state changes to it.
//! - **Tell after [`TELL_AFTER_MINUTES`] minutes** ([`Severity::Warning`]): lexguard retries by
//!   itself (a network blip, Lexware busy); only when it lasts that long is it worth a notice
//!   and a `/fail` ping. A blip that heals before is no news.
//!
//! [`Severity::Info`] is never told as a state: its own events speak (a gap, an end date
//! coming closer, a webhook), once.

use crate::state::{ConnState, Mode, Reason};
use serde::{Deserialize, Serialize};

/// Degraded for a retrying reason this long is worth telling (desktop notice, `/fail`).
pub const TELL_AFTER_MINUTES: i64 = 15;

/// How bad a state is, mildest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// All is well, or a fact worth knowing that its own event tells once.
    Info,
    /// lexguard retries by itself; told only when it lasts [`TELL_AFTER_MINUTES`].
    Warning,
    /// Something the person must fix; told at once.
    Trouble,
    /// The connection is lost; told at once and reminded while it lasts.
    Lost,
}

impl Severity {
    /// The first telling rule: this severity is told the moment the state changes to it.
    pub fn tells_at_once(self) -> bool {
        match self {
            Severity::Lost | Severity::Trouble => true,
            Severity::Warning | Severity::Info => false,
        }
    }

    /// The second telling rule: after how long in this state it is told (`None`: never as a
    /// state; its events speak).
    pub fn tell_after(self) -> Option<chrono::Duration> {
        match self {
            Severity::Lost | Severity::Trouble => Some(chrono::Duration::zero()),
            Severity::Warning => Some(chrono::Duration::minutes(TELL_AFTER_MINUTES)),
            Severity::Info => None,
        }
    }

    /// Whether a state of this severity, entered at `since`, is worth telling at `now`.
    pub fn worth_telling(
        self,
        since: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        self.tell_after().is_some_and(|after| now - since >= after)
    }
}

/// What the person should do next: the window's primary button, the tray's first item, the
/// CLI's "Was tun" line. Only what lexguard really offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// Nothing: all is well, or a fact that needs no step.
    None,
    /// Nothing now: lexguard tries again by itself.
    Wait,
    /// Nothing is connected yet: set up a connection.
    Connect,
    /// The connection is lost (or its stored credentials are unusable): log in again.
    Reconnect,
    /// The public API key is refused or runs out: enter a new one.
    EnterNewApiKey,
    /// The partner-app grant ends or lacks scopes: log in again while the old one still works.
    Reauthorize,
    /// Lexware refuses the app's client id or secret: enter the right ones.
    CheckClientSecret,
    /// The keychain is locked or unreachable: unlock it.
    UnlockKeychain,
    /// A managed webhook cannot be set up: fix the address, then set it up again.
    FixWebhooks,
    /// Nothing checks the connection any more: start lexguard (or its cron job / service).
    StartKeepalive,
    /// Lexware's plan does not include API access (402): check the plan in Lexware.
    CheckPlan,
}

impl Reason {
    /// How bad this reason is. Exhaustive: a new reason must be placed here.
    pub fn severity(self) -> Severity {
        match self {
            Reason::InvalidGrant | Reason::InterruptedRefresh | Reason::KeyRejected => {
                Severity::Lost
            }
            Reason::ClientCredentials
            | Reason::KeychainUnsaved
            | Reason::KeychainUnavailable
            | Reason::KeychainCorrupt
            | Reason::PlanInactive => Severity::Trouble,
            Reason::RefreshFailing
            | Reason::ValidationFailing
            | Reason::Unauthorized
            | Reason::ChecksOverdue => Severity::Warning,
            Reason::GapSeen
            | Reason::ApiKeyExpiring
            | Reason::AuthorizationExpiring
            | Reason::ScopesMissing
            | Reason::WebhooksFailing => Severity::Info,
        }
    }

    /// What the person should do about this reason. Exhaustive: a new reason must be placed
    /// here. ([`next_action`] adapts [`NextAction::Reconnect`] to an API key.)
    pub fn next_action(self) -> NextAction {
        match self {
            Reason::InvalidGrant | Reason::InterruptedRefresh | Reason::KeychainCorrupt => {
                NextAction::Reconnect
            }
            Reason::KeyRejected | Reason::ApiKeyExpiring => NextAction::EnterNewApiKey,
            Reason::AuthorizationExpiring | Reason::ScopesMissing => NextAction::Reauthorize,
            Reason::ClientCredentials => NextAction::CheckClientSecret,
            Reason::KeychainUnsaved | Reason::KeychainUnavailable => NextAction::UnlockKeychain,
            Reason::WebhooksFailing => NextAction::FixWebhooks,
            Reason::ChecksOverdue => NextAction::StartKeepalive,
            Reason::PlanInactive => NextAction::CheckPlan,
            Reason::RefreshFailing | Reason::ValidationFailing | Reason::Unauthorized => {
                NextAction::Wait
            }
            Reason::GapSeen => NextAction::None,
        }
    }
}

/// The severity of a state with its reason (a lost connection without a recorded reason is
/// still lost; not connected is nothing to alarm anyone about).
pub fn severity(state: ConnState, reason: Option<Reason>) -> Severity {
    match (state, reason) {
        (ConnState::AuthLost, _) => Severity::Lost,
        (ConnState::Degraded, Some(r)) => r.severity(),
        (ConnState::Degraded, None) => Severity::Warning,
        (ConnState::Healthy | ConnState::NotConnected, _) => Severity::Info,
    }
}

/// The one next step for a state: the rule behind [`crate::Status::next_action`].
pub fn next_action(state: ConnState, reason: Option<Reason>, mode: Option<Mode>) -> NextAction {
    let action = match (state, reason) {
        (ConnState::NotConnected, _) => NextAction::Connect,
        (ConnState::AuthLost, Some(r)) => match r.next_action() {
            // Whatever the reason, a lost connection is only healed by a new login (or key).
            NextAction::EnterNewApiKey => NextAction::EnterNewApiKey,
            NextAction::None
            | NextAction::Wait
            | NextAction::Connect
            | NextAction::Reconnect
            | NextAction::Reauthorize
            | NextAction::CheckClientSecret
            | NextAction::UnlockKeychain
            | NextAction::FixWebhooks
            | NextAction::StartKeepalive
            | NextAction::CheckPlan => NextAction::Reconnect,
        },
        (ConnState::AuthLost, None) => NextAction::Reconnect,
        (ConnState::Degraded, Some(r)) => r.next_action(),
        (ConnState::Degraded, None) => NextAction::Wait,
        (ConnState::Healthy, _) => NextAction::None,
    };
    // An API key has no login: its "reconnect" (or new authorization) is a new key.
    let needs_login = matches!(action, NextAction::Reconnect | NextAction::Reauthorize);
    if needs_login && mode == Some(Mode::ApiKey) {
        NextAction::EnterNewApiKey
    } else {
        action
    }
}

/// Whether the stored connection can still do something at Lexware ("Jetzt erneuern",
/// "Webhooks neu einrichten"): never while it is lost, nothing is connected or its stored
/// credentials are unusable (only a new login or key helps then), so no surface offers those.
pub fn connection_usable(state: ConnState, reason: Option<Reason>) -> bool {
    match state {
        ConnState::Healthy => true,
        ConnState::Degraded => reason.is_none_or(|r| r.next_action() != NextAction::Reconnect),
        ConnState::AuthLost | ConnState::NotConnected => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    /// Every reason, listed by an exhaustive match: adding a `Reason` breaks this function
    /// until it is listed here, and the test then checks it got a severity and an action that
    /// agree with its state.
    fn all_reasons() -> Vec<Reason> {
        let probe = |r: Reason| match r {
            Reason::RefreshFailing
            | Reason::ValidationFailing
            | Reason::Unauthorized
            | Reason::ClientCredentials
            | Reason::KeychainUnsaved
            | Reason::KeychainUnavailable
            | Reason::GapSeen
            | Reason::ApiKeyExpiring
            | Reason::InvalidGrant
            | Reason::KeyRejected
            | Reason::InterruptedRefresh
            | Reason::KeychainCorrupt
            | Reason::ChecksOverdue
            | Reason::WebhooksFailing
            | Reason::AuthorizationExpiring
            | Reason::ScopesMissing
            | Reason::PlanInactive => r,
        };
        [
            Reason::RefreshFailing,
            Reason::ValidationFailing,
            Reason::Unauthorized,
            Reason::ClientCredentials,
            Reason::KeychainUnsaved,
            Reason::KeychainUnavailable,
            Reason::GapSeen,
            Reason::ApiKeyExpiring,
            Reason::InvalidGrant,
            Reason::KeyRejected,
            Reason::InterruptedRefresh,
            Reason::KeychainCorrupt,
            Reason::ChecksOverdue,
            Reason::WebhooksFailing,
            Reason::AuthorizationExpiring,
            Reason::ScopesMissing,
            Reason::PlanInactive,
        ]
        .into_iter()
        .map(probe)
        .collect()
    }

    #[test]
    fn every_reason_has_a_severity_and_a_next_step_that_fit() {
        let all = all_reasons();
        // The list is the whole enum: its JSON names are all distinct and all known.
        let names: std::collections::BTreeSet<String> = all
            .iter()
            .map(|r| serde_json::to_string(r).expect("json"))
            .collect();
        assert_eq!(names.len(), all.len());
        for r in all {
            let (sev, act) = (r.severity(), r.next_action());
            // Lost means a new login or key; nothing else is "lost".
            assert_eq!(
                sev == Severity::Lost,
                matches!(
                    r,
                    Reason::InvalidGrant | Reason::InterruptedRefresh | Reason::KeyRejected
                ),
                "{r:?}"
            );
            if act == NextAction::Reconnect {
                assert!(!connection_usable(ConnState::Degraded, Some(r)), "{r:?}");
            }
            // What lexguard retries by itself asks nothing of the person.
            if act == NextAction::Wait {
                assert_eq!(sev, Severity::Warning, "{r:?}");
            }
            // What is told at once must say what to do.
            if sev.tells_at_once() {
                assert!(!matches!(act, NextAction::None | NextAction::Wait), "{r:?}");
            }
        }
    }

    #[test]
    fn the_two_telling_rules() {
        let t0 = Utc::now();
        for s in [Severity::Lost, Severity::Trouble] {
            assert!(s.tells_at_once() && s.worth_telling(t0, t0), "{s:?}");
        }
        let w = Severity::Warning;
        assert!(!w.tells_at_once());
        assert!(!w.worth_telling(t0, t0 + Duration::minutes(TELL_AFTER_MINUTES - 1)));
        assert!(w.worth_telling(t0, t0 + Duration::minutes(TELL_AFTER_MINUTES)));
        assert!(!Severity::Info.worth_telling(t0, t0 + Duration::days(30)));
    }

    #[test]
    fn the_next_step_follows_the_state_and_the_mode() {
        use ConnState::*;
        let oauth = Some(Mode::OAuth);
        let key = Some(Mode::ApiKey);
        assert_eq!(next_action(NotConnected, None, None), NextAction::Connect);
        assert_eq!(next_action(Healthy, None, oauth), NextAction::None);
        assert_eq!(
            next_action(AuthLost, Some(Reason::InvalidGrant), oauth),
            NextAction::Reconnect
        );
        assert_eq!(
            next_action(AuthLost, Some(Reason::KeyRejected), key),
            NextAction::EnterNewApiKey
        );
        assert_eq!(
            next_action(AuthLost, Some(Reason::InvalidGrant), key),
            NextAction::EnterNewApiKey
        );
        assert_eq!(
            next_action(Degraded, Some(Reason::AuthorizationExpiring), oauth),
            NextAction::Reauthorize
        );
        assert_eq!(
            next_action(Degraded, Some(Reason::ValidationFailing), oauth),
            NextAction::Wait
        );
        assert_eq!(
            next_action(Degraded, Some(Reason::KeychainUnavailable), oauth),
            NextAction::UnlockKeychain
        );
        assert!(!connection_usable(AuthLost, Some(Reason::InvalidGrant)));
        assert!(!connection_usable(NotConnected, None));
        assert!(!connection_usable(Degraded, Some(Reason::KeychainCorrupt)));
        assert!(connection_usable(Degraded, Some(Reason::ApiKeyExpiring)));
        assert!(connection_usable(Healthy, None));
        assert_eq!(severity(AuthLost, None), Severity::Lost);
        assert_eq!(severity(NotConnected, None), Severity::Info);
    }
}
