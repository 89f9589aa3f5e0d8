//! The control API over HTTP under `/_sim/...`: the same operations as [`crate::Control`],
//! for a simulator running as a separate process. Never faulted, rate limited or counted.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use serde::Deserialize;
use serde_json::json;

use crate::control::Control;
use crate::hooks::HookCall;
use crate::state::Shared;
use crate::util::{is_pkce_syntax, iso};

fn control(sh: Arc<Shared>) -> Control {
    Control { shared: sh }
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response()
}

#[derive(Deserialize)]
struct Clock {
    advance_secs: i64,
}

#[derive(Deserialize)]
struct AccessTtl {
    secs: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultKind {
    Fail,
    RateLimit,
    Delay,
    Drop,
    DelayAfter,
    Truncate,
    DropAfter,
    #[serde(rename = "disguised_429")]
    Disguised429,
    GatewayTimeoutAfter,
}

#[derive(Deserialize)]
struct Fault {
    kind: FaultKind,
    n: u32,
    status: Option<u16>,
    path_prefix: Option<String>,
    millis: Option<u64>,
    retry_after_secs: Option<u64>,
}

#[derive(Deserialize)]
struct Foreign {
    event_type: String,
    callback_url: String,
}

#[derive(Deserialize)]
struct AuthorizeCode {
    #[serde(default)]
    state: String,
    code_challenge: String,
    redirect_uri: String,
}

async fn revoke(State(sh): State<Arc<Shared>>) -> StatusCode {
    control(sh).revoke_connection();
    StatusCode::NO_CONTENT
}

async fn clock_get(State(sh): State<Arc<Shared>>) -> Response {
    Json(json!({ "now": iso(control(sh).now()) })).into_response()
}

async fn clock_advance(State(sh): State<Arc<Shared>>, Json(c): Json<Clock>) -> Response {
    let ctl = control(sh);
    ctl.advance_clock(c.advance_secs);
    Json(json!({ "now": iso(ctl.now()) })).into_response()
}

async fn access_ttl(State(sh): State<Arc<Shared>>, Json(t): Json<AccessTtl>) -> StatusCode {
    control(sh).set_access_ttl(t.secs);
    StatusCode::NO_CONTENT
}

async fn fault(State(sh): State<Arc<Shared>>, Json(f): Json<Fault>) -> Response {
    let ctl = control(sh);
    let prefix = f.path_prefix.as_deref().unwrap_or("");
    match f.kind {
        FaultKind::Fail => {
            let Some(status) = f.status.filter(|s| (100..=999).contains(s)) else {
                return bad_request("kind fail needs status (100..=999)");
            };
            ctl.fail_next_on(prefix, f.n, status);
        }
        FaultKind::RateLimit => ctl.rate_limit_next(f.n, f.retry_after_secs),
        FaultKind::Delay => {
            let Some(millis) = f.millis else {
                return bad_request("kind delay needs millis");
            };
            ctl.delay_next_on(prefix, f.n, millis);
        }
        FaultKind::Drop => ctl.drop_next(f.n),
        FaultKind::DelayAfter => {
            let Some(millis) = f.millis else {
                return bad_request("kind delay_after needs millis");
            };
            ctl.delay_after_next_on(prefix, f.n, millis);
        }
        FaultKind::Truncate => ctl.truncate_next_on(prefix, f.n),
        FaultKind::DropAfter => ctl.drop_after_next_on(prefix, f.n),
        FaultKind::Disguised429 => ctl.disguised_429_next_on(prefix, f.n),
        FaultKind::GatewayTimeoutAfter => ctl.gateway_timeout_after_next_on(prefix, f.n),
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize, Default)]
struct NewApiKey {
    #[serde(default)]
    restricted: bool,
}

/// The body is optional: none (or `{}`) makes a full key, `{"restricted": true}` one without
/// the profile permission.
async fn api_key(State(sh): State<Arc<Shared>>, body: Bytes) -> Response {
    let want: NewApiKey = if body.iter().all(u8::is_ascii_whitespace) {
        NewApiKey::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(w) => w,
            Err(_) => return bad_request("body must be {\"restricted\": bool} or empty"),
        }
    };
    let ctl = control(sh);
    let key = if want.restricted {
        ctl.create_api_key_restricted()
    } else {
        ctl.create_api_key()
    };
    Json(json!({ "api_key": key })).into_response()
}

#[derive(Deserialize)]
struct ReplaceApiKey {
    api_key: String,
}

async fn replace_api_key(State(sh): State<Arc<Shared>>, Json(r): Json<ReplaceApiKey>) -> Response {
    match control(sh).replace_api_key(&r.api_key) {
        Some(key) => Json(json!({ "api_key": key })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such active API key" })),
        )
            .into_response(),
    }
}

async fn counters(State(sh): State<Arc<Shared>>) -> Response {
    Json(control(sh).counters()).into_response()
}

async fn requests(State(sh): State<Arc<Shared>>) -> Response {
    Json(control(sh).requests()).into_response()
}

async fn subscriptions(State(sh): State<Arc<Shared>>) -> Response {
    Json(control(sh).subscriptions()).into_response()
}

async fn add_foreign(State(sh): State<Arc<Shared>>, Json(f): Json<Foreign>) -> Response {
    let view = control(sh).add_foreign_subscription(&f.event_type, &f.callback_url);
    (StatusCode::CREATED, Json(view)).into_response()
}

async fn delete_subscription(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> StatusCode {
    if control(sh).delete_subscription(&id) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn deactivate_client(State(sh): State<Arc<Shared>>) -> StatusCode {
    control(sh).deactivate_client();
    StatusCode::NO_CONTENT
}

async fn invalidate_access_tokens(State(sh): State<Arc<Shared>>) -> StatusCode {
    control(sh).invalidate_access_tokens();
    StatusCode::NO_CONTENT
}

async fn connection(State(sh): State<Arc<Shared>>) -> Response {
    let inner = sh.lock();
    let current = inner.current_connection();
    Json(json!({
        "active": current.is_some(),
        "connection_id": current.map(|c| c.id.clone()),
        "connection_name": current.and_then(|c| c.name.clone()),
    }))
    .into_response()
}

async fn authorize_code(State(sh): State<Arc<Shared>>, Json(a): Json<AuthorizeCode>) -> Response {
    if !is_pkce_syntax(&a.code_challenge) {
        return bad_request("code_challenge must be 43-128 chars of [A-Za-z0-9-._~]");
    }
    let code = control(sh).authorize_code(&a.state, &a.code_challenge, &a.redirect_uri);
    Json(json!({ "code": code })).into_response()
}

/// A callback target on the simulator itself: records the call and answers the configured
/// status (200 unless told otherwise), for every method.
async fn hook(
    State(sh): State<Arc<Shared>>,
    Path(name): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut inner = sh.lock();
    let at = inner.now();
    let hook = inner.hooks.entry(name.clone()).or_default();
    hook.record(HookCall {
        method: method.as_str().to_owned(),
        body: String::from_utf8_lossy(&body).into_owned(),
        signature: headers
            .get("x-lxo-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        at,
    });
    let status = StatusCode::from_u16(hook.status).unwrap_or(StatusCode::OK);
    let location = match &hook.location {
        Some(l) => Some(l.clone()),
        None if status.is_redirection() => Some(format!("{}/_sim/hook/{name}", sh.base_url)),
        None => None,
    };
    let mut resp = status.into_response();
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

#[derive(Deserialize)]
struct HookConfig {
    status: Option<u16>,
    location: Option<String>,
}

async fn hook_config(
    State(sh): State<Arc<Shared>>,
    Path(name): Path<String>,
    Json(c): Json<HookConfig>,
) -> Response {
    let ctl = control(sh);
    match (c.location, c.status) {
        (Some(l), _) => ctl.set_hook_redirect(&name, &l),
        (None, Some(s)) if (100..=999).contains(&s) => ctl.set_hook_status(&name, s),
        _ => return bad_request("needs status (100..=999) or location"),
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn hook_calls(State(sh): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    Json(control(sh).hook_calls(&name)).into_response()
}

#[derive(Deserialize)]
struct Deliver {
    event_type: String,
    resource_id: String,
}

/// Longest an HTTP control call waits for deliveries to settle.
const SETTLE_CAP_SECS: u64 = 120;

async fn settle_capped(ctl: &Control) -> bool {
    tokio::time::timeout(
        std::time::Duration::from_secs(SETTLE_CAP_SECS),
        ctl.settle_deliveries(),
    )
    .await
    .is_ok()
}

/// Queues the event and answers once the first attempts (and any due retries) are done.
async fn deliver(State(sh): State<Arc<Shared>>, Json(d): Json<Deliver>) -> Response {
    let ctl = control(sh);
    let queued = ctl.deliver(&d.event_type, &d.resource_id);
    let settled = settle_capped(&ctl).await;
    Json(json!({ "queued": queued, "settled": settled })).into_response()
}

async fn settle(State(sh): State<Arc<Shared>>) -> Response {
    let ctl = control(sh);
    if settle_capped(&ctl).await {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::GATEWAY_TIMEOUT.into_response()
    }
}

async fn deliveries(State(sh): State<Arc<Shared>>) -> Response {
    let ctl = control(sh);
    Json(json!({
        "records": ctl.deliveries(),
        "pending": ctl.pending_deliveries(),
    }))
    .into_response()
}

async fn public_key(State(sh): State<Arc<Shared>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        control(sh).webhook_public_key_pem(),
    )
        .into_response()
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "no such control endpoint" })),
    )
        .into_response()
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/revoke", post(revoke))
        .route("/clock", get(clock_get).post(clock_advance))
        .route("/access-ttl", post(access_ttl))
        .route("/fault", post(fault))
        .route("/api-key", post(api_key))
        .route("/api-key/replace", post(replace_api_key))
        .route("/counters", get(counters))
        .route("/requests", get(requests))
        .route("/subscriptions", get(subscriptions).post(add_foreign))
        .route("/subscriptions/{id}", delete(delete_subscription))
        .route("/deactivate-client", post(deactivate_client))
        .route("/invalidate-access-tokens", post(invalidate_access_tokens))
        .route("/connection", get(connection))
        .route("/authorize-code", post(authorize_code))
        .route("/hook/{name}", any(hook))
        .route("/hook-config/{name}", post(hook_config))
        .route("/hook-calls/{name}", get(hook_calls))
        .route("/deliver", post(deliver))
        .route("/deliveries", get(deliveries))
        .route("/deliveries/settle", post(settle))
        .route("/webhook-public-key", get(public_key))
        .fallback(not_found)
}
