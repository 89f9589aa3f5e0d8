//! The engine against the simulator over real loopback HTTP, time driven by the injected
//! clock (no sleeping).

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::config::WebhookSpec;
use lexguard::webhooks::Action;
use lexguard::{ConnState, Error, Event, KeychainFault, Reason, TickCause};

const DUE: i64 = 14_399 - 14 * 60; // seconds after issue when 14 min are left

fn has(events: &[Event], pred: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

#[tokio::test]
async fn connect_by_redirect_url() {
    let h = Harness::new().await;
    let report = h.connect().await;
    assert_eq!(report.company.as_deref(), Some("Demo GmbH"));
    assert_eq!(report.status.state, ConnState::Healthy);
    assert_eq!(h.ctl.counters().code_exchanges, 1);
    assert!(h.stored_tokens().is_some());
    assert!(
        h.store.raw("pending-authorization").is_none(),
        "pending login is cleared"
    );
    let status = h.engine.status().expect("status");
    assert_eq!(status.company.as_deref(), Some("Demo GmbH"));
    assert!(status.connection_id.is_some());
    assert!(status.access_expires_at.is_some());
}

#[tokio::test]
async fn connect_by_bare_code() {
    let h = Harness::new().await;
    let code = h.code().await;
    let report = h
        .engine
        .connect(&format!("  {code}\n"))
        .await
        .expect("connect");
    assert_eq!(report.company.as_deref(), Some("Demo GmbH"));
    assert_eq!(report.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn pasted_url_of_another_login_is_refused() {
    let h = Harness::new().await;
    let redirect = h.authorize().await;
    let tampered = redirect.replace("state=", "state=x");
    let e = h
        .engine
        .connect(&tampered)
        .await
        .expect_err("state mismatch");
    assert_eq!(e.kind(), "state_mismatch");
    assert_eq!(h.ctl.counters().code_exchanges, 0, "nothing was sent");
}

#[tokio::test]
async fn tick_far_from_expiry_does_not_refresh() {
    let h = Harness::new().await;
    h.connect().await;
    for _ in 0..5 {
        h.advance(Duration::minutes(1));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        assert!(!r.refreshed);
        assert_eq!(r.status.state, ConnState::Healthy);
    }
    assert_eq!(h.ctl.counters().refreshes, 0);
}

#[tokio::test]
async fn due_token_is_refreshed_exactly_once_and_the_rotated_one_is_used() {
    let h = Harness::new().await;
    h.connect().await;
    let first_refresh = h.stored_refresh_token();
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    assert_eq!(has(&r.events, |e| matches!(e, Event::Refreshed { .. })), 1);
    assert_eq!(h.ctl.counters().refreshes, 1);
    assert_ne!(
        h.stored_refresh_token(),
        first_refresh,
        "rotation persisted"
    );

    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(!r.refreshed, "not due any more");
    assert_eq!(h.ctl.counters().refreshes, 1);

    // Ticking every 4 minutes until the next refresh: it must use the rotated token
    // (reusing the old one would make the simulator revoke the whole connection).
    let mut r = r;
    while !r.refreshed {
        h.advance(Duration::minutes(4));
        r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        assert_eq!(r.status.state, ConnState::Healthy, "{:?}", r.status);
    }
    assert_eq!(h.ctl.counters().refreshes, 2);
    assert!(h.ctl.connection_active());
    let token = h.engine.access_token().await.expect("token");
    assert_eq!(token, h.stored_access_token());
}

#[tokio::test]
async fn three_hour_suspend_is_a_gap_and_the_token_is_refreshed() {
    let h = Harness::new().await;
    h.connect().await;
    h.advance(Duration::minutes(50));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.gap.is_none());
    h.advance(Duration::hours(3));
    let r = h
        .engine
        .tick(TickCause::Resume)
        .await
        .expect("tick after resume");
    let gap = r.gap.clone().expect("gap");
    assert_eq!(gap.seconds, 3 * 3600);
    assert!(gap.while_running);
    assert!(r.refreshed, "10 min left after the suspend");
    assert!(r.validated);
    assert_eq!(
        has(&r.events, |e| matches!(
            e,
            Event::GapDetected {
                tokens_survived: true,
                ..
            }
        )),
        1
    );
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::GapSeen));
    assert_eq!(
        r.status.last_gap.as_ref().map(|g| g.seconds),
        Some(3 * 3600)
    );
    // One tick later all is well again.
    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Healthy);
    assert!(r.gap.is_none());
}

#[tokio::test]
async fn a_gap_seen_at_start_up_means_the_app_was_not_running() {
    let h = Harness::new().await;
    h.connect().await;
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    h.advance(Duration::days(3));
    let fresh = h.second_engine();
    let r = fresh.tick(TickCause::Scheduled).await.expect("tick");
    let gap = r.gap.expect("gap");
    assert!(!gap.while_running);
    assert_eq!(gap.seconds, 3 * 86_400);
    // Three days: the access token died meanwhile, but the refresh token carried us over.
    assert!(r.refreshed);
    assert_eq!(r.status.state, ConnState::Degraded);
}

#[tokio::test]
async fn clock_set_backwards_is_not_a_gap() {
    let h = Harness::new().await;
    h.connect().await;
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    h.clock.advance(Duration::hours(-2));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.gap.is_none());
}

#[tokio::test]
async fn revoked_connection_is_auth_lost_once() {
    let h = Harness::new().await;
    h.connect().await;
    let mut events = h.engine.subscribe();
    h.ctl.revoke_connection();
    h.advance(Duration::minutes(2)); // validation due (every 2 minutes)
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::AuthLost);
    assert_eq!(has(&r.events, |e| matches!(e, Event::AuthLost { .. })), 1);
    let token_requests = h.ctl.counters().failed_token_requests;
    for _ in 0..5 {
        h.advance(Duration::minutes(20));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        assert_eq!(r.status.state, ConnState::AuthLost);
        assert_eq!(has(&r.events, |e| matches!(e, Event::AuthLost { .. })), 0);
    }
    assert_eq!(
        h.ctl.counters().failed_token_requests,
        token_requests,
        "no hammering of the token endpoint after invalid_grant"
    );
    let mut lost = 0;
    while let Ok(e) = events.try_recv() {
        if matches!(e, Event::AuthLost { .. }) {
            lost += 1;
        }
    }
    assert_eq!(lost, 1, "exactly one AuthLost event across ticks");
    assert_eq!(
        h.engine.access_token().await.expect_err("lost").kind(),
        "auth_lost"
    );

    // Reconnecting heals it.
    let r = h.connect().await;
    assert_eq!(r.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn a_401_with_an_unexpired_token_refreshes_once_and_retries() {
    let h = Harness::new().await;
    h.connect().await;
    h.ctl.invalidate_access_tokens();
    h.advance(Duration::minutes(16));
    let before = h.ctl.requests().len();
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed && r.validated);
    let seen: Vec<(String, u16)> = h.ctl.requests()[before..]
        .iter()
        .map(|r| (r.path.clone(), r.status))
        .collect();
    let expected: Vec<(String, u16)> = vec![
        ("/v1/profile".into(), 401),
        ("/oauth2/token".into(), 200),
        ("/v1/profile".into(), 200),
    ];
    assert_eq!(seen, expected, "401, one refresh, one retry");
    assert_eq!(r.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn a_503_storm_degrades_backs_off_and_recovers_without_loss() {
    let h = Harness::new().await;
    h.connect().await;
    let refresh_before = h.stored_refresh_token();
    h.advance(Duration::seconds(DUE));
    h.ctl.fail_next(3, 503);
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::RefreshFailing));
    assert_eq!(
        has(&r.events, |e| matches!(e, Event::RefreshFailing { .. })),
        1
    );
    let retry_at = r.status.next_attempt_at.expect("backoff");
    assert!(retry_at > h.clock_now());

    // Within the backoff no request reaches Lexware.
    let requests = h.ctl.counters().requests;
    h.advance(Duration::seconds(5));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(h.ctl.counters().requests, requests, "backoff honoured");

    let mut ticks = 0;
    loop {
        h.advance(Duration::minutes(1));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        ticks += 1;
        if r.status.state == ConnState::Healthy {
            assert!(r.refreshed);
            break;
        }
        assert_eq!(r.status.state, ConnState::Degraded, "never auth lost");
        assert!(ticks < 14, "recovered before the token expired");
    }
    assert_ne!(h.stored_refresh_token(), refresh_before);
    assert!(h.ctl.connection_active());
    assert!(
        h.ctl.counters().requests - requests < 12,
        "backed off, did not hammer"
    );
}

#[tokio::test]
async fn garbage_expired_and_reused_codes_leave_the_old_tokens_alone() {
    let h = Harness::new().await;
    h.connect().await;
    let tokens = h.stored_tokens();
    let state = std::fs::read_to_string(h.home.path().join("state.json")).expect("state");

    h.engine.login_url().await.expect("url");
    let e = h
        .engine
        .connect("das ist kein code")
        .await
        .expect_err("garbage");
    assert_eq!(e.kind(), "invalid_input");
    assert!(e.message(lexguard::Lang::De).contains("Leerzeichen"));

    let e = h
        .engine
        .connect("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .expect_err("unknown");
    assert_eq!(e.kind(), "code_rejected");
    assert!(e.message(lexguard::Lang::De).contains("neuen Code"));

    let code = h.code().await;
    h.advance(Duration::minutes(6));
    let e = h.engine.connect(&code).await.expect_err("expired");
    assert_eq!(e.kind(), "code_rejected");

    let redirect = h.authorize().await;
    let used = h.engine.connect(&redirect).await.expect("first use");
    assert_eq!(used.status.state, ConnState::Healthy);
    let tokens_after_first = h.stored_tokens();
    // Pasting the same code again (after opening a new login) is a reused code.
    h.engine.login_url().await.expect("url");
    let e = h
        .engine
        .connect(&common::code_of(&redirect))
        .await
        .expect_err("reused");
    assert_eq!(e.kind(), "code_rejected");
    assert_eq!(
        h.stored_tokens(),
        tokens_after_first,
        "failed exchange changed nothing"
    );
    assert_ne!(tokens, tokens_after_first);
    let _ = state;
    // The tokens still work.
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    assert_eq!(r.status.state, ConnState::Healthy);
}

#[tokio::test]
async fn failed_exchanges_do_not_touch_existing_tokens_or_state() {
    let h = Harness::new().await;
    h.connect().await;
    let tokens = h.stored_tokens();
    let state = std::fs::read_to_string(h.home.path().join("state.json")).expect("state");
    h.engine.login_url().await.expect("url");
    assert!(h.engine.connect("garbage code").await.is_err());
    assert!(
        h.engine
            .connect("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB")
            .await
            .is_err()
    );
    assert_eq!(h.stored_tokens(), tokens);
    let state_after = std::fs::read_to_string(h.home.path().join("state.json")).expect("state");
    assert_eq!(state, state_after);
}

#[tokio::test]
async fn keychain_write_failure_keeps_the_token_and_writes_it_later() {
    let h = Harness::new().await;
    h.connect().await;
    let old = h.stored_tokens();
    // Locked while the refresh is on its way: the check before it passes, the write fails.
    h.store.fail_writes_after(1, KeychainFault::Locked);
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::KeychainUnsaved));
    assert_eq!(
        has(&r.events, |e| matches!(
            e,
            Event::KeychainTrouble { unsaved: true, .. }
        )),
        1
    );
    assert_eq!(h.stored_tokens(), old, "the write really failed");
    // The new token is in use although it is only in memory.
    let in_memory = h.engine.access_token().await.expect("token from memory");
    assert!(!old.as_deref().unwrap_or_default().contains(&in_memory));

    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(
        r.status.reason,
        Some(Reason::KeychainUnsaved),
        "still locked"
    );

    h.store.fail_writes(None);
    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(has(&r.events, |e| matches!(e, Event::KeychainRecovered)), 1);
    assert_eq!(r.status.state, ConnState::Healthy);
    assert_eq!(
        h.stored_access_token(),
        in_memory,
        "written on a later tick"
    );
    // And the rotated refresh token is the one Lexware knows.
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    assert!(h.ctl.connection_active());
}

#[tokio::test]
async fn unreadable_keychain_is_degraded_never_lost_or_disconnected() {
    let h = Harness::new().await;
    h.connect().await;
    h.store.fail_reads(Some(KeychainFault::Unavailable));
    let fresh = h.second_engine(); // no tokens in memory
    h.advance(Duration::minutes(1));
    let r = fresh.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::KeychainUnavailable));
    h.store.fail_reads(None);
    h.advance(Duration::minutes(1));
    let r = fresh.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Healthy);
    assert!(h.stored_tokens().is_some(), "nothing was deleted");
}

#[tokio::test]
async fn deactivated_client_is_a_configuration_problem_not_auth_lost() {
    let h = Harness::new().await;
    h.connect().await;
    h.ctl.deactivate_client();
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Degraded);
    assert_eq!(r.status.reason, Some(Reason::ClientCredentials));
}

fn hooks(h: &Harness, names: &[(&str, &str)]) -> Vec<WebhookSpec> {
    names
        .iter()
        .map(|(t, n)| WebhookSpec {
            event_type: (*t).into(),
            callback_url: h.ctl.hook_url(n),
        })
        .collect()
}

#[tokio::test]
async fn webhooks_are_created_repaired_idempotent_and_see_no_429() {
    let h = Harness::new().await;
    let mut config = h.engine.config();
    config.webhooks = hooks(
        &h,
        &[
            ("invoice.created", "a"),
            ("invoice.changed", "b"),
            ("token.revoked", "c"),
        ],
    );
    h.engine
        .update_config(|cfg| *cfg = config.clone())
        .await
        .expect("config");
    let report = h.connect().await;
    let outcomes = report.webhooks.expect("synced").expect("ok");
    assert!(
        outcomes.iter().all(|o| o.action == Action::Created),
        "{outcomes:?}"
    );
    let subs = h.ctl.subscriptions();
    assert_eq!(subs.len(), 3);
    for want in &config.webhooks {
        assert!(
            subs.iter()
                .any(|s| s.event_type == want.event_type && s.callback_url == want.callback_url)
        );
    }

    // A second sync changes nothing.
    let creates = h.ctl.counters().subscription_creates;
    let again = h.engine.webhooks_sync(false).await.expect("sync");
    assert!(again.iter().all(|o| o.action == Action::Kept), "{again:?}");
    assert_eq!(h.ctl.counters().subscription_creates, creates);

    // A changed callback URL is repaired; a foreign subscription is left alone.
    config.webhooks[1].callback_url = h.ctl.hook_url("b2");
    h.engine
        .update_config(|cfg| *cfg = config.clone())
        .await
        .expect("config");
    h.ctl
        .add_foreign_subscription("voucher.created", &h.ctl.hook_url("theirs"));
    let out = h.engine.webhooks_sync(false).await.expect("sync");
    let action = |t: &str| out.iter().find(|o| o.event_type == t).map(|o| o.action);
    assert_eq!(action("invoice.changed"), Some(Action::Repaired));
    assert_eq!(action("voucher.created"), Some(Action::Unmanaged));
    assert!(
        h.ctl
            .subscriptions()
            .iter()
            .any(|s| s.callback_url == h.ctl.hook_url("b2"))
    );

    // --prune removes it.
    let out = h.engine.webhooks_sync(true).await.expect("sync");
    assert_eq!(
        out.iter()
            .find(|o| o.event_type == "voucher.created")
            .map(|o| o.action),
        Some(Action::Removed)
    );
    assert_eq!(h.ctl.subscriptions().len(), 3);

    // A subscription Lexware deleted (after failed deliveries) is re-created.
    let gone = h.ctl.subscriptions()[0].clone();
    h.ctl.delete_subscription(&gone.id);
    let out = h.engine.webhooks_sync(false).await.expect("sync");
    assert_eq!(
        out.iter()
            .find(|o| o.event_type == gone.event_type)
            .map(|o| o.action),
        Some(Action::Created)
    );
    assert_eq!(
        h.ctl.counters().rate_limited,
        0,
        "the client kept to 2 requests/second"
    );
}

#[tokio::test]
async fn a_webhook_lexware_refuses_is_reported_per_subscription() {
    let h = Harness::new().await;
    let mut config = h.engine.config();
    config.webhooks = vec![
        WebhookSpec {
            event_type: "invoice.created".into(),
            callback_url: h.ctl.hook_url("ok"),
        },
        WebhookSpec {
            event_type: "contact.created".into(),
            callback_url: format!("{}/nowhere", h.sim.url()),
        },
    ];
    h.engine
        .update_config(|cfg| *cfg = config.clone())
        .await
        .expect("config");
    let report = h.connect().await;
    let outcomes = report.webhooks.expect("synced").expect("ok");
    let failed = outcomes
        .iter()
        .find(|o| o.event_type == "contact.created")
        .expect("row");
    assert_eq!(failed.action, Action::Failed);
    assert!(
        failed.error.as_deref().unwrap_or_default().contains("406"),
        "{failed:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .find(|o| o.event_type == "invoice.created")
            .map(|o| o.action),
        Some(Action::Created)
    );
}

#[tokio::test]
async fn reconnect_after_auth_lost_re_creates_missing_webhooks() {
    let h = Harness::new().await;
    let mut config = h.engine.config();
    config.webhooks = hooks(&h, &[("invoice.created", "a")]);
    h.engine
        .update_config(|cfg| *cfg = config.clone())
        .await
        .expect("config");
    h.connect().await;
    h.ctl.revoke_connection();
    for s in h.ctl.subscriptions() {
        h.ctl.delete_subscription(&s.id);
    }
    h.advance(Duration::minutes(16));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::AuthLost);
    let report = h.connect().await;
    assert_eq!(report.status.state, ConnState::Healthy);
    let outcomes = report.webhooks.expect("synced").expect("ok");
    assert_eq!(outcomes[0].action, Action::Created);
    assert_eq!(h.ctl.subscriptions().len(), 1);
}

#[tokio::test]
async fn api_key_mode_validates_and_warns_before_the_24_months_end() {
    let h = Harness::new().await;
    let key = h.ctl.create_api_key();
    let e = h
        .engine
        .connect_api_key("not-a-real-key")
        .await
        .expect_err("unknown key");
    assert_eq!(e.kind(), "invalid_input");
    assert!(
        h.store.raw("api-key").is_none(),
        "a refused key is not stored"
    );
    let report = h
        .engine
        .connect_api_key(&format!("{key}\n"))
        .await
        .expect("connect");
    assert_eq!(report.status.state, ConnState::Healthy);
    assert_eq!(report.company.as_deref(), Some("Demo GmbH"));
    assert_eq!(h.engine.access_token().await.expect("key"), key);

    // 24 months minus 31 days: no warning yet.
    let expires = report.status.api_key_expires_at.expect("expiry known");
    let to = |days_before: i64| {
        let target = expires - Duration::days(days_before) - Duration::hours(1);
        target - h.clock_now()
    };
    h.advance(to(31));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(
        has(&r.events, |e| matches!(e, Event::ApiKeyExpiring { .. })),
        0
    );
    let mut warnings = vec![];
    for days in [29, 20, 6, 5, 0] {
        h.advance(to(days));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        for e in r.events {
            if let Event::ApiKeyExpiring { days, .. } = e {
                warnings.push(days);
            }
        }
        assert_eq!(r.status.reason, Some(Reason::ApiKeyExpiring));
    }
    assert_eq!(warnings, vec![29, 6, 0], "30, 7 and 1 days, once each");
}

#[tokio::test]
async fn disconnect_revokes_and_deletes_local_secrets() {
    let h = Harness::new().await;
    h.connect().await;
    let s = h.engine.disconnect(false).await.expect("disconnect");
    assert_eq!(s.state, ConnState::NotConnected);
    assert!(!h.ctl.connection_active());
    assert_eq!(h.ctl.counters().revocations, 1);
    assert!(h.stored_tokens().is_none());
    let e = h.engine.access_token().await.expect_err("not connected");
    assert!(matches!(e, Error::NotConnected));
}

#[tokio::test]
async fn login_needs_a_pending_authorization_that_is_fresh() {
    let h = Harness::new().await;
    let e = h
        .engine
        .connect("SOMECODE123")
        .await
        .expect_err("nothing pending");
    assert_eq!(e.kind(), "no_pending_login");
    let code = h.code().await;
    h.advance(Duration::minutes(11));
    let e = h.engine.connect(&code).await.expect_err("too old");
    assert_eq!(e.kind(), "login_expired");
}

#[tokio::test]
async fn the_authorize_url_carries_pkce_state_and_connection_name() {
    let h = Harness::new().await;
    let url = h.engine.login_url().await.expect("url");
    let parsed = url::Url::parse(&url).expect("url");
    let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(parsed.path(), "/oauth2/authorize");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert!(q["state"].len() >= 16);
    assert_eq!(q["connection_name"], "lexguard test");
    assert_eq!(q["client_id"], "lexguard-test-client");
}

impl Harness {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use lexguard::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn unsaved_tokens_can_be_flushed_before_quitting() {
    let h = Harness::new().await;
    h.connect().await;
    assert!(!h.engine.flush_unsaved().await.expect("nothing waiting"));
    h.store.fail_writes_after(1, KeychainFault::Locked);
    h.advance(Duration::seconds(DUE));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.refreshed);
    let e = h.engine.flush_unsaved().await.expect_err("still locked");
    assert_eq!(e.kind(), "keychain_locked");
    h.store.fail_writes(None);
    assert!(h.engine.flush_unsaved().await.expect("written"));
    let in_memory = h.engine.access_token().await.expect("token");
    assert_eq!(h.stored_access_token(), in_memory);
}
