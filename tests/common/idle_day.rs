//! An idle day, counted at the simulator: the engine against `lexware-sim` on loopback with an
//! injected clock, connected (partner app, token pair) with one managed webhook, then 1 440
//! ticks, one a minute, both clocks moved together; nothing goes wrong. Shared by the
//! benchmark (`cargo run --example api_calls_per_day`, prints) and the test
//! (`tests/idle_day.rs`, asserts the counts: a count, not a timing).
#![allow(dead_code)]

use chrono::Duration;
use lexguard::config::{Config, Schedule, WebhookSpec};
use lexguard::store::MemoryStore;
use lexguard::{Engine, EngineOptions, Home, Lang, ManualClock, TickCause};
use lexware_sim::{Sim, SimConfig};
use std::sync::Arc;

/// Requests Lexware saw in the ticks after the connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// `GET /v1/profile`.
    pub profiles: u32,
    /// `GET /v1/event-subscriptions`.
    pub lists: u32,
    /// `POST /oauth2/token` (refresh grants).
    pub refreshes: u32,
    /// Every request, whatever it was.
    pub all: u32,
    /// Ticks that confirmed the connection at Lexware (a profile read or a list).
    pub checks: u32,
    pub ticks: u32,
}

/// The schedule of a `config.toml` whose `[schedule]` section is `schedule_toml` (empty: the
/// defaults), read as lexguard reads it.
pub fn schedule_of(schedule_toml: &str) -> Schedule {
    let text = format!("[schedule]\n{schedule_toml}\n");
    Config::parse(&text, std::path::Path::new("config.toml"))
        .expect("a valid schedule")
        .schedule
}

/// Runs the idle day with `schedule` and counts.
pub async fn idle_day(schedule: Schedule) -> DayCount {
    idle(schedule, 1440).await
}

/// `ticks` idle minutes after the connect with `schedule`, counted.
pub async fn idle(schedule: Schedule, ticks: u32) -> DayCount {
    let sim = Sim::start(SimConfig {
        rate_limit: false,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let ctl = sim.control();
    let clock = ManualClock::new(ctl.now());
    let home = tempfile::tempdir().expect("home");
    let mut config = Config {
        schedule,
        ..Config::default()
    };
    config.lexware.auth_url = sim.url();
    config.lexware.api_url = sim.url();
    config.lexware.client_id = Some(SimConfig::default().client_id);
    config.lexware.redirect_uri = Some(format!("{}/copy-code", sim.url()));
    config.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: ctl.hook_url("invoice"),
    }];
    let engine = Engine::new(EngineOptions {
        home: Home::at(home.path()),
        config,
        store: Arc::new(MemoryStore::new()),
        clock: Arc::new(clock.clone()),
        lang: Lang::De,
        client_secret: Some(lexguard::ClientSecret::new(
            SimConfig::default().client_secret,
        )),
        schedule_override: None,
    });
    let url = engine.login_url().await.expect("login url");
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(url)
        .send()
        .await
        .expect("authorize");
    let location = redirect.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    engine.connect(&location).await.expect("connect");

    let start = ctl.counters();
    let mut checks = 0;
    for _ in 0..ticks {
        clock.advance(Duration::minutes(1));
        ctl.advance_clock(60);
        let report = engine.tick(TickCause::Scheduled).await.expect("tick");
        assert_eq!(
            report.status.state,
            lexguard::ConnState::Healthy,
            "an idle day stays healthy: {:?}",
            report.status
        );
        checks += u32::from(report.validated);
    }
    let end = ctl.counters();
    DayCount {
        profiles: end.profile_calls - start.profile_calls,
        lists: end.subscription_lists - start.subscription_lists,
        refreshes: end.refreshes - start.refreshes,
        all: end.requests - start.requests,
        checks,
        ticks,
    }
}
