//! A clean quit lets a refresh in flight finish and persist the rotated token first.

mod common;

use common::*;
use desktop_harness::TrayWatcher;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn quit_waits_for_a_refresh_in_flight() {
    let watcher = TrayWatcher::start().await.expect("watcher");
    let mut app = App::launch("quit").await;
    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    app.wait_counter("code_exchanges", 1).await;
    wait_menu_contains(&watcher, &item, "Verbunden mit Demo GmbH").await;

    // Lexware answers the next token request only after 3 s: quit arrives meanwhile.
    let fault = reqwest::Client::new()
        .post(format!("{}/_sim/fault", app.sim))
        .json(&serde_json::json!({"kind": "delay", "n": 1, "millis": 3000, "path_prefix": "/oauth2/token"}))
        .send()
        .await
        .expect("fault");
    assert!(fault.status().is_success(), "{}", fault.status());
    click(&watcher, &item, "Jetzt erneuern").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    click(&watcher, &item, "Beenden").await;
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    // The simulator lived inside the app; what remains is what the app persisted.
    let history = std::fs::read_to_string(app.home.path().join("history.jsonl")).expect("history");
    let refreshed = history
        .lines()
        .filter(|l| l.contains("\"type\":\"refreshed\""))
        .count();
    assert_eq!(
        refreshed, 1,
        "the refresh completed before the app went away: {history}"
    );
    let raw = std::process::Command::new("secret-tool")
        .args(["lookup", "service", &app.service, "username", "tokens"])
        .output()
        .expect("secret-tool");
    let tokens: serde_json::Value = serde_json::from_slice(&raw.stdout).expect("tokens entry");
    let issued =
        chrono::DateTime::parse_from_rfc3339(tokens["issued_at"].as_str().expect("issued_at"))
            .expect("time");
    let connected = chrono::DateTime::parse_from_rfc3339(
        tokens["connected_at"].as_str().expect("connected_at"),
    )
    .expect("time");
    assert!(
        issued > connected,
        "the rotated token set is in the keychain: {issued} vs {connected}"
    );
    app.cleanup();
}
