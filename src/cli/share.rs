//! The connection for other programs on the command line: `lexguard token --json
//! [--min-valid DURATION]` (the bearer with its expiry, the API host and the organization: the
//! shape of `token.json` in the token folder; exit codes as `token`: 0, 3 lost or not
//! connected with nothing on stdout, 1 other trouble) and `lexguard share key`.

use crate::engine::{Engine, MAX_MIN_VALID};
use crate::error::Error;
use std::io::Write;
use std::time::Duration;

pub(super) async fn token_json(engine: &Engine, min_valid: Option<Duration>) -> Result<i32, Error> {
    if min_valid.is_some_and(|m| m > MAX_MIN_VALID) {
        return Err(Error::invalid(
            "--min-valid darf höchstens 3h sein: Lexware-Zugriffstoken gelten etwa vier Stunden, mehr würde bei jedem Aufruf erneuern.",
            "--min-valid may be at most 3h: Lexware access tokens live about four hours, more would refresh on every call.",
        ));
    }
    let token = engine.token_json(min_valid).await?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(token.to_line().as_bytes());
    let _ = out.flush();
    Ok(0)
}

/// `lexguard share key`: the proxy's local key (created on first use).
pub(super) fn key(engine: &Engine) -> Result<i32, Error> {
    let config = engine.config();
    let gid = crate::share::group_id(config.share.group.as_deref())?;
    let key = crate::share::local_key::get_or_create(&engine.home().data_dir, gid)?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{key}");
    Ok(0)
}
