//! Webhook deliveries: signed POSTs, `token.revoked`, the retry schedule on the simulator
//! clock, and the deletion rules. Signatures are checked here with the `rsa` crate against
//! the published public key, not with the simulator's signing code.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::*;
use lexware_sim::{DeliveryOutcome, DeliveryResult, RETRY_GAPS_SECS, Sim, SimConfig};
use reqwest::StatusCode;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::{DecodePublicKey as _, EncodePrivateKey as _, LineEnding};
use rsa::signature::Verifier as _;
use serde_json::{Value, json};
use sha2::Sha512;

/// The whole schedule: the last retry is this long after the first attempt.
const SCHEDULE_SECS: i64 = 146_110;

async fn subscribe(sim: &Sim, bearer: &str, event_type: &str, callback: &str) -> String {
    let resp = http()
        .post(format!("{}/v1/event-subscriptions", sim.url()))
        .bearer_auth(bearer)
        .json(&json!({"eventType": event_type, "callbackUrl": callback}))
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.expect("json");
    body["id"].as_str().expect("id").to_owned()
}

fn posts(sim: &Sim, hook: &str) -> Vec<lexware_sim::HookCall> {
    sim.control()
        .hook_calls(hook)
        .into_iter()
        .filter(|c| c.method == "POST")
        .collect()
}

fn verify(public_pem: &str, body: &str, signature: &str) -> bool {
    let public = rsa::RsaPublicKey::from_public_key_pem(public_pem).expect("SPKI PEM");
    let raw = STANDARD.decode(signature).expect("base64 signature");
    let Ok(sig) = Signature::try_from(raw.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha512>::new(public)
        .verify(body.as_bytes(), &sig)
        .is_ok()
}

fn exists(sim: &Sim, id: &str) -> bool {
    sim.control().subscriptions().iter().any(|s| s.id == id)
}

#[tokio::test]
async fn a_delivery_is_a_signed_compact_post_to_every_matching_subscription() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let other_key = ctl.create_api_key();
    subscribe(&sim, &key, "invoice.created", &ctl.hook_url("a")).await;
    subscribe(&sim, &other_key, "invoice.created", &ctl.hook_url("b")).await;
    subscribe(&sim, &key, "invoice.changed", &ctl.hook_url("c")).await;

    assert_eq!(ctl.deliver("invoice.created", "inv-1"), 2);
    ctl.settle_deliveries().await;
    let (_, profile) = profile(&sim, &http(), &key).await;
    let pem = ctl.webhook_public_key_pem();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    for hook in ["a", "b"] {
        let calls = posts(&sim, hook);
        assert_eq!(calls.len(), 1, "{hook}");
        let call = &calls[0];
        let body: Value = serde_json::from_str(&call.body).expect("JSON body");
        assert_eq!(body["organizationId"], profile["organizationId"]);
        assert_eq!(body["eventType"], "invoice.created");
        assert_eq!(body["resourceId"], "inv-1");
        assert!(body["eventDate"].as_str().is_some_and(|d| d.contains('T')));
        assert_eq!(body.as_object().map(|o| o.len()), Some(4));
        assert!(
            call.body.starts_with(r#"{"organizationId":""#) && !call.body.contains([' ', '\n']),
            "compact, in contract order: {}",
            call.body
        );
        let sig = call.signature.as_deref().expect("X-Lxo-Signature");
        assert!(verify(&pem, &call.body, sig), "signature verifies");
        assert!(!verify(&pem, &call.body.replace("inv-1", "inv-2"), sig));
    }
    assert!(posts(&sim, "c").is_empty(), "other event type");
    let records = ctl.deliveries();
    assert_eq!(records.len(), 2);
    assert!(
        records
            .iter()
            .all(|r| r.outcome == DeliveryOutcome::Delivered
                && r.result == DeliveryResult::Answered { status: 200 }
                && r.attempt == 0)
    );
    assert_eq!(ctl.pending_deliveries(), 0);
    // Three creates and one profile call: deliveries are not counted as API requests.
    assert_eq!(
        ctl.counters().requests,
        4,
        "deliveries are not API requests"
    );
}

#[tokio::test]
async fn tests_may_bring_their_own_key_pair() {
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).expect("keygen");
    let pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .expect("pem")
        .to_string();
    let public_pem = {
        use rsa::pkcs8::EncodePublicKey as _;
        private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("public pem")
    };
    let sim = Sim::start(SimConfig {
        rate_limit: false,
        webhook_key_pem: Some(pem),
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let ctl = sim.control();
    assert_eq!(ctl.webhook_public_key_pem(), public_pem);
    let key = ctl.create_api_key();
    subscribe(&sim, &key, "contact.deleted", &ctl.hook_url("h")).await;
    ctl.deliver("contact.deleted", "c-9");
    ctl.settle_deliveries().await;
    let call = &posts(&sim, "h")[0];
    assert!(verify(
        &public_pem,
        &call.body,
        call.signature.as_deref().expect("signature")
    ));

    let bad = Sim::start(SimConfig {
        webhook_key_pem: Some("-----BEGIN PRIVATE KEY-----\nnope\n".into()),
        ..SimConfig::default()
    })
    .await;
    assert!(bad.is_err(), "an unusable key is refused at start");
}

#[tokio::test]
async fn revocation_and_reauthorization_send_token_revoked() {
    let sim = start_unlimited().await;
    let http = http();
    let ctl = sim.control();
    let t = login(&sim, &http).await;
    subscribe(&sim, &t.access, "token.revoked", &ctl.hook_url("revoked")).await;
    let first = ctl.connection_id().expect("connection");
    ctl.revoke_connection();
    ctl.settle_deliveries().await;
    let calls = posts(&sim, "revoked");
    assert_eq!(calls.len(), 1);
    let body: Value = serde_json::from_str(&calls[0].body).expect("json");
    assert_eq!(body["eventType"], "token.revoked");
    assert_eq!(body["resourceId"], first.as_str());
    let pem = ctl.webhook_public_key_pem();
    assert!(verify(
        &pem,
        &calls[0].body,
        calls[0].signature.as_deref().expect("sig")
    ));

    // Revoking again announces nothing: there is no live connection.
    ctl.revoke_connection();
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "revoked").len(), 1);

    // A new authorization revokes the previous connection: announced with its id.
    let _t2 = login(&sim, &http).await;
    let second = ctl.connection_id().expect("connection");
    let _t3 = login(&sim, &http).await;
    ctl.settle_deliveries().await;
    let calls = posts(&sim, "revoked");
    assert_eq!(calls.len(), 2);
    let body: Value = serde_json::from_str(&calls[1].body).expect("json");
    assert_eq!(body["resourceId"], second.as_str());
}

#[tokio::test]
async fn a_410_deletes_the_subscription_at_once() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "voucher.created", &ctl.hook_url("gone")).await;
    ctl.set_hook_status("gone", 410);
    ctl.deliver("voucher.created", "v-1");
    ctl.settle_deliveries().await;
    assert!(!exists(&sim, &id));
    assert_eq!(posts(&sim, "gone").len(), 1);
    assert_eq!(ctl.pending_deliveries(), 0);
    assert_eq!(
        ctl.deliveries()[0].outcome,
        DeliveryOutcome::SubscriptionDeleted
    );
}

#[tokio::test]
async fn a_404_is_retried_on_the_simulator_clock_then_deletes_the_subscription() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "article.changed", &ctl.hook_url("h")).await;
    ctl.set_hook_status("h", 404);
    ctl.deliver("article.changed", "a-1");
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 1);
    assert_eq!(ctl.pending_deliveries(), 1);
    let first = &ctl.deliveries()[0];
    assert_eq!(first.outcome, DeliveryOutcome::RetryScheduled);
    assert_eq!(
        first.next_attempt_at.map(|n| (n - first.at).num_seconds()),
        Some(10)
    );

    // Not before its time...
    ctl.advance_clock(5);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 1);
    // ...then one by one as the clock passes them.
    ctl.advance_clock(5);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 2);
    ctl.advance_clock(20 + 40);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 4);

    // Short of the last retry the subscription still exists.
    ctl.advance_clock(SCHEDULE_SECS - 70 - 60);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 26);
    assert!(exists(&sim, &id));
    ctl.advance_clock(120);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 1 + RETRY_GAPS_SECS.len());
    assert!(!exists(&sim, &id), "deleted after the whole schedule");
    assert_eq!(ctl.pending_deliveries(), 0);
    let records = ctl.deliveries();
    let last = records.last().expect("records");
    assert_eq!(last.attempt, 26);
    assert_eq!(last.outcome, DeliveryOutcome::SubscriptionDeleted);
    // The retries keep the body and its signature.
    let calls = posts(&sim, "h");
    assert!(
        calls
            .iter()
            .all(|c| c.body == calls[0].body && c.signature == calls[0].signature)
    );
}

#[tokio::test]
async fn an_unreachable_callback_is_deleted_after_the_schedule() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    // Another tool's subscription on a host the simulator never contacts ("DNS failure").
    let foreign = ctl.add_foreign_subscription("dunning.created", "https://gone.example/hook");
    // And one on a loopback port nobody listens on (connection refused).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        drop(l);
        format!("http://127.0.0.1:{port}/hook")
    };
    let refused = ctl.add_foreign_subscription("dunning.created", &closed);
    assert_eq!(ctl.deliver("dunning.created", "d-1"), 2);
    ctl.settle_deliveries().await;
    assert!(
        ctl.deliveries()
            .iter()
            .all(|r| r.result == DeliveryResult::Unreachable)
    );
    ctl.advance_clock(SCHEDULE_SECS + 60);
    ctl.settle_deliveries().await;
    assert!(!exists(&sim, &foreign.id));
    assert!(!exists(&sim, &refused.id));
    assert_eq!(ctl.deliveries().len(), 2 * 27);
}

#[tokio::test]
async fn other_failures_give_up_after_the_schedule_and_keep_the_subscription() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "quotation.created", &ctl.hook_url("h")).await;
    ctl.set_hook_status("h", 503);
    ctl.deliver("quotation.created", "q-1");
    ctl.advance_clock(SCHEDULE_SECS + 60);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 27);
    assert!(exists(&sim, &id));
    assert_eq!(
        ctl.deliveries().last().map(|r| r.outcome),
        Some(DeliveryOutcome::GaveUp)
    );
}

#[tokio::test]
async fn a_receiver_that_recovers_gets_the_retry() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "payment.changed", &ctl.hook_url("h")).await;
    ctl.set_hook_status("h", 500);
    ctl.deliver("payment.changed", "p-1");
    ctl.settle_deliveries().await;
    ctl.advance_clock(10);
    ctl.settle_deliveries().await;
    ctl.set_hook_status("h", 200);
    ctl.advance_clock(20);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 3);
    assert_eq!(ctl.pending_deliveries(), 0);
    assert_eq!(
        ctl.deliveries().last().map(|r| (r.attempt, r.outcome)),
        Some((2, DeliveryOutcome::Delivered))
    );
    assert!(exists(&sim, &id));
}

#[tokio::test]
async fn redirects_are_followed_three_times_and_never_retried() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let looping = subscribe(
        &sim,
        &key,
        "order-confirmation.created",
        &ctl.hook_url("loop"),
    )
    .await;
    ctl.set_hook_status("loop", 302); // Location: itself
    ctl.deliver("order-confirmation.created", "o-1");
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "loop").len(), 4, "the POST and 3 follows");
    assert_eq!(
        ctl.deliveries()[0].result,
        DeliveryResult::Redirected {
            status: 302,
            followed: 3
        }
    );
    assert_eq!(ctl.deliveries()[0].outcome, DeliveryOutcome::GaveUp);
    ctl.advance_clock(SCHEDULE_SECS);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "loop").len(), 4, "never retried");
    assert!(exists(&sim, &looping));

    // A redirect to a working receiver delivers there, signature intact.
    ctl.delete_subscription(&looping);
    subscribe(
        &sim,
        &key,
        "order-confirmation.created",
        &ctl.hook_url("moved"),
    )
    .await;
    ctl.set_hook_redirect("moved", &ctl.hook_url("new-home"));
    ctl.deliver("order-confirmation.created", "o-2");
    ctl.settle_deliveries().await;
    let calls = posts(&sim, "new-home");
    assert_eq!(calls.len(), 1);
    let pem = ctl.webhook_public_key_pem();
    assert!(verify(
        &pem,
        &calls[0].body,
        calls[0].signature.as_deref().expect("sig")
    ));
    assert_eq!(
        ctl.deliveries().last().map(|r| r.outcome),
        Some(DeliveryOutcome::Delivered)
    );
}

#[tokio::test]
async fn a_deleted_subscription_gets_no_more_retries() {
    let sim = start_unlimited().await;
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "credit-note.created", &ctl.hook_url("h")).await;
    ctl.set_hook_status("h", 500);
    ctl.deliver("credit-note.created", "cn-1");
    ctl.settle_deliveries().await;
    assert!(ctl.delete_subscription(&id));
    ctl.advance_clock(SCHEDULE_SECS);
    ctl.settle_deliveries().await;
    assert_eq!(posts(&sim, "h").len(), 1);
    assert_eq!(ctl.pending_deliveries(), 0);
}

#[tokio::test]
async fn deliveries_over_http_control() {
    let sim = start_unlimited().await;
    let http = http();
    let url = |p: &str| format!("{}/_sim/{p}", sim.url());
    let ctl = sim.control();
    let key = ctl.create_api_key();
    let id = subscribe(&sim, &key, "invoice.deleted", &ctl.hook_url("h")).await;

    let resp = http
        .get(url("webhook-public-key"))
        .send()
        .await
        .expect("key");
    assert_eq!(resp.status(), StatusCode::OK);
    let pem = resp.text().await.expect("pem");
    assert_eq!(pem, ctl.webhook_public_key_pem());

    let resp = http
        .post(url("deliver"))
        .json(&json!({"event_type": "invoice.deleted", "resource_id": "i-7"}))
        .send()
        .await
        .expect("deliver");
    let answer: Value = resp.json().await.expect("json");
    assert_eq!(answer, json!({"queued": 1, "settled": true}));
    let calls: Value = http
        .get(url("hook-calls/h"))
        .send()
        .await
        .expect("calls")
        .json()
        .await
        .expect("json");
    let post = calls
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["method"] == "POST")
        .expect("a POST");
    let body = post["body"].as_str().expect("body");
    assert!(verify(
        &pem,
        body,
        post["signature"].as_str().expect("signature")
    ));

    let resp = http
        .post(url("hook-config/h"))
        .json(&json!({"status": 410}))
        .send()
        .await
        .expect("config");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = http
        .post(url("hook-config/h"))
        .json(&json!({}))
        .send()
        .await
        .expect("config");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    ctl.deliver("invoice.deleted", "i-8");
    let resp = http
        .post(url("deliveries/settle"))
        .send()
        .await
        .expect("settle");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(!exists(&sim, &id));
    let log: Value = http
        .get(url("deliveries"))
        .send()
        .await
        .expect("deliveries")
        .json()
        .await
        .expect("json");
    assert_eq!(log["pending"], 0);
    let records = log["records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["outcome"], "subscription_deleted");
    assert_eq!(
        records[1]["result"],
        json!({"kind": "answered", "status": 410})
    );
}
