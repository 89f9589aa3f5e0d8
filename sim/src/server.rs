//! The listening simulator: routes, its own accept loop, and shutdown on drop.

use std::convert::Infallible;
use std::io;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::config::SimConfig;
use crate::control::Control;
use crate::guard::{ConnKill, guard};
use crate::responses::regular_error;
use crate::signing::WebhookKey;
use crate::state::Shared;
use crate::{api, control_http, delivery, oauth, oauth_token};

/// A running simulator on `127.0.0.1`. Dropping it stops the server and closes its
/// connections.
pub struct Sim {
    url: String,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
    deliveries: JoinHandle<()>,
    /// Dropped with the `Sim`: every connection task sees it and ends.
    _shutdown: watch::Sender<()>,
}

impl Sim {
    /// Starts on a free port of `127.0.0.1`.
    pub async fn start(cfg: SimConfig) -> io::Result<Sim> {
        Self::start_on(cfg, 0).await
    }

    /// Starts on `127.0.0.1:port` (0 = any free port).
    pub async fn start_on(cfg: SimConfig, port: u16) -> io::Result<Sim> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let port = listener.local_addr()?.port();
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(io::Error::other)?;
        let key = match cfg.webhook_key_pem.as_deref() {
            Some(pem) => WebhookKey::from_pem(pem),
            None => WebhookKey::default_key(),
        }
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let shared = Arc::new(Shared::new(cfg, url.clone(), http, key));
        let router = router(shared.clone());
        let (tx, rx) = watch::channel(());
        let accept = tokio::spawn(accept_loop(listener, router, rx));
        let deliveries = tokio::spawn(delivery::worker(shared.clone()));
        tracing::debug!(%url, "lexware-sim started");
        Ok(Sim {
            url,
            shared,
            accept,
            deliveries,
            _shutdown: tx,
        })
    }

    /// `http://127.0.0.1:PORT`: OAuth paths and API paths share this origin.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn control(&self) -> Control {
        Control {
            shared: self.shared.clone(),
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.accept.abort();
        self.deliveries.abort();
    }
}

async fn not_found(State(sh): State<Arc<Shared>>, uri: Uri) -> Response {
    let now = sh.lock().now();
    regular_error(now, 404, uri.path(), "Not Found", &[])
}

async fn method_not_allowed(State(sh): State<Arc<Shared>>, uri: Uri) -> Response {
    let now = sh.lock().now();
    regular_error(now, 405, uri.path(), "Method Not Allowed", &[])
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/oauth2/authorize", get(oauth::authorize))
        .route("/oauth2/token", post(oauth_token::token))
        .route("/oauth2/revoke", post(oauth::revoke))
        .route("/copy-code", get(oauth::copy_code))
        .route("/v1/profile", get(api::profile))
        .route(
            "/v1/files",
            post(crate::files::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/v1/event-subscriptions",
            get(api::list_subscriptions).post(api::create_subscription),
        )
        .route(
            "/v1/event-subscriptions/{id}",
            get(api::get_subscription).delete(api::delete_subscription),
        )
        .nest("/_sim", control_http::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Serves HTTP/1.1 connections. Each gets a [`ConnKill`] so a `drop` fault can close it
/// without an answer, which `axum::serve` cannot do.
async fn accept_loop(listener: TcpListener, router: Router, shutdown: watch::Receiver<()>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let handle = ConnKill(kill.clone());
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(handle.clone());
                let router = router.clone();
                async move {
                    let resp: Result<Response, Infallible> =
                        router.oneshot(req.map(axum::body::Body::new)).await;
                    resp
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                res = conn => {
                    if let Err(e) = res {
                        tracing::debug!(error = %e, "connection ended with error");
                    }
                }
                () = kill.notified() => tracing::debug!("connection dropped on purpose"),
                _ = shutdown.changed() => {}
            }
        });
    }
}
