//! Lexware as it really is (the corrected contract): webhooks that vanish, the grant's
//! two-year life, restricted API keys, odd answers, legacy hosts, signed `token.revoked`.
//! The engine against the simulator over real loopback HTTP, the clock injected.

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::config::{Repair, WebhookSpec};
use lexguard::engine::EventOutcome;
use lexguard::webhooks::Action;
use lexguard::{ConnState, Event, Reason, TickCause, TickReport};

fn count(reports: &[TickReport], pred: impl Fn(&Event) -> bool) -> usize {
    reports
        .iter()
        .flat_map(|r| &r.events)
        .filter(|e| pred(e))
        .count()
}

/// A harness with one managed webhook to the simulator's hook `name`, connected.
async fn with_hook(name: &str, repair: Repair) -> Harness {
    let h = Harness::new().await;
    let mut c = h.engine.config();
    c.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: h.ctl.hook_url(name),
    }];
    c.webhooks_policy.repair = repair;
    h.engine
        .update_config(|cfg| *cfg = c.clone())
        .await
        .expect("config");
    let report = h.connect().await;
    let outcomes = report.webhooks.expect("synced").expect("ok");
    assert_eq!(outcomes[0].action, Action::Created);
    h
}

/// Ticks every 4 minutes (no gap) for `minutes` of clock.
async fn tick_for(h: &Harness, minutes: i64) -> Vec<TickReport> {
    let mut out = Vec::new();
    for _ in 0..minutes / 4 {
        h.advance(Duration::minutes(4));
        out.push(h.engine.tick(TickCause::Scheduled).await.expect("tick"));
    }
    out
}

/// lexguard's own API client, pointed at the simulator.
fn api_of<'a>(url: &'a str, http: &'a lexguard::api::Http) -> lexguard::api::Api<'a> {
    lexguard::api::Api { base: url, http }
}

fn delete_all_at_lexware(h: &Harness) {
    for s in h.ctl.subscriptions() {
        assert!(h.ctl.delete_subscription(&s.id));
    }
}

#[tokio::test]
async fn the_watch_restores_a_webhook_lexware_deleted_and_says_so_once() {
    let h = with_hook("inv", Repair::Auto).await;
    delete_all_at_lexware(&h);
    let lists = h.ctl.counters().subscription_lists;
    // Not yet due (checked at connect): nothing is asked within the hour.
    let early = tick_for(&h, 40).await;
    assert_eq!(h.ctl.counters().subscription_lists, lists);
    assert!(h.ctl.subscriptions().is_empty());
    let later = tick_for(&h, 40).await;
    assert_eq!(h.ctl.subscriptions().len(), 1, "set up again");
    assert_eq!(
        h.ctl.counters().subscription_lists,
        lists + 1,
        "one list call for the check"
    );
    let all: Vec<TickReport> = early.into_iter().chain(later).collect();
    assert_eq!(
        count(&all, |e| matches!(e, Event::WebhookRestored { .. })),
        1
    );
    let last = &all.last().expect("ticks").status;
    assert_eq!(last.webhooks_health.repaired, ["invoice.created"]);
    assert!(last.webhooks_health.repaired_at.is_some());
    assert_eq!(last.state, ConnState::Healthy);
    let said = Event::WebhookRestored {
        event_type: "invoice.created".into(),
        callback_url: String::new(),
    }
    .describe(lexguard::Lang::De, h.engine.now());
    assert!(
        said.contains("„Rechnung erstellt“") && said.contains("neu eingerichtet"),
        "{said}"
    );
}

#[tokio::test]
async fn a_failing_re_creation_is_a_lasting_warning_reported_once() {
    let h = with_hook("inv", Repair::Auto).await;
    delete_all_at_lexware(&h);
    h.ctl.set_hook_status("inv", 404); // Lexware's HEAD check fails: 406
    let reports = tick_for(&h, 130).await;
    let last = &reports.last().expect("ticks").status;
    assert_eq!(last.state, ConnState::Degraded);
    assert_eq!(last.reason, Some(Reason::WebhooksFailing));
    assert!(last.message.contains("nicht erreichen"), "{}", last.message);
    assert_eq!(last.webhooks_health.failing.len(), 1);
    assert_eq!(
        count(&reports, |e| matches!(e, Event::WebhookFailing { .. })),
        1,
        "two checks, one notice"
    );
    // The address works again: the next check sets it up and the warning goes.
    h.ctl.set_hook_status("inv", 200);
    let reports = tick_for(&h, 64).await;
    assert_eq!(h.ctl.subscriptions().len(), 1);
    assert_eq!(
        reports.last().expect("ticks").status.state,
        ConnState::Healthy
    );
}

#[tokio::test]
async fn with_repair_ask_a_missing_webhook_is_reported_not_recreated() {
    let h = with_hook("inv", Repair::Ask).await;
    delete_all_at_lexware(&h);
    let reports = tick_for(&h, 130).await;
    assert!(h.ctl.subscriptions().is_empty(), "left to the person");
    let last = &reports.last().expect("ticks").status;
    assert_eq!(last.reason, Some(Reason::WebhooksFailing));
    assert_eq!(last.webhooks_health.missing, ["invoice.created"]);
    assert!(last.message.contains("entfernt"), "{}", last.message);
    assert_eq!(
        count(&reports, |e| matches!(e, Event::WebhookMissing { .. })),
        1
    );
    // Setting them up by hand clears it.
    h.engine.webhooks_sync(false).await.expect("sync");
    assert_eq!(h.engine.status().expect("status").state, ConnState::Healthy);
}

#[tokio::test]
async fn the_two_year_end_is_warned_at_30_7_and_1_days() {
    let h = Harness::new().await;
    h.connect().await;
    let end = h
        .engine
        .status()
        .expect("status")
        .authorization_expires_at
        .expect("an end");
    let connected = h
        .engine
        .status()
        .expect("status")
        .connected_at
        .expect("connected");
    assert_eq!(end, connected + chrono::Months::new(24));
    let mut warned = Vec::new();
    for days_left in [40, 29, 28, 6, 5, 0] {
        h.clock
            .set(end - Duration::days(days_left) - Duration::hours(1));
        let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
        for e in &r.events {
            if let Event::AuthorizationExpiring { days, .. } = e {
                warned.push(*days);
            }
        }
        if days_left < 30 {
            assert_eq!(
                r.status.reason,
                Some(Reason::AuthorizationExpiring),
                "{days_left}"
            );
            assert!(r.status.message.contains("neu an"), "{}", r.status.message);
        }
    }
    assert_eq!(warned, [29, 6, 0], "30, 7 and 1 days ahead, once each");
}

#[tokio::test]
async fn scopes_that_grew_past_the_grant_are_named() {
    let h = Harness::new().await;
    let mut c = h.engine.config();
    c.lexware.scope = Some("profile.read event-subscriptions.read".into());
    h.engine
        .update_config(|cfg| *cfg = c.clone())
        .await
        .expect("config");
    h.connect().await;
    c.lexware.scope = Some("profile.read event-subscriptions.read invoices.read".into());
    h.engine
        .update_config(|cfg| *cfg = c.clone())
        .await
        .expect("config");
    h.advance(Duration::seconds(14_399 - 14 * 60));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.reason, Some(Reason::ScopesMissing));
    assert!(
        r.status.message.contains("invoices.read"),
        "{}",
        r.status.message
    );
}

#[tokio::test]
async fn a_restricted_key_is_valid_but_limited() {
    let h = Harness::new().await;
    let key = h.ctl.create_api_key_restricted();
    let report = h.engine.connect_api_key(&key).await.expect("accepted");
    assert_eq!(
        report.status.state,
        ConnState::Healthy,
        "{}",
        report.status.message
    );
    assert!(report.status.message.contains("eingeschränkten Rechten"));
    h.advance(Duration::minutes(16));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.validated, "checked through the subscriptions");
    assert_ne!(r.status.state, ConnState::AuthLost);
    assert_ne!(r.status.reason, Some(Reason::ValidationFailing));
}

#[tokio::test]
async fn a_disguised_429_backs_off() {
    let h = Harness::new().await;
    h.connect().await;
    h.ctl.disguised_429_next_on("/v1/profile", 10);
    h.advance(Duration::minutes(1));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    let before = h.ctl.counters().requests;
    h.advance(Duration::minutes(1)); // validation due (every 2 min)
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(r.status.state, ConnState::Degraded);
    assert!(r.status.next_attempt_at.is_some(), "backing off");
    let sent = h.ctl.counters().requests - before;
    assert!(
        sent <= 3,
        "at most 3 requests in the tick that meets it: {sent}"
    );
    assert_eq!(sent, 2, "once plus one paced retry");
    // Named as what it is: Lexware slowing down, not "unreachable".
    assert!(
        r.status
            .message
            .contains("Lexware bremst gerade die Anfragen"),
        "{}",
        r.status.message
    );
    assert!(
        !r.status.message.contains("nicht erreichbar"),
        "{}",
        r.status.message
    );
    let before = h.ctl.counters().requests;
    h.advance(Duration::seconds(5));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(
        h.ctl.counters().requests,
        before,
        "nothing asked while backing off"
    );
}

#[tokio::test]
async fn a_504_on_create_does_not_duplicate() {
    let h = Harness::new().await;
    h.connect().await;
    let (url, http) = (h.sim.url(), lexguard::api::Http::new());
    let api = api_of(&url, &http);
    let token = h.stored_access_token();
    // The gateway gives up after Lexware did the work: lexguard lists instead of repeating.
    h.ctl
        .gateway_timeout_after_next_on("/v1/event-subscriptions", 1);
    let made = api
        .subscribe(
            &lexguard::api::Bearer(&token),
            "invoice.created",
            &h.ctl.hook_url("inv"),
        )
        .await
        .expect("found by listing");
    assert!(matches!(made, lexguard::api::Subscribed::Created(_)));
    assert_eq!(h.ctl.subscriptions().len(), 1, "listed, not created twice");
    assert_eq!(h.ctl.counters().subscription_creates, 1);
}

#[tokio::test]
async fn a_409_means_the_identical_one_is_already_there() {
    let h = Harness::new().await;
    h.connect().await;
    let (url, http) = (h.sim.url(), lexguard::api::Http::new());
    let api = api_of(&url, &http);
    let token = h.stored_access_token();
    let bearer = lexguard::api::Bearer(&token);
    let hook = h.ctl.hook_url("inv");
    let first = api
        .subscribe(&bearer, "invoice.created", &hook)
        .await
        .expect("created");
    let again = api
        .subscribe(&bearer, "invoice.created", &hook)
        .await
        .expect("409 is not a failure");
    assert!(matches!(first, lexguard::api::Subscribed::Created(_)));
    assert_eq!(
        again,
        lexguard::api::Subscribed::AlreadyThere(first.clone().id())
    );
    assert_eq!(h.ctl.subscriptions().len(), 1);
}

#[test]
fn a_legacy_host_is_a_config_error_with_the_new_host() {
    let text = "[lexware]\napi_url = \"https://api.lexoffice.io\"\n";
    let e =
        lexguard::Config::parse(text, std::path::Path::new("config.toml")).expect_err("refused");
    let m = e.message(lexguard::Lang::De);
    assert!(m.contains("config.toml, Zeile 2"), "{m}");
    assert!(m.contains("api_url = \"https://api.lexware.io\""), "{m}");
    assert!(m.contains("abgeschaltet"), "{m}");
}

#[tokio::test]
async fn a_signed_token_revoked_ends_the_connection_at_once() {
    let h = Harness::new().await;
    let key_file = h.home.path().join("lexware-key.pem");
    std::fs::write(&key_file, h.ctl.webhook_public_key_pem()).expect("key");
    let mut c = h.engine.config();
    c.lexware.webhook_public_key = Some(key_file);
    c.webhooks = vec![WebhookSpec {
        event_type: "token.revoked".into(),
        callback_url: h.ctl.hook_url("revoked"),
    }];
    h.engine
        .update_config(|cfg| *cfg = c.clone())
        .await
        .expect("config");
    h.connect().await;
    let connection = h.ctl.connection_id().expect("connection");

    // Another connection's event, genuinely signed: refused, nothing changes.
    h.ctl.deliver("token.revoked", "someone-else");
    h.ctl.settle_deliveries().await;
    let call = h.ctl.hook_calls("revoked").pop().expect("delivered");
    let e = h
        .engine
        .lexware_event(
            call.body.as_bytes(),
            call.signature.as_deref().unwrap_or_default(),
        )
        .await
        .expect_err("foreign");
    assert!(e.message(lexguard::Lang::De).contains("anderen Verbindung"));

    // Lexware ends our connection: the signed event flips the state before any check.
    h.ctl.revoke_connection();
    h.ctl.settle_deliveries().await;
    let call = h.ctl.hook_calls("revoked").pop().expect("delivered");
    assert!(call.body.contains(&connection));
    let signature = call.signature.clone().expect("signed");
    // Unsigned, or one byte changed: refused.
    assert!(
        h.engine
            .lexware_event(call.body.as_bytes(), "")
            .await
            .is_err()
    );
    let tampered = call.body.replacen('{', "{ ", 1);
    let e = h
        .engine
        .lexware_event(tampered.as_bytes(), &signature)
        .await
        .expect_err("tampered");
    assert!(e.message(lexguard::Lang::De).contains("Signatur"));
    assert_eq!(h.engine.status().expect("status").state, ConnState::Healthy);

    let outcome = h
        .engine
        .lexware_event(call.body.as_bytes(), &signature)
        .await
        .expect("verified");
    let EventOutcome::ConnectionEnded(status) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(status.state, ConnState::AuthLost);
    assert_eq!(
        h.engine.status().expect("status").state,
        ConnState::AuthLost
    );
}

#[tokio::test]
async fn an_api_key_ends_when_lexware_says_and_the_assumption_is_labelled() {
    let h = Harness::new().await;
    let key = h.ctl.create_api_key();
    let r = h.engine.connect_api_key(&key).await.expect("key");
    assert!(
        r.status.message.contains("angenommen"),
        "{}",
        r.status.message
    );

    // The date Lexware shows (say, an extended key): warnings follow it.
    let end = h.engine.now() + Duration::days(200);
    let s = h.engine.set_api_key_end(end).await.expect("date");
    assert_eq!(s.api_key_expires_at, Some(end));
    assert!(!s.message.contains("angenommen"), "{}", s.message);
    h.clock.set(end - Duration::days(29));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(
        count(std::slice::from_ref(&r), |e| matches!(
            e,
            Event::ApiKeyExpiring { .. }
        )),
        1
    );
    assert_eq!(r.status.reason, Some(Reason::ApiKeyExpiring));

    // A past date or one beyond 24 months is a typo, refused.
    let now = h.engine.now();
    for wrong in [now - Duration::days(1), now + Duration::days(800)] {
        let e = h.engine.set_api_key_end(wrong).await.expect_err("refused");
        assert!(e.message(lexguard::Lang::De).contains("24 Monate"));
    }
    // Entered with the key right away.
    let h = Harness::new().await;
    let key = h.ctl.create_api_key();
    let end = h.engine.now() + Duration::days(300);
    let r = h
        .engine
        .connect_api_key_until(&key, Some(end))
        .await
        .expect("key");
    assert_eq!(r.status.api_key_expires_at, Some(end));
}
