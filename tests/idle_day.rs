//! Issue 18, frugal with Lexware: the requests of an idle day, counted at the simulator (a
//! count, not a timing). With the webhook watch on, the hourly subscription list is that
//! period's check, not a request on top of it. `docs/performance.md` reports these numbers
//! (`cargo run --example api_calls_per_day` prints them).

#[path = "common/idle_day.rs"]
mod idle_day;

use idle_day::{idle, idle_day, schedule_of};

/// The default schedule (a check every 2 minutes, issue 19: a loss seen within 2 minutes),
/// over one token lifetime (4 hours: the day repeats it six times; `cargo run --example
/// api_calls_per_day` counts the whole day, 729, for docs/performance.md): 120 checks, 4 of
/// them the webhook watch's list, plus the one refresh of the token pair. Four hours, not 24:
/// the requests are spaced 500 ms apart in real time (Lexware's budget), and a whole day would
/// keep the test suite waiting six minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_checks_are_every_second_tick_with_the_webhook_lists_among_them() {
    let hours = idle(schedule_of(""), 240).await;
    assert_eq!(hours.ticks, 240);
    assert_eq!(hours.lists, 4, "one webhook check an hour: {hours:?}");
    assert_eq!(hours.refreshes, 1, "an access token of 4 h: {hours:?}");
    assert_eq!(
        hours.profiles + hours.lists,
        hours.checks,
        "every read is one tick's check, nothing on top: {hours:?}"
    );
    // A refresh is followed by its own check; one that falls between two checks moves the
    // schedule by a tick: at most one check more per refresh.
    assert!(
        (120..=121).contains(&hours.checks),
        "every second tick asks Lexware: {hours:?}"
    );
    assert_eq!(
        hours.all,
        hours.checks + hours.refreshes,
        "nothing on top: {hours:?}"
    );
}

/// `validate_every = "15m"`: a check every 15 minutes, the hourly list one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frugal_day_stays_within_110_requests() {
    let day = idle_day(schedule_of("validate_every = \"15m\"")).await;
    assert_eq!(day.lists, 24, "{day:?}");
    assert_eq!(day.refreshes, 6, "{day:?}");
    assert!(day.checks >= 96, "a check every 15 minutes: {day:?}");
    assert_eq!(day.all, day.profiles + day.lists + day.refreshes, "{day:?}");
    assert!(day.all <= 110, "issue 18's goal: {day:?}");
}

/// Checks rarer than the watch (`validate_every` above `webhooks_every`): the watch does not
/// wait for a check, it is one, on its own time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_checks_rarer_than_the_watch_the_hourly_list_is_the_check() {
    let schedule = schedule_of("validate_every = \"2h\"\nwebhooks_every = \"1h\"");
    let three_hours = idle(schedule, 180).await;
    assert_eq!(three_hours.lists, 3, "hourly: {three_hours:?}");
    assert_eq!(
        three_hours.checks, 3,
        "each list is that tick's check: {three_hours:?}"
    );
    assert_eq!(three_hours.all, 3, "nothing else: {three_hours:?}");
}
