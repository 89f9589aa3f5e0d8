//! A clean quit, from the tray's "Beenden" or from SIGTERM, lets a refresh in flight finish
//! and persist the rotated token first.

mod common;

use common::*;
use desktop_harness::TrayWatcher;

/// Connects the demo, delays Lexware's next token answer by 3 s and clicks "Jetzt erneuern";
/// returns while that refresh is in flight.
async fn refresh_in_flight(watcher: &TrayWatcher) -> (App, desktop_harness::TrayItem) {
    let app = App::launch("quit").await;
    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(watcher, &item, "Demo: bei Lexware anmelden").await;
    app.wait_counter("code_exchanges", 1).await;
    wait_menu_contains(watcher, &item, "Verbunden mit Demo GmbH").await;
    assert!(
        !app.history().contains("\"type\":\"refreshed\""),
        "no refresh yet: {}",
        app.history()
    );
    // Lexware answers the next token request only after 3 s: the quit arrives meanwhile.
    app.sim_fault(serde_json::json!({"kind": "delay", "n": 1, "millis": 3000, "path_prefix": "/oauth2/token"}))
        .await;
    click(watcher, &item, "Jetzt erneuern").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    (app, item)
}

/// The app exited cleanly after the refresh had completed and was persisted.
async fn assert_exited_after_refresh(app: &mut App) {
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    // The simulator lived inside the app; what remains is what the app persisted.
    let history = app.history();
    let refreshed = history
        .lines()
        .filter(|l| l.contains("\"type\":\"refreshed\""))
        .count();
    assert_eq!(
        refreshed, 1,
        "the refresh completed before the app went away: {history}"
    );
    let tokens = app.keychain_tokens().expect("tokens entry");
    let time =
        |k: &str| chrono::DateTime::parse_from_rfc3339(tokens[k].as_str().expect(k)).expect("time");
    let (issued, connected) = (time("issued_at"), time("connected_at"));
    assert!(
        issued > connected,
        "the rotated token set is in the keychain: {issued} vs {connected}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn quit_waits_for_a_refresh_in_flight() {
    let _serial = SERIAL.lock().await;
    let watcher = start_watcher().await;
    let (mut app, item) = refresh_in_flight(&watcher).await;
    click_quit(&watcher, &item).await;
    assert_exited_after_refresh(&mut app).await;
    app.cleanup();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn sigterm_waits_for_a_refresh_in_flight() {
    let _serial = SERIAL.lock().await;
    let watcher = start_watcher().await;
    let (mut app, _item) = refresh_in_flight(&watcher).await;
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success(), "SIGTERM sent");
    assert_exited_after_refresh(&mut app).await;
    app.cleanup();
}
