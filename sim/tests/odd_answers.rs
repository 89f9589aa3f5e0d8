//! Lexware's odd answers: a 429 disguised as a 500, and a 504 for a request that succeeded.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_disguised_429_is_a_bare_500_and_not_executed() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().disguised_429_next_on("/v1/profile", 2);
    // Other paths pass.
    let (status, _) = get_json(&sim, &http, "/v1/event-subscriptions", &key).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..2 {
        let (status, body) = profile(&sim, &http, &key).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            body,
            json!({"message": "Internal server error or rate limit exceeded"})
        );
    }
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    let c = sim.control().counters();
    assert_eq!(c.profile_calls, 1, "the disguised 429s were not executed");
    assert_eq!(c.rate_limited, 0, "not counted as the real rate limit");
}

#[tokio::test]
async fn a_disguised_429_carries_no_rate_limit_headers() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().disguised_429_next_on("", 1);
    let resp = http
        .get(format!("{}/v1/profile", sim.url()))
        .bearer_auth(&key)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    for h in resp.headers().keys() {
        let name = h.as_str();
        assert!(
            name != "retry-after" && !name.contains("ratelimit"),
            "unexpected header {name}"
        );
    }
}

#[tokio::test]
async fn a_gateway_timeout_hides_a_created_subscription() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control()
        .gateway_timeout_after_next_on("/v1/event-subscriptions", 1);
    let hook = sim.control().hook_url("h");
    let resp = http
        .post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(&key)
        .json(&json!({"eventType": "invoice.created", "callbackUrl": hook}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body, json!({"message": "Endpoint request timed out"}));
    // It was executed: the subscription exists, and a retry of the same create is a 409.
    let subs = sim.control().subscriptions();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].callback_url, hook);
    let resp = http
        .post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(&key)
        .json(&json!({"eventType": "invoice.created", "callbackUrl": hook}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_gateway_timeout_after_a_refresh_has_rotated() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control()
        .gateway_timeout_after_next_on("/oauth2/token", 1);
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(sim.control().counters().refreshes, 1, "executed");
    // The old refresh token is rotated: presenting it is a replay.
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"], "invalid_grant");
}

#[tokio::test]
async fn odd_answers_over_http_control() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    let fault = |body: Value| {
        let http = http.clone();
        let url = format!("{}/_sim/fault", sim.url());
        async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .expect("fault")
                .status()
        }
    };
    assert_eq!(
        fault(json!({"kind": "disguised_429", "n": 1, "path_prefix": "/v1/"})).await,
        StatusCode::NO_CONTENT
    );
    let (status, body) = profile(&sim, &http, &key).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body["message"],
        "Internal server error or rate limit exceeded"
    );
    assert_eq!(
        fault(json!({"kind": "gateway_timeout_after", "n": 1})).await,
        StatusCode::NO_CONTENT
    );
    let (status, _) = profile(&sim, &http, &key).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(sim.control().counters().profile_calls, 1, "executed");
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
}
