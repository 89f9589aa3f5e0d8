//! The local API proxy (Vault Proxy): a program points its Lexware library's base URL here;
//! the proxy forwards `{api_url}{path}?{query}` with the method, the headers (minus hop-by-hop
//! and the client's `Authorization`) and the body streamed, adds the real bearer and streams
//! the answer back. On a unix socket (0660 with `[share] group`, else 0600, in a folder checked
//! like the token folder) the file mode decides who may use it; on loopback TCP every request
//! must carry the local key. Every request waits in the one 2 requests/second budget.

use super::config::ProxyAddr;
use super::proxy_state::{BearerCache, Proxy, message};
use super::{ShareStats, forward, local_key};
use crate::engine::Engine;
use crate::error::{Error, Result};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;

/// Runs the proxy beside the keepalive when `[share] proxy` is set (serve, the tray app).
/// A proxy that cannot start is logged loudly and shown in `status`; the keepalive goes on.
pub fn spawn(engine: &Engine) {
    if engine.config().share.proxy_addr().is_some() {
        tokio::spawn(run(engine.clone()));
    }
}

/// [`serve`] with its failure logged and kept for `status` (the tray app spawns this on its
/// own runtime); returns at once without `[share] proxy`.
pub async fn run(engine: Engine) {
    if let Err(e) = serve(engine.clone()).await {
        let text = e.message(crate::Lang::En);
        tracing::error!("API proxy not running: {text}");
        super::stats::note_error(&engine.home().data_dir, &text);
    }
}

/// Binds the configured address and serves until the process ends. A bind failure is
/// returned (the caller logs it loudly and keeps the keepalive running).
pub async fn serve(engine: Engine) -> Result<()> {
    let config = engine.config();
    let Some(addr) = config.share.proxy_addr() else {
        return Ok(());
    };
    let gid = super::group_id(config.share.group.as_deref())?;
    let data_dir = engine.home().data_dir.clone();
    let key = match &addr {
        ProxyAddr::Tcp(_) => Some(local_key::get_or_create(&data_dir, gid)?),
        ProxyAddr::Unix(_) => None,
    };
    let stats = ShareStats::start(
        &data_dir,
        config.share.token_dir().map(|d| d.display().to_string()),
        Some(addr.to_string()),
    );
    let proxy = Arc::new(Proxy {
        engine,
        key,
        stats,
        bearer: BearerCache::default(),
        queued: Default::default(),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(proxy.clone());
    match &addr {
        ProxyAddr::Tcp(a) => {
            let listener = tokio::net::TcpListener::bind(a)
                .await
                .map_err(|e| bind_failed(&addr, e))?;
            tracing::info!(proxy = %addr, "API proxy listening");
            axum::serve(listener, app)
                .await
                .map_err(|e| bind_failed(&addr, e))
        }
        ProxyAddr::Unix(path) => {
            let listener = bind_unix(path, gid)?;
            tracing::info!(proxy = %addr, "API proxy listening");
            axum::serve(listener, app)
                .await
                .map_err(|e| bind_failed(&addr, e))
        }
    }
}

/// The socket in a folder only lexguard may change (made like the token folder), a stale
/// socket of an earlier run replaced, then the mode and group that decide who may connect.
#[cfg(unix)]
fn bind_unix(path: &std::path::Path, gid: Option<u32>) -> Result<tokio::net::UnixListener> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let addr = ProxyAddr::Unix(path.to_path_buf());
    if let Some(dir) = path.parent() {
        super::token_files::prepare(dir, gid)?;
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => {
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
        }
        Ok(_) => {
            return Err(bind_failed(
                &addr,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not a socket"),
            ));
        }
        Err(_) => {}
    }
    let listener = tokio::net::UnixListener::bind(path).map_err(|e| bind_failed(&addr, e))?;
    if let Some(gid) = gid {
        std::os::unix::fs::lchown(path, None, Some(gid)).map_err(|e| Error::io(path, e))?;
    }
    let mode = if gid.is_some() { 0o660 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(path, e))?;
    Ok(listener)
}

#[cfg(not(unix))]
fn bind_unix(path: &std::path::Path, _gid: Option<u32>) -> Result<tokio::net::TcpListener> {
    Err(bind_failed(
        &ProxyAddr::Unix(path.to_path_buf()),
        std::io::Error::new(std::io::ErrorKind::Unsupported, "unix sockets"),
    ))
}

fn bind_failed(addr: &ProxyAddr, e: std::io::Error) -> Error {
    Error::invalid(
        format!(
            "Der API-Proxy kann nicht auf {addr} lauschen ({e}). Bitte prüfen Sie, ob dort schon ein anderes Programm lauscht, oder tragen Sie unter [share] proxy eine andere Adresse ein."
        ),
        format!(
            "The API proxy cannot listen on {addr} ({e}). Please check whether another program listens there already, or set another address under [share] proxy."
        ),
    )
}

async fn handle(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = if let Some(key) = &proxy.key
        && !local_key::matches(
            req.headers()
                .get(header::AUTHORIZATION)
                .and_then(|h| h.to_str().ok()),
            key,
        ) {
        message(
            StatusCode::UNAUTHORIZED,
            "lexguard proxy: send the local key as 'Authorization: Bearer <key>' (lexguard share key prints it).",
        )
    } else {
        forward::forward(&proxy, req).await
    };
    let status = resp.status().as_u16();
    proxy.stats.update(|s| {
        s.requests += 1;
        if status == 429 {
            s.rate_limited += 1;
        }
    });
    tracing::info!(
        method = %method,
        path = %path,
        status,
        ms = started.elapsed().as_millis() as u64,
        "proxy"
    );
    resp
}
