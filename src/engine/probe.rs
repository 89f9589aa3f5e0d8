//! What a check reads at Lexware: the profile, or — when the webhook watch is due in the same
//! tick — the subscription list. A list Lexware answers with the current credentials proves
//! them as well as `/v1/profile` does, so the watch's list is that period's check and the tick
//! sends one request instead of two (issue 18: frugal with Lexware's one budget).
//!
//! The profile still has to be read for what only it says: the company name and the
//! organization (shown everywhere, and the wrong-organization guard's proof). It is read at the
//! connect, whenever the organization is not known, and at least once a day.

use super::Engine;
use crate::api::{Bearer, Profile, Subscription};
use crate::error::{Error, Result};
use crate::state::Persisted;
use chrono::{DateTime, Duration, Utc};

/// The profile is read again after this long, even when every check was a list.
const PROFILE_EVERY_HOURS: i64 = 24;

/// Which request a check sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Probe {
    /// `GET /v1/profile`.
    Profile,
    /// `GET /v1/event-subscriptions`: the check and the webhook watch in one request.
    Subscriptions,
}

/// What Lexware answered a check.
#[derive(Debug)]
pub(super) enum Answer {
    Profile(Profile),
    /// The subscriptions as listed; the webhook watch works on them without asking again.
    Listed(Vec<Subscription>),
    /// The list was refused for its scope (403 …); the profile answered the check.
    ListRefused(Profile),
}

/// What the webhook watch gets from this tick's check.
#[derive(Debug)]
pub(super) enum Listing {
    /// The check did not list: the watch asks itself, if it is due.
    NotAsked,
    Listed(Vec<Subscription>),
    /// Lexware refused the list in this tick already: not asked again before the next check.
    Refused,
}

impl Answer {
    /// What the check learned about the organization: nothing, for a list.
    pub(super) fn profile(&self) -> Profile {
        match self {
            Answer::Profile(p) | Answer::ListRefused(p) => p.clone(),
            Answer::Listed(_) => Profile::default(),
        }
    }

    pub(super) fn listing(self) -> Listing {
        match self {
            Answer::Profile(_) => Listing::NotAsked,
            Answer::Listed(list) => Listing::Listed(list),
            Answer::ListRefused(_) => Listing::Refused,
        }
    }
}

/// The profile must be read at this check: the organization is not known, or the last read is
/// a day old. A key that may not read the profile (`key_limited`) is never due: its checks are
/// lists anyway.
pub(super) fn profile_due(st: &Persisted, now: DateTime<Utc>) -> bool {
    !st.key_limited()
        && (st.organization_id().is_none()
            || st
                .profile_read_at()
                .is_none_or(|t| now - t >= Duration::hours(PROFILE_EVERY_HOURS)))
}

impl Engine {
    /// The request for a check in this tick: the subscription list when the webhook watch is
    /// due anyway and the profile is not, otherwise the profile.
    pub(super) fn probe_for(&self, st: &Persisted, now: DateTime<Utc>, gap: bool) -> Probe {
        if self.webhook_watch_due(st, now, gap) && !profile_due(st, now) {
            Probe::Subscriptions
        } else {
            Probe::Profile
        }
    }

    /// One read for a check. `limited`: an API key that may not read the profile, checked
    /// through the list whatever the probe. A list Lexware refuses for another reason than the
    /// credentials or the plan (403: the scope does not include event subscriptions) says
    /// nothing about the connection: the profile answers the check instead, as it did before.
    pub(super) async fn read_for_check(
        &self,
        bearer: &str,
        probe: Probe,
        limited: bool,
    ) -> Result<Answer> {
        let config = self.config();
        let api = self.api(&config);
        let b = Bearer(bearer);
        if probe == Probe::Profile && !limited {
            return api.profile(&b).await.map(Answer::Profile);
        }
        match api.subscriptions(&b).await {
            Ok(list) => Ok(Answer::Listed(list)),
            Err(Error::Rejected { status, .. }) if !limited && status != 402 => {
                tracing::info!(
                    status,
                    "the subscription list was refused; checking the profile"
                );
                api.profile(&b).await.map(Answer::ListRefused)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_read_while_the_organization_is_unknown_and_once_a_day() {
        let now = Utc::now();
        let mut st = Persisted::default();
        assert!(profile_due(&st, now), "nothing known yet");
        let profile = Profile {
            organization_id: Some("org-1".into()),
            company_name: Some("Weiß & Söhne GmbH & Co. KG".into()),
            connection_id: None,
        };
        st.confirmed(now, Some(&profile));
        assert_eq!(st.profile_read_at(), Some(now));
        assert!(!profile_due(&st, now + Duration::hours(23)));
        assert!(profile_due(&st, now + Duration::hours(24)), "a day later");
        // A check through the list confirms, keeps what the profile said and is no profile read.
        let later = now + Duration::hours(1);
        st.confirmed(later, Some(&Answer::Listed(vec![]).profile()));
        assert_eq!(st.last_validated_at(), Some(later));
        assert_eq!(st.profile_read_at(), Some(now));
        assert_eq!(st.company(), Some("Weiß & Söhne GmbH & Co. KG"));
        assert_eq!(st.organization_id(), Some("org-1"));
        // A key that may not read the profile is never due for it.
        let limited = crate::state::sample(serde_json::json!({ "key_limited": true }));
        assert!(!profile_due(&limited, now + Duration::days(3)));
    }

    #[test]
    fn only_a_list_answer_carries_the_subscriptions() {
        let listing = |a: Answer| a.listing();
        assert!(matches!(
            listing(Answer::Listed(vec![])),
            Listing::Listed(_)
        ));
        assert!(matches!(
            listing(Answer::Profile(Profile::default())),
            Listing::NotAsked
        ));
        let refused = Answer::ListRefused(Profile {
            company_name: Some("Demo GmbH".into()),
            ..Profile::default()
        });
        assert_eq!(refused.profile().company_name.as_deref(), Some("Demo GmbH"));
        assert!(matches!(refused.listing(), Listing::Refused));
    }
}
