//! Injected faults, the real rate limit, and the control API over HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use lexware_sim::{Counters, LoggedRequest, Sim, SimConfig, SubscriptionView};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn fail_next_answers_the_status_without_executing() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().fail_next(2, 503);
    for _ in 0..2 {
        let (status, body) = profile(&sim, &http, &key).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_regular_error(&body, 503, "/v1/profile");
    }
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    let c = sim.control().counters();
    assert_eq!(c.profile_calls, 1);
    assert_eq!(c.requests, 3);
}

#[tokio::test]
async fn fail_next_on_only_hits_matching_paths() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().fail_next_on("/oauth2/token", 1, 500);
    assert_eq!(profile(&sim, &http, &t.access).await.0, StatusCode::OK);
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_regular_error(&r.body, 500, "/oauth2/token");
    // Not executed: the refresh token is still the current one.
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn injected_429_carries_retry_after_and_is_not_counted_as_rate_limited() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().rate_limit_next(1, Some(7));
    let resp = http
        .get(format!("{}/v1/profile", sim.url()))
        .bearer_auth(&key)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("7")
    );
    let body: Value = resp.json().await.expect("json");
    assert_regular_error(&body, 429, "/v1/profile");
    sim.control().rate_limit_next(1, None);
    let resp = http
        .get(format!("{}/v1/profile", sim.url()))
        .bearer_auth(&key)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_none());
    let c = sim.control().counters();
    assert_eq!(c.rate_limited, 0);
    assert_eq!(c.profile_calls, 0);
}

#[tokio::test]
async fn drop_next_closes_the_connection_without_answer() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().drop_next(1);
    let err = http
        .get(format!("{}/v1/profile", sim.url()))
        .bearer_auth(&key)
        .send()
        .await
        .expect_err("no response");
    assert!(!err.is_status());
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    let log = sim.control().requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, 0);
    assert_eq!(log[1].status, 200);
    assert_eq!(sim.control().counters().profile_calls, 1);
}

#[tokio::test]
async fn delay_next_holds_the_request_back() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    sim.control().delay_next(1, 300);
    let started = Instant::now();
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn faults_apply_in_order_drop_delay_fail_rate_limit() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    let ctl = sim.control();
    ctl.fail_next(1, 502);
    ctl.rate_limit_next(1, None);
    ctl.drop_next(1);
    assert!(
        http.get(format!("{}/v1/profile", sim.url()))
            .bearer_auth(&key)
            .send()
            .await
            .is_err()
    );
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::BAD_GATEWAY);
    assert_eq!(
        profile(&sim, &http, &key).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_rate_limit_allows_two_per_second_per_client() {
    let sim = Sim::start(SimConfig::default()).await.expect("sim starts");
    let http = http();
    let key = sim.control().create_api_key();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(profile(&sim, &http, &key).await.0);
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(ok + limited, 5, "{statuses:?}");
    assert!(ok >= 2, "the bucket starts full: {statuses:?}");
    assert!(limited >= 1, "{statuses:?}");
    let c = sim.control().counters();
    assert_eq!(c.rate_limited as usize, limited);
    assert_eq!(c.profile_calls as usize, ok, "429s are not executed");

    // Another client (another key) has its own bucket.
    let other = sim.control().create_api_key();
    assert_eq!(profile(&sim, &http, &other).await.0, StatusCode::OK);

    // A second later the bucket has refilled.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);

    // /_sim/* is never limited or counted.
    let before = sim.control().counters().requests;
    for _ in 0..10 {
        let resp = http
            .get(format!("{}/_sim/counters", sim.url()))
            .send()
            .await
            .expect("counters");
        assert_eq!(resp.status(), StatusCode::OK);
    }
    assert_eq!(sim.control().counters().requests, before);
}

#[tokio::test]
async fn the_token_endpoint_shares_the_client_bucket() {
    let sim = Sim::start(SimConfig::default()).await.expect("sim starts");
    let http = http();
    let mut limited = 0;
    for _ in 0..5 {
        let t = refresh(&sim, &http, "unknown").await;
        if t.status == StatusCode::TOO_MANY_REQUESTS {
            assert_regular_error(&t.body, 429, "/oauth2/token");
            limited += 1;
        } else {
            assert_eq!(t.body["error"], "invalid_grant");
        }
    }
    assert!(limited >= 1);
    assert_eq!(sim.control().counters().rate_limited, limited);
}

#[tokio::test]
async fn the_request_log_holds_no_query_strings() {
    let sim = start_unlimited().await;
    let http = http();
    let p = pkce();
    let _code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let log = sim.control().requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/oauth2/authorize");
    assert_eq!(log[0].status, 302);
    assert!(!log[0].path.contains('?'));
    let dump = serde_json::to_string(&log).expect("serializes");
    assert!(!dump.contains(&p.challenge));
}

#[tokio::test]
async fn unknown_paths_answer_the_regular_404() {
    let sim = start_unlimited().await;
    let http = http();
    let resp = http
        .get(format!("{}/v1/nothing-here", sim.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.expect("json");
    assert_regular_error(&body, 404, "/v1/nothing-here");
}

#[tokio::test]
async fn control_api_over_http() {
    let sim = start_unlimited().await;
    let http = http();
    let url = |p: &str| format!("{}/_sim/{p}", sim.url());

    let key: Value = http
        .post(url("api-key"))
        .send()
        .await
        .expect("api-key")
        .json()
        .await
        .expect("json");
    let key = key["api_key"].as_str().expect("api_key").to_owned();
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);

    let resp = http
        .post(url("fault"))
        .json(&json!({"kind": "fail", "n": 1, "status": 503, "path_prefix": "/v1/"}))
        .send()
        .await
        .expect("fault");
    assert!(resp.status().is_success());
    assert_eq!(
        profile(&sim, &http, &key).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let resp = http
        .post(url("fault"))
        .json(&json!({"kind": "rate_limit", "n": 1, "retry_after_secs": 3}))
        .send()
        .await
        .expect("fault");
    assert!(resp.status().is_success());
    assert_eq!(
        profile(&sim, &http, &key).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    let resp = http
        .post(url("fault"))
        .json(&json!({"kind": "fail", "n": 1}))
        .send()
        .await
        .expect("fault");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let before = sim.control().now();
    let resp = http
        .post(url("clock"))
        .json(&json!({"advance_secs": 3600}))
        .send()
        .await
        .expect("clock");
    assert!(resp.status().is_success());
    assert!(sim.control().now() - before >= chrono::TimeDelta::seconds(3600));

    let t = login(&sim, &http).await;
    let resp = http
        .post(url("access-ttl"))
        .json(&json!({"secs": 10}))
        .send()
        .await
        .expect("access-ttl");
    assert!(resp.status().is_success());
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.body["expires_in"], 10);
    let t = tokens_of(&r);

    let resp = http
        .post(url("invalidate-access-tokens"))
        .send()
        .await
        .expect("invalidate");
    assert!(resp.status().is_success());
    assert_eq!(
        profile(&sim, &http, &t.access).await.0,
        StatusCode::UNAUTHORIZED
    );

    let conn: Value = http
        .get(url("connection"))
        .send()
        .await
        .expect("connection")
        .json()
        .await
        .expect("json");
    assert_eq!(conn["active"], true);

    let resp = http.post(url("revoke")).send().await.expect("revoke");
    assert!(resp.status().is_success());
    assert!(!sim.control().connection_active());

    let resp = http
        .post(url("subscriptions"))
        .json(&json!({"event_type": "invoice.created", "callback_url": "https://x.example/h"}))
        .send()
        .await
        .expect("foreign subscription");
    assert!(resp.status().is_success());
    let subs: Vec<SubscriptionView> = http
        .get(url("subscriptions"))
        .send()
        .await
        .expect("subscriptions")
        .json()
        .await
        .expect("json");
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].event_type, "invoice.created");
    let gone = url(&format!("subscriptions/{}", subs[0].id));
    let resp = http.delete(&gone).send().await.expect("delete");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = http.delete(&gone).send().await.expect("delete");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(sim.control().subscriptions().is_empty());

    let p = pkce();
    let code: Value = http
        .post(url("authorize-code"))
        .json(&json!({"state": "s", "code_challenge": p.challenge, "redirect_uri": redirect_uri()}))
        .send()
        .await
        .expect("authorize-code")
        .json()
        .await
        .expect("json");
    let code = code["code"].as_str().expect("code");
    let t = exchange(&sim, &http, code, &redirect_uri(), &p.verifier).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);

    let resp = http
        .post(url("deactivate-client"))
        .send()
        .await
        .expect("deactivate");
    assert!(resp.status().is_success());
    let t = refresh(&sim, &http, tokens_of(&t).refresh.as_str()).await;
    assert_eq!(t.body["error"], "unauthorized_client");

    let counters: Counters = http
        .get(url("counters"))
        .send()
        .await
        .expect("counters")
        .json()
        .await
        .expect("json");
    assert_eq!(counters, sim.control().counters());
    let log: Vec<LoggedRequest> = http
        .get(url("requests"))
        .send()
        .await
        .expect("requests")
        .json()
        .await
        .expect("json");
    assert_eq!(log, sim.control().requests());
    assert!(log.iter().all(|r| !r.path.starts_with("/_sim")));

    let resp = http.get(url("no-such-thing")).send().await.expect("404");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn dropping_the_sim_stops_the_server() {
    let sim = start_unlimited().await;
    let url = sim.url();
    let http = http();
    assert!(
        http.get(format!("{url}/_sim/counters"))
            .send()
            .await
            .is_ok()
    );
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = common::http();
    assert!(
        fresh
            .get(format!("{url}/_sim/counters"))
            .send()
            .await
            .is_err()
    );
}

/// A refresh whose answer may never arrive: the raw result of sending it.
async fn send_refresh(
    sim: &Sim,
    http: &reqwest::Client,
    refresh_token: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{}/oauth2/token", sim.url()))
        .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
}

/// The refresh WAS executed: counted, and the old refresh token is now a rotated one.
async fn assert_rotated(sim: &Sim, http: &reqwest::Client, old_refresh: &str) {
    assert_eq!(sim.control().counters().refreshes, 1, "executed once");
    let again = refresh(sim, http, old_refresh).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert_eq!(
        again.body["error"], "invalid_grant",
        "old token rotated away"
    );
}

#[tokio::test]
async fn delay_after_executes_the_refresh_then_holds_the_answer() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control()
        .delay_after_next_on("/oauth2/token", 1, 30_000);
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    let err = send_refresh(&sim, &impatient, &t.refresh)
        .await
        .expect_err("the answer comes too late for this client");
    assert!(err.is_timeout(), "{err}");
    assert_rotated(&sim, &http, &t.refresh).await;
}

#[tokio::test]
async fn delay_after_answers_in_full_once_the_wait_is_over() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let key = sim.control().create_api_key();
    sim.control().delay_after_next_on("/oauth2/token", 1, 300);
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    let started = Instant::now();
    let r = refresh(&sim, &http, &t.refresh).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    let fresh = tokens_of(&r);
    assert_eq!(profile(&sim, &http, &fresh.access).await.0, StatusCode::OK);
    assert_eq!(sim.control().counters().refreshes, 1);
}

#[tokio::test]
async fn truncate_sends_a_partial_200_after_the_refresh_rotated() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().truncate_next_on("/oauth2/token", 1);
    let mut resp = send_refresh(&sim, &http, &t.refresh)
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), StatusCode::OK);
    let claimed: usize = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Content-Length");
    let mut got = Vec::new();
    let end = loop {
        match resp.chunk().await {
            Ok(Some(c)) => got.extend_from_slice(&c),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    assert!(end.is_err(), "the body ends early with an error");
    assert!(got.len() < claimed, "{} of {claimed} bytes", got.len());
    assert!(!got.is_empty(), "part of the body arrived");
    assert!(serde_json::from_slice::<Value>(&got).is_err(), "not JSON");
    assert_rotated(&sim, &http, &t.refresh).await;
    let log = sim.control().requests();
    assert_eq!(log.last().map(|r| r.status), Some(400));
    assert_eq!(log[log.len() - 2].status, 200, "{log:?}");
}

#[tokio::test]
async fn drop_after_closes_the_connection_after_the_refresh_rotated() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    sim.control().drop_after_next_on("/oauth2/token", 1);
    let err = send_refresh(&sim, &http, &t.refresh)
        .await
        .expect_err("no answer");
    assert!(!err.is_status() && !err.is_timeout(), "{err}");
    assert_rotated(&sim, &http, &t.refresh).await;
    let log = sim.control().requests();
    assert_eq!(log[log.len() - 2].status, 0, "logged as dropped: {log:?}");
}

#[tokio::test]
async fn after_faults_wait_for_a_request_that_is_executed() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let key = sim.control().create_api_key();
    let ctl = sim.control();
    ctl.drop_after_next_on("/oauth2/token", 1);
    ctl.fail_next_on("/oauth2/token", 1, 503);
    assert_eq!(
        profile(&sim, &http, &key).await.0,
        StatusCode::OK,
        "other path"
    );
    let r = refresh(&sim, &http, &t.refresh).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "not executed");
    assert_eq!(ctl.counters().refreshes, 0);
    assert!(send_refresh(&sim, &http, &t.refresh).await.is_err());
    assert_rotated(&sim, &http, &t.refresh).await;
}

#[tokio::test]
async fn after_faults_over_http_control() {
    let sim = start_unlimited().await;
    let http = http();
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
        fault(json!({"kind": "delay_after", "n": 1})).await,
        StatusCode::BAD_REQUEST,
        "delay_after needs millis"
    );
    let t = login(&sim, &http).await;
    let on_token = |kind: &str| json!({"kind": kind, "n": 1, "path_prefix": "/oauth2/token"});
    assert_eq!(fault(on_token("drop_after")).await, StatusCode::NO_CONTENT);
    assert!(send_refresh(&sim, &http, &t.refresh).await.is_err());
    assert_eq!(sim.control().counters().refreshes, 1, "executed");

    assert_eq!(fault(on_token("truncate")).await, StatusCode::NO_CONTENT);
    let p = pkce();
    let code = authorize(&sim, &http, &p, &redirect_uri()).await;
    let resp = http
        .post(format!("{}/oauth2/token", sim.url()))
        .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri().as_str()),
            ("code_verifier", p.verifier.as_str()),
        ])
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.is_err(), "cut body");
    assert_eq!(sim.control().counters().code_exchanges, 2, "executed");

    let mut delayed = on_token("delay_after");
    delayed["millis"] = json!(10);
    assert_eq!(fault(delayed).await, StatusCode::NO_CONTENT);
    let _ = login(&sim, &http).await;
    assert_eq!(sim.control().counters().code_exchanges, 3);
}
