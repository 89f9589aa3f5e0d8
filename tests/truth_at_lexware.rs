//! What happens AT Lexware, learned in minutes: the REAL `lexguard` binary with the default
//! schedule, ticking once a minute on a faked wall clock (libfaketime, wall clock only),
//! against the simulator, with `ping_url` on a loopback receiver. The file store is used, so
//! no keychain or D-Bus session is needed and these run in a bare `cargo test` too.
//!
//! Linux only: the file store (refused on Windows) and libfaketime through LD_PRELOAD.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use chrono::{DateTime, Utc};
use cli::{Cli, assert_exit, assert_ok, json, said, stdout};
use std::process::Output;

/// A harness with the file store, the default schedule and a `ping_url` receiver.
async fn setup(name: &str) -> (Cli, receiver::Receiver) {
    let ping = receiver::Receiver::start(false);
    let t = Cli::new(name).await;
    let mut c = common::config_for(&t.sim, vec![]);
    c.store.kind = lexguard::store::StoreKind::File;
    c.alerts.ping_url = Some(format!("{}/ping", ping.url));
    assert_eq!(
        c.schedule,
        lexguard::config::Schedule::default(),
        "the default schedule"
    );
    c.save(&t.config_path()).expect("config");
    (t, ping)
}

/// Runs at a wall-clock offset, without any D-Bus session.
async fn run(t: &Cli, args: &[&str], stdin: &str, offset: i64) -> Output {
    let mut c = t.cmd_at(args, offset);
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    t.run_with(c, stdin).await
}

/// Client secret, login URL, consent, `connect -`, all at `offset`.
async fn connect_oauth(t: &Cli, offset: i64) {
    assert_ok(&run(t, &["client-secret", "set", "-"], "sim-secret\n", offset).await);
    let out = run(t, &["login-url"], "", offset).await;
    assert_ok(&out);
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    let out = run(t, &["connect", "-"], &format!("{redirect}\n"), offset).await;
    assert_ok(&out);
}

fn success_pings(ping: &receiver::Receiver) -> usize {
    ping.seen().iter().filter(|s| s.path == "/ping").count()
}

fn time(j: &serde_json::Value, key: &str) -> Option<DateTime<Utc>> {
    j[key]
        .as_str()
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{key}: {e}: {s}")))
}

/// The status's own "now" (`times.as_of`), under the faked clock.
fn as_of(j: &serde_json::Value) -> DateTime<Utc> {
    j["times"]["as_of"]
        .as_str()
        .expect("as_of")
        .parse()
        .expect("as_of is a time")
}

/// A "next attempt" is never in the past: absent, or after the status's own now.
fn assert_no_past_attempt(j: &serde_json::Value) {
    if let Some(at) = time(j, "next_attempt_at") {
        assert!(at > as_of(j), "next attempt in the past: {j}");
    }
    let words = j["times"]["next_attempt"]["relative"]
        .as_str()
        .unwrap_or("");
    assert!(!words.starts_with("vor "), "{words}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_at_lexware_is_auth_lost_by_the_second_tick_and_no_success_ping_follows() {
    let (t, ping) = setup("truthrevoke").await;
    connect_oauth(&t, 0).await;
    // A tick two minutes on asks Lexware: confirmed, one success ping.
    let out = run(&t, &["tick", "--json"], "", 120).await;
    assert_ok(&out);
    assert_eq!(json(&out)["validated"], true, "{}", stdout(&out));
    assert_eq!(success_pings(&ping), 1, "{:?}", ping.seen());

    t.ctl.revoke_connection();
    let pings_before_loss = success_pings(&ping);
    // First tick after the revocation: the check is not due yet (no ping for it either).
    let out = run(&t, &["tick", "--json"], "", 180).await;
    let first = json(&out);
    // Second tick: the check asks Lexware, the 401 triggers the refresh, `invalid_grant`.
    let out = run(&t, &["tick", "--json"], "", 240).await;
    let second = json(&out);
    let lost_by = [&first, &second]
        .iter()
        .position(|j| j["state"] == "auth_lost")
        .unwrap_or_else(|| panic!("auth_lost by the second tick:\n{first}\n{second}"));
    assert!(lost_by <= 1);
    assert_exit(&out, 3);
    assert_eq!(second["reason"], "invalid_grant", "{second}");
    for later in [300, 360, 420] {
        assert_exit(&run(&t, &["tick"], "", later).await, 3);
    }
    assert_eq!(
        success_pings(&ping),
        pings_before_loss,
        "no success ping after the revocation: {:?}",
        ping.seen()
    );
    let fails = ping
        .seen()
        .iter()
        .filter(|s| s.path == "/ping/fail")
        .count();
    assert_eq!(fails, 1, "{:?}", ping.seen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_api_key_ends_the_connection_with_its_own_words_by_the_second_tick() {
    let (t, ping) = setup("truthkey").await;
    let key = t.ctl.create_api_key();
    let out = run(&t, &["connect", "--api-key", "-"], &format!("{key}\n"), 0).await;
    assert_ok(&out);
    assert_ok(&run(&t, &["tick"], "", 120).await);
    assert_eq!(success_pings(&ping), 1, "{:?}", ping.seen());

    t.ctl.replace_api_key(&key).expect("replaced at Lexware");
    let requests = t.ctl.counters().requests;
    let out = run(&t, &["tick", "--json"], "", 180).await;
    let first = json(&out);
    let out = run(&t, &["tick", "--json"], "", 240).await;
    let second = json(&out);
    assert!(
        first["state"] == "auth_lost" || second["state"] == "auth_lost",
        "auth_lost by the second tick:\n{first}\n{second}"
    );
    assert_exit(&out, 3);
    assert_eq!(second["reason"], "key_rejected", "{second}");
    // The 401 was confirmed once: two profile reads, nothing else.
    assert_eq!(
        t.ctl.counters().requests - requests,
        2,
        "{:?}",
        t.ctl.requests()
    );
    let words = "Lexware nimmt den API-Schlüssel nicht mehr an – tragen Sie den neuen ein";
    let status = run(&t, &["status"], "", 250).await;
    assert_exit(&status, 3);
    for out in [&out, &status] {
        let text = said(out);
        assert!(text.contains(words), "{text}");
        let lower = text.to_lowercase();
        for wrong in ["passwort", "berechtigung", "melden sie sich"] {
            assert!(!lower.contains(wrong), "{wrong}: {text}");
        }
    }
    // `token` and `webhooks list` name the key too, not a lost login; exit 3 as for any loss.
    let out = run(&t, &["token"], "", 260).await;
    assert_exit(&out, 3);
    assert!(said(&out).contains(words), "{}", said(&out));
    let out = run(&t, &["webhooks", "list"], "", 270).await;
    assert_exit(&out, 3);
    assert!(said(&out).contains(words), "{}", said(&out));
    assert_eq!(success_pings(&ping), 1, "no success ping after the loss");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_30_second_outage_heals_at_the_next_tick_and_no_attempt_lies_in_the_past() {
    let (t, _ping) = setup("truthblip").await;
    connect_oauth(&t, 0).await;
    assert_ok(&run(&t, &["tick"], "", 60).await);
    // The outage: the next check's requests get no answer.
    t.ctl.drop_next(50);
    let out = run(&t, &["tick", "--json"], "", 120).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["reason"], "validation_failing", "{j}");
    assert_no_past_attempt(&j);
    let next = time(&j, "next_attempt_at").expect("a next attempt");
    assert!(
        next - as_of(&j) <= chrono::Duration::minutes(5),
        "the next attempt is minutes away, not more: {j}"
    );
    // 30 s later the network is back.
    t.ctl.drop_next(0);
    // Read after the retry time passed: no "next attempt" in the past.
    let out = run(&t, &["status", "--json"], "", 170).await;
    assert_no_past_attempt(&json(&out));
    // The tick a minute after the outage: healthy.
    let out = run(&t, &["tick", "--json"], "", 180).await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["state"], "healthy", "{j}");
    assert_eq!(j["validated"], true, "{j}");
    assert_no_past_attempt(&j);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_a_minute_after_a_connect_is_healthy_also_after_a_reconnect() {
    let (t, _ping) = setup("truthconnect").await;
    connect_oauth(&t, 0).await;
    let out = run(&t, &["status", "--json"], "", 60).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy", "{}", stdout(&out));

    // Lost at Lexware, seen by a tick; the person reconnects minutes later.
    t.ctl.revoke_connection();
    assert_exit(&run(&t, &["tick"], "", 120).await, 3);
    connect_oauth(&t, 420).await;
    let out = run(&t, &["status", "--json"], "", 480).await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["state"], "healthy", "{j}");
    assert_eq!(j["tick_overdue"], false, "{j}");
    assert!(!said(&out).contains("überfällig"), "{}", said(&out));
}

/// Wall-clock offset at which the first token (expires_in 14 399 s) is due for refresh.
const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_at_the_token_endpoint_costs_one_token_request_per_tick() {
    let (t, _ping) = setup("truth429").await;
    connect_oauth(&t, 0).await;
    t.ctl.fail_next_on("/oauth2/token", 1000, 429);
    let token_requests = || {
        t.ctl
            .requests()
            .iter()
            .filter(|r| r.path == "/oauth2/token")
            .count()
    };
    for minute in 0..8 {
        let before = token_requests();
        let out = run(&t, &["tick", "--json"], "", REFRESH_DUE + minute * 60).await;
        assert_exit(&out, 4);
        let j = json(&out);
        assert_eq!(j["reason"], "refresh_failing", "{j}");
        assert!(
            said(&out).contains("Lexware bremst gerade die Anfragen"),
            "named as rate limiting: {}",
            said(&out)
        );
        assert!(!said(&out).contains("nicht erreichbar"), "{}", said(&out));
        assert_no_past_attempt(&j);
        let sent = token_requests() - before;
        assert!(sent <= 1, "tick {minute}: {sent} token requests");
    }
    assert!(token_requests() >= 2, "it keeps trying, minutes apart");
    // The storm is over: the next tick refreshes.
    t.ctl.fail_next_on("/oauth2/token", 0, 429);
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE + 8 * 60 + 300).await;
    let j = json(&out);
    assert_eq!(j["refreshed"], true, "{j}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disguised_429_at_the_token_endpoint_is_rate_limiting_and_costs_one_request() {
    let (t, _ping) = setup("truthdisguised").await;
    connect_oauth(&t, 0).await;
    t.ctl.disguised_429_next_on("/oauth2/token", 1000);
    let before = t.ctl.counters().requests;
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE).await;
    assert_exit(&out, 4);
    let sent = t.ctl.counters().requests - before;
    assert!(sent <= 3, "at most 3 requests in that tick: {sent}");
    assert_eq!(sent, 1, "one token request, then the backoff");
    let text = said(&out);
    assert!(
        text.contains("Lexware bremst gerade die Anfragen"),
        "{text}"
    );
    assert!(
        !text.contains("Serverfehler") && !text.contains("nicht erreichbar"),
        "{text}"
    );
    assert_no_past_attempt(&json(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_api_key_met_by_a_webhook_list_ends_the_connection_there() {
    let (t, _ping) = setup("truthkeylist").await;
    let key = t.ctl.create_api_key();
    let out = run(&t, &["connect", "--api-key", "-"], &format!("{key}\n"), 0).await;
    assert_ok(&out);
    t.ctl.replace_api_key(&key).expect("replaced at Lexware");
    let requests = t.ctl.counters().requests;
    // The list's 401 is asked once more (one profile read), then it is final.
    let out = run(&t, &["webhooks", "list"], "", 30).await;
    assert_exit(&out, 3);
    assert!(
        said(&out).contains("Lexware nimmt den API-Schlüssel nicht mehr an"),
        "{}",
        said(&out)
    );
    assert_eq!(
        t.ctl.counters().requests - requests,
        2,
        "{:?}",
        t.ctl.requests()
    );
    let out = run(&t, &["status", "--json"], "", 40).await;
    assert_exit(&out, 3);
    let j = json(&out);
    assert_eq!(
        (j["state"].as_str(), j["reason"].as_str()),
        (Some("auth_lost"), Some("key_rejected")),
        "{j}"
    );
}

/// Token requests the simulator answered (granted or refused), and the API calls it saw.
fn token_requests(t: &Cli) -> u32 {
    let c = t.ctl.counters();
    c.code_exchanges + c.refreshes + c.failed_token_requests
}

fn profile_requests(t: &Cli) -> usize {
    t.ctl
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/profile")
        .count()
}

/// Issue 18: Lexware's plan runs out (402 at the API). Its own reason and plain German, the
/// state degraded (never "lost"), no refresh because of it, the checks at the normal schedule
/// (no fast retries), and it heals by itself when Lexware answers 200 again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_402_is_plan_inactive_without_a_refresh_and_heals_at_the_next_check() {
    let (t, _ping) = setup("truthplan").await;
    connect_oauth(&t, 0).await;
    let tokens_before = token_requests(&t);

    t.ctl.set_plan_inactive(true);
    let out = run(&t, &["tick", "--json"], "", 120).await;
    let tick = json(&out);
    assert_eq!(tick["validated"], false, "{tick}");
    let profiles_after_402 = profile_requests(&t);
    let out = run(&t, &["status", "--json"], "", 130).await;
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "plan_inactive", "{j}");
    assert_eq!(j["next_action"], "check_plan", "{j}");
    let message = j["message"].as_str().expect("message");
    assert!(
        message.starts_with("Ihr Lexware-Tarif erlaubt gerade keinen API-Zugriff"),
        "{message}"
    );
    assert!(message.contains("Tarif und Abo in Lexware"), "{message}");
    assert!(!message.contains("verloren"), "{message}");
    assert_eq!(
        token_requests(&t),
        tokens_before,
        "no refresh because of a 402"
    );

    // The next tick a minute later does not ask again (no fast retry): the check waits the
    // normal two minutes from the 402.
    let out = run(&t, &["tick", "--json"], "", 180).await;
    assert_eq!(json(&out)["reason"], "plan_inactive", "{}", stdout(&out));
    assert_eq!(profile_requests(&t), profiles_after_402, "no fast retry");

    // The plan is active again: the next due check confirms it; healthy, still no token call.
    t.ctl.set_plan_inactive(false);
    let out = run(&t, &["tick", "--json"], "", 240).await;
    assert_ok(&out);
    let healed = json(&out);
    assert_eq!(healed["validated"], true, "{healed}");
    assert_eq!(healed["state"], "healthy", "{healed}");
    assert_eq!(profile_requests(&t), profiles_after_402 + 1);
    let out = run(&t, &["status", "--json"], "", 250).await;
    let j = json(&out);
    assert_eq!(
        (j["state"].as_str(), j["reason"].as_str()),
        (Some("healthy"), None),
        "{j}"
    );
    assert_eq!(
        token_requests(&t),
        tokens_before,
        "the tokens were kept all along"
    );
    assert!(!said(&out).contains("Tarif"), "{}", stdout(&out));
}
