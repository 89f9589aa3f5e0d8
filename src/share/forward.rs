//! One proxied request: wait in the one budget, add the bearer, send, and deal with Lexware's
//! answers the way lexguard's own calls do. A 401 gets one renewal (single-flight across the
//! proxy and across processes) and one retry; a second is passed on and the connection checked
//! at once. A 429 (and a 500 that says "rate limit") was not executed: it is waited for and
//! retried a few times, then passed on. Any other 5xx is never repeated, and a disguised 429
//! only for reads: a POST/PUT/PATCH/DELETE behind a 5xx may have done its work.
//!
//! Bodies up to 1 MiB are held so a retry can send them again; larger ones (file uploads)
//! stream straight through and are sent once.

use super::fair_queue::Client;
use super::proxy_state::{Proxy, message};
use crate::engine::TickCause;
use crate::error::Error;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// A request that would wait longer than this for the budget gets a 429 at once.
const MAX_WAIT: Duration = Duration::from_secs(30);
/// The budget's spacing (2 requests per second), for the wait estimate.
const SPACING: Duration = Duration::from_millis(crate::contract::REQUEST_SPACING_MS);
const REPLAY_LIMIT: usize = 1024 * 1024;
const MAX_429_RETRIES: u32 = 3;
const MAX_INLINE_WAIT: Duration = Duration::from_secs(10);

/// Never forwarded in either direction (RFC 9110 §7.6.1), plus what the proxy sets itself.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
];

/// The request body: held (may be sent again) or streamed (sent once).
enum Payload {
    Held(Bytes),
    Stream(Option<Body>),
}

impl Payload {
    fn replayable(&self) -> bool {
        matches!(self, Payload::Held(_))
    }

    fn take(&mut self) -> Option<reqwest::Body> {
        match self {
            Payload::Held(b) => Some(reqwest::Body::from(b.clone())),
            Payload::Stream(body) => body
                .take()
                .map(|b| reqwest::Body::wrap_stream(b.into_data_stream())),
        }
    }
}

pub(super) async fn forward(proxy: &Proxy, req: Request) -> Response {
    let client = req
        .extensions()
        .get::<axum::extract::ConnectInfo<Client>>()
        .map_or_else(Client::unknown, |c| c.0.clone());
    let (parts, body) = req.into_parts();
    let base = proxy.engine.config().lexware.api_url;
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{target}", base.trim_end_matches('/'));
    let headers = without_hop_by_hop(&parts.headers, true);
    let mut payload = if fits_in_memory(&parts.headers) {
        match axum::body::to_bytes(body, REPLAY_LIMIT).await {
            Ok(b) => Payload::Held(b),
            Err(_) => {
                return message(
                    StatusCode::BAD_REQUEST,
                    "lexguard proxy: the request body could not be read.",
                );
            }
        }
    } else {
        Payload::Stream(Some(body))
    };
    let idempotent = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut renewed = false;
    let mut retries = 0u32;
    let mut waited = false;
    loop {
        let bearer = match proxy.bearer.current(&proxy.engine).await {
            Ok(b) => b,
            Err(e) => return no_connection(proxy, &e),
        };
        if let Err(busy) = wait_turn(proxy, &client, &mut waited).await {
            return busy;
        }
        let Some(body) = payload.take() else {
            return message(
                StatusCode::BAD_GATEWAY,
                "lexguard proxy: body already sent.",
            );
        };
        let sent = proxy
            .engine
            .http()
            .client
            .request(parts.method.clone(), &url)
            .headers(headers.clone())
            .bearer_auth(&bearer)
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return transport(proxy, &e),
        };
        match resp.status().as_u16() {
            401 if !renewed => {
                renewed = true;
                let renewal = proxy.bearer.renew(&proxy.engine, &bearer).await;
                if let Err(e) = &renewal {
                    note(
                        proxy,
                        &format!("401, renewal failed: {}", e.message(crate::Lang::En)),
                    );
                }
                if renewal.is_ok() && payload.replayable() {
                    continue;
                }
                return pass(resp);
            }
            401 => {
                note(
                    proxy,
                    "Lexware refused the renewed token (401); checking the connection",
                );
                let engine = proxy.engine.clone();
                tokio::spawn(async move {
                    let _ = engine.tick(TickCause::Manual).await;
                });
                return pass(resp);
            }
            429 if retries < MAX_429_RETRIES && payload.replayable() => {
                let wait = crate::http::retry_after(resp.headers())
                    .map(Duration::from_secs)
                    .unwrap_or(SPACING * (1 << retries));
                retries += 1;
                tokio::time::sleep(wait.min(MAX_INLINE_WAIT)).await;
            }
            500 => {
                let status = resp.status();
                let resp_headers = without_hop_by_hop(resp.headers(), false);
                let bytes = resp.bytes().await.unwrap_or_default();
                let disguised = String::from_utf8_lossy(&bytes)
                    .to_ascii_lowercase()
                    .contains("rate limit");
                if disguised && idempotent && retries < MAX_429_RETRIES && payload.replayable() {
                    retries += 1;
                    tokio::time::sleep(SPACING * (1 << retries)).await;
                    continue;
                }
                note(proxy, "Lexware answered 500");
                let mut out = Response::new(Body::from(bytes));
                *out.status_mut() = status;
                *out.headers_mut() = resp_headers;
                return out;
            }
            s => {
                if s >= 500 {
                    note(proxy, &format!("Lexware answered {s}"));
                }
                return pass(resp);
            }
        }
    }
}

/// A body that is announced small (or absent) is held for a possible retry.
fn fits_in_memory(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match length {
        Some(n) => n <= REPLAY_LIMIT,
        None => !headers.contains_key(header::TRANSFER_ENCODING),
    }
}

/// Waits in the connection's one budget (fair turns round the clients, shared with
/// lexguard's own calls); a wait that would pass
/// 30 s is answered with 429 and `Retry-After` instead. A request that waited is counted once
/// (`waited`), however often it is retried.
async fn wait_turn(
    proxy: &Proxy,
    client: &Client,
    waited: &mut bool,
) -> std::result::Result<(), Response> {
    struct Leave<'a>(&'a std::sync::atomic::AtomicUsize);
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let ahead = proxy.queued.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave(&proxy.queued);
    if let Some(wait) = too_long(ahead) {
        return Err(too_busy(wait));
    }
    let started = Instant::now();
    match tokio::time::timeout(MAX_WAIT, proxy.fair.turn(client.clone())).await {
        Ok(()) => {
            if started.elapsed() > Duration::from_millis(20) && !*waited {
                *waited = true;
                proxy.stats.update(|s| s.waited += 1);
            }
            Ok(())
        }
        Err(_) => Err(too_busy(MAX_WAIT)),
    }
}

/// The wait a request with `ahead` requests before it would have, when that is over 30 s.
fn too_long(ahead: usize) -> Option<Duration> {
    let estimate =
        SPACING.saturating_mul(u32::try_from(ahead.saturating_add(1)).unwrap_or(u32::MAX));
    (estimate > MAX_WAIT).then_some(estimate)
}

fn too_busy(wait: Duration) -> Response {
    let mut resp = message(
        StatusCode::TOO_MANY_REQUESTS,
        "lexguard proxy: Lexware allows 2 requests per second for this connection and the queue is longer than 30 seconds; please retry later.",
    );
    let secs = wait.as_secs().max(1);
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

/// The headers to pass on: no hop-by-hop ones (nor those the `Connection` header names), and
/// towards Lexware neither the client's `Authorization` nor `Host`.
fn without_hop_by_hop(headers: &HeaderMap, upstream: bool) -> HeaderMap {
    let named: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        let n = name.as_str();
        let dropped = HOP_BY_HOP.contains(&n)
            || named.iter().any(|x| x == n)
            || (upstream && (name == header::AUTHORIZATION || name == header::HOST));
        if !dropped {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// Lexware's answer, streamed back.
fn pass(resp: reqwest::Response) -> Response {
    let status = resp.status();
    let headers = without_hop_by_hop(resp.headers(), false);
    let mut out = Response::new(Body::from_stream(resp.bytes_stream()));
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    out
}

fn note(proxy: &Proxy, what: &str) {
    let what = what.to_string();
    proxy.stats.update(|s| s.last_error = Some(what));
}

fn transport(proxy: &Proxy, e: &reqwest::Error) -> Response {
    let err = crate::http::transport_error(e);
    let text = format!("lexguard proxy: {}", err.message(crate::Lang::En));
    note(proxy, &text);
    let status = if matches!(err, Error::Timeout) {
        StatusCode::GATEWAY_TIMEOUT
    } else {
        StatusCode::BAD_GATEWAY
    };
    message(status, &text)
}

/// lexguard holds no usable connection (lost, not connected, keychain trouble): 503 with
/// what lexguard says about it.
fn no_connection(proxy: &Proxy, e: &Error) -> Response {
    let text = format!("lexguard proxy: {}", e.message(crate::Lang::En));
    note(proxy, &text);
    message(StatusCode::SERVICE_UNAVAILABLE, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_and_the_clients_authorization_stay_behind() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer local"),
        );
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8478"));
        h.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-private"),
        );
        h.insert("x-private", HeaderValue::from_static("1"));
        h.insert(
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let up = without_hop_by_hop(&h, true);
        assert_eq!(up.len(), 1, "{up:?}");
        assert!(up.contains_key(header::CONTENT_TYPE));
        let down = without_hop_by_hop(&h, false);
        assert!(down.contains_key(header::AUTHORIZATION) && !down.contains_key("x-private"));
    }

    #[test]
    fn a_queue_longer_than_30_seconds_is_answered_429_with_retry_after() {
        assert_eq!(too_long(0), None);
        assert_eq!(too_long(59), None, "60 × 500 ms is exactly 30 s");
        assert_eq!(too_long(60), Some(Duration::from_millis(30_500)));
        assert!(too_long(usize::MAX).is_some());
        let resp = too_busy(Duration::from_millis(30_500));
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "30");
    }

    #[test]
    fn small_or_absent_bodies_are_held_large_ones_stream() {
        let mut h = HeaderMap::new();
        assert!(fits_in_memory(&h));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("5242880"));
        assert!(!fits_in_memory(&h));
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("120"));
        assert!(fits_in_memory(&h));
        let mut chunked = HeaderMap::new();
        chunked.insert(
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        );
        assert!(!fits_in_memory(&chunked));
    }
}
