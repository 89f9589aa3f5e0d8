//! The cheap validity check (`GET /v1/profile`, or the subscription list: see `probe`), what
//! its answers mean, and the API key's expiry warnings.

use super::Engine;
use super::op::Operation;
use super::probe::{Answer, Probe};
use crate::api::Profile;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::secret::ApiKey;
use crate::state::{Mode, Reason};
use crate::store::{ApiKeyRecord, TokenSet};

/// API-key warning levels, days before the 24 months run out.
pub(super) const KEY_WARN_DAYS: [i64; 3] = [30, 7, 1];

impl Engine {
    /// A check (`probe`: the profile or the subscription list); on 401 refresh once and ask
    /// once more. `None`: the check failed (what that means is recorded).
    pub(super) async fn validate_oauth(
        &self,
        run: &mut Operation,
        tokens: &mut TokenSet,
        refreshed: &mut bool,
        probe: Probe,
    ) -> Option<Answer> {
        let mut result = self
            .read_for_check(tokens.access.expose(), probe, false)
            .await;
        if matches!(result, Err(Error::Unauthorized)) && !*refreshed {
            tracing::info!("401 with an unexpired token: refreshing once");
            match self.refresh_in(run, tokens).await {
                Ok(new) => {
                    *tokens = new;
                    *refreshed = true;
                    result = self
                        .read_for_check(tokens.access.expose(), probe, false)
                        .await;
                }
                Err(_) => return None,
            }
        }
        self.after_check(run, result)
    }

    /// A check with the public API key (a restricted key that may not read the profile is
    /// checked by listing the subscriptions, what lexguard needs it for). A 401 is asked once
    /// more (a short hiccup at Lexware looks the same): a second 401 means Lexware no longer
    /// accepts the key.
    pub(super) async fn validate_key(
        &self,
        run: &mut Operation,
        key: &ApiKey,
        probe: Probe,
    ) -> Option<Answer> {
        let limited = run.st.key_limited();
        let mut result = self.read_for_check(key.expose(), probe, limited).await;
        if matches!(result, Err(Error::Unauthorized)) {
            tracing::info!("401 for the API key: asking once more");
            result = self.read_for_check(key.expose(), probe, limited).await;
        }
        self.after_check(run, result)
    }

    /// A 401 met outside a check (listing or syncing the webhooks): for an API key it is
    /// asked once more, as in a check, so a dead key ends the connection here too and the
    /// person hears the key's own words. Anything else passes through unchanged.
    pub(super) async fn confirm_refusal<T>(
        &self,
        run: &mut Operation,
        result: Result<T>,
    ) -> Result<T> {
        if !matches!(result, Err(Error::Unauthorized)) || run.st.mode() != Some(Mode::ApiKey) {
            return result;
        }
        let Ok(super::credentials::Creds::Key(record)) = self.load_creds(run).await else {
            return result;
        };
        let again = self
            .read_for_check(record.key.expose(), Probe::Profile, run.st.key_limited())
            .await;
        let refused = matches!(again, Err(Error::Unauthorized));
        self.after_check(run, again);
        if refused {
            Err(Error::KeyRejected)
        } else {
            result
        }
    }

    /// [`Engine::after_validation`] for a check's answer, which is handed back (a list goes on
    /// to the webhook watch).
    fn after_check(&self, run: &mut Operation, result: Result<Answer>) -> Option<Answer> {
        match result {
            Ok(answer) => {
                self.after_validation(run, Ok(answer.profile()));
                Some(answer)
            }
            Err(e) => {
                self.after_validation(run, Err(e));
                None
            }
        }
    }

    /// What a check's answer means. A 401 here is final: for an API key it was asked twice
    /// (the key is dead or replaced: the connection ends), for a token pair the refresh just
    /// worked (the grant lives; Lexware refuses the calls: scopes, plan, a deactivated app —
    /// it heals when they pass again).
    pub(super) fn after_validation(&self, run: &mut Operation, result: Result<Profile>) -> bool {
        match result {
            Ok(p) => {
                run.st.confirmed(run.now, Some(&p));
                run.events.push(Event::Validated {
                    company: run.st.company().map(str::to_owned),
                });
                true
            }
            Err(Error::Unauthorized) if run.st.mode() == Some(Mode::ApiKey) => {
                if run.st.lost(run.now, Reason::KeyRejected) {
                    run.events.push(Event::AuthLost {
                        reason: Reason::KeyRejected,
                    });
                }
                false
            }
            Err(e) if plan_inactive(&e) => {
                tracing::warn!("402 from Lexware: the plan does not include API access now");
                run.st.plan_refused(run.now);
                false
            }
            Err(Error::Unauthorized) => {
                run.st.unauthorized_seen();
                self.record_failure(run, &Error::Unauthorized, Reason::Unauthorized, None);
                false
            }
            Err(e) => {
                self.record_failure(run, &e, Reason::ValidationFailing, None);
                false
            }
        }
    }

    /// The grant's life: when the authorization ends (two years after it was granted: warned
    /// 30, 7 and 1 days ahead, once each) and whether the configured scopes grew past it.
    pub(super) fn check_grant(&self, run: &mut Operation, tokens: &TokenSet) {
        run.st
            .scopes_compared(crate::text::trouble_words::missing_scopes(
                self.config().lexware.scope.as_deref(),
                tokens.scope.as_deref(),
            ));
        let Some(end) = crate::status::authorization_end(&run.st) else {
            return;
        };
        let days_left = (end - run.now).num_days();
        if let Some(level) = KEY_WARN_DAYS
            .iter()
            .copied()
            .filter(|d| days_left < *d)
            .min()
            && run.st.authorization_warned(level)
        {
            run.events.push(Event::AuthorizationExpiring {
                days: days_left.max(0),
                expires_at: end,
            });
        }
    }

    pub(super) fn check_key_expiry(&self, run: &mut Operation, key: &ApiKeyRecord) {
        let expires = key.expires_at();
        run.st.api_key_held(expires, key.end_is_assumed());
        let days_left = (expires - run.now).num_days();
        if let Some(level) = KEY_WARN_DAYS
            .iter()
            .copied()
            .filter(|d| days_left < *d)
            .min()
            && run.st.api_key_warned(level)
        {
            run.events.push(Event::ApiKeyExpiring {
                days: days_left.max(0),
                expires_at: expires,
            });
        }
    }
}

/// Lexware's 402 ("contract"): the organization's plan does not include API access right now
/// (a trial that ended, a cancelled subscription). The credentials are fine, so it is neither
/// a 401 (no refresh) nor a transient failure (no backoff): its own reason.
pub(super) fn plan_inactive(e: &Error) -> bool {
    matches!(e, Error::Rejected { status: 402, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_402_means_the_plan_is_inactive() {
        let rejected = |status| Error::Rejected {
            status,
            detail: String::new(),
        };
        assert!(plan_inactive(&rejected(402)));
        for other in [400, 403, 404, 406, 409] {
            assert!(!plan_inactive(&rejected(other)), "{other}");
        }
        assert!(!plan_inactive(&Error::Unauthorized));
        // Met outside a check (an API key's connect, a webhook sync): the same plain words,
        // never Lexware's raw text.
        let e = Error::Rejected {
            status: 402,
            detail: "Payment Required".into(),
        };
        let de = e.message(crate::Lang::De);
        assert!(
            de.starts_with("Ihr Lexware-Tarif erlaubt gerade keinen API-Zugriff"),
            "{de}"
        );
        assert!(!de.contains("Payment Required"), "{de}");
        assert!(e.message(crate::Lang::En).starts_with("Your Lexware plan"));
        assert!(!plan_inactive(&Error::Server { status: 502 }));
        assert!(!plan_inactive(&Error::RateLimited {
            retry_after_secs: None
        }));
    }
}
