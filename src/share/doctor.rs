//! `lexguard doctor`'s checks of `[share]`: the token folder (owner, mode, group, a current
//! token), the proxy (listening, `/v1/profile` through it) and whether anything keeps the files
//! current. Each finding names the fix; none shows a token.

use super::{ProxyAddr, TokenJson, local_key, token_files};
use crate::config::{Config, Home};
use crate::state::Persisted;
use std::path::Path;
use std::time::Duration;

/// How long the proxy may take to answer `/v1/profile` (it may queue behind the budget).
const PROXY_TIMEOUT: Duration = Duration::from_secs(20);

/// One line of doctor: `fix` is `None` when it is fine.
pub struct Finding {
    pub check: &'static str,
    pub de: String,
    pub en: String,
    pub fix: Option<(String, String)>,
}

fn ok(check: &'static str, de: String, en: String) -> Finding {
    Finding {
        check,
        de,
        en,
        fix: None,
    }
}

fn bad(check: &'static str, de: String, en: String, fix: (&str, &str)) -> Finding {
    Finding {
        check,
        de,
        en,
        fix: Some((fix.0.to_string(), fix.1.to_string())),
    }
}

/// Nothing without `[share]`.
pub async fn check(config: &Config, home: &Home) -> Vec<Finding> {
    let share = &config.share;
    if share.is_default() {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.push(keepalive(config, home));
    if let Some(dir) = share.token_dir_of(&home.data_dir) {
        out.push(token_dir(&dir, share.group.as_deref()));
    }
    if let Some(addr) = share.proxy_addr_of(&home.data_dir) {
        out.push(proxy(&addr, home, share.group.as_deref()).await);
    }
    out
}

/// Files and proxy need a process that keeps the connection: the app, `serve` or a timer.
fn keepalive(config: &Config, home: &Home) -> Finding {
    let st = Persisted::load(&home.state_file()).unwrap_or_default();
    let limit = chrono::Duration::from_std(config.schedule.check_every * 2)
        .unwrap_or(chrono::Duration::minutes(2));
    let recent = st
        .last_tick_at()
        .is_some_and(|t| chrono::Utc::now() - t <= limit);
    if recent {
        ok(
            "share_keepalive",
            "Ein Keepalive (App, serve oder Timer) hält die geteilte Verbindung aktuell.".into(),
            "A keepalive (app, serve or timer) keeps the shared connection current.".into(),
        )
    } else {
        bad(
            "share_keepalive",
            "[share] ist eingerichtet, aber nichts prüft die Verbindung regelmäßig: die Token-Dateien veralten.".into(),
            "[share] is set, but nothing checks the connection regularly: the token files go stale.".into(),
            (
                "Starten Sie lexguard serve (systemctl enable --now lexguard), die App oder einen Timer mit lexguard tick.",
                "Start lexguard serve (systemctl enable --now lexguard), the app, or a timer running lexguard tick.",
            ),
        )
    }
}

fn token_dir(dir: &Path, group: Option<&str>) -> Finding {
    let d = dir.display();
    let gid = match super::group_id(group) {
        Ok(g) => g,
        Err(e) => {
            return bad(
                "share_token_dir",
                e.message(crate::Lang::De),
                e.message(crate::Lang::En),
                (
                    "Tragen Sie unter [share] group eine bestehende Gruppe ein.",
                    "Set an existing group under [share] group.",
                ),
            );
        }
    };
    if let Some(problem) = folder_problem(dir, gid) {
        return bad(
            "share_token_dir",
            problem.0,
            problem.1,
            (
                "Lassen Sie lexguard den Ordner anlegen (löschen Sie ihn) oder korrigieren Sie Besitzer und Rechte wie genannt.",
                "Let lexguard create the folder (delete it) or correct owner and mode as named.",
            ),
        );
    }
    match token_files::read(dir) {
        Some(TokenJson {
            expires_at: Some(t),
            ..
        }) if t > chrono::Utc::now() => ok(
            "share_token_dir",
            format!("{d} hält ein gültiges Token (bis {t})."),
            format!("{d} holds a valid token (until {t})."),
        ),
        Some(TokenJson {
            expires_at: None, ..
        }) => ok(
            "share_token_dir",
            format!("{d} hält einen Zugang."),
            format!("{d} holds a credential."),
        ),
        _ => bad(
            "share_token_dir",
            format!("{d} hält kein gültiges Token."),
            format!("{d} holds no valid token."),
            (
                "Prüfen Sie mit lexguard status, ob die Verbindung besteht, und ob ein Keepalive läuft.",
                "Check with lexguard status that the connection is alive and that a keepalive runs.",
            ),
        ),
    }
}

/// Owner, others' write access, group and the group's way in (German, English).
fn folder_problem(dir: &Path, gid: Option<u32>) -> Option<(String, String)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let d = dir.display();
        let Ok(m) = std::fs::symlink_metadata(dir) else {
            return Some((
                format!("Der Ordner {d} fehlt."),
                format!("The folder {d} is missing."),
            ));
        };
        if !m.is_dir() || m.uid() != rustix::process::geteuid().as_raw() {
            return Some((
                format!("{d} ist kein Ordner dieses Benutzers."),
                format!("{d} is not a folder of this user."),
            ));
        }
        if m.mode() & 0o022 != 0 {
            return Some((
                format!("{d} ist für andere beschreibbar (chmod 750 {d})."),
                format!("{d} is writable by others (chmod 750 {d})."),
            ));
        }
        if let Some(g) = gid
            && (m.gid() != g || m.mode() & 0o050 != 0o050)
        {
            return Some((
                format!(
                    "{d} gehört nicht der Gruppe aus [share] group oder sie darf nicht hinein (chgrp, chmod 750 {d})."
                ),
                format!(
                    "{d} is not in the group of [share] group or the group cannot enter it (chgrp, chmod 750 {d})."
                ),
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, gid);
        None
    }
}

async fn proxy(addr: &ProxyAddr, home: &Home, group: Option<&str>) -> Finding {
    let gid = super::group_id(group).ok().flatten();
    let key = match addr {
        ProxyAddr::Tcp(_) => local_key::get_or_create(&home.data_dir, gid).ok(),
        ProxyAddr::Unix(_) => None,
    };
    match tokio::time::timeout(PROXY_TIMEOUT, profile_through(addr, key.as_deref())).await {
        Ok(Ok(200)) => ok(
            "share_proxy",
            format!("Der API-Proxy auf {addr} antwortet; /v1/profile geht durch."),
            format!("The API proxy on {addr} answers; /v1/profile goes through."),
        ),
        Ok(Ok(status)) => bad(
            "share_proxy",
            format!("Der API-Proxy auf {addr} antwortet auf /v1/profile mit {status}."),
            format!("The API proxy on {addr} answers /v1/profile with {status}."),
            (
                "Sehen Sie mit lexguard status nach der Verbindung und im Protokoll nach der Zeile des Proxys.",
                "Check the connection with lexguard status and the proxy's line in the log.",
            ),
        ),
        Ok(Err(e)) => bad(
            "share_proxy",
            format!("Der API-Proxy auf {addr} ist nicht erreichbar ({e})."),
            format!("The API proxy on {addr} cannot be reached ({e})."),
            (
                "Der Proxy läuft in lexguard serve und der App: starten Sie eins davon (mit dieser config.toml).",
                "The proxy runs in lexguard serve and the app: start one of them (with this config.toml).",
            ),
        ),
        Err(_) => bad(
            "share_proxy",
            format!("Der API-Proxy auf {addr} antwortet nicht."),
            format!("The API proxy on {addr} does not answer."),
            (
                "Starten Sie lexguard serve bzw. die App neu und sehen Sie ins Protokoll.",
                "Restart lexguard serve or the app and look at the log.",
            ),
        ),
    }
}

/// `GET /v1/profile` through the proxy with hyper's client over the socket or TCP.
async fn profile_through(addr: &ProxyAddr, key: Option<&str>) -> std::io::Result<u16> {
    let mut req = axum::http::Request::get("/v1/profile").header("host", "lexware");
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    let req = req
        .body(http_body_util::Empty::<axum::body::Bytes>::new())
        .map_err(std::io::Error::other)?;
    match addr {
        ProxyAddr::Tcp(a) => send(tokio::net::TcpStream::connect(a).await?, req).await,
        #[cfg(unix)]
        ProxyAddr::Unix(p) => send(tokio::net::UnixStream::connect(p).await?, req).await,
        #[cfg(not(unix))]
        ProxyAddr::Unix(_) => Err(std::io::ErrorKind::Unsupported.into()),
    }
}

async fn send<S>(
    stream: S,
    req: axum::http::Request<http_body_util::Empty<axum::body::Bytes>>,
) -> std::io::Result<u16>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
    tokio::spawn(conn);
    let resp = sender
        .send_request(req)
        .await
        .map_err(std::io::Error::other)?;
    Ok(resp.status().as_u16())
}
