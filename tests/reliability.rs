//! Rotation safety and hostile input, engine level: the simulator over real loopback HTTP,
//! time driven by the injected clock, the keychain an in-memory store with fault injection.
//! (The same faults through the real CLI binary and the real Secret Service: tests/faults.rs.)

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::{ConnState, Error, KeychainFault, Reason, TickCause};

const DUE: i64 = 14_399 - 14 * 60; // seconds after issue when 14 min are left

/// Whether Lexware (the simulator) accepts this bearer right now.
async fn accepted(h: &Harness, bearer: &str) -> bool {
    for _ in 0..20 {
        let status = reqwest::Client::new()
            .get(format!("{}/v1/profile", h.sim.url()))
            .bearer_auth(bearer)
            .send()
            .await
            .expect("profile")
            .status();
        // The simulator's 2 requests/s budget is shared with the engine's own calls.
        if status.as_u16() != 429 {
            return status.is_success();
        }
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    }
    false
}

/// Ticks once a minute (as the app does) until `done`, at most two hours of clock.
async fn tick_until(
    h: &Harness,
    done: impl Fn(&lexguard::TickReport) -> bool,
) -> lexguard::TickReport {
    for _ in 0..120 {
        h.advance(Duration::minutes(1));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        if done(&r) {
            return r;
        }
    }
    panic!("condition not reached within two hours of ticks");
}

fn rescue_file(h: &Harness) -> std::path::PathBuf {
    h.home.path().join(lexguard::store::rescue::FILE_NAME)
}

#[tokio::test]
async fn a_huge_retry_after_is_clamped_and_never_blocks_past_the_expiry() {
    let h = Harness::new().await;
    h.connect().await;
    h.advance(Duration::seconds(DUE));
    h.ctl.rate_limit_next(1, Some(99_999_999_999_999_999));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("no panic");
    assert!(!r.refreshed);
    assert_eq!(r.status.reason, Some(Reason::RefreshFailing));
    let retry = r.status.next_attempt_at.expect("retry time");
    let expiry = r.status.access_expires_at.expect("expiry");
    assert!(retry <= expiry, "never after the token expires");
    assert!(
        retry - h.engine.now() <= Duration::minutes(5),
        "a few minutes at most"
    );
    // The checks go on every minute; once the retry time has come, the refresh goes through.
    let r = tick_until(&h, |r| r.refreshed).await;
    assert!(h.engine.now() >= retry);
    assert_eq!(r.status.state, ConnState::Healthy);
    assert!(accepted(&h, &h.stored_access_token()).await);
}

#[tokio::test]
async fn a_keychain_that_refuses_writes_gets_no_new_pair_to_lose() {
    let h = Harness::new().await;
    h.connect().await;
    let before = h.stored_tokens();
    let refreshes = h.ctl.counters().refreshes;
    h.store.fail_writes(Some(KeychainFault::Locked));
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(!r.refreshed, "no refresh while the keychain cannot take it");
    assert_eq!(h.ctl.counters().refreshes, refreshes);
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::KeychainUnavailable));
    assert_eq!(h.stored_tokens(), before);
    assert!(!rescue_file(&h).exists());
    h.store.fail_writes(None);
    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    assert!(h.ctl.connection_active());
}

#[tokio::test]
async fn a_rotated_pair_the_keychain_refuses_survives_the_process_in_the_rescue_file() {
    let h = Harness::new().await;
    h.connect().await;
    let old = h.stored_tokens();
    h.store.fail_writes_after(1, KeychainFault::Locked);
    h.advance(Duration::seconds(DUE));
    // A one-shot `lexguard refresh`: it must not report success.
    let e = h.engine.refresh_now().await.expect_err("not stored");
    assert!(
        matches!(e, Error::TokensNotStored { rescue: Some(_) }),
        "{e:?}"
    );
    let text = e.message(lexguard::Lang::De);
    assert!(text.contains("Schlüsselbund") && text.contains("rescued-lexware-tokens.json"));
    assert_eq!(h.stored_tokens(), old, "the keychain really refused");
    let file = rescue_file(&h);
    assert!(file.exists());
    let raw = std::fs::read_to_string(&file).expect("rescue");
    assert!(raw.contains("note"), "explains itself");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(h.engine.clone()); // the process ends; its memory is gone

    // The next run (a fresh process) uses the rescued pair, moves it in and deletes the file.
    h.store.fail_writes(None);
    let next = h.second_engine();
    h.advance(Duration::minutes(1));
    let r = next.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Healthy, "{:?}", r.status.reason);
    assert!(!file.exists(), "moved into the keychain");
    assert_ne!(h.stored_tokens(), old);
    // The rotated refresh token is the one Lexware knows: refreshing again keeps it alive.
    next.refresh_now()
        .await
        .expect("refresh with the rescued token");
    assert!(h.ctl.connection_active());
    assert!(accepted(&h, &h.stored_access_token()).await);
}

#[tokio::test]
async fn connect_never_reports_success_for_tokens_it_could_not_store() {
    let h = Harness::new().await;
    let redirect = h.authorize().await;
    // The check before the exchange passes; the write of Lexware's new pair fails.
    h.store.fail_writes_after(1, KeychainFault::Locked);
    let e = h.engine.connect(&redirect).await.expect_err("not stored");
    assert!(
        matches!(e, Error::TokensNotStored { rescue: Some(_) }),
        "{e:?}"
    );
    assert!(rescue_file(&h).exists());
    h.store.fail_writes(None);
    let next = h.second_engine();
    let token = next.access_token().await.expect("the rescued pair works");
    assert!(accepted(&h, &token).await);
    assert!(!rescue_file(&h).exists());
}

#[tokio::test]
async fn a_keychain_that_refuses_before_the_exchange_keeps_the_code_unburnt() {
    let h = Harness::new().await;
    let redirect = h.authorize().await;
    let exchanges = h.ctl.counters().code_exchanges;
    h.store.fail_writes(Some(KeychainFault::Locked));
    let e = h.engine.connect(&redirect).await.expect_err("keychain");
    assert_eq!(e.kind(), "keychain_locked");
    assert_eq!(h.ctl.counters().code_exchanges, exchanges, "code not sent");
    h.store.fail_writes(None);
    h.engine
        .connect(&redirect)
        .await
        .expect("the same code still works");
}

#[tokio::test]
async fn a_lost_state_file_is_recovered_from_the_keychain() {
    let h = Harness::new().await;
    h.connect().await;
    std::fs::write(h.home.path().join("state.json"), b"{\"state\": \"hea").expect("truncate");
    let r = h
        .second_engine()
        .tick(TickCause::Scheduled)
        .await
        .expect("tick");
    assert_eq!(r.status.state, ConnState::Healthy);
    assert_eq!(r.status.mode, Some(lexguard::Mode::OAuth));
    assert!(
        h.home.path().join("state.json.bad").exists(),
        "bad copy kept"
    );

    std::fs::remove_file(h.home.path().join("state.json")).expect("rm");
    let status = h.second_engine().status().expect("status");
    assert_eq!(
        status.state,
        ConnState::NotConnected,
        "status reads no keychain"
    );
    let token = h.second_engine().access_token().await.expect("token");
    assert_eq!(token, h.stored_access_token());
    assert!(accepted(&h, &token).await, "{}", token.len());
    assert_eq!(
        h.second_engine().status().expect("status").mode,
        Some(lexguard::Mode::OAuth),
        "the mode came from the keychain"
    );
}

#[tokio::test]
async fn api_key_mode_is_recovered_from_the_keychain_too() {
    let h = Harness::new().await;
    let key = h.ctl.create_api_key();
    h.engine.connect_api_key(&key).await.expect("key");
    std::fs::remove_file(h.home.path().join("state.json")).expect("rm");
    let engine = h.second_engine();
    assert_eq!(engine.access_token().await.expect("key"), key);
    let r = engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.mode, Some(lexguard::Mode::ApiKey));
    assert_eq!(r.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn a_failure_under_a_clock_days_ahead_does_not_block_refreshes_later() {
    let h = Harness::new().await;
    h.connect().await;
    // The machine's clock runs 3 days ahead: the token looks expired, the refresh fails.
    h.clock.advance(Duration::days(3));
    h.ctl.fail_next_on("/oauth2/token", 1, 503);
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(!r.refreshed);
    assert!(r.status.next_attempt_at.is_some());
    // The clock is corrected; once the refresh is due, it happens at once.
    h.clock.advance(Duration::days(-3));
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(
        r.refreshed,
        "the retry time from the wrong clock was dropped"
    );
    assert_eq!(r.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn after_the_clock_is_set_back_a_day_the_token_is_refreshed_and_checked() {
    let h = Harness::new().await;
    h.connect().await;
    h.advance(Duration::hours(2));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    // Lexware's clock goes on; ours jumps back a day. Lexware's token is 2 h old; by our
    // clock it was issued tomorrow, so its expiry cannot be trusted.
    h.clock.advance(Duration::days(-1));
    let validations = h.ctl.counters().profile_calls;
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed, "a token issued 'in the future' is refreshed");
    assert!(
        h.ctl.counters().profile_calls > validations,
        "and validated"
    );
    let token = h.engine.access_token().await.expect("token");
    assert!(accepted(&h, &token).await);
}

#[tokio::test]
async fn a_401_after_a_working_refresh_is_degraded_never_lost_and_heals() {
    let h = Harness::new().await;
    h.connect().await;
    // Lexware rejects the API calls although the login (refresh) works.
    h.ctl.fail_next_on("/v1/profile", 1000, 401);
    tick_until(&h, |r| r.status.reason == Some(Reason::Unauthorized)).await;
    for _ in 0..12 {
        h.advance(Duration::minutes(3));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        assert_eq!(r.status.state, ConnState::Degraded, "{:?}", r.events);
        assert_eq!(r.status.reason, Some(Reason::Unauthorized));
        let text = r.status.message;
        assert!(text.contains("Anmeldung") && text.contains("401"), "{text}");
    }
    assert!(h.ctl.connection_active());
    h.ctl.fail_next_on("/v1/profile", 0, 401);
    let r = tick_until(&h, |r| r.status.state == ConnState::Healthy).await;
    assert_eq!(r.status.reason, None, "heals by itself");
}

#[tokio::test]
async fn the_token_command_honours_the_backoff() {
    let h = Harness::new().await;
    h.connect().await;
    // Due, and Lexware fails: while the token is valid it is handed out without asking again.
    h.advance(Duration::seconds(DUE));
    h.ctl.fail_next_on("/oauth2/token", 1, 503);
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    let requests = h.ctl.counters().requests;
    let token = h.engine.access_token().await.expect("still valid");
    assert!(accepted(&h, &token).await);
    assert_eq!(
        h.ctl.counters().requests,
        requests + 1,
        "only our own check"
    );
    // Expired, and Lexware just failed again: no new request before the retry time.
    h.advance(Duration::minutes(20));
    h.ctl.rate_limit_next(1, Some(600));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    let requests = h.ctl.counters().requests;
    let e = h.engine.access_token().await.expect_err("backing off");
    assert!(matches!(e, Error::RetryLater { .. }), "{e:?}");
    assert!(e.message(lexguard::Lang::De).contains("frühestens"));
    assert_eq!(h.ctl.counters().requests, requests);
}

#[tokio::test]
async fn a_corrupt_token_entry_is_named_as_such_and_nothing_is_deleted() {
    let h = Harness::new().await;
    h.connect().await;
    h.store.fail_writes(None);
    use lexguard::store::SecretStore;
    h.store.set("tokens", "{ not json").expect("set");
    h.advance(Duration::minutes(1));
    let r = h
        .second_engine()
        .tick(TickCause::Scheduled)
        .await
        .expect("tick");
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::KeychainCorrupt));
    assert!(r.status.message.contains("beschädigt"));
    assert_eq!(h.stored_tokens().as_deref(), Some("{ not json"));
    let e = h.second_engine().access_token().await.expect_err("corrupt");
    assert_eq!(e.kind(), "keychain_corrupt");
}

#[tokio::test]
async fn a_healthy_state_nobody_checks_any_more_reads_as_overdue() {
    let h = Harness::new().await;
    h.connect().await;
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(h.engine.status().expect("status").state, ConnState::Healthy);
    h.advance(Duration::minutes(3)); // check_every is 1 min: twice that has passed
    let s = h.engine.status().expect("status");
    assert!(s.tick_overdue);
    assert_eq!(s.state, ConnState::Degraded);
    assert_eq!(s.reason, Some(Reason::ChecksOverdue));
    assert!(s.message.contains("überfällig"), "{}", s.message);
    assert_eq!(s.exit_code(), 4);
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(!r.status.tick_overdue);
}

#[tokio::test]
async fn shutting_down_refuses_new_work_after_the_one_in_flight() {
    let h = Harness::new().await;
    h.connect().await;
    h.advance(Duration::seconds(DUE));
    h.ctl.delay_next_on("/oauth2/token", 1, 1500);
    let before = h.ctl.counters().requests;
    let engine = h.engine.clone();
    let refresh = tokio::spawn(async move { engine.refresh_now().await });
    // Once the token request has reached Lexware (it waits there), close.
    while h.ctl.counters().requests == before {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        !h.engine.close().await.expect("closed"),
        "nothing left unsaved"
    );
    assert!(refresh.is_finished(), "close waited for the refresh");
    refresh.await.expect("join").expect("refreshed");
    assert!(matches!(
        h.engine.tick(TickCause::Scheduled).await,
        Err(Error::ShuttingDown)
    ));
    assert!(h.ctl.connection_active());
}

#[tokio::test]
async fn a_manual_check_asks_lexware_even_when_no_check_is_due() {
    let h = Harness::new().await;
    h.connect().await; // just validated: no check due for 2 minutes
    let calls = h.ctl.counters().requests; // counts faulted requests too
    h.ctl.fail_next_on("/v1/profile", 1, 503);
    let r = h.engine.tick(TickCause::Manual).await.expect("tick");
    assert_eq!(h.ctl.counters().requests, calls + 1, "asked Lexware");
    assert_eq!(
        r.status.state,
        ConnState::Degraded,
        "the failure is reported"
    );
    // Again at once (now within the backoff): a person asking still gets a real check.
    let r = h.engine.tick(TickCause::Manual).await.expect("tick");
    assert_eq!(h.ctl.counters().requests, calls + 2);
    assert_eq!(r.status.state, ConnState::Healthy);
}
