//! The Lexware API calls lexguard needs: the profile (a cheap validity check that also says
//! *which* organization is connected) and event subscriptions.
//!
//! Every request waits for the shared 2 req/s budget. A 429 is retried once after
//! `Retry-After` (or a growing pause); a 401 is returned as [`Error::Unauthorized`] for the
//! caller to refresh once and retry.
//!
//! Lexware's odd answers, as integrators report them: a 429 can come disguised as a 500 whose
//! body says "rate limit exceeded" (treated as 429); a 504 after the gateway's 30 s may have done
//! the work, and a 409 on create means the identical subscription exists — so a create is never
//! blindly repeated: lexguard lists and looks.

use crate::error::{Error, Result};
use crate::http::retry_after;
/// The shared HTTP client every call goes through, and the rule for a transport error's words.
pub use crate::http::{Http, transport_error};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The bearer credential of a call: an access token or a public API key.
pub struct Bearer<'a>(pub &'a str);

pub struct Api<'a> {
    pub base: &'a str,
    pub http: &'a Http,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(default)]
    pub organization_id: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub connection_id: Option<String>,
}

/// A subscription as Lexware lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub subscription_id: String,
    pub event_type: String,
    pub callback_url: String,
}

#[derive(Deserialize)]
struct SubscriptionList {
    #[serde(default)]
    content: Vec<Subscription>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// What a create came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscribed {
    /// Lexware made it (possibly behind a 504): its id.
    Created(String),
    /// Lexware answered 409: the identical subscription was already there.
    AlreadyThere(String),
}

impl Subscribed {
    pub fn id(self) -> String {
        match self {
            Subscribed::Created(id) | Subscribed::AlreadyThere(id) => id,
        }
    }
}

/// How often a 429 is retried within one call before the caller's backoff takes over: once.
/// Lexware slowing down means "fewer requests", so a tick that meets one sends at most a
/// second try and then waits (the backoff), instead of hammering.
const MAX_429_RETRIES: u32 = 1;
/// The longest single wait for `Retry-After` inside a call.
const MAX_INLINE_WAIT: Duration = Duration::from_secs(10);

impl Api<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    /// `repeatable`: the request may be sent again after a 429 (a GET, a DELETE). A POST is
    /// only repeated after a real 429 (Lexware did not execute it), never after a disguised one
    /// (a 500 that might also have been a real failure after the work was done).
    async fn send(
        &self,
        bearer: &Bearer<'_>,
        repeatable: bool,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response> {
        let mut attempt = 0;
        loop {
            self.http.wait_turn().await;
            let resp = build(&self.http.client)
                .bearer_auth(bearer.0)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| transport_error(&e))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let (status, resp, disguised) = if status == 500 {
                let body = resp.text().await.unwrap_or_default();
                if !body.to_ascii_lowercase().contains("rate limit") {
                    return Err(Error::Server { status });
                }
                tracing::debug!("a 500 that says 'rate limit': a 429 in disguise");
                (429, None, true)
            } else {
                (status, Some(resp), false)
            };
            if status == 429 && attempt < MAX_429_RETRIES && (repeatable || !disguised) {
                let wait = retry_after(&headers)
                    .map(Duration::from_secs)
                    .unwrap_or(Duration::from_millis(500 << attempt))
                    .min(MAX_INLINE_WAIT);
                tracing::debug!(attempt, ?wait, "429 from Lexware, waiting");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return match (status, resp) {
                (200..=299, Some(resp)) => Ok(resp),
                (401, _) => Err(Error::Unauthorized),
                (429, _) => Err(Error::RateLimited {
                    retry_after_secs: retry_after(&headers),
                }),
                (_, Some(resp)) if status < 500 => Err(Error::Rejected {
                    status,
                    detail: error_detail(resp).await,
                }),
                _ => Err(Error::Server { status }),
            };
        }
    }

    pub async fn profile(&self, bearer: &Bearer<'_>) -> Result<Profile> {
        let url = self.url("/v1/profile");
        let resp = self.send(bearer, true, |c| c.get(&url)).await?;
        resp.json()
            .await
            .map_err(|_| Error::Protocol("profile: unreadable body".into()))
    }

    pub async fn subscriptions(&self, bearer: &Bearer<'_>) -> Result<Vec<Subscription>> {
        let url = self.url("/v1/event-subscriptions");
        let resp = self.send(bearer, true, |c| c.get(&url)).await?;
        let list: SubscriptionList = resp
            .json()
            .await
            .map_err(|_| Error::Protocol("event-subscriptions: unreadable body".into()))?;
        Ok(list.content)
    }

    /// Creates one subscription and returns its id. A 409 (the identical one exists) or a 504
    /// (the gateway gave up, the work may be done) is answered by listing: if the identical
    /// subscription is there, that is success; a create is never blindly sent twice.
    pub async fn subscribe(
        &self,
        bearer: &Bearer<'_>,
        event_type: &str,
        callback_url: &str,
    ) -> Result<Subscribed> {
        let url = self.url("/v1/event-subscriptions");
        let body = serde_json::json!({"eventType": event_type, "callbackUrl": callback_url});
        let result = self.send(bearer, false, |c| c.post(&url).json(&body)).await;
        let unsure = match result {
            Ok(resp) => {
                let created: Created = resp
                    .json()
                    .await
                    .map_err(|_| Error::Protocol("event-subscriptions: unreadable body".into()))?;
                return Ok(Subscribed::Created(created.id));
            }
            Err(e @ (Error::Rejected { status: 409, .. } | Error::Server { status: 504 })) => e,
            Err(e) => return Err(e),
        };
        let found = self
            .subscriptions(bearer)
            .await?
            .into_iter()
            .find(|s| s.event_type == event_type && s.callback_url == callback_url);
        match (found, &unsure) {
            (Some(s), Error::Rejected { .. }) => Ok(Subscribed::AlreadyThere(s.subscription_id)),
            (Some(s), _) => Ok(Subscribed::Created(s.subscription_id)),
            (None, _) => Err(unsure),
        }
    }

    pub async fn unsubscribe(&self, bearer: &Bearer<'_>, id: &str) -> Result<()> {
        let url = self.url(&format!("/v1/event-subscriptions/{id}"));
        match self.send(bearer, true, |c| c.delete(&url)).await {
            // Already gone is what we wanted.
            Err(Error::Rejected { status: 404, .. }) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

/// The human part of Lexware's error body (regular or legacy), short.
async fn error_detail(resp: reqwest::Response) -> String {
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(m) = body.get("message").and_then(|m| m.as_str()) {
        parts.push(m.to_string());
    }
    if let Some(details) = body.get("details").and_then(|d| d.as_array()) {
        for d in details {
            let field = d.get("field").and_then(|f| f.as_str()).unwrap_or_default();
            let msg = d
                .get("message")
                .or_else(|| d.get("violation"))
                .and_then(|m| m.as_str())
                .unwrap_or_default();
            parts.push(format!("{field}: {msg}"));
        }
    }
    if let Some(issues) = body.get("IssueList").and_then(|d| d.as_array()) {
        for i in issues {
            if let Some(k) = i.get("i18nKey").and_then(|k| k.as_str()) {
                parts.push(k.to_string());
            }
        }
    }
    if parts.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        let mut s = parts.join("; ");
        s.truncate(300);
        s
    }
}
