//! `GET /v1/profile` and `/v1/event-subscriptions` as the contract describes them.

mod common;

use common::*;
use lexware_sim::{Sim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn create(
    sim: &Sim,
    http: &reqwest::Client,
    bearer: &str,
    event_type: &str,
    callback_url: &str,
) -> (StatusCode, Option<String>, Value) {
    let resp = http
        .post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(bearer)
        .json(&json!({"eventType": event_type, "callbackUrl": callback_url}))
        .send()
        .await
        .expect("create request");
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.json().await.expect("JSON body");
    (status, location, body)
}

async fn delete(sim: &Sim, http: &reqwest::Client, bearer: &str, id: &str) -> StatusCode {
    http.delete(format!("{}/v1/event-subscriptions/{id}", sim.url()))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("delete request")
        .status()
}

#[tokio::test]
async fn profile_names_the_organization_and_connection() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let (status, body) = profile(&sim, &http, &t.access).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["organizationId"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(body["companyName"], "Demo GmbH");
    assert_eq!(
        body["connectionId"].as_str(),
        sim.control().connection_id().as_deref()
    );
    for f in ["userId", "userName", "userEmail", "date"] {
        assert!(body["created"][f].is_string(), "created.{f} in {body}");
    }
    assert!(body["taxType"].is_string());
    assert!(body["smallBusiness"].is_boolean());
    assert_eq!(sim.control().counters().profile_calls, 1);
}

#[tokio::test]
async fn api_without_valid_credentials_is_unauthorized() {
    let sim = start_unlimited().await;
    let http = http();
    let resp = http
        .get(format!("{}/v1/profile", sim.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body, json!({"message": "Unauthorized"}));
    let (status, body) = profile(&sim, &http, "made-up-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"message": "Unauthorized"}));
    // A refused call is still a call.
    assert_eq!(sim.control().counters().profile_calls, 2);
}

#[tokio::test]
async fn api_keys_work_for_24_months() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    let (status, body) = profile(&sim, &http, &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["companyName"], "Demo GmbH");
    assert!(body["connectionId"].is_null());
    // 23 months on: still valid.
    sim.control().advance_clock(700 * 86_400);
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::OK);
    // Past 24 months: dead.
    sim.control().advance_clock(40 * 86_400);
    assert_eq!(profile(&sim, &http, &key).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn subscriptions_crud() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let hook = sim.control().hook_url("invoices");

    let (status, location, body) = create(&sim, &http, &t.access, "invoice.created", &hook).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    let location = location.expect("Location header");
    assert_eq!(
        location,
        format!("{}/v1/event-subscriptions/{id}", sim.url())
    );
    assert_eq!(body["resourceUri"], location.as_str());
    assert!(body["createdDate"].is_string());
    assert!(body["updatedDate"].is_string());
    assert_eq!(body["version"], 0);

    let (status, list) = get_json(&sim, &http, "/v1/event-subscriptions", &t.access).await;
    assert_eq!(status, StatusCode::OK);
    let content = list["content"].as_array().expect("content array");
    assert_eq!(content.len(), 1);
    let item = &content[0];
    assert_eq!(item["subscriptionId"], id.as_str());
    assert_eq!(item["eventType"], "invoice.created");
    assert_eq!(item["callbackUrl"], hook.as_str());
    assert!(item["createdDate"].is_string());
    let (_, profile_body) = profile(&sim, &http, &t.access).await;
    assert_eq!(item["organizationId"], profile_body["organizationId"]);

    let (status, one) = get_json(
        &sim,
        &http,
        &format!("/v1/event-subscriptions/{id}"),
        &t.access,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["subscriptionId"], id.as_str());
    assert_eq!(one["eventType"], "invoice.created");

    assert_eq!(
        delete(&sim, &http, &t.access, &id).await,
        StatusCode::NO_CONTENT
    );
    let path = format!("/v1/event-subscriptions/{id}");
    let (status, body) = get_json(&sim, &http, &path, &t.access).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_regular_error(&body, 404, &path);
    assert_eq!(
        delete(&sim, &http, &t.access, &id).await,
        StatusCode::NOT_FOUND
    );
    assert!(sim.control().subscriptions().is_empty());

    let c = sim.control().counters();
    assert_eq!(c.subscription_creates, 1);
    assert_eq!(c.subscription_lists, 1);
    assert_eq!(c.subscription_deletes, 2);
}

#[tokio::test]
async fn a_callback_that_fails_the_head_check_is_refused() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let bad = format!("{}/_sim/nothing", sim.url());
    let (status, _, body) = create(&sim, &http, &t.access, "invoice.created", &bad).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{body}");
    assert_regular_error(&body, 406, "/v1/event-subscriptions");
    assert!(sim.control().subscriptions().is_empty());
}

#[tokio::test]
async fn callback_urls_must_be_https_or_loopback_http() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let (status, _, body) = create(
        &sim,
        &http,
        &t.access,
        "invoice.created",
        "http://shop.example/hook",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(body["details"][0]["field"], "callbackUrl");

    let strict = Sim::start(SimConfig {
        rate_limit: false,
        allow_http_callbacks: false,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let key = strict.control().create_api_key();
    let hook = strict.control().hook_url("x");
    let (status, _, _) = create(&strict, &http, &key, "invoice.created", &hook).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn unknown_event_types_are_refused_with_details() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let hook = sim.control().hook_url("h");
    for bad in ["invoice.paid", "Invoice.Created", ""] {
        let (status, _, body) = create(&sim, &http, &t.access, bad, &hook).await;
        assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{bad}");
        assert_regular_error(&body, 406, "/v1/event-subscriptions");
        let details = body["details"].as_array().expect("details");
        let d = details
            .iter()
            .find(|d| d["field"] == "eventType")
            .expect("a detail about eventType");
        assert!(d["violation"].is_string());
        assert!(d["message"].is_string());
    }
}

#[tokio::test]
async fn only_an_identical_subscription_conflicts() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let hook = sim.control().hook_url("h");
    let (status, _, _) = create(&sim, &http, &t.access, "contact.changed", &hook).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, body) = create(&sim, &http, &t.access, "contact.changed", &hook).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_regular_error(&body, 409, "/v1/event-subscriptions");
    // Several URLs per event type, and the same URL for another type, are fine.
    let other = sim.control().hook_url("other");
    let (status, _, _) = create(&sim, &http, &t.access, "contact.changed", &other).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = create(&sim, &http, &t.access, "contact.created", &hook).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(sim.control().subscriptions().len(), 3);
}

#[tokio::test]
async fn the_stricter_one_per_event_type_rule_is_an_option() {
    let sim = Sim::start(SimConfig {
        rate_limit: false,
        reject_duplicate_event_types: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let http = http();
    let key = sim.control().create_api_key();
    let (status, _, _) = create(
        &sim,
        &http,
        &key,
        "voucher.created",
        &sim.control().hook_url("a"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, body) = create(
        &sim,
        &http,
        &key,
        "voucher.created",
        &sim.control().hook_url("b"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_regular_error(&body, 409, "/v1/event-subscriptions");
    assert_eq!(sim.control().subscriptions().len(), 1);
}

#[tokio::test]
async fn subscriptions_survive_revocation_and_reauthorization() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let hook = sim.control().hook_url("h");
    let (status, _, body) = create(&sim, &http, &t.access, "token.revoked", &hook).await;
    assert_eq!(status, StatusCode::CREATED);
    sim.control().revoke_connection();
    let t2 = login(&sim, &http).await;
    let (_, list) = get_json(&sim, &http, "/v1/event-subscriptions", &t2.access).await;
    assert_eq!(list["content"][0]["subscriptionId"], body["id"]);
}

#[tokio::test]
async fn foreign_subscriptions_show_up_in_the_list_and_block_identical_ones() {
    let sim = start_unlimited().await;
    let http = http();
    let t = login(&sim, &http).await;
    let view = sim
        .control()
        .add_foreign_subscription("invoice.changed", "https://other-tool.example/hook");
    let (_, list) = get_json(&sim, &http, "/v1/event-subscriptions", &t.access).await;
    assert_eq!(list["content"][0]["subscriptionId"], view.id.as_str());
    assert_eq!(
        list["content"][0]["callbackUrl"],
        "https://other-tool.example/hook"
    );
    // The 409 comes before the HEAD check (which this non-loopback URL would fail).
    let (status, _, _) = create(
        &sim,
        &http,
        &t.access,
        "invoice.changed",
        "https://other-tool.example/hook",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let hook = sim.control().hook_url("h");
    let (status, _, _) = create(&sim, &http, &t.access, "invoice.changed", &hook).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn create_wants_json() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    let resp = http
        .post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(&key)
        .header("content-type", "text/plain")
        .body("eventType=invoice.created")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn hooks_answer_head_get_and_post() {
    let sim = start_unlimited().await;
    let http = http();
    let hook = sim.control().hook_url("probe");
    assert_eq!(
        http.head(&hook).send().await.expect("HEAD").status(),
        StatusCode::OK
    );
    assert_eq!(
        http.get(&hook).send().await.expect("GET").status(),
        StatusCode::OK
    );
    assert_eq!(
        http.post(&hook)
            .body("{}")
            .send()
            .await
            .expect("POST")
            .status(),
        StatusCode::OK
    );
    assert_eq!(sim.control().counters().requests, 0);
}

#[tokio::test]
async fn lexware_side_deletion_removes_a_subscription() {
    let sim = start_unlimited().await;
    let http = http();
    let key = sim.control().create_api_key();
    let hook = sim.control().hook_url("h");
    let (status, _, body) = create(&sim, &http, &key, "article.created", &hook).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_str().expect("id");
    assert!(sim.control().delete_subscription(id));
    assert!(!sim.control().delete_subscription(id));
    let (_, list) = get_json(&sim, &http, "/v1/event-subscriptions", &key).await;
    assert_eq!(list["content"], json!([]));
}
