//! The cheap validity check (`GET /v1/profile`), what its answers mean, and the API key's
//! expiry warnings.

use super::Engine;
use super::op::Run;
use crate::api::{Bearer, Profile};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::secret::ApiKey;
use crate::state::{Mode, Reason};
use crate::store::{ApiKeyRecord, TokenSet};

/// Consecutive 401s after a successful refresh before the connection counts as lost.
pub(super) const UNAUTHORIZED_LIMIT: u32 = 3;
/// API-key warning levels, days before the 24 months run out.
pub(super) const KEY_WARN_DAYS: [i64; 3] = [30, 7, 1];

impl Engine {
    /// `GET /v1/profile`; on 401 refresh once and retry once.
    pub(super) async fn validate_oauth(
        &self,
        run: &mut Run,
        tokens: &mut TokenSet,
        refreshed: &mut bool,
    ) -> bool {
        let config = self.config();
        let api = self.api(&config);
        let mut result = api.profile(&Bearer(tokens.access.expose())).await;
        if matches!(result, Err(Error::Unauthorized)) && !*refreshed {
            tracing::info!("401 with an unexpired token: refreshing once");
            match self.refresh_in(run, tokens).await {
                Ok(new) => {
                    *tokens = new;
                    *refreshed = true;
                    result = api.profile(&Bearer(tokens.access.expose())).await;
                }
                Err(_) => return false,
            }
        }
        self.after_validation(run, result, Reason::Unauthorized)
    }

    /// A restricted key that may not read the profile is checked by listing the
    /// subscriptions (what lexguard needs it for); its 401 still means the key is dead.
    pub(super) async fn validate_key(&self, run: &mut Run, key: &ApiKey) -> bool {
        let config = self.config();
        let api = self.api(&config);
        let result = if run.st.key_limited {
            api.subscriptions(&Bearer(key.expose()))
                .await
                .map(|_| crate::api::Profile::default())
        } else {
            api.profile(&Bearer(key.expose())).await
        };
        self.after_validation(run, result, Reason::KeyRejected)
    }

    pub(super) fn after_validation(
        &self,
        run: &mut Run,
        result: Result<Profile>,
        lost_reason: Reason,
    ) -> bool {
        match result {
            Ok(p) => {
                run.st.last_validated_at = Some(run.now);
                run.st.unauthorized_streak = 0;
                if matches!(
                    run.st.problem,
                    Some(Reason::ValidationFailing | Reason::Unauthorized | Reason::RefreshFailing)
                ) {
                    run.st.problem = None;
                }
                run.st.failures = 0;
                run.st.next_attempt_at = None;
                if p.company_name.is_some() {
                    run.st.company = p.company_name.clone();
                }
                run.st.organization_id = p.organization_id.or(run.st.organization_id.take());
                run.st.connection_id = p.connection_id.or(run.st.connection_id.take());
                run.events.push(Event::Validated {
                    company: run.st.company.clone(),
                });
                true
            }
            Err(Error::Unauthorized) if run.st.mode == Some(Mode::ApiKey) => {
                // A 401 can be a short outage at Lexware: only a streak means the key is dead.
                run.st.unauthorized_streak = run.st.unauthorized_streak.saturating_add(1);
                if run.st.unauthorized_streak >= UNAUTHORIZED_LIMIT {
                    run.st.auth_lost_at = Some(run.now);
                    run.st.auth_lost_reason = Some(lost_reason);
                    run.events.push(Event::AuthLost {
                        reason: lost_reason,
                    });
                } else {
                    self.record_failure(run, &Error::Unauthorized, Reason::Unauthorized, None);
                }
                false
            }
            Err(Error::Unauthorized) => {
                // OAuth: the refresh just worked, so the grant is alive. Only `invalid_grant`
                // means the connection is lost; this is Lexware refusing the calls (scopes,
                // plan, deactivated app) and heals when they pass again.
                run.st.unauthorized_streak = run.st.unauthorized_streak.saturating_add(1);
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
    pub(super) fn check_grant(&self, run: &mut Run, tokens: &TokenSet) {
        run.st.missing_scopes = crate::trouble_words::missing_scopes(
            self.config().lexware.scope.as_deref(),
            tokens.scope.as_deref(),
        );
        let Some(end) = crate::status::authorization_end(&run.st) else {
            return;
        };
        let days_left = (end - run.now).num_days();
        if let Some(level) = KEY_WARN_DAYS
            .iter()
            .copied()
            .filter(|d| days_left < *d)
            .min()
            && run.st.authorization_warned_days.is_none_or(|w| level < w)
        {
            run.st.authorization_warned_days = Some(level);
            run.events.push(Event::AuthorizationExpiring {
                days: days_left.max(0),
                expires_at: end,
            });
        }
    }

    pub(super) fn check_key_expiry(&self, run: &mut Run, key: &ApiKeyRecord) {
        let expires = key.expires_at();
        run.st.api_key_expires_at = Some(expires);
        run.st.api_key_end_assumed = key.end_is_assumed();
        let days_left = (expires - run.now).num_days();
        if let Some(level) = KEY_WARN_DAYS
            .iter()
            .copied()
            .filter(|d| days_left < *d)
            .min()
            && run.st.api_key_warned_days.is_none_or(|w| level < w)
        {
            run.st.api_key_warned_days = Some(level);
            run.events.push(Event::ApiKeyExpiring {
                days: days_left.max(0),
                expires_at: expires,
            });
        }
    }
}
