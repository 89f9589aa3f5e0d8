//! RFC 8252 loopback redirect: when `redirect_uri` is `http://127.0.0.1:PORT/...`, lexguard
//! listens there while a login is open, and the browser hands over the code itself: no pasting.
//! The code is exchanged at once (it dies after 5 minutes). Only a redirect carrying the
//! `state` of the login open now is handed on (the core checks it again); the HTTP side and
//! its limits are in [`crate::loopback_server`].

use crate::error::IpcError;
use crate::ipc::CONNECT_EVENT;
use crate::loopback_server::{Expected, Limits, OnRedirect, RefusedPage, Reply, serve};
use crate::models::{ConnectResult, LoopbackOutcome};
use lexguard::Engine;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Emitter, Runtime};

/// What the running listener serves, while one runs: the `state` it expects and the engine
/// (connection) whose login that is. A second login, of this connection or another one,
/// replaces both: the redirect goes to the connection whose login is open now.
struct Active {
    expected: Expected,
    engine: Arc<Mutex<Engine>>,
}

static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// The address to listen on, when the redirect URI is a loopback `http` one: the core's rule
/// ([`lexguard::contract::loopback::redirect_target`]), the same `doctor` checks.
pub fn loopback_target(redirect_uri: &str) -> Option<(SocketAddr, String)> {
    lexguard::contract::loopback::redirect_target(redirect_uri).map(|t| (t.addr, t.path))
}

/// Starts listening if the redirect URI asks for it; `false` when not (or the port is taken:
/// then pasting still works). `login_url` is the link just made: its `state` is the only one
/// the listener lets through.
pub async fn start<R: Runtime>(
    app: AppHandle<R>,
    engine: Engine,
    redirect_uri: &str,
    login_url: &str,
) -> bool {
    let Some((addr, path)) = loopback_target(redirect_uri) else {
        return false;
    };
    let Some(state) = state_of(login_url) else {
        tracing::warn!("login link without state; not listening on the loopback");
        return false;
    };
    let (expected, target) = {
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(a) = active.as_ref() {
            *a.expected.lock().unwrap_or_else(|e| e.into_inner()) = state;
            *a.engine.lock().unwrap_or_else(|e| e.into_inner()) = engine;
            return true;
        }
        let expected = Arc::new(Mutex::new(state));
        let target = Arc::new(Mutex::new(engine.clone()));
        *active = Some(Active {
            expected: expected.clone(),
            engine: target.clone(),
        });
        (expected, target)
    };
    let listener = match std::net::TcpListener::bind(addr)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .and_then(tokio::net::TcpListener::from_std)
    {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(%addr, error = %e, "loopback redirect port not available; pasting still works");
            *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = None;
            return false;
        }
    };
    let base = redirect_uri
        .split('?')
        .next()
        .unwrap_or(redirect_uri)
        .to_string();
    let lang = engine.lang();
    let on_redirect: OnRedirect = Arc::new(move |pasted: String| {
        let app = app.clone();
        let engine = target.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Box::pin(async move {
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
            Reply {
                done: ok,
                html: page(ok, outcome.error.map(|e| e.message), lang),
            }
        })
    });
    let refused: RefusedPage = Arc::new(move |missing| refused_page(missing, lang));
    tauri::async_runtime::spawn(async move {
        serve(
            listener,
            path,
            base,
            expected,
            Limits::default(),
            on_redirect,
            refused,
        )
        .await;
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = None;
    });
    true
}

/// The `state` parameter of a login link.
fn state_of(login_url: &str) -> Option<String> {
    let url = url::Url::parse(login_url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .filter(|s| !s.is_empty())
}

/// A redirect the listener does not hand on: without state, or from another login.
pub fn refused_page(missing: bool, lang: lexguard::Lang) -> String {
    let text = if missing {
        lang.pick(
            "Diese Weiterleitung enthält keine Anmeldekennung und wurde deshalb nicht angenommen. Bitte starten Sie die Anmeldung in lexguard neu.",
            "This redirect carries no login identifier and was therefore not accepted. Please start the login in lexguard again.",
        )
    } else {
        lang.pick(
            "Diese Weiterleitung gehört nicht zur gerade offenen Anmeldung (vielleicht ein älterer Link) und wurde deshalb nicht angenommen. Bitte verwenden Sie den neuesten Anmeldelink aus lexguard.",
            "This redirect does not belong to the login open right now (perhaps an older link) and was therefore not accepted. Please use the newest login link from lexguard.",
        )
    };
    html_page(
        lang.pick("Anmeldung nicht angenommen", "Login not accepted"),
        text,
        lang,
    )
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
    html_page(title, &text, lang)
}

fn html_page(title: &str, text: &str, lang: lexguard::Lang) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>lexguard</title><body style=\"font-family:sans-serif;max-width:36em;margin:3em auto\"><h1>{}</h1><p>{}</p></body></html>",
        lang.pick("de", "en"),
        escape(title),
        escape(text)
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
        // The cases `doctor` and the window judge alike.
        let (addr, _) = loopback_target("http://localhost/cb").expect("default port");
        assert_eq!(addr.port(), 80);
        let (addr, _) = loopback_target("http://[::1]:8080/cb").expect("ipv6");
        assert!(addr.is_ipv6() && addr.ip().is_loopback());
        assert!(loopback_target("https://localhost/cb").is_none());
        assert!(loopback_target("http://example.com/cb").is_none());
        assert!(loopback_target("http://localhost.evil.com/cb").is_none());
        assert!(loopback_target("https://shop.example/cb").is_none());
        assert!(loopback_target("http://192.168.1.2:80/cb").is_none());
        assert!(loopback_target("not a url").is_none());
    }

    #[test]
    fn the_state_comes_from_the_login_link() {
        assert_eq!(
            state_of(
                "http://127.0.0.1:1/oauth2/authorize?client_id=x&state=abc%2Bd&code_challenge=y"
            )
            .as_deref(),
            Some("abc+d")
        );
        assert_eq!(state_of("http://127.0.0.1:1/oauth2/authorize?state="), None);
        assert_eq!(state_of("http://127.0.0.1:1/oauth2/authorize"), None);
    }

    #[test]
    fn refusals_are_plain_german_pages() {
        let missing = refused_page(true, lexguard::Lang::De);
        assert!(missing.contains("Anmeldung nicht angenommen"), "{missing}");
        assert!(missing.contains("keine Anmeldekennung"), "{missing}");
        let other = refused_page(false, lexguard::Lang::De);
        assert!(other.contains("neuesten Anmeldelink"), "{other}");
    }
}
