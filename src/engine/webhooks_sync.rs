//! Listing Lexware's event subscriptions and making them match the config.

use super::Engine;
use super::op::Operation;
use super::probe::Listing;
use crate::api::{Bearer, Subscribed};
use crate::config::Config;
use crate::config::Repair;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::text::i18n::Lang;
use crate::webhooks::{Action, Outcome, Step};

/// Existing subscriptions and what the config wants.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookListing {
    pub existing: Vec<crate::api::Subscription>,
    pub desired: Vec<crate::config::WebhookSpec>,
}

impl Engine {
    /// Lists existing subscriptions and the desired ones.
    pub async fn webhooks_list(&self) -> Result<WebhookListing> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        let bearer = self.bearer_in(&mut run, false).await;
        let result = match bearer {
            Ok(b) => self.api(&config).subscriptions(&Bearer(&b)).await,
            Err(e) => Err(e),
        };
        if result.is_ok() {
            // Lexware answered with the current credentials: that is a check.
            run.st.confirmed(run.now, None);
        }
        let result = self.confirm_refusal(&mut run, result).await;
        self.finish(run)?;
        Ok(WebhookListing {
            existing: result?,
            desired: config.webhooks,
        })
    }

    /// Makes Lexware's subscriptions match the config.
    pub async fn webhooks_sync(&self, prune: bool) -> Result<Vec<Outcome>> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        let result = match self.bearer_in(&mut run, false).await {
            Ok(bearer) => self.sync_with(&mut run, &config, &bearer, prune).await,
            Err(e) => Err(e),
        };
        let result = self.confirm_refusal(&mut run, result).await;
        self.finish(run)?;
        result
    }

    pub(super) async fn sync_with(
        &self,
        run: &mut Operation,
        config: &Config,
        bearer: &str,
        prune: bool,
    ) -> Result<Vec<Outcome>> {
        let api = self.api(config);
        let existing = api.subscriptions(&Bearer(bearer)).await?;
        // Lexware answered with the current credentials: that is a check.
        run.st.confirmed(run.now, None);
        let steps = crate::webhooks::plan(&config.webhooks, &existing, prune);
        let outcomes = self.apply(config, bearer, steps).await;
        self.record(run, &outcomes, false);
        Ok(outcomes)
    }

    /// Carries out a plan, one request per step (a create is never blindly repeated: see
    /// [`crate::api::Api::subscribe`]).
    async fn apply(&self, config: &Config, bearer: &str, steps: Vec<Step>) -> Vec<Outcome> {
        let api = self.api(config);
        let b = Bearer(bearer);
        let mut outcomes = Vec::new();
        for step in steps {
            let outcome = match step {
                Step::Keep(s) => outcome(
                    &s.event_type,
                    &s.callback_url,
                    Action::Kept,
                    Some(s.subscription_id),
                    None,
                ),
                Step::LeaveAlone(s) => outcome(
                    &s.event_type,
                    &s.callback_url,
                    Action::Unmanaged,
                    Some(s.subscription_id),
                    None,
                ),
                Step::Create(w) => match api.subscribe(&b, &w.event_type, &w.callback_url).await {
                    Ok(Subscribed::Created(id)) => outcome(
                        &w.event_type,
                        &w.callback_url,
                        Action::Created,
                        Some(id),
                        None,
                    ),
                    // Lexware's 409: the identical one is there (made elsewhere, or by a
                    // create whose answer was lost).
                    Ok(Subscribed::AlreadyThere(id)) => {
                        outcome(&w.event_type, &w.callback_url, Action::Kept, Some(id), None)
                    }
                    Err(e) => failed(&w.event_type, &w.callback_url, &e, self.lang()),
                },
                Step::Replace { old, new } => {
                    let done = match api.unsubscribe(&b, &old.subscription_id).await {
                        Ok(()) => api
                            .subscribe(&b, &new.event_type, &new.callback_url)
                            .await
                            .map(Subscribed::id),
                        Err(e) => Err(e),
                    };
                    match done {
                        Ok(id) => outcome(
                            &new.event_type,
                            &new.callback_url,
                            Action::Repaired,
                            Some(id),
                            None,
                        ),
                        Err(e) => failed(&new.event_type, &new.callback_url, &e, self.lang()),
                    }
                }
                Step::Remove(s) => match api.unsubscribe(&b, &s.subscription_id).await {
                    Ok(()) => outcome(
                        &s.event_type,
                        &s.callback_url,
                        Action::Removed,
                        Some(s.subscription_id),
                        None,
                    ),
                    Err(e) => failed(&s.event_type, &s.callback_url, &e, self.lang()),
                },
            };
            outcomes.push(outcome);
        }
        outcomes
    }

    /// The outcomes of a sync (after a connect, a person's "set up again", or the watch) as
    /// the last sync, the history, and the webhook health.
    fn record(&self, run: &mut Operation, outcomes: &[Outcome], by_watch: bool) {
        // What was set up before: only those can have been removed by Lexware.
        let was_set_up = crate::webhooks::set_up_in(last_outcomes(&run.st));
        let newly_failing = run.st.webhooks_synced(run.now, outcomes);
        run.events.push(Event::WebhooksSynced {
            outcomes: outcomes.to_vec(),
        });
        for p in newly_failing {
            run.events.push(Event::WebhookFailing {
                event_type: p.event_type,
                callback_url: p.callback_url,
                reason: p.reason,
            });
        }
        if by_watch {
            // A webhook just added to config.toml is set up for the first time, not
            // "restored": Lexware never had it.
            let restored: Vec<&Outcome> = outcomes
                .iter()
                .filter(|o| matches!(o.action, Action::Created | Action::Repaired))
                .filter(|o| was_set_up.contains(&(o.event_type.clone(), o.callback_url.clone())))
                .collect();
            if !restored.is_empty() {
                let types = restored.iter().map(|o| o.event_type.clone()).collect();
                run.st.webhooks_restored(run.now, types);
            }
            for o in restored {
                run.events.push(Event::WebhookRestored {
                    event_type: o.event_type.clone(),
                    callback_url: o.callback_url.clone(),
                });
            }
        }
    }

    /// Whether the webhook watch is due: every `webhooks_every` (and after a gap), only while
    /// the connection works, and never during a backoff.
    pub(super) fn webhook_watch_due(
        &self,
        st: &crate::state::Persisted,
        now: chrono::DateTime<chrono::Utc>,
        gap: bool,
    ) -> bool {
        let schedule = self.schedule();
        let every = super::op::dur(schedule.webhooks_every);
        // The watch rides on the checks: it may come up to half a check period early, so the
        // check nearest to its time is the one that lists (not always the one after it, which
        // would let the watch drift later every hour). With checks rarer than the watch it
        // makes its own check, on time.
        let check = super::op::dur(schedule.validate_every);
        let slack = if check <= every {
            check / 2
        } else {
            chrono::Duration::zero()
        };
        let due = st
            .webhook_health()
            .checked_at
            .is_none_or(|t| now - t + slack >= every || t > now);
        let in_backoff = st.in_backoff(now);
        !self.config().webhooks.is_empty()
            && (due || gap)
            && !in_backoff
            && st.auth_lost_at().is_none()
            && st.problem().is_none()
    }

    /// The watch is due and checks are rarer than it (`validate_every` above
    /// `webhooks_every`): it does not wait for the next check, it makes this tick's check (its
    /// list, see `probe`).
    pub(super) fn watch_makes_a_check(
        &self,
        st: &crate::state::Persisted,
        now: chrono::DateTime<chrono::Utc>,
        gap: bool,
    ) -> bool {
        let schedule = self.schedule();
        schedule.validate_every > schedule.webhooks_every && self.webhook_watch_due(st, now, gap)
    }

    /// The webhook watch: when due, one list call; what Lexware removed or changed is set up
    /// again (`repair = "auto"`) or reported (`"ask"`). It rides on the checks: `checked` says
    /// this tick checked the connection, and `listing` whether the check was the list (see
    /// `probe`), which is then not asked again. A watch that falls due between two checks
    /// waits for the next one (at most `validate_every`, when that is the shorter time), so
    /// its list stays that check instead of a request on top.
    pub(super) async fn watch_webhooks_if_due(
        &self,
        run: &mut Operation,
        bearer: &str,
        gap: bool,
        checked: bool,
        listing: Listing,
    ) {
        let config = self.config();
        let existing = match listing {
            // A key that may not read the profile is always checked by a list: the watch
            // looks at it every time, at no cost.
            Listing::Listed(list) if !config.webhooks.is_empty() => list,
            Listing::Refused => return,
            _ if !checked || !self.webhook_watch_due(&run.st, run.now, gap) => return,
            _ => match self.api(&config).subscriptions(&Bearer(bearer)).await {
                Ok(list) => {
                    // Lexware answered with the current credentials: that is a check too.
                    run.st.confirmed(run.now, None);
                    list
                }
                Err(e) => {
                    tracing::warn!(kind = e.kind(), "webhook check failed; trying again later");
                    return;
                }
            },
        };
        let steps = crate::webhooks::plan(&config.webhooks, &existing, false);
        let needs_work = steps
            .iter()
            .any(|s| matches!(s, Step::Create(_) | Step::Replace { .. }));
        if !needs_work {
            run.st.webhooks_present(run.now);
            return;
        }
        match config.webhooks_policy.repair {
            Repair::Auto => {
                let outcomes = self.apply(&config, bearer, steps).await;
                self.record(run, &outcomes, true);
            }
            Repair::Ask => {
                let missing: Vec<String> = steps
                    .iter()
                    .filter_map(|s| match s {
                        Step::Create(w) | Step::Replace { new: w, .. } => {
                            Some(w.event_type.clone())
                        }
                        _ => None,
                    })
                    .collect();
                // Only one that was set up can have been removed by Lexware: no "entfernt"
                // notice for a webhook just added to config.toml.
                let was_set_up = crate::webhooks::set_up_in(last_outcomes(&run.st));
                let removed = |t: &String| was_set_up.iter().any(|(e, _)| e == t);
                let known = &run.st.webhook_health().missing;
                let news: Vec<String> = missing
                    .iter()
                    .filter(|t| !known.contains(t) && removed(t))
                    .cloned()
                    .collect();
                for t in news {
                    run.events.push(Event::WebhookMissing { event_type: t });
                }
                run.st.webhooks_missing(run.now, missing);
            }
        }
    }
}

fn outcome(t: &str, u: &str, action: Action, id: Option<String>, error: Option<String>) -> Outcome {
    Outcome {
        status: None,
        error_kind: None,
        event_type: t.into(),
        callback_url: u.into(),
        action,
        subscription_id: id,
        error,
        detail: None,
    }
}

/// A failure in plain words: Lexware's callback check (406) says what to fix. Lexware's own
/// text (English, technical) never goes into the sentence: it is `detail`, for "Details".
fn failed(t: &str, u: &str, e: &Error, lang: Lang) -> Outcome {
    let text = match e {
        Error::Rejected { status: 406, .. } => lang.pick(
            format!("Lexware konnte Ihre Adresse {u} nicht erreichen: Lexware prüft sie vor dem Einrichten mit einer HEAD-Anfrage und erwartet eine Antwort 2xx. Bitte sorgen Sie dafür, dass sie öffentlich per HTTPS erreichbar ist. (Lexware: 406)"),
            format!("Lexware could not reach your address {u}: Lexware checks it with a HEAD request before setting it up and expects a 2xx answer. Please make it publicly reachable over HTTPS. (Lexware: 406)"),
        ),
        Error::Rejected { status, .. } => lang.pick(
            format!("Lexware hat das Einrichten abgelehnt ({status}). Bitte prüfen Sie Ereignis und Adresse in config.toml."),
            format!("Lexware refused to set it up ({status}). Please check the event and the address in config.toml."),
        ),
        other => other.message(lang),
    };
    let (status, detail) = match e {
        Error::Rejected { status, detail } => (Some(*status), Some(detail.clone())),
        Error::Server { status } => (Some(*status), None),
        Error::RateLimited { .. } => (Some(429), None),
        Error::Unauthorized => (Some(401), None),
        _ => (None, None),
    };
    Outcome {
        status,
        error_kind: Some(e.error_kind()),
        detail: detail.filter(|d| !d.trim().is_empty()),
        ..outcome(t, u, Action::Failed, None, Some(text))
    }
}

/// What the last sync did, webhook by webhook (nothing before the first sync).
fn last_outcomes(st: &crate::state::Persisted) -> &[Outcome] {
    st.last_webhook_sync()
        .map_or(&[], |s| s.outcomes.as_slice())
}
