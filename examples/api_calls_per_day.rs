//! How many requests lexguard sends Lexware on an idle day with the default schedule (a
//! benchmark, not a test: it asserts nothing). The engine runs against the simulator on
//! loopback with an injected clock: 1 440 checks, one a minute, both clocks moved together.
//!   cargo run --release --example api_calls_per_day
//! Prints a Markdown table for docs/performance.md.

use chrono::Duration;
use lexguard::config::{Config, WebhookSpec};
use lexguard::store::MemoryStore;
use lexguard::{Engine, EngineOptions, Home, Lang, ManualClock, TickCause};
use lexware_sim::{Sim, SimConfig};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let sim = Sim::start(SimConfig {
        rate_limit: false,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let ctl = sim.control();
    let clock = ManualClock::new(ctl.now());
    let home = tempfile::tempdir().expect("home");
    let mut config = Config::default();
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
    for _ in 0..1440 {
        clock.advance(Duration::minutes(1));
        ctl.advance_clock(60);
        engine.tick(TickCause::Scheduled).await.expect("tick");
    }
    let end = ctl.counters();
    let d = |a: u32, b: u32| b - a;
    println!("| requests in 24 h (default schedule, one webhook, idle) | count |");
    println!("|---|---|");
    println!(
        "| validations (`GET /v1/profile`) | {} |",
        d(start.profile_calls, end.profile_calls)
    );
    println!(
        "| webhook checks (`GET /v1/event-subscriptions`) | {} |",
        d(start.subscription_lists, end.subscription_lists)
    );
    println!(
        "| refreshes (`POST /oauth2/token`) | {} |",
        d(start.refreshes, end.refreshes)
    );
    println!("| all requests | {} |", d(start.requests, end.requests));
    println!("| ticks | 1440 |");
}
