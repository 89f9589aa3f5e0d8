//! How many requests lexguard sends Lexware on an idle day (a benchmark, not a test: it
//! asserts nothing; `tests/idle_day.rs` asserts the counts). The engine runs against the
//! simulator on loopback with an injected clock: 1 440 ticks, one a minute, both clocks moved
//! together, one managed webhook; once with the default schedule (a check every 2 minutes) and
//! once with the frugal `validate_every = "15m"`.
//!   cargo run --example api_calls_per_day
//! Prints a Markdown table for docs/performance.md.

#[path = "../tests/common/idle_day.rs"]
mod idle_day;

use idle_day::{DayCount, idle_day, schedule_of};

#[tokio::main]
async fn main() {
    let default = idle_day(schedule_of("")).await;
    let frugal = idle_day(schedule_of("validate_every = \"15m\"")).await;
    let row = |what: &str, f: fn(&DayCount) -> u32| {
        println!("| {what} | {} | {} |", f(&default), f(&frugal));
    };
    println!(
        "| requests in 24 h (one webhook, idle) | default (`validate_every` 2 min) | `validate_every = \"15m\"` |"
    );
    println!("|---|---|---|");
    row("checks (ticks that confirmed the connection)", |d| d.checks);
    row("… of them `GET /v1/profile`", |d| d.profiles);
    row(
        "… of them `GET /v1/event-subscriptions` (the webhook watch)",
        |d| d.lists,
    );
    row("refreshes (`POST /oauth2/token`)", |d| d.refreshes);
    row("**all requests**", |d| d.all);
    row("ticks", |d| d.ticks);
}
