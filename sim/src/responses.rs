//! The shapes Lexware answers with: the regular error body, RFC 6749 token errors,
//! the API's bare 401, and the German HTML pages of the authorization server.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::util::{html_escape, iso, random_hex};

/// One entry of `details` in the regular error body.
#[derive(Debug, Clone)]
pub(crate) struct Detail {
    pub(crate) violation: &'static str,
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

fn status_of(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `{timestamp, status, error, path, traceId, message, details}`.
pub(crate) fn regular_error(
    now: DateTime<Utc>,
    status: u16,
    path: &str,
    message: &str,
    details: &[Detail],
) -> Response {
    let code = status_of(status);
    let details: Vec<Value> = details
        .iter()
        .map(|d| json!({"violation": d.violation, "field": d.field, "message": d.message}))
        .collect();
    let body = json!({
        "timestamp": iso(now),
        "status": code.as_u16(),
        "error": code.canonical_reason().unwrap_or("Error"),
        "path": path,
        "traceId": random_hex(16),
        "message": message,
        "details": details,
    });
    (code, axum::Json(body)).into_response()
}

/// 429 with the regular body, plus `Retry-After` when given.
pub(crate) fn too_many_requests(
    now: DateTime<Utc>,
    path: &str,
    retry_after_secs: Option<u64>,
) -> Response {
    let mut resp = regular_error(now, 429, path, "Rate limit exceeded", &[]);
    if let Some(secs) = retry_after_secs {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// A bare `{"message": ...}` answer, as Lexware's gateway gives them (401, disguised 429, 504).
pub(crate) fn gateway_message(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// What the API answers for a missing, unknown, expired or revoked credential.
pub(crate) fn unauthorized() -> Response {
    let mut resp = gateway_message(StatusCode::UNAUTHORIZED, "Unauthorized");
    resp.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    resp
}

/// An RFC 6749 §5.2 error of the token or revoke endpoint.
#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }
    pub(crate) fn invalid_request(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", d)
    }
    pub(crate) fn invalid_client(d: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", d)
    }
    pub(crate) fn invalid_grant(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", d)
    }
    pub(crate) fn unauthorized_client(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unauthorized_client", d)
    }
    pub(crate) fn unsupported_grant_type(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "unsupported_grant_type", d)
    }
    pub(crate) fn invalid_scope(d: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", d)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut resp = (self.status, axum::Json(body)).into_response();
        no_store(&mut resp);
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"lexware-sim\""),
            );
        }
        resp
    }
}

/// RFC 6749 §5.1: token responses must not be cached.
pub(crate) fn no_store(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head><meta charset=\"utf-8\"><title>{title} – Lexware Office (Simulator)</title></head>\n<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    )
}

/// The authorization server refuses the request without redirecting (the redirect target
/// cannot be trusted yet): a 400 page naming the OAuth error code.
pub(crate) fn authorize_error_page(error: &str, message: &str) -> Response {
    let body = format!(
        "<p id=\"error-message\">{}</p>\n<p>Fehlercode: <code id=\"error\">{}</code></p>",
        html_escape(message),
        html_escape(error)
    );
    let mut resp = (
        StatusCode::BAD_REQUEST,
        Html(page(
            "Die Verbindung konnte nicht hergestellt werden",
            &body,
        )),
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The page a desktop client's redirect URI shows: the code to copy.
pub(crate) fn copy_code_page(code: &str) -> Response {
    let body = format!(
        "<p>Die Verbindung wurde erfolgreich autorisiert.</p>\n<p>Kopieren Sie den folgenden Authentifizierungscode und fügen Sie ihn in Ihrer Anwendung ein. Der Code ist nur einmal verwendbar und 5 Minuten gültig.</p>\n<p><code id=\"auth-code\">{}</code></p>",
        html_escape(code)
    );
    let mut resp = (StatusCode::OK, Html(page("Authentifizierungscode", &body))).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
