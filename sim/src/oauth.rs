//! The OAuth 2.1 authorization server: `/oauth2/authorize`, `/oauth2/revoke`, the
//! copy-the-code page for desktop redirects, and the request parsing and client
//! authentication that `/oauth2/token` (in `oauth_token.rs`) shares.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use url::Url;

use crate::responses::{OAuthError, authorize_error_page, copy_code_page, no_store};
use crate::state::{DEFAULT_SCOPE, Inner, Shared};
use crate::util::{form_decode, is_loopback_host, is_pkce_syntax};

/// `Authorization: Basic base64(id:secret)`; per RFC 6749 §2.3.1 both parts are
/// form-urlencoded before base64, so they are decoded after splitting on the first ':'.
pub(crate) fn parse_basic(value: &str) -> Option<(String, String)> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = STANDARD.decode(rest.trim()).ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// The token of `Authorization: Bearer TOKEN`.
pub(crate) fn parse_bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Parameters of a query or form body. A parameter given twice is an error (RFC 6749 §3.1,
/// §3.2); an empty value counts as omitted.
fn parse_params(raw: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        if v.is_empty() {
            continue;
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("parameter {k} given more than once"));
        }
    }
    Ok(out)
}

/// Redirect URIs: https anywhere, or http on loopback (RFC 8252 §7.3); no fragment.
fn redirect_uri_allowed(raw: &str) -> bool {
    match Url::parse(raw) {
        Ok(u) if u.fragment().is_none() => match u.scheme() {
            "https" => u.host().is_some(),
            "http" => is_loopback_host(&u),
            _ => false,
        },
        _ => false,
    }
}

/// `GET /oauth2/authorize`: validates, consents on the user's behalf and redirects back with
/// `code` and `state`. Anything invalid answers a 400 page instead of redirecting.
pub(crate) async fn authorize(State(sh): State<Arc<Shared>>, uri: Uri) -> Response {
    let params = match parse_params(uri.query().unwrap_or("").as_bytes()) {
        Ok(p) => p,
        Err(e) => return authorize_error_page("invalid_request", &e),
    };
    let get = |k: &str| params.get(k).map(String::as_str);
    let mut inner = sh.lock();

    let Some(client_id) = get("client_id") else {
        return authorize_error_page("invalid_request", "Der Parameter client_id fehlt.");
    };
    if client_id != inner.cfg.client_id {
        return authorize_error_page("invalid_client", "Unbekannte Anwendung (client_id).");
    }
    if !inner.client_active {
        return authorize_error_page(
            "unauthorized_client",
            "Diese Anwendung wurde von Lexware deaktiviert.",
        );
    }
    let Some(redirect_uri) = get("redirect_uri") else {
        return authorize_error_page("invalid_request", "Der Parameter redirect_uri fehlt.");
    };
    if !redirect_uri_allowed(redirect_uri) {
        return authorize_error_page(
            "invalid_request",
            "Die redirect_uri ist für diese Anwendung nicht zulässig.",
        );
    }
    match get("response_type") {
        Some("code") => {}
        Some(_) => {
            return authorize_error_page(
                "unsupported_response_type",
                "Nur response_type=code wird unterstützt.",
            );
        }
        None => {
            return authorize_error_page("invalid_request", "Der Parameter response_type fehlt.");
        }
    }
    let Some(state) = get("state") else {
        return authorize_error_page("invalid_request", "Der Parameter state fehlt.");
    };
    match get("code_challenge_method") {
        Some("S256") => {}
        Some(_) => {
            return authorize_error_page(
                "invalid_request",
                "Nur code_challenge_method=S256 wird unterstützt.",
            );
        }
        None => {
            return authorize_error_page(
                "invalid_request",
                "PKCE ist Pflicht: code_challenge_method=S256 fehlt.",
            );
        }
    }
    let Some(challenge) = get("code_challenge").filter(|c| is_pkce_syntax(c)) else {
        return authorize_error_page(
            "invalid_request",
            "Der Parameter code_challenge fehlt oder ist ungültig.",
        );
    };
    let scope = get("scope")
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT_SCOPE.to_owned());
    let connection_name = get("connection_name").map(str::to_owned);

    let code = inner.issue_code(client_id, redirect_uri, challenge, &scope, connection_name);
    drop(inner);

    let Ok(mut location) = Url::parse(redirect_uri) else {
        return authorize_error_page("invalid_request", "Ungültige redirect_uri.");
    };
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    let mut resp = StatusCode::FOUND.into_response();
    match HeaderValue::from_str(location.as_str()) {
        Ok(v) => {
            resp.headers_mut().insert(header::LOCATION, v);
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(_) => authorize_error_page("invalid_request", "Ungültige redirect_uri."),
    }
}

/// `GET /copy-code?code&state`: the page that shows the code for copying.
pub(crate) async fn copy_code(uri: Uri) -> Response {
    match parse_params(uri.query().unwrap_or("").as_bytes()) {
        Ok(p) => match p.get("code") {
            Some(code) => copy_code_page(code),
            None => authorize_error_page("invalid_request", "Es wurde kein Code übergeben."),
        },
        Err(e) => authorize_error_page("invalid_request", &e),
    }
}

/// Form body of a token or revoke request; wrong content type is `invalid_request`.
pub(crate) fn form_body(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<HashMap<String, String>, OAuthError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    parse_params(body).map_err(OAuthError::invalid_request)
}

/// Client authentication: HTTP Basic only. Credentials in the body are refused even next to
/// a valid header (RFC 6749 §2.3: one method per request).
pub(crate) fn authenticate_client(
    inner: &Inner,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<String, OAuthError> {
    if form.contains_key("client_secret") {
        return Err(OAuthError::invalid_client(
            "client credentials in the request body are not accepted; use HTTP Basic",
        ));
    }
    let Some((id, secret)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_basic)
    else {
        return Err(OAuthError::invalid_client(
            "HTTP Basic client authentication required",
        ));
    };
    if id != inner.cfg.client_id || secret != inner.cfg.client_secret {
        return Err(OAuthError::invalid_client("client authentication failed"));
    }
    if form.get("client_id").is_some_and(|f| *f != id) {
        return Err(OAuthError::invalid_client(
            "client_id in the body does not match the authenticated client",
        ));
    }
    Ok(id)
}

/// `POST /oauth2/revoke` (RFC 7009): revoking either token of a connection kills the whole
/// connection; unknown tokens answer 200 as well.
pub(crate) async fn revoke(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = sh.lock();
    let result = form_body(&headers, &body).and_then(|form| {
        let client_id = authenticate_client(&inner, &headers, &form)?;
        let token = form
            .get("token")
            .cloned()
            .ok_or_else(|| OAuthError::invalid_request("token missing"))?;
        Ok((client_id, token))
    });
    match result {
        Ok((client_id, token)) => {
            let conn_id = inner
                .refresh_tokens
                .get(&token)
                .map(|r| r.connection_id.clone())
                .or_else(|| {
                    inner
                        .access_tokens
                        .get(&token)
                        .map(|a| a.connection_id.clone())
                });
            if let Some(conn_id) = conn_id {
                let owned = inner
                    .connections
                    .get(&conn_id)
                    .is_some_and(|c| c.client_id == client_id);
                if owned {
                    inner.revoke_connection(&conn_id);
                }
            }
            inner.counters.revocations += 1;
            let mut resp = StatusCode::OK.into_response();
            no_store(&mut resp);
            resp
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(raw: &str) -> String {
        format!("Basic {}", STANDARD.encode(raw))
    }

    #[test]
    fn basic_is_split_on_first_colon_then_decoded() {
        assert_eq!(
            parse_basic(&basic("id:se:cret")),
            Some(("id".into(), "se:cret".into()))
        );
        assert_eq!(
            parse_basic(&basic("my%20id:s%3Ac+x%2B")),
            Some(("my id".into(), "s:c x+".into()))
        );
        assert_eq!(
            parse_basic(&format!("basic {}", STANDARD.encode("a:b"))),
            Some(("a".into(), "b".into()))
        );
        assert_eq!(parse_basic(&basic("no-colon")), None);
        assert_eq!(parse_basic("Bearer abc"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
    }

    #[test]
    fn params_refuse_duplicates_and_skip_empty() {
        assert!(parse_params(b"a=1&a=2").is_err());
        let p = parse_params(b"a=1&b=&c=x%20y").expect("valid params");
        assert_eq!(p.get("a").map(String::as_str), Some("1"));
        assert!(!p.contains_key("b"));
        assert_eq!(p.get("c").map(String::as_str), Some("x y"));
    }

    #[test]
    fn redirect_uris() {
        assert!(redirect_uri_allowed("https://shop.example/cb"));
        assert!(redirect_uri_allowed("http://127.0.0.1:8123/cb"));
        assert!(redirect_uri_allowed("http://[::1]:8123/cb"));
        assert!(redirect_uri_allowed("http://localhost/cb"));
        assert!(!redirect_uri_allowed("http://shop.example/cb"));
        assert!(!redirect_uri_allowed("https://shop.example/cb#frag"));
        assert!(!redirect_uri_allowed("/relative"));
        assert!(!redirect_uri_allowed("ftp://127.0.0.1/x"));
    }
}
