//! Helpers shared by the integration tests. They speak plain HTTP to the simulator and
//! compute PKCE and Basic auth from the RFCs, not from the simulator's code.
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use lexware_sim::{Sim, SimConfig};
use rand::RngCore as _;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

pub const CLIENT_ID: &str = "lexguard-test-client";
pub const CLIENT_SECRET: &str = "sim-secret";

/// Most tests make several calls in a row; the rate limit would get in their way.
pub async fn start_unlimited() -> Sim {
    Sim::start(SimConfig {
        rate_limit: false,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

/// RFC 7636: 32 random bytes as base64url = a 43-char verifier; challenge = S256.
pub fn pkce() -> Pkce {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    let verifier = URL_SAFE_NO_PAD.encode(b);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

pub fn redirect_uri() -> String {
    "http://127.0.0.1:53682/callback".to_owned()
}

/// `GET /oauth2/authorize` with every required parameter; returns the raw response.
pub async fn authorize_raw(
    sim: &Sim,
    http: &reqwest::Client,
    params: &[(&str, &str)],
) -> reqwest::Response {
    http.get(format!("{}/oauth2/authorize", sim.url()))
        .query(params)
        .send()
        .await
        .expect("authorize request")
}

/// The browser part: authorize and read `code` and `state` from the 302's Location.
pub async fn authorize(sim: &Sim, http: &reqwest::Client, p: &Pkce, redirect: &str) -> String {
    let resp = authorize_raw(
        sim,
        http,
        &[
            ("client_id", CLIENT_ID),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("state", "st-123"),
            ("code_challenge", &p.challenge),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(&resp);
    let (code, state) = code_and_state(&loc);
    assert_eq!(state, "st-123");
    code
}

pub fn location(resp: &reqwest::Response) -> url::Url {
    let raw = resp
        .headers()
        .get("location")
        .expect("Location header")
        .to_str()
        .expect("ascii Location");
    url::Url::parse(raw).expect("absolute Location")
}

pub fn code_and_state(loc: &url::Url) -> (String, String) {
    let get = |k: &str| {
        loc.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| panic!("{k} in Location"))
    };
    (get("code"), get("state"))
}

pub struct TokenAnswer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

pub async fn token(
    sim: &Sim,
    http: &reqwest::Client,
    auth: Option<&str>,
    form: &[(&str, &str)],
) -> TokenAnswer {
    let mut req = http.post(format!("{}/oauth2/token", sim.url())).form(form);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("token request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.json().await.expect("token endpoint answers JSON");
    TokenAnswer {
        status,
        headers,
        body,
    }
}

pub async fn exchange(
    sim: &Sim,
    http: &reqwest::Client,
    code: &str,
    redirect: &str,
    verifier: &str,
) -> TokenAnswer {
    token(
        sim,
        http,
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

pub async fn refresh(sim: &Sim, http: &reqwest::Client, refresh_token: &str) -> TokenAnswer {
    token(
        sim,
        http,
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

pub fn tokens_of(t: &TokenAnswer) -> Tokens {
    assert_eq!(t.status, StatusCode::OK, "token answer: {}", t.body);
    Tokens {
        access: t.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned(),
        refresh: t.body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_owned(),
    }
}

/// Full browser authorization and code exchange.
pub async fn login(sim: &Sim, http: &reqwest::Client) -> Tokens {
    let p = pkce();
    let code = authorize(sim, http, &p, &redirect_uri()).await;
    tokens_of(&exchange(sim, http, &code, &redirect_uri(), &p.verifier).await)
}

pub async fn get_json(
    sim: &Sim,
    http: &reqwest::Client,
    path: &str,
    bearer: &str,
) -> (StatusCode, Value) {
    let resp = http
        .get(format!("{}{path}", sim.url()))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("GET request");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    (status, body)
}

pub async fn profile(sim: &Sim, http: &reqwest::Client, bearer: &str) -> (StatusCode, Value) {
    get_json(sim, http, "/v1/profile", bearer).await
}

/// The contract's regular error body.
pub fn assert_regular_error(body: &Value, status: u16, path: &str) {
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["path"], path, "{body}");
    for field in ["timestamp", "error", "traceId", "message"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
    assert!(body["details"].is_array(), "details in {body}");
}
