//! Webhook deliveries: a signed POST to every subscription of the event type, retried on the
//! simulator clock with Lexware's schedule, and the deletion rules.
//!
//! One worker task per simulator runs every attempt that is due (simulator clock), one at a
//! time in due order. It wakes when an event is queued, when the clock is advanced, and when
//! the next retry falls due in real time. The state lock is never held across an attempt.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header;
use serde::Serialize;
use url::Url;

use crate::model::{DeliveryOutcome, DeliveryRecord, DeliveryResult, Job};
use crate::state::{Inner, Shared};
use crate::util::{add_secs, is_loopback_host, iso};

/// Gaps (seconds) before retry 1, 2, ...: 10, 20, 40, 80, 160 s, then 30 min, then 20 more
/// every 2 h. 26 retries, the last 146 110 s (about 40.6 h) after the first attempt.
pub const RETRY_GAPS_SECS: [i64; 26] = [
    10, 20, 40, 80, 160, 1800, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200,
    7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200, 7200,
];

/// The receiver must answer within this.
const ATTEMPT_TIMEOUT_SECS: u64 = 5;
/// 3xx answers are followed at most this often, then the delivery ends (never retried).
const MAX_REDIRECTS: u32 = 3;
/// Delivery records kept for [`crate::Control::deliveries`].
const RECORDS_CAP: usize = 10_000;

/// The body Lexware POSTs, field order as in the contract; serialized compactly once and
/// signed and sent as those exact bytes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventBody<'a> {
    organization_id: &'a str,
    event_type: &'a str,
    resource_id: &'a str,
    event_date: String,
}

impl Inner {
    /// Queues one delivery per subscription of `event_type` (any owner: events belong to the
    /// organization), due now. Returns how many.
    pub(crate) fn queue_event(&mut self, event_type: &str, resource_id: &str) -> usize {
        let now = self.now();
        let body = serde_json::to_vec(&EventBody {
            organization_id: &self.organization_id,
            event_type,
            resource_id,
            event_date: iso(now),
        })
        .unwrap_or_default();
        let jobs: Vec<Job> = self
            .subscriptions
            .iter()
            .filter(|s| s.event_type == event_type)
            .map(|s| Job {
                subscription_id: s.id.clone(),
                callback_url: s.callback_url.clone(),
                event_type: event_type.to_owned(),
                resource_id: resource_id.to_owned(),
                body: body.clone(),
                attempt: 0,
                due: now,
            })
            .collect();
        let n = jobs.len();
        self.jobs.extend(jobs);
        self.wake.notify_one();
        n
    }

    /// No attempt running and none due on the simulator clock (jobs of deleted
    /// subscriptions do not count: they are dropped, not attempted).
    pub(crate) fn deliveries_idle(&self) -> bool {
        let now = self.now();
        !self.in_flight
            && !self.jobs.iter().any(|j| {
                j.due <= now && self.subscriptions.iter().any(|s| s.id == j.subscription_id)
            })
    }

    /// Scheduled attempts whose subscription still exists.
    pub(crate) fn pending_jobs(&self) -> usize {
        self.jobs
            .iter()
            .filter(|j| self.subscriptions.iter().any(|s| s.id == j.subscription_id))
            .count()
    }

    /// The earliest due job whose subscription still exists (others are dropped: a deleted
    /// subscription gets no more attempts); marks an attempt as running.
    fn take_due_job(&mut self) -> Option<Job> {
        let now = self.now();
        let subs = &self.subscriptions;
        self.jobs
            .retain(|j| subs.iter().any(|s| s.id == j.subscription_id));
        let idx = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.due <= now)
            .min_by_key(|(_, j)| j.due)
            .map(|(i, _)| i)?;
        self.in_flight = true;
        Some(self.jobs.remove(idx))
    }

    /// Time until the next job falls due, if any.
    fn next_due_in(&self) -> Option<Duration> {
        let now = self.now();
        let next = self.jobs.iter().map(|j| j.due).min()?;
        Some((next - now).to_std().unwrap_or(Duration::ZERO))
    }

    /// Applies the contract's rules to an attempt's result.
    fn settle_attempt(&mut self, job: Job, result: DeliveryResult) {
        let delete = |inner: &mut Inner| {
            inner.subscriptions.retain(|s| s.id != job.subscription_id);
        };
        let gap = RETRY_GAPS_SECS.get(job.attempt as usize).copied();
        let (outcome, next) = match (&result, gap) {
            (DeliveryResult::Answered { status }, _) if (200..300).contains(status) => {
                (DeliveryOutcome::Delivered, None)
            }
            (DeliveryResult::Answered { status: 410 }, _) => {
                delete(self);
                (DeliveryOutcome::SubscriptionDeleted, None)
            }
            (DeliveryResult::Redirected { .. }, _) => (DeliveryOutcome::GaveUp, None),
            (_, Some(gap)) => (
                DeliveryOutcome::RetryScheduled,
                Some(add_secs(job.due, gap)),
            ),
            (DeliveryResult::Answered { status: 404 } | DeliveryResult::Unreachable, None) => {
                delete(self);
                (DeliveryOutcome::SubscriptionDeleted, None)
            }
            (_, None) => (DeliveryOutcome::GaveUp, None),
        };
        if self.deliveries.len() >= RECORDS_CAP {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(DeliveryRecord {
            subscription_id: job.subscription_id.clone(),
            event_type: job.event_type.clone(),
            resource_id: job.resource_id.clone(),
            callback_url: job.callback_url.clone(),
            attempt: job.attempt,
            at: job.due,
            result,
            outcome,
            next_attempt_at: next,
        });
        if let Some(due) = next {
            self.jobs.push(Job {
                attempt: job.attempt + 1,
                due,
                ..job
            });
        }
        self.in_flight = false;
    }
}

/// Runs for the simulator's lifetime (aborted when the `Sim` is dropped).
pub(crate) async fn worker(sh: Arc<Shared>) {
    loop {
        let job = sh.lock().take_due_job();
        let Some(job) = job else {
            // Capped so a clock moved backwards or a far-future retry cannot stall it.
            let wait = sh
                .lock()
                .next_due_in()
                .unwrap_or(Duration::from_secs(3600))
                .min(Duration::from_secs(3600));
            tokio::select! {
                () = sh.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
            sh.progress.send_modify(|n| *n = n.wrapping_add(1));
            continue;
        };
        let result = attempt(&sh, &job).await;
        sh.lock().settle_attempt(job, result);
        sh.progress.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// One POST (plus up to 3 redirects) with the signature over the exact body bytes.
async fn attempt(sh: &Shared, job: &Job) -> DeliveryResult {
    let Ok(mut url) = Url::parse(&job.callback_url) else {
        return DeliveryResult::Unreachable;
    };
    let signature = sh.key.sign(&job.body);
    let mut followed = 0;
    loop {
        // The simulator contacts loopback hosts only: anything else is "DNS failure".
        if !is_loopback_host(&url) {
            return DeliveryResult::Unreachable;
        }
        let sent = sh
            .http
            .post(url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header("X-Lxo-Signature", &signature)
            .body(job.body.clone())
            .timeout(Duration::from_secs(ATTEMPT_TIMEOUT_SECS))
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return DeliveryResult::Timeout,
            Err(_) => return DeliveryResult::Unreachable,
        };
        let status = resp.status().as_u16();
        if !resp.status().is_redirection() {
            return DeliveryResult::Answered { status };
        }
        let next = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| url.join(l).ok());
        match next {
            Some(next) if followed < MAX_REDIRECTS => {
                followed += 1;
                url = next;
            }
            _ => return DeliveryResult::Redirected { status, followed },
        }
    }
}

/// Waits until no attempt runs and none is due on the simulator clock.
pub(crate) async fn settle(sh: &Shared) {
    let mut rx = sh.progress.subscribe();
    sh.wake.notify_one();
    loop {
        if sh.lock().deliveries_idle() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_the_contracts() {
        assert_eq!(&RETRY_GAPS_SECS[..6], &[10, 20, 40, 80, 160, 1800]);
        assert_eq!(RETRY_GAPS_SECS[6..].len(), 20);
        assert!(RETRY_GAPS_SECS[6..].iter().all(|g| *g == 7200));
        assert_eq!(RETRY_GAPS_SECS.iter().sum::<i64>(), 146_110);
    }

    #[test]
    fn the_body_is_compact_and_in_contract_order() {
        let body = serde_json::to_string(&EventBody {
            organization_id: "o",
            event_type: "token.revoked",
            resource_id: "r",
            event_date: "d".into(),
        })
        .expect("json");
        assert_eq!(
            body,
            r#"{"organizationId":"o","eventType":"token.revoked","resourceId":"r","eventDate":"d"}"#
        );
    }
}
