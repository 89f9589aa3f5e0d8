//! Listing Lexware's event subscriptions and making them match the config.

use super::Engine;
use super::op::Run;
use crate::api::{Bearer, Subscribed};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::i18n::Lang;
use crate::state::WebhookSync;
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
        self.finish(run)?;
        result
    }

    pub(super) async fn sync_with(
        &self,
        run: &mut Run,
        config: &Config,
        bearer: &str,
        prune: bool,
    ) -> Result<Vec<Outcome>> {
        let api = self.api(config);
        let b = Bearer(bearer);
        let existing = api.subscriptions(&b).await?;
        let mut outcomes = Vec::new();
        for step in crate::webhooks::plan(&config.webhooks, &existing, prune) {
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
        run.st.last_webhook_sync = Some(WebhookSync {
            at: run.now,
            outcomes: outcomes.clone(),
        });
        run.events.push(Event::WebhooksSynced {
            outcomes: outcomes.clone(),
        });
        Ok(outcomes)
    }
}

fn outcome(t: &str, u: &str, action: Action, id: Option<String>, error: Option<String>) -> Outcome {
    Outcome {
        event_type: t.into(),
        callback_url: u.into(),
        action,
        subscription_id: id,
        error,
    }
}

fn failed(t: &str, u: &str, e: &Error, lang: Lang) -> Outcome {
    outcome(t, u, Action::Failed, None, Some(e.message(lang)))
}
