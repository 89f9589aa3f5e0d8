//! A Lexware answer with an absurd `Retry-After` (far beyond any date) neither kills the app
//! nor stops its checks: the process lives, `last_tick_at` keeps advancing, and the tray menu
//! still answers with a status line.

mod common;

use common::*;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn a_huge_retry_after_neither_kills_nor_stalls_the_app() {
    let watcher = start_watcher().await;
    let mut app = App::launch("retry-after").await;
    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    app.wait_counter("code_exchanges", 1).await;
    wait_menu_contains(&watcher, &item, "Verbunden mit Demo GmbH").await;

    app.sim_fault(serde_json::json!({
        "kind": "rate_limit",
        "n": 5,
        "retry_after_secs": 99_999_999_999_999_999_u64,
    }))
    .await;
    click(&watcher, &item, "Jetzt erneuern").await;
    // The refresh met the 429 and the app recorded when it will try again.
    let deadline = Instant::now() + WAIT;
    let failing = loop {
        let found = app
            .history()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|e| e["event"]["type"] == "refresh_failing");
        if let Some(e) = found {
            break e;
        }
        assert!(
            Instant::now() < deadline,
            "no failing refresh in the history: {}",
            app.history()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let at = chrono::DateTime::parse_from_rfc3339(failing["at"].as_str().expect("at")).expect("at");
    let retry = chrono::DateTime::parse_from_rfc3339(
        failing["event"]["retry_at"].as_str().expect("retry_at"),
    )
    .expect("retry_at");
    assert!(
        retry - at <= chrono::Duration::minutes(5),
        "the retry is clamped, not in the year 3 billion: {failing}"
    );

    // Several more checks (every 2 s in the fast demo) go by; the app stays alive through all.
    let mut seen = vec![app.last_tick().expect("a tick happened")];
    let deadline = Instant::now() + WAIT;
    while seen.len() < 4 {
        assert!(
            app.child.try_wait().expect("wait").is_none(),
            "the app died after the huge Retry-After"
        );
        assert!(
            Instant::now() < deadline,
            "last_tick_at stopped advancing: {seen:?}"
        );
        if let Some(t) = app.last_tick()
            && seen.last() != Some(&t)
        {
            assert!(seen.last().is_some_and(|l| *l < t), "{seen:?} then {t}");
            seen.push(t);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        app.child.try_wait().expect("wait").is_none(),
        "still running"
    );
    let menu = watcher.menu(&item).await.expect("the tray menu answers");
    let status_line = &menu[1];
    assert!(
        !status_line.enabled && !status_line.label.trim().is_empty(),
        "a status line: {menu:?}"
    );
    assert!(
        labels(&menu).iter().any(|l| l == "Jetzt erneuern"),
        "{menu:?}"
    );
    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    app.cleanup();
}
