//! What every request of the local API proxy shares (the engine, the local key, the stats,
//! the cached bearer, the queue) and the proxy's own JSON answer. Below both the server
//! (`proxy.rs`) and one request (`forward.rs`), so neither imports the other's insides.

use super::{ShareStats, TokenJson};
use crate::engine::Engine;
use crate::error::Result;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a bearer is used before the engine is asked again (it refreshes when due).
const BEARER_FOR: Duration = Duration::from_secs(30);

/// What every request handler shares.
pub(super) struct Proxy {
    pub(super) engine: Engine,
    /// Required on TCP; `None` on the unix socket (the file mode guards it).
    pub(super) key: Option<String>,
    pub(super) stats: Arc<ShareStats>,
    pub(super) bearer: BearerCache,
    /// Requests waiting for the budget right now (for the 30 s promise).
    pub(super) queued: std::sync::atomic::AtomicUsize,
    /// The turns in the connection's budget, round the clients.
    pub(super) fair: Arc<super::fair_queue::FairQueue>,
}

/// The bearer the proxy sends, asked of the engine at most every 30 s (single-flight: the
/// mutex is held while the engine answers).
#[derive(Default)]
pub(super) struct BearerCache {
    inner: tokio::sync::Mutex<Option<(TokenJson, Instant)>>,
}

impl BearerCache {
    pub(super) async fn current(&self, engine: &Engine) -> Result<String> {
        let mut cached = self.inner.lock().await;
        if let Some((t, at)) = &*cached
            && at.elapsed() < BEARER_FOR
            && t.expires_at.is_none_or(|e| e > engine.now())
        {
            return Ok(t.access_token.clone());
        }
        let t = engine.token_json(None).await?;
        let bearer = t.access_token.clone();
        *cached = Some((t, Instant::now()));
        Ok(bearer)
    }

    /// After a 401 for `rejected`: a renewed bearer, or the one someone else renewed meanwhile.
    pub(super) async fn renew(&self, engine: &Engine, rejected: &str) -> Result<String> {
        let mut cached = self.inner.lock().await;
        if let Some((t, _)) = &*cached
            && t.access_token != rejected
        {
            return Ok(t.access_token.clone());
        }
        // A failed renewal (the connection is lost) leaves no bearer: the next request asks
        // the engine again and gets its verdict instead of sending a dead token.
        *cached = None;
        let t = engine.renew_rejected(rejected).await?;
        let bearer = t.access_token.clone();
        *cached = Some((t, Instant::now()));
        Ok(bearer)
    }
}

/// A JSON answer of the proxy itself: `{"message": …}` (what Lexware's errors carry too).
pub(super) fn message(status: StatusCode, text: &str) -> Response {
    let body = serde_json::json!({ "message": text }).to_string();
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
