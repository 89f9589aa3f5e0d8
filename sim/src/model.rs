//! The plain records the simulator keeps and hands out: no behaviour beyond tiny accessors,
//! and no imports of other simulator modules, so `state.rs` can hold them without a cycle.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the simulator has seen. Counts only requests outside `/_sim/*`.
///
/// The per-endpoint counts (`profile_calls`, `subscription_*`) count requests that reached
/// their handler (past injected faults and the rate limit), whatever they answered, 401
/// included.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counters {
    /// Successful `authorization_code` grants.
    pub code_exchanges: u32,
    /// Successful `refresh_token` grants.
    pub refreshes: u32,
    /// Token endpoint answers other than 200 (not counting injected faults or 429s).
    pub failed_token_requests: u32,
    /// `POST /oauth2/revoke` answered 200.
    pub revocations: u32,
    pub profile_calls: u32,
    pub subscription_creates: u32,
    pub subscription_deletes: u32,
    pub subscription_lists: u32,
    /// 429s answered by the real token bucket (not injected ones).
    pub rate_limited: u32,
    /// Every request outside `/_sim/*`, including faulted, dropped and rate-limited ones.
    pub requests: u32,
}

/// One request as the simulator saw it. Never holds secrets: no query, body or headers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// Path only, without the query string.
    pub path: String,
    /// Status answered; 0 when the connection was dropped without an answer.
    pub status: u16,
    /// Simulator clock.
    pub at: DateTime<Utc>,
}

/// A subscription as it exists at Lexware.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SubscriptionView {
    pub id: String,
    pub event_type: String,
    pub callback_url: String,
}

/// What one attempt got back.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeliveryResult {
    /// A final answer (after following redirects, if any).
    Answered { status: u16 },
    /// Still a 3xx after following `followed` redirects (or one without a usable Location).
    Redirected { status: u16, followed: u32 },
    /// No answer within 5 s.
    Timeout,
    /// Connection refused, a non-loopback host (the simulator's stand-in for a DNS failure),
    /// or an unusable URL.
    Unreachable,
}

/// What the simulator did after an attempt.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// 2xx.
    Delivered,
    /// Failed; another attempt is scheduled (`next_attempt_at`).
    RetryScheduled,
    /// Ended without deleting the subscription: a 3xx, or the last retry failed with
    /// something other than 404 or unreachable.
    GaveUp,
    /// 410 at once, or 404 / unreachable on the last retry.
    SubscriptionDeleted,
}

/// One attempt, as the simulator saw it (the simulator's record; Lexware offers no log).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub subscription_id: String,
    pub event_type: String,
    pub resource_id: String,
    pub callback_url: String,
    /// 0 for the first attempt, then 1..=26 for the retries.
    pub attempt: u32,
    /// Simulator clock when the attempt was due.
    pub at: DateTime<Utc>,
    pub result: DeliveryResult,
    pub outcome: DeliveryOutcome,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// One delivery attempt waiting for its time (simulator clock); run by `delivery.rs`.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) subscription_id: String,
    pub(crate) callback_url: String,
    pub(crate) event_type: String,
    pub(crate) resource_id: String,
    pub(crate) body: Vec<u8>,
    pub(crate) attempt: u32,
    pub(crate) due: DateTime<Utc>,
}

/// A public API key (see `apikeys.rs`); the secret is its key in `Inner::api_keys`.
#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    /// Not the secret: names the key as the owner of its subscriptions and its rate-limit
    /// bucket, so the secret is kept in one place only.
    pub(crate) id: String,
    pub(crate) expires: DateTime<Utc>,
    /// False once replaced.
    pub(crate) active: bool,
    /// Without the profile permission: 403 on `/v1/profile`, subscriptions still work.
    pub(crate) restricted: bool,
}

impl ApiKey {
    pub(crate) fn owner(&self) -> String {
        format!("api-key:{}", self.id)
    }
}

/// One file the simulator received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upload {
    pub id: String,
    pub file_name: Option<String>,
    pub kind: Option<String>,
    pub size: usize,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}
