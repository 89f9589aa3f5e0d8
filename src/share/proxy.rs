//! The local API proxy (Vault Proxy): a program points its Lexware library's base URL here;
//! the proxy forwards `{api_url}{path}?{query}` with the method, the headers (minus hop-by-hop
//! and the client's `Authorization`) and the body streamed, adds the real bearer and streams
//! the answer back. On a unix socket (0660 with `[share] group`, else 0600, in a folder checked
//! like the token folder) the file mode decides who may use it; on loopback TCP every request
//! must carry the local key. Every request waits in its connection's 2 requests/second budget.
//!
//! Several connections (issue 17): one TCP listener serves every connection configured with
//! its address, and the request's local key (one per connection) picks the connection, its
//! bearer and its budget; on sockets each connection has its own (`api-NAME.sock` beside the
//! configured one, [`super::ShareConfig::proxy_addr_of`]).

use super::config::ProxyAddr;
use super::proxy_state::{BearerCache, Proxy, message};
use super::{ShareStats, forward, local_key};
use crate::engine::Engine;
use crate::error::{Error, Result};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;

/// Runs the proxy of this connection beside its keepalive when `[share] proxy` is set (serve,
/// the tray app; once per connection). A proxy that cannot start is logged loudly and shown
/// in `status`; the keepalive goes on.
pub fn spawn(engine: &Engine) {
    if engine.config().share.proxy_addr().is_some() {
        tokio::spawn(run(engine.clone()));
    }
}

/// [`add`] with its failure logged and kept for `status` (the tray app spawns this on its
/// own runtime); returns once the connection is served, at once without `[share] proxy`.
pub async fn run(engine: Engine) {
    if let Err(e) = add(engine.clone()).await {
        let text = e.message(crate::Lang::En);
        tracing::error!("API proxy not running: {text}");
        super::stats::note_error(&engine.home().data_dir, &text);
    }
}

/// What one listener serves: one connection (a socket: its mode decides who may come in) or
/// every connection configured with this TCP address (the local key picks one).
struct Door {
    keyed: bool,
    proxies: RwLock<Vec<Arc<Proxy>>>,
}

impl Door {
    fn all(&self) -> Vec<Arc<Proxy>> {
        self.proxies
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn serves(&self, data_dir: &Path) -> bool {
        self.all()
            .iter()
            .any(|p| p.engine.home().data_dir == data_dir)
    }

    /// The connection a request is for; a request without a key, or with a key of no
    /// connection here, gets the proxy's 401 (the status and message of the refusal).
    fn pick(
        &self,
        authorization: Option<&str>,
    ) -> std::result::Result<Arc<Proxy>, (StatusCode, &'static str)> {
        let all = self.all();
        if !self.keyed {
            return all.into_iter().next().ok_or((
                StatusCode::SERVICE_UNAVAILABLE,
                "lexguard proxy: no connection.",
            ));
        }
        if authorization.is_none_or(|h| !h.to_ascii_lowercase().starts_with("bearer ")) {
            return Err((
                StatusCode::UNAUTHORIZED,
                "lexguard proxy: send the local key as 'Authorization: Bearer <key>' (lexguard share key prints it; lexguard share key -c NAME that of connection NAME).",
            ));
        }
        all.into_iter()
            .find(|p| p.key.as_deref().is_some_and(|k| local_key::matches(authorization, k)))
            .ok_or((
                StatusCode::UNAUTHORIZED,
                "lexguard proxy: this key opens no connection here. Each connection has its own local key: lexguard share key prints the key of the default connection, lexguard share key -c NAME that of connection NAME.",
            ))
    }
}

/// Every listener of this process, by address.
fn doors() -> &'static tokio::sync::Mutex<BTreeMap<String, Arc<Door>>> {
    static DOORS: OnceLock<tokio::sync::Mutex<BTreeMap<String, Arc<Door>>>> = OnceLock::new();
    DOORS.get_or_init(Default::default)
}

/// Serves this connection until the process ends: at its own socket, or at the TCP address,
/// bound by the first connection that names it and shared by the others. A bind failure is
/// returned (the caller logs it loudly and keeps the keepalive running). A connection added
/// again is served by the newer engine.
pub async fn add(engine: Engine) -> Result<()> {
    let config = engine.config();
    let data_dir = engine.home().data_dir.clone();
    let Some(addr) = config.share.proxy_addr_of(&data_dir) else {
        return Ok(());
    };
    let gid = super::group_id(config.share.group.as_deref())?;
    let mut doors = doors().lock().await;
    let id = addr.to_string();
    if let Some(door) = doors.get(&id)
        && !door.keyed
        && !door.serves(&data_dir)
    {
        return Err(bind_failed(
            &addr,
            std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                "the socket of another connection",
            ),
        ));
    }
    let name = crate::connections::name_of(&data_dir);
    let key = match &addr {
        ProxyAddr::Tcp(_) => Some(local_key::get_or_create(&data_dir, gid)?),
        ProxyAddr::Unix(_) => None,
    };
    let stats = ShareStats::start(
        &data_dir,
        config
            .share
            .token_dir_of(&data_dir)
            .map(|d| d.display().to_string()),
        Some(id.clone()),
    );
    let proxy = Arc::new(Proxy {
        key,
        stats,
        fair: super::fair_queue::FairQueue::start(engine.http().clone()),
        bearer: BearerCache::default(),
        queued: Default::default(),
        engine,
    });
    if let Some(door) = doors.get(&id) {
        // Added again (the app restarted its engine after a config fix): the newer engine
        // serves from now on.
        let mut proxies = door.proxies.write().unwrap_or_else(|e| e.into_inner());
        proxies.retain(|p| p.engine.home().data_dir != data_dir);
        proxies.push(proxy);
        tracing::info!(proxy = %addr, connection = %name, "API proxy serves the connection");
        return Ok(());
    }
    let door = Arc::new(Door {
        keyed: matches!(addr, ProxyAddr::Tcp(_)),
        proxies: RwLock::new(vec![proxy]),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(door.clone())
        .into_make_service_with_connect_info::<super::fair_queue::Client>();
    match &addr {
        ProxyAddr::Tcp(a) => {
            let listener = tokio::net::TcpListener::bind(a)
                .await
                .map_err(|e| bind_failed(&addr, e))?;
            tokio::spawn(serve_until_the_end(
                axum::serve(listener, app),
                addr.clone(),
            ));
        }
        ProxyAddr::Unix(path) => {
            let listener = bind_unix(path, gid)?;
            tokio::spawn(serve_until_the_end(
                axum::serve(listener, app),
                addr.clone(),
            ));
        }
    }
    tracing::info!(proxy = %addr, connection = %name, "API proxy listening");
    doors.insert(id, door);
    Ok(())
}

/// A listener that ends (it does not, short of the process) is said loudly.
async fn serve_until_the_end(
    serving: impl std::future::IntoFuture<Output = std::io::Result<()>>,
    addr: ProxyAddr,
) {
    if let Err(e) = serving.await {
        tracing::error!("API proxy on {addr} stopped: {e}");
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

async fn handle(State(door): State<Arc<Door>>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    let (resp, counted) = match door.pick(authorization) {
        Ok(proxy) => (forward::forward(&proxy, req).await, vec![proxy]),
        // A refusal belongs to no connection: each one served at this door counts it.
        Err((status, text)) => (message(status, text), door.all()),
    };
    let status = resp.status().as_u16();
    for proxy in &counted {
        proxy.stats.update(|s| {
            s.requests += 1;
            if status == 429 {
                s.rate_limited += 1;
            }
        });
    }
    let connection = match counted.as_slice() {
        [one] => crate::connections::name_of(&one.engine.home().data_dir).to_string(),
        _ => "-".to_string(),
    };
    tracing::info!(
        method = %method,
        path = %path,
        status,
        connection,
        ms = started.elapsed().as_millis() as u64,
        "proxy"
    );
    resp
}
