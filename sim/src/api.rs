//! The API: `GET /v1/profile` and `/v1/event-subscriptions`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use url::Url;

use crate::oauth::parse_bearer;
use crate::responses::{Detail, regular_error, unauthorized};
use crate::state::{Caller, Inner, Shared, Subscription};
use crate::util::{is_loopback_host, iso};

/// The official event types (lower case) from the contract.
pub(crate) const EVENT_TYPES: &[&str] = &[
    "article.created",
    "article.changed",
    "article.deleted",
    "contact.created",
    "contact.changed",
    "contact.deleted",
    "credit-note.created",
    "credit-note.changed",
    "credit-note.deleted",
    "credit-note.status.changed",
    "delivery-note.created",
    "delivery-note.changed",
    "delivery-note.deleted",
    "delivery-note.status.changed",
    "down-payment-invoice.created",
    "down-payment-invoice.changed",
    "down-payment-invoice.deleted",
    "down-payment-invoice.status.changed",
    "dunning.created",
    "dunning.changed",
    "dunning.deleted",
    "invoice.created",
    "invoice.changed",
    "invoice.deleted",
    "invoice.status.changed",
    "order-confirmation.created",
    "order-confirmation.changed",
    "order-confirmation.deleted",
    "order-confirmation.status.changed",
    "payment.changed",
    "quotation.created",
    "quotation.changed",
    "quotation.deleted",
    "quotation.status.changed",
    "recurring-template.created",
    "recurring-template.changed",
    "recurring-template.deleted",
    "token.revoked",
    "voucher.created",
    "voucher.changed",
    "voucher.deleted",
    "voucher.status.changed",
];

/// Timeout of the HEAD check on a new callback URL.
const CALLBACK_CHECK_SECS: u64 = 5;

fn caller(inner: &Inner, headers: &HeaderMap) -> Option<Caller> {
    parse_bearer(headers).and_then(|t| inner.api_caller(t))
}

/// `GET /v1/profile`.
pub(crate) async fn profile(State(sh): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let mut inner = sh.lock();
    inner.counters.profile_calls += 1;
    let Some(c) = caller(&inner, &headers) else {
        return unauthorized();
    };
    if c.restricted {
        return regular_error(
            inner.now(),
            403,
            "/v1/profile",
            "Missing permission for this resource",
            &[],
        );
    }
    let body = json!({
        "organizationId": inner.organization_id,
        "companyName": inner.cfg.company_name,
        "connectionId": c.connection_id,
        "created": {
            "userId": inner.user.id,
            "userName": inner.user.name,
            "userEmail": inner.user.email,
            "date": iso(inner.user.created),
        },
        "taxType": "net",
        "smallBusiness": false,
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn listed(inner: &Inner, s: &Subscription) -> Value {
    json!({
        "subscriptionId": s.id,
        "organizationId": inner.organization_id,
        "createdDate": iso(s.created),
        "eventType": s.event_type,
        "callbackUrl": s.callback_url,
    })
}

/// `GET /v1/event-subscriptions`: the caller's subscriptions.
pub(crate) async fn list_subscriptions(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    let mut inner = sh.lock();
    inner.counters.subscription_lists += 1;
    let Some(c) = caller(&inner, &headers) else {
        return unauthorized();
    };
    let content: Vec<Value> = inner
        .subscriptions
        .iter()
        .filter(|s| s.owner == c.owner)
        .map(|s| listed(&inner, s))
        .collect();
    (StatusCode::OK, axum::Json(json!({ "content": content }))).into_response()
}

/// `GET /v1/event-subscriptions/{id}`.
pub(crate) async fn get_subscription(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let inner = sh.lock();
    let Some(c) = caller(&inner, &headers) else {
        return unauthorized();
    };
    match inner
        .subscriptions
        .iter()
        .find(|s| s.id == id && s.owner == c.owner)
    {
        Some(s) => (StatusCode::OK, axum::Json(listed(&inner, s))).into_response(),
        None => regular_error(
            inner.now(),
            404,
            uri.path(),
            "Event subscription not found",
            &[],
        ),
    }
}

/// `DELETE /v1/event-subscriptions/{id}` -> 204.
pub(crate) async fn delete_subscription(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let mut inner = sh.lock();
    inner.counters.subscription_deletes += 1;
    let Some(c) = caller(&inner, &headers) else {
        return unauthorized();
    };
    let before = inner.subscriptions.len();
    inner
        .subscriptions
        .retain(|s| !(s.id == id && s.owner == c.owner));
    if inner.subscriptions.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        regular_error(
            inner.now(),
            404,
            uri.path(),
            "Event subscription not found",
            &[],
        )
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// Field checks of a new subscription; the parsed callback URL when all pass.
fn validate(body: &Value, allow_http: bool) -> Result<(String, String, Url), Vec<Detail>> {
    let mut details = Vec::new();
    let event_type = match body.get("eventType") {
        None | Some(Value::Null) => {
            details.push(Detail {
                violation: "NOTNULL",
                field: "eventType",
                message: "eventType must not be null".into(),
            });
            None
        }
        Some(Value::String(t)) if EVENT_TYPES.contains(&t.as_str()) => Some(t.clone()),
        Some(other) => {
            details.push(Detail {
                violation: "NOTALLOWED",
                field: "eventType",
                message: format!("unknown event type {other}"),
            });
            None
        }
    };
    let callback = match body.get("callbackUrl") {
        None | Some(Value::Null) => {
            details.push(Detail {
                violation: "NOTNULL",
                field: "callbackUrl",
                message: "callbackUrl must not be null".into(),
            });
            None
        }
        Some(Value::String(raw)) => match Url::parse(raw) {
            Ok(u) if u.scheme() == "https" && u.host().is_some() => Some((raw.clone(), u)),
            Ok(u) if u.scheme() == "http" && allow_http && is_loopback_host(&u) => {
                Some((raw.clone(), u))
            }
            _ => {
                details.push(Detail {
                    violation: "PATTERN",
                    field: "callbackUrl",
                    message: "callbackUrl must be an https URL".into(),
                });
                None
            }
        },
        Some(_) => {
            details.push(Detail {
                violation: "PATTERN",
                field: "callbackUrl",
                message: "callbackUrl must be a string".into(),
            });
            None
        }
    };
    match (event_type, callback) {
        (Some(e), Some((raw, url))) if details.is_empty() => Ok((e, raw, url)),
        _ => Err(details),
    }
}

/// Lexware sends a HEAD to the callback URL and refuses the subscription when that fails.
/// The simulator only ever contacts loopback addresses: any other host counts as unreachable.
async fn check_callback(http: &reqwest::Client, url: &Url) -> Result<(), String> {
    if !is_loopback_host(url) {
        return Err(
            "callback URL not reachable (the simulator contacts loopback hosts only)".into(),
        );
    }
    let sent = http
        .head(url.clone())
        .timeout(std::time::Duration::from_secs(CALLBACK_CHECK_SECS))
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!(
            "HEAD on callback URL answered {}",
            r.status().as_u16()
        )),
        Err(e) => Err(format!("HEAD on callback URL failed: {e}")),
    }
}

/// Contract: 409 means the identical subscription (event type and callback URL) exists for
/// this owner; several URLs per type are allowed unless `reject_duplicate_event_types`.
fn duplicate(inner: &Inner, owner: &str, event_type: &str, callback_url: &str) -> bool {
    let strict = inner.cfg.reject_duplicate_event_types;
    inner.subscriptions.iter().any(|s| {
        s.owner == owner && s.event_type == event_type && (strict || s.callback_url == callback_url)
    })
}

fn conflict(inner: &Inner, path: &str) -> Response {
    regular_error(
        inner.now(),
        409,
        path,
        "This event subscription already exists",
        &[],
    )
}

/// `POST /v1/event-subscriptions` -> 201 with `Location`.
pub(crate) async fn create_subscription(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let (c, allow_http) = {
        let mut inner = sh.lock();
        inner.counters.subscription_creates += 1;
        let Some(c) = caller(&inner, &headers) else {
            return unauthorized();
        };
        if !is_json(&headers) {
            return regular_error(
                inner.now(),
                415,
                &path,
                "Content-Type must be application/json",
                &[],
            );
        }
        (c, inner.cfg.allow_http_callbacks)
    };
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            let now = sh.lock().now();
            return regular_error(now, 400, &path, "Malformed JSON body", &[]);
        }
    };
    let (event_type, callback_raw, callback_url) = match validate(&parsed, allow_http) {
        Ok(v) => v,
        Err(details) => {
            let now = sh.lock().now();
            return regular_error(now, 406, &path, "Validation failed", &details);
        }
    };
    {
        let inner = sh.lock();
        if duplicate(&inner, &c.owner, &event_type, &callback_raw) {
            return conflict(&inner, &path);
        }
    }
    if let Err(why) = check_callback(&sh.http, &callback_url).await {
        let now = sh.lock().now();
        let details = [Detail {
            violation: "CALLBACK",
            field: "callbackUrl",
            message: why,
        }];
        return regular_error(now, 406, &path, "Callback URL check failed", &details);
    }
    let mut inner = sh.lock();
    // Checked again: another create may have won while the HEAD was under way.
    if duplicate(&inner, &c.owner, &event_type, &callback_raw) {
        return conflict(&inner, &path);
    }
    let sub = inner.add_subscription(&c.owner, &event_type, &callback_raw);
    drop(inner);
    let resource = format!("{}/v1/event-subscriptions/{}", sh.base_url, sub.id);
    let created = iso(sub.created);
    let body = json!({
        "id": sub.id,
        "resourceUri": resource,
        "createdDate": created,
        "updatedDate": created,
        "version": 0,
    });
    let mut resp = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&resource) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

#[cfg(test)]
mod tests;
