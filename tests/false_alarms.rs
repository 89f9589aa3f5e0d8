//! No false alarms: each story lexguard once told wrongly, pinned as the true one. The engine
//! against the simulator over real loopback HTTP, the clock injected.

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::config::{Repair, WebhookSpec};
use lexguard::webhooks::Action;
use lexguard::{ConnState, Event, Lang, TickCause, TickReport};

fn events(reports: &[TickReport]) -> Vec<&Event> {
    reports.iter().flat_map(|r| &r.events).collect()
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

/// The false story: "3 h lang keine Prüfung (lexguard lief nicht). Die Zugangsdaten haben
/// die Lücke überstanden" while nothing was connected (there were no credentials).
#[tokio::test]
async fn a_pause_with_nothing_connected_is_no_gap() {
    let h = Harness::new().await;
    let first = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert_eq!(first.status.state, ConnState::NotConnected);
    h.advance(Duration::hours(5));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.gap.is_none(), "{:?}", r.gap);
    assert!(
        !r.events
            .iter()
            .any(|e| matches!(e, Event::GapDetected { .. })),
        "{:?}",
        r.events
    );
    assert_eq!(r.status.state, ConnState::NotConnected);
    assert!(r.status.last_gap.is_none());
}

/// The false story: a gap notice (desktop) and a gap alert (`serve`) right after a fresh
/// login, because the pause before the login was measured from the last tick.
#[tokio::test]
async fn a_fresh_login_is_no_gap() {
    let h = Harness::new().await;
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    h.advance(Duration::hours(3));
    let connected = h.connect().await;
    assert_eq!(connected.status.state, ConnState::Healthy);
    h.advance(Duration::minutes(1));
    let r = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(r.gap.is_none(), "{:?}", r.gap);
    assert_eq!(r.status.state, ConnState::Healthy, "{}", r.status.message);
    assert_eq!(r.status.reason, None);
    // What `serve`'s alerts make of it: the connection is news, a gap is not.
    let remind = Duration::hours(4);
    let (_, memory) = lexguard::alerts::decide(
        &lexguard::alerts::Memory::default(),
        &connected.status,
        h.engine.now(),
        remind,
    );
    let (d, _) = lexguard::alerts::decide(&memory, &r.status, h.engine.now(), remind);
    assert!(d.ping_fail.is_none(), "{d:?}");
    // A real pause afterwards still is one.
    h.advance(Duration::hours(3));
    let later = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(later.gap.is_some(), "a real gap is still seen");
}

/// The false story: "Lexware hatte den Webhook „…“ entfernt" for a webhook the person had
/// just added to config.toml: Lexware never had it, so it is set up, not restored.
#[tokio::test]
async fn a_webhook_just_added_to_the_config_is_set_up_not_restored() {
    let h = Harness::new().await;
    let mut c = h.engine.config();
    c.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: h.ctl.hook_url("inv"),
    }];
    c.webhooks_policy.repair = Repair::Auto;
    {
        let c = c.clone();
        h.engine
            .update_config(move |x| *x = c)
            .await
            .expect("config");
    }
    h.connect().await;
    // Added by hand later.
    c.webhooks.push(WebhookSpec {
        event_type: "invoice.changed".into(),
        callback_url: h.ctl.hook_url("chg"),
    });
    h.engine
        .update_config(move |x| *x = c)
        .await
        .expect("config");
    let reports = tick_for(&h, 80).await;
    assert_eq!(h.ctl.subscriptions().len(), 2, "set up by the watch");
    let all = events(&reports);
    assert!(
        !all.iter()
            .any(|e| matches!(e, Event::WebhookRestored { .. })),
        "{all:?}"
    );
    let synced = all
        .iter()
        .find_map(|e| match e {
            Event::WebhooksSynced { outcomes } => Some(outcomes),
            _ => None,
        })
        .expect("the watch's sync is in the history");
    assert!(
        synced
            .iter()
            .any(|o| o.event_type == "invoice.changed" && o.action == Action::Created),
        "{synced:?}"
    );
    for e in &all {
        let said = e.describe(Lang::De, h.engine.now());
        assert!(!said.contains("entfernt"), "{said}");
    }
    let last = &reports.last().expect("ticks").status;
    assert!(last.webhooks_health.repaired.is_empty(), "{last:?}");

    // One Lexware really removed is still told as such.
    let gone = h
        .ctl
        .subscriptions()
        .into_iter()
        .find(|s| s.event_type == "invoice.changed")
        .expect("subscription");
    h.ctl.delete_subscription(&gone.id);
    let reports = tick_for(&h, 80).await;
    let restored: Vec<_> = events(&reports)
        .into_iter()
        .filter(|e| matches!(e, Event::WebhookRestored { .. }))
        .collect();
    assert_eq!(restored.len(), 1, "{restored:?}");
}

/// Lexware's own English text of a failing webhook (its 406) is for "Details" only: never
/// inside the German sentence a notification or the status carries.
#[tokio::test]
async fn lexwares_english_stays_out_of_the_german_sentence() {
    let h = Harness::new().await;
    let mut c = h.engine.config();
    c.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: h.ctl.hook_url("inv"),
    }];
    h.engine
        .update_config(move |x| *x = c)
        .await
        .expect("config");
    h.ctl.set_hook_status("inv", 404); // Lexware's HEAD check fails: 406
    let report = h.connect().await;
    let outcomes = report.webhooks.expect("synced").expect("ok");
    let failed = &outcomes[0];
    assert_eq!(failed.action, Action::Failed);
    let sentence = failed.error.clone().expect("a sentence");
    assert!(sentence.contains("nicht erreichen"), "{sentence}");
    for english in ["Callback", "check failed", "Validation"] {
        assert!(!sentence.contains(english), "{sentence}");
    }
    let detail = failed.detail.clone().expect("Lexware's words, for Details");
    assert!(!detail.is_empty());
    let status = h.engine.status().expect("status");
    for p in &status.webhooks_health.failing {
        assert!(!p.reason.contains("Callback"), "{}", p.reason);
    }
    assert!(!status.message.contains("Callback"), "{}", status.message);
    // The event a notification is made of says it in German only.
    let told = Event::WebhookFailing {
        event_type: failed.event_type.clone(),
        callback_url: failed.callback_url.clone(),
        reason: sentence,
    }
    .describe(Lang::De, h.engine.now());
    assert!(!told.contains("Callback"), "{told}");
}

/// With `repair = "ask"` too: a webhook just added to config.toml was never at Lexware, so
/// no "Lexware hat den Webhook entfernt" notice.
#[tokio::test]
async fn with_repair_ask_a_webhook_just_added_is_not_called_removed() {
    let h = Harness::new().await;
    let mut c = h.engine.config();
    c.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: h.ctl.hook_url("inv"),
    }];
    c.webhooks_policy.repair = Repair::Ask;
    {
        let c = c.clone();
        h.engine
            .update_config(move |x| *x = c)
            .await
            .expect("config");
    }
    h.connect().await;
    c.webhooks.push(WebhookSpec {
        event_type: "invoice.changed".into(),
        callback_url: h.ctl.hook_url("chg"),
    });
    h.engine
        .update_config(move |x| *x = c)
        .await
        .expect("config");
    let reports = tick_for(&h, 80).await;
    let all = events(&reports);
    assert!(
        !all.iter()
            .any(|e| matches!(e, Event::WebhookMissing { .. })),
        "{all:?}"
    );
}
