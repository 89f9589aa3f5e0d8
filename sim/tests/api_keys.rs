//! Public API keys: each owns its subscriptions, replacing one deletes them, and a key
//! without the profile permission still manages subscriptions.

mod common;

use common::*;
use lexware_sim::Sim;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(
    sim: &Sim,
    http: &reqwest::Client,
    bearer: &str,
    event_type: &str,
    hook: &str,
) -> StatusCode {
    http.post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(bearer)
        .json(&json!({"eventType": event_type, "callbackUrl": hook}))
        .send()
        .await
        .expect("create")
        .status()
}

async fn listed(sim: &Sim, http: &reqwest::Client, bearer: &str) -> Vec<String> {
    let (status, body) = get_json(sim, http, "/v1/event-subscriptions", bearer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["content"]
        .as_array()
        .expect("content")
        .iter()
        .map(|s| s["eventType"].as_str().expect("eventType").to_owned())
        .collect()
}

#[tokio::test]
async fn each_key_and_the_oauth_client_own_their_subscriptions() {
    let sim = start_unlimited().await;
    let http = http();
    let ctl = sim.control();
    let k1 = ctl.create_api_key();
    let k2 = ctl.create_api_key();
    let t = login(&sim, &http).await;
    let hook = ctl.hook_url("h");
    assert_eq!(
        create(&sim, &http, &k1, "invoice.created", &hook).await,
        StatusCode::CREATED
    );
    assert_eq!(
        create(&sim, &http, &k2, "contact.created", &hook).await,
        StatusCode::CREATED
    );
    assert_eq!(
        create(&sim, &http, &t.access, "voucher.created", &hook).await,
        StatusCode::CREATED
    );
    // The identical subscription under another owner is no conflict.
    assert_eq!(
        create(&sim, &http, &k2, "invoice.created", &hook).await,
        StatusCode::CREATED
    );
    assert_eq!(listed(&sim, &http, &k1).await, ["invoice.created"]);
    assert_eq!(
        listed(&sim, &http, &k2).await,
        ["contact.created", "invoice.created"]
    );
    assert_eq!(listed(&sim, &http, &t.access).await, ["voucher.created"]);
    assert_eq!(ctl.subscriptions().len(), 4);
}

#[tokio::test]
async fn replacing_a_key_deletes_its_subscriptions_only() {
    let sim = start_unlimited().await;
    let http = http();
    let ctl = sim.control();
    let old = ctl.create_api_key();
    let other = ctl.create_api_key();
    let hook = ctl.hook_url("h");
    assert_eq!(
        create(&sim, &http, &old, "invoice.created", &hook).await,
        StatusCode::CREATED
    );
    assert_eq!(
        create(&sim, &http, &other, "invoice.created", &hook).await,
        StatusCode::CREATED
    );

    let new = ctl.replace_api_key(&old).expect("old key was active");
    assert_ne!(new, old);
    assert_eq!(profile(&sim, &http, &old).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(profile(&sim, &http, &new).await.0, StatusCode::OK);
    assert!(
        listed(&sim, &http, &new).await.is_empty(),
        "deleted with the old key"
    );
    assert_eq!(listed(&sim, &http, &other).await, ["invoice.created"]);
    assert_eq!(ctl.subscriptions().len(), 1);
    assert_eq!(ctl.replace_api_key(&old), None, "already replaced");
    assert_eq!(ctl.replace_api_key("no-such-key"), None);
}

#[tokio::test]
async fn a_restricted_key_gets_403_on_the_profile_but_manages_subscriptions() {
    let sim = start_unlimited().await;
    let http = http();
    let ctl = sim.control();
    let key = ctl.create_api_key_restricted();
    let (status, body) = profile(&sim, &http, &key).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_regular_error(&body, 403, "/v1/profile");
    let hook = ctl.hook_url("h");
    assert_eq!(
        create(&sim, &http, &key, "invoice.created", &hook).await,
        StatusCode::CREATED
    );
    assert_eq!(listed(&sim, &http, &key).await, ["invoice.created"]);
    // Its replacement keeps the restriction.
    let new = ctl.replace_api_key(&key).expect("replaced");
    assert_eq!(profile(&sim, &http, &new).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn api_keys_over_http_control() {
    let sim = start_unlimited().await;
    let http = http();
    let url = |p: &str| format!("{}/_sim/{p}", sim.url());
    let post = |path: &str, body: Option<Value>| {
        let mut req = http.post(url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move { req.send().await.expect("control request") }
    };
    let full: Value = post("api-key", None).await.json().await.expect("json");
    let full = full["api_key"].as_str().expect("api_key").to_owned();
    assert_eq!(profile(&sim, &http, &full).await.0, StatusCode::OK);

    let resp = post("api-key", Some(json!({"restricted": true}))).await;
    let restricted: Value = resp.json().await.expect("json");
    let restricted = restricted["api_key"].as_str().expect("api_key").to_owned();
    assert_eq!(
        profile(&sim, &http, &restricted).await.0,
        StatusCode::FORBIDDEN
    );

    let hook = sim.control().hook_url("h");
    assert_eq!(
        create(&sim, &http, &full, "invoice.created", &hook).await,
        StatusCode::CREATED
    );
    let resp = post("api-key/replace", Some(json!({"api_key": full}))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let new: Value = resp.json().await.expect("json");
    let new = new["api_key"].as_str().expect("api_key").to_owned();
    assert_eq!(profile(&sim, &http, &new).await.0, StatusCode::OK);
    assert_eq!(
        profile(&sim, &http, &full).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(sim.control().subscriptions().is_empty());
    let resp = post("api-key/replace", Some(json!({"api_key": full}))).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = post("api-key", Some(json!("nonsense"))).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}
