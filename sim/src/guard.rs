//! What happens to every request outside `/_sim/*` before its handler runs: counting,
//! injected faults (drop, delay, fail, 429 — in that order), then the real rate limit, the
//! handler, the faults that hit an executed request's answer (delay, truncate, drop after),
//! and afterwards the request log.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Notify;

use crate::faults::{After, Failure};
use crate::oauth::parse_basic;
use crate::ratelimit::TokenBucket;
use crate::responses::{gateway_message, regular_error, too_many_requests};
use crate::state::{Inner, Shared};

/// Per-connection handle the server puts into each request's extensions: notifying it makes
/// the connection task drop the connection without answering.
#[derive(Clone)]
pub(crate) struct ConnKill(pub(crate) Arc<Notify>);

pub(crate) fn is_control_path(path: &str) -> bool {
    path == "/_sim" || path.starts_with("/_sim/")
}

/// Bucket key of a request, or `None` for requests the limit does not apply to
/// (the browser-facing authorize and copy-code pages).
fn bucket_key(inner: &Inner, path: &str, headers: &HeaderMap) -> Option<String> {
    if path == "/oauth2/authorize" || path == "/copy-code" {
        return None;
    }
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = match auth {
        Some(a) => match parse_basic(a) {
            Some((client_id, _)) => Some(format!("client:{client_id}")),
            None => crate::oauth::parse_bearer(headers).and_then(|t| inner.bearer_bucket(t)),
        },
        None => None,
    };
    Some(key.unwrap_or_else(|| "anonymous".to_owned()))
}

enum Verdict {
    Pass,
    Fail(Failure),
    Injected429(Option<u64>),
    Limited,
}

pub(crate) async fn guard(State(sh): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if is_control_path(&path) {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_owned();

    let (dropped, delay) = {
        let mut inner = sh.lock();
        inner.counters.requests += 1;
        let dropped = inner.faults.take_drop();
        if dropped {
            inner.log_request(&method, &path, 0);
            (true, None)
        } else {
            (false, inner.faults.take_delay(&path))
        }
    };
    if dropped {
        if let Some(kill) = req.extensions().get::<ConnKill>() {
            kill.0.notify_one();
        }
        // The connection task drops this future together with the connection.
        return std::future::pending::<Response>().await;
    }
    if let Some(ms) = delay {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    let kill = req.extensions().get::<ConnKill>().cloned();
    let (verdict, after) = {
        let mut inner = sh.lock();
        let verdict = verdict(&mut inner, &path, req.headers());
        let after = if matches!(verdict, Verdict::Pass) {
            inner.faults.take_after(&path)
        } else {
            None
        };
        (verdict, after)
    };

    let resp = match verdict {
        Verdict::Pass => next.run(req).await,
        Verdict::Fail(Failure::Status(status)) => {
            let now = sh.lock().now();
            regular_error(now, status, &path, "Simulated failure", &[])
        }
        Verdict::Fail(Failure::Disguised429) => gateway_message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error or rate limit exceeded",
        ),
        Verdict::Injected429(retry_after) => {
            let now = sh.lock().now();
            too_many_requests(now, &path, retry_after)
        }
        Verdict::Limited => {
            let now = sh.lock().now();
            too_many_requests(now, &path, None)
        }
    };
    let resp = match after {
        Some(After::GatewayTimeout) => {
            // The handler ran to the end (the answer is complete, any change made); the
            // gateway then hands the client a timeout instead.
            let (_, body) = resp.into_parts();
            let _ = axum::body::to_bytes(body, 1 << 20).await;
            gateway_message(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out")
        }
        _ => resp,
    };
    match after {
        None | Some(After::GatewayTimeout) => {}
        Some(After::Delay(ms)) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Some(After::Truncate) => {
            sh.lock()
                .log_request(&method, &path, resp.status().as_u16());
            return truncate(resp).await;
        }
        Some(After::Drop) => {
            sh.lock().log_request(&method, &path, 0);
            if let Some(kill) = kill {
                kill.0.notify_one();
            }
            return std::future::pending::<Response>().await;
        }
    }
    sh.lock()
        .log_request(&method, &path, resp.status().as_u16());
    resp
}

/// Fault checks, the real rate limit included, in the documented order.
fn verdict(inner: &mut Inner, path: &str, headers: &HeaderMap) -> Verdict {
    if let Some(failure) = inner.faults.take_fail(path) {
        Verdict::Fail(failure)
    } else if let Some(retry_after) = inner.faults.take_rate_limit() {
        Verdict::Injected429(retry_after)
    } else if !inner.cfg.rate_limit {
        Verdict::Pass
    } else if let Some(key) = bucket_key(inner, path, headers) {
        let now = inner.now();
        let allowed = inner
            .buckets
            .entry(key)
            .or_insert_with(|| TokenBucket::full(now))
            .try_take(now);
        if allowed {
            Verdict::Pass
        } else {
            inner.counters.rate_limited += 1;
            Verdict::Limited
        }
    } else {
        Verdict::Pass
    }
}

/// The answer's headers with the full `Content-Length`, then half its body, then the
/// connection closes (the body stream fails, so hyper aborts the connection).
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let full = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let claimed = full.len().max(1);
    let sent = full.slice(..full.len() / 2);
    parts.headers.insert(header::CONTENT_LENGTH, claimed.into());
    let chunks = futures_util::stream::unfold(0u8, move |step| {
        let sent = sent.clone();
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(sent), 1)),
                1 => {
                    // Lets hyper flush the partial body before the connection is aborted.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(std::io::Error::other("truncated on purpose")), 2))
                }
                _ => None,
            }
        }
    });
    Response::from_parts(parts, axum::body::Body::from_stream(chunks))
}
