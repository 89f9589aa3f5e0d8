//! RFC 8252 loopback redirect: when `redirect_uri` is `http://127.0.0.1:PORT/...`, lexguard
//! listens there while a login is open, and the browser hands over the code itself: no pasting.
//! The code is exchanged at once (it dies after 5 minutes); `state` is checked by the core.

use crate::commands::{ConnectResult, IpcError};
use lexguard::Engine;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};

/// The window listens to this event: the outcome of a login completed through the loopback.
pub const CONNECT_EVENT: &str = "lexguard://connect-result";

static LISTENING: AtomicBool = AtomicBool::new(false);

/// How long the listener waits for the browser (the pending login lives 10 minutes).
const LISTEN_FOR: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LoopbackOutcome {
    pub result: Option<ConnectResult>,
    pub error: Option<IpcError>,
}

/// The address to listen on, when the redirect URI is a loopback `http` one.
pub fn loopback_target(redirect_uri: &str) -> Option<(SocketAddr, String)> {
    let url = url::Url::parse(redirect_uri).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let ip: std::net::IpAddr = match url.host()? {
        url::Host::Ipv4(ip) => ip.into(),
        url::Host::Ipv6(ip) => ip.into(),
        url::Host::Domain("localhost") => std::net::Ipv4Addr::LOCALHOST.into(),
        url::Host::Domain(_) => return None,
    };
    if !ip.is_loopback() {
        return None;
    }
    Some((
        SocketAddr::new(ip, url.port_or_known_default()?),
        url.path().to_string(),
    ))
}

/// Starts listening if the redirect URI asks for it; `false` when not (or the port is taken:
/// then pasting still works).
pub async fn start<R: Runtime>(app: AppHandle<R>, engine: Engine, redirect_uri: &str) -> bool {
    let Some((addr, path)) = loopback_target(redirect_uri) else {
        return false;
    };
    if LISTENING.swap(true, Ordering::SeqCst) {
        return true;
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(%addr, error = %e, "loopback redirect port not available; pasting still works");
            LISTENING.store(false, Ordering::SeqCst);
            return false;
        }
    };
    let base = redirect_uri
        .split('?')
        .next()
        .unwrap_or(redirect_uri)
        .to_string();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let done = std::sync::Arc::new(std::sync::Mutex::new(Some(done_tx)));
    let router = axum::Router::new().route(
        &path,
        axum::routing::get(
            move |axum::extract::RawQuery(query): axum::extract::RawQuery| {
                let app = app.clone();
                let engine = engine.clone();
                let base = base.clone();
                let done = done.clone();
                async move {
                    let pasted = format!("{base}?{}", query.unwrap_or_default());
                    let lang = engine.lang();
                    let outcome = match engine.connect(&pasted).await {
                        Ok(r) => LoopbackOutcome {
                            result: Some(ConnectResult::from(r)),
                            error: None,
                        },
                        Err(e) => LoopbackOutcome {
                            result: None,
                            error: Some(IpcError::from_core(&e, lang)),
                        },
                    };
                    let ok = outcome.error.is_none();
                    let _ = app.emit(CONNECT_EVENT, &outcome);
                    if ok && let Some(tx) = done.lock().unwrap_or_else(|e| e.into_inner()).take() {
                        let _ = tx.send(());
                    }
                    axum::response::Html(page(ok, outcome.error.map(|e| e.message), lang))
                }
            },
        ),
    );
    tauri::async_runtime::spawn(async move {
        let stop = async {
            let _ = tokio::time::timeout(LISTEN_FOR, done_rx).await;
        };
        if let Err(e) = axum::serve(listener, router)
            .with_graceful_shutdown(stop)
            .await
        {
            tracing::warn!(error = %e, "loopback listener ended");
        }
        LISTENING.store(false, Ordering::SeqCst);
    });
    true
}

fn page(ok: bool, error: Option<String>, lang: lexguard::Lang) -> String {
    let (title, text) = if ok {
        (
            lang.pick("Verbunden", "Connected"),
            lang.pick(
                "lexguard ist jetzt mit Lexware Office verbunden. Sie können dieses Fenster schließen.",
                "lexguard is now connected to Lexware Office. You can close this window.",
            )
            .to_string(),
        )
    } else {
        (
            lang.pick("Nicht verbunden", "Not connected"),
            error.unwrap_or_default(),
        )
    };
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>lexguard</title><body style=\"font-family:sans-serif;max-width:36em;margin:3em auto\"><h1>{}</h1><p>{}</p></body></html>",
        lang.pick("de", "en"),
        escape(title),
        escape(&text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_is_a_target() {
        let (addr, path) = loopback_target("http://127.0.0.1:8765/callback").expect("loopback");
        assert_eq!(addr.port(), 8765);
        assert_eq!(path, "/callback");
        assert!(loopback_target("http://localhost:9000/cb").is_some());
        assert!(loopback_target("https://shop.example/cb").is_none());
        assert!(loopback_target("http://192.168.1.2:80/cb").is_none());
        assert!(loopback_target("not a url").is_none());
    }
}
