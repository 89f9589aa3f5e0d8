//! The one HTTP client and the one request budget of the whole process.
//!
//! Lexware allows 2 requests per second per client across all endpoints; above it, calls are
//! refused with 429 and not executed. Every request (OAuth and API) waits for the shared
//! `governor` bucket first.

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Http {
    pub client: reqwest::Client,
    budget: Arc<DefaultDirectRateLimiter>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Http")
    }
}

impl Http {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            // OAuth endpoints must not follow redirects (a redirect could leak the code).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("lexguard/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        // 2 per second, one at a time: spaced 500 ms, never a burst the server could refuse.
        let quota = Quota::with_period(Duration::from_millis(500))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::MIN);
        Self {
            client,
            budget: Arc::new(RateLimiter::direct(quota)),
        }
    }

    /// Waits until the budget allows one more request.
    pub async fn wait_turn(&self) {
        self.budget.until_ready().await;
    }
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

/// `Retry-After` in seconds (the HTTP-date form is treated as absent).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Maps a transport failure; the URL inside reqwest's error is never secret (tokens travel
/// in headers and bodies only).
pub fn transport_error(e: &reqwest::Error) -> crate::Error {
    if e.is_timeout() {
        crate::Error::Timeout
    } else {
        crate::Error::Network(without_url(e))
    }
}

fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
