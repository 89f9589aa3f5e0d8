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
    /// Waiters take turns in arrival order (tokio's mutex is fair): the API proxy's clients
    /// and lexguard's own calls share the budget first come, first served.
    queue: Arc<tokio::sync::Mutex<()>>,
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
            queue: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Waits until the budget allows one more request.
    pub async fn wait_turn(&self) {
        let _turn = self.queue.lock().await;
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

/// Maps a transport failure to [`crate::Error::Timeout`] or a [`crate::Error::Network`] that
/// names the cause (DNS, unreachable, TLS) and the host, so the message can name the fix. The
/// URL inside reqwest's error is never secret (tokens travel in headers and bodies only).
pub fn transport_error(e: &reqwest::Error) -> crate::Error {
    use crate::error::{NetCause, network_detail};
    if e.is_timeout() {
        return crate::Error::Timeout;
    }
    let causes = source_chain(e);
    let os_says_unreachable = io_errors(e).any(|io| {
        use std::io::ErrorKind::*;
        matches!(
            io.kind(),
            ConnectionRefused | ConnectionReset | HostUnreachable | NetworkUnreachable
        )
    });
    let io_timeout = io_errors(e).any(|io| io.kind() == std::io::ErrorKind::TimedOut);
    if io_timeout {
        return crate::Error::Timeout;
    }
    let cause = match NetCause::classify(&causes) {
        NetCause::Other if os_says_unreachable => NetCause::Unreachable,
        c => c,
    };
    let host = e.url().and_then(|u| {
        let host = u.host_str()?;
        Some(match u.port() {
            Some(p) if cause != NetCause::Dns => format!("{host}:{p}"),
            _ => host.to_string(),
        })
    });
    crate::Error::Network(network_detail(cause, host.as_deref(), &causes))
}

/// The sources below reqwest's own "error sending request for url (...)": where the cause is.
fn source_chain(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&s.to_string());
        source = s.source();
    }
    if text.is_empty() {
        text = e.to_string();
    }
    text
}

fn io_errors(e: &reqwest::Error) -> impl Iterator<Item = &std::io::Error> {
    std::iter::successors(std::error::Error::source(e), |s| s.source())
        .filter_map(|s| s.downcast_ref::<std::io::Error>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{NetCause, net::net_cause};

    async fn fail(url: &str) -> crate::Error {
        let e = Http::new()
            .client
            .get(url)
            .send()
            .await
            .expect_err("must fail");
        transport_error(&e)
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable_and_named() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let e = fail(&format!("http://127.0.0.1:{port}/v1/profile")).await;
        let crate::Error::Network(detail) = &e else {
            panic!("network error: {e:?}")
        };
        assert_eq!(
            net_cause(detail),
            (NetCause::Unreachable, Some(format!("127.0.0.1:{port}")))
        );
        assert!(e.message(crate::Lang::De).contains("nicht erreichbar"));
    }

    #[tokio::test]
    async fn tls_to_a_plain_http_server_is_a_tls_problem() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut s, _)) = listener.accept().await {
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            }
        });
        let e = fail(&format!("https://127.0.0.1:{port}/")).await;
        let crate::Error::Network(detail) = &e else {
            panic!("network error: {e:?}")
        };
        assert_eq!(net_cause(detail).0, NetCause::Tls, "{detail}");
    }
}
