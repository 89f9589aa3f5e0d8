//! Reconciling the desired event subscriptions (config) with what exists at Lexware.
//!
//! Whether subscriptions survive a revoked connection, and whether Lexware allows two of one
//! event type, is not confirmed: so list first, never create blindly, and a second sync
//! changes nothing.

use crate::api::Subscription;
use crate::config::WebhookSpec;
use serde::{Deserialize, Serialize};

/// The official event types (lower case); the list itself is in [`crate::contract`].
pub use crate::contract::EVENT_TYPES;

/// What one sync did for one subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Did not exist; created.
    Created,
    /// Existed as desired.
    Kept,
    /// Existed with another callback URL; deleted and created anew.
    Repaired,
    /// Not in the config; deleted because of `--prune`.
    Removed,
    /// Not in the config; left alone.
    Unmanaged,
    /// Could not be done; see `error`.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Outcome {
    pub event_type: String,
    pub callback_url: String,
    pub action: Action,
    pub subscription_id: Option<String>,
    pub error: Option<String>,
    /// Lexware's HTTP status when it refused (406: its callback check failed), so surfaces
    /// pick their explanation from a fact, not from the sentence.
    #[serde(default)]
    pub status: Option<u16>,
    /// The error's kind (`network`, `rejected`, `rate_limited`, …) when it failed: one of
    /// the core's [`crate::ErrorKind`]s, never a name of a surface's own.
    #[serde(default)]
    pub error_kind: Option<crate::ErrorKind>,
    /// Lexware's own words about the refusal (English, technical): for "Details" only, never
    /// inside `error` or a notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

/// One step of a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Keep(Subscription),
    Create(WebhookSpec),
    Replace { old: Subscription, new: WebhookSpec },
    Remove(Subscription),
    LeaveAlone(Subscription),
}

/// The steps that turn `existing` into `desired`. Subscriptions of event types not in the
/// config are left alone unless `prune`. Of several of one desired type, one with the right URL
/// is kept; the others count as not managed.
pub fn plan(desired: &[WebhookSpec], existing: &[Subscription], prune: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut used = vec![false; existing.len()];
    for want in desired {
        let same_type: Vec<usize> = (0..existing.len())
            .filter(|&i| !used[i] && existing[i].event_type == want.event_type)
            .collect();
        if let Some(&i) = same_type
            .iter()
            .find(|&&i| existing[i].callback_url == want.callback_url)
        {
            used[i] = true;
            steps.push(Step::Keep(existing[i].clone()));
        } else if let Some(&i) = same_type.first() {
            used[i] = true;
            steps.push(Step::Replace {
                old: existing[i].clone(),
                new: want.clone(),
            });
        } else {
            steps.push(Step::Create(want.clone()));
        }
    }
    for (i, sub) in existing.iter().enumerate() {
        if !used[i] {
            steps.push(if prune {
                Step::Remove(sub.clone())
            } else {
                Step::LeaveAlone(sub.clone())
            });
        }
    }
    steps
}

/// The (event type, callback URL) pairs a sync left set up at Lexware (created, kept or
/// repaired): only these can later have been removed by Lexware. `outcomes` are the last
/// sync's (none before the first).
pub fn set_up_in(outcomes: &[Outcome]) -> Vec<(String, String)> {
    outcomes
        .iter()
        .filter(|o| matches!(o.action, Action::Created | Action::Kept | Action::Repaired))
        .map(|o| (o.event_type.clone(), o.callback_url.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(t: &str, u: &str) -> WebhookSpec {
        WebhookSpec {
            event_type: t.into(),
            callback_url: u.into(),
        }
    }
    fn sub(id: &str, t: &str, u: &str) -> Subscription {
        Subscription {
            subscription_id: id.into(),
            event_type: t.into(),
            callback_url: u.into(),
        }
    }

    #[test]
    fn creates_keeps_repairs_and_leaves_foreign_alone() {
        let desired = [
            spec("invoice.created", "https://a/1"),
            spec("invoice.changed", "https://a/2"),
            spec("contact.created", "https://a/3"),
        ];
        let existing = [
            sub("1", "invoice.created", "https://a/1"),
            sub("2", "invoice.changed", "https://old/2"),
            sub("9", "voucher.created", "https://other/9"),
        ];
        let steps = plan(&desired, &existing, false);
        assert_eq!(
            steps,
            vec![
                Step::Keep(existing[0].clone()),
                Step::Replace {
                    old: existing[1].clone(),
                    new: desired[1].clone()
                },
                Step::Create(desired[2].clone()),
                Step::LeaveAlone(existing[2].clone()),
            ]
        );
        let pruned = plan(&desired, &existing, true);
        assert_eq!(pruned.last(), Some(&Step::Remove(existing[2].clone())));
    }

    #[test]
    fn in_sync_means_only_keeps() {
        let desired = [spec("invoice.created", "https://a/1")];
        let existing = [sub("1", "invoice.created", "https://a/1")];
        assert!(
            plan(&desired, &existing, false)
                .iter()
                .all(|s| matches!(s, Step::Keep(_)))
        );
    }
}
