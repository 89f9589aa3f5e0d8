//! The connection for other programs on the command line: `lexguard token --json
//! [--min-valid DURATION]` (the bearer with its expiry, the API host and the organization: the
//! shape of `token.json` in the token folder; exit codes as `token`: 0, 3 lost or not
//! connected with nothing on stdout, 1 other trouble) and `lexguard share key`.

use crate::Error;
use crate::engine::{Engine, MAX_MIN_VALID};
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

/// `[share]` in one line for `lexguard status`: the token folder, the proxy and what it did
/// since start (the same facts as `status --json`'s `share`, the window and `doctor`).
pub(super) fn status_line(
    share: &crate::share::ShareStatus,
    lang: crate::text::i18n::Lang,
) -> String {
    let off = lang.pick("aus", "off");
    let mut line = lang.pick(
        format!(
            "Token-Dateien {} · Proxy {} · {} Anfragen, {} mussten warten, {} von Lexware gebremst",
            share.token_dir.as_deref().unwrap_or(off),
            share.proxy.as_deref().unwrap_or(off),
            share.requests,
            share.waited,
            share.rate_limited
        ),
        format!(
            "token files {} · proxy {} · {} requests, {} waited, {} slowed down by Lexware",
            share.token_dir.as_deref().unwrap_or(off),
            share.proxy.as_deref().unwrap_or(off),
            share.requests,
            share.waited,
            share.rate_limited
        ),
    );
    if let Some(e) = &share.last_error {
        // The error is kept in English (for support): a German line only points at it.
        line.push_str(&lang.pick(
            " · zuletzt ein Fehler beim Teilen (Einzelheiten: lexguard doctor)".to_string(),
            format!(" · last error: {e}"),
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::i18n::Lang;

    #[test]
    fn the_status_line_names_folder_proxy_counts_and_keeps_english_out_of_german() {
        let share = crate::share::ShareStatus {
            token_dir: Some("/run/lexguard".into()),
            proxy: None,
            requests: 30,
            waited: 4,
            rate_limited: 1,
            last_error: Some("permission denied".into()),
        };
        let de = status_line(&share, Lang::De);
        assert!(
            de.starts_with("Token-Dateien /run/lexguard · Proxy aus · 30 Anfragen, 4 mussten warten, 1 von Lexware gebremst"),
            "{de}"
        );
        assert!(!de.contains("permission denied"), "{de}");
        let en = status_line(&share, Lang::En);
        assert!(en.ends_with("last error: permission denied"), "{en}");
    }
}
