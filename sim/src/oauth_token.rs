//! `POST /oauth2/token`: the `authorization_code` and `refresh_token` grants (PKCE, refresh
//! rotation with replay detection, scope narrowing). Kept apart from `oauth.rs` because the
//! grant rules are the part of the server the client's behaviour hinges on.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::oauth::{authenticate_client, form_body};
use crate::responses::{OAuthError, no_store};
use crate::state::{CODE_TTL_SECS, Grant, Inner, Shared};
use crate::util::{add_secs, is_pkce_syntax, s256};

fn exchange_code(
    inner: &mut Inner,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Result<Grant, OAuthError> {
    let code = form
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code missing"))?;
    let now = inner.now();
    let Some(rec) = inner.codes.get_mut(code) else {
        return Err(OAuthError::invalid_grant("unknown authorization code"));
    };
    if rec.used {
        return Err(OAuthError::invalid_grant(
            "authorization code was already used",
        ));
    }
    // Burnt from here on, whatever the outcome.
    rec.used = true;
    let rec = rec.clone();
    if rec.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "authorization code was issued to another client",
        ));
    }
    if now >= add_secs(rec.issued_at, CODE_TTL_SECS) {
        return Err(OAuthError::invalid_grant("authorization code expired"));
    }
    if form.get("redirect_uri") != Some(&rec.redirect_uri) {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    let Some(verifier) = form.get("code_verifier") else {
        return Err(OAuthError::invalid_grant(
            "code_verifier missing (PKCE is mandatory)",
        ));
    };
    if !is_pkce_syntax(verifier) || s256(verifier) != rec.challenge {
        return Err(OAuthError::invalid_grant("PKCE verification failed"));
    }
    let conn = inner.create_connection(client_id, &rec.scope, rec.connection_name.clone());
    let grant = inner
        .issue_tokens(&conn, None)
        .ok_or_else(|| OAuthError::invalid_grant("connection vanished"))?;
    inner.counters.code_exchanges += 1;
    Ok(grant)
}

fn refresh(
    inner: &mut Inner,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Result<Grant, OAuthError> {
    let token = form
        .get("refresh_token")
        .ok_or_else(|| OAuthError::invalid_request("refresh_token missing"))?;
    let Some(rec) = inner.refresh_tokens.get(token).cloned() else {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    };
    let Some(conn) = inner.connections.get(&rec.connection_id).cloned() else {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    };
    if conn.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "refresh token was issued to another client",
        ));
    }
    if !conn.active {
        return Err(OAuthError::invalid_grant("refresh token revoked"));
    }
    if !rec.current {
        // RFC 9700 §4.14.2: a rotated refresh token presented again means it leaked or
        // raced; the whole connection is revoked.
        inner.revoke_connection(&conn.id);
        return Err(OAuthError::invalid_grant(
            "refresh token was already used; the connection has been revoked",
        ));
    }
    let scope = match form.get("scope") {
        None => None,
        Some(requested) => {
            let granted: Vec<&str> = conn.scope.split_whitespace().collect();
            if requested.split_whitespace().all(|s| granted.contains(&s)) {
                Some(requested.split_whitespace().collect::<Vec<_>>().join(" "))
            } else {
                return Err(OAuthError::invalid_scope(
                    "requested scope exceeds the granted scope",
                ));
            }
        }
    };
    let grant = inner
        .issue_tokens(&conn.id, scope.as_deref())
        .ok_or_else(|| OAuthError::invalid_grant("connection vanished"))?;
    inner.counters.refreshes += 1;
    Ok(grant)
}

fn token_request(inner: &mut Inner, headers: &HeaderMap, body: &[u8]) -> Result<Grant, OAuthError> {
    let form = form_body(headers, body)?;
    let client_id = authenticate_client(inner, headers, &form)?;
    if !inner.client_active {
        return Err(OAuthError::unauthorized_client(
            "the client has been deactivated",
        ));
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => exchange_code(inner, &client_id, &form),
        Some("refresh_token") => refresh(inner, &client_id, &form),
        Some(other) => Err(OAuthError::unsupported_grant_type(format!(
            "grant_type {other} is not supported"
        ))),
        None => Err(OAuthError::invalid_request("grant_type missing")),
    }
}

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = sh.lock();
    match token_request(&mut inner, &headers, &body) {
        Ok(g) => {
            drop(inner);
            let body = json!({
                "access_token": g.access_token,
                "token_type": "Bearer",
                "expires_in": g.expires_in,
                "refresh_token": g.refresh_token,
                "scope": g.scope,
            });
            let mut resp = (StatusCode::OK, axum::Json(body)).into_response();
            no_store(&mut resp);
            resp
        }
        Err(e) => {
            inner.counters.failed_token_requests += 1;
            e.into_response()
        }
    }
}
