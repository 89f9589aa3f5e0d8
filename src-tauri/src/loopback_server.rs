//! The HTTP side of the loopback redirect (RFC 8252 §7.3, §8): small and suspicious. It
//! answers one path; a redirect without the `state` of the login that is open now is refused
//! with a plain page and never handed on; at most [`Limits::connections`] connections at once,
//! one request each, whose head must arrive within [`Limits::header_timeout`]; and when the
//! login ends (success or its lifetime), every open connection is dropped with it, so nobody
//! can keep the port open by holding a connection.

use futures_util::future::BoxFuture;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connections: usize,
    /// For the request head; the connection is closed after one answer.
    pub header_timeout: Duration,
    /// The longest the listener runs (the pending login's lifetime).
    pub lifetime: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 8,
            header_timeout: Duration::from_secs(10),
            lifetime: Duration::from_secs(u64::from(lexguard::contract::LOGIN_LIFETIME_SECS)),
        }
    }
}

/// What a redirect with the right state led to: whether the login is done, and the page.
pub struct Reply {
    pub done: bool,
    pub html: String,
}

/// Hands a checked redirect (the full address, as a person would paste it) to the engine.
pub type OnRedirect = Arc<dyn Fn(String) -> BoxFuture<'static, Reply> + Send + Sync>;
/// The page for a refused redirect: `missing` (no state at all) or a state of another login.
pub type RefusedPage = Arc<dyn Fn(bool) -> String + Send + Sync>;

/// The `state` the open login expects; a new login replaces it.
pub type Expected = Arc<Mutex<String>>;

/// Serves until a redirect completes the login or `limits.lifetime` is over.
pub async fn serve(
    listener: TcpListener,
    path: String,
    base: String,
    expected: Expected,
    limits: Limits,
    on_redirect: OnRedirect,
    refused: RefusedPage,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(1);
    // Dropping the set at the end aborts every connection still open.
    let mut connections = tokio::task::JoinSet::new();
    let until = tokio::time::sleep(limits.lifetime);
    tokio::pin!(until);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut until => break,
            _ = done_rx.recv() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::debug!(error = %e, "loopback accept failed");
                    continue;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        // Full: close at once rather than queue (a browser retries, a flood does not matter).
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::debug!("loopback connection refused: too many open");
            continue;
        };
        let ctx = Ctx {
            path: path.clone(),
            base: base.clone(),
            expected: expected.clone(),
            on_redirect: on_redirect.clone(),
            refused: refused.clone(),
            done: done_tx.clone(),
        };
        let header_timeout = limits.header_timeout;
        connections.spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |req| {
                let ctx = ctx.clone();
                async move { Ok::<_, std::convert::Infallible>(ctx.answer(req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(false)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "loopback connection ended");
            }
        });
    }
    tracing::info!("loopback listener stopped");
}

#[derive(Clone)]
struct Ctx {
    path: String,
    base: String,
    expected: Expected,
    on_redirect: OnRedirect,
    refused: RefusedPage,
    done: tokio::sync::mpsc::Sender<()>,
}

impl Ctx {
    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if req.method() != Method::GET || req.uri().path() != self.path {
            return html(StatusCode::NOT_FOUND, String::new());
        }
        let query = req.uri().query().unwrap_or_default().to_string();
        let state = url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        let expected = self
            .expected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match state {
            None => {
                tracing::warn!("loopback redirect without state refused");
                return html(StatusCode::BAD_REQUEST, (self.refused)(true));
            }
            Some(s) if s.is_empty() || s != expected => {
                tracing::warn!("loopback redirect with another login's state refused");
                return html(StatusCode::BAD_REQUEST, (self.refused)(false));
            }
            Some(_) => {}
        }
        // Its own task: the code exchange finishes even if the browser goes away meanwhile.
        let pasted = format!("{}?{query}", self.base);
        let reply = match tokio::spawn((self.on_redirect)(pasted)).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "loopback login task failed");
                return html(StatusCode::INTERNAL_SERVER_ERROR, (self.refused)(false));
            }
        };
        if reply.done {
            let _ = self.done.try_send(());
        }
        html(StatusCode::OK, reply.html)
    }
}

fn html(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    resp
}

#[cfg(test)]
mod tests;
