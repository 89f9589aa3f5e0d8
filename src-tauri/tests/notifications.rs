//! Notifications: auth lost once (with reminders later), a click opens the window, restored
//! after reconnecting.

mod common;

use common::*;
use desktop_harness::{NotificationServer, TrayWatcher};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn auth_lost_is_notified_once_and_restored_after_reconnect() {
    let notifications = NotificationServer::start()
        .await
        .expect("own org.freedesktop.Notifications");
    let watcher = TrayWatcher::start().await.expect("watcher");
    let app = App::launch("notify").await;
    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    let connected = notifications
        .wait_for(|n| n.summary.contains("Mit Lexware verbunden"), WAIT)
        .await
        .expect("connected notice");
    assert!(
        connected.summary.starts_with("DEMO"),
        "{}",
        connected.summary
    );

    app.sim_post("/_sim/revoke").await;
    let lost = notifications
        .wait_for(
            |n| n.summary.contains("Verbindung zu Lexware verloren"),
            WAIT,
        )
        .await
        .expect("auth lost notice");
    assert!(lost.summary.starts_with("DEMO · "), "{}", lost.summary);
    assert!(lost.body.contains("neu anzumelden"), "{}", lost.body);
    assert!(
        lost.actions.iter().any(|a| a == "default"),
        "a click opens the window: {:?}",
        lost.actions
    );
    // Several more ticks (every 2 s in the fast demo) bring no second notice.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let count = notifications
        .received()
        .iter()
        .filter(|n| n.summary.contains("verloren"))
        .count();
    assert_eq!(count, 1, "exactly once across ticks");

    // Clicking it opens the reconnect window.
    assert!(app.webkit_processes().is_empty());
    // notify-rust listens for the click only once its thread waits for it: click until seen.
    let deadline = Instant::now() + WAIT;
    while app.webkit_processes().is_empty() {
        assert!(Instant::now() < deadline, "window never opened");
        notifications
            .invoke_action(lost.id, "default")
            .await
            .expect("click");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // Reconnect through the core (the CLI on the same home and keychain).
    let url = app.cli(&["login-url"], "").await;
    assert!(
        url.status.success(),
        "{}",
        String::from_utf8_lossy(&url.stderr)
    );
    let redirect = authorize(String::from_utf8_lossy(&url.stdout).trim()).await;
    let out = app.cli(&["connect", "-"], &format!("{redirect}\n")).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    notifications
        .wait_for(|n| n.summary.contains("Verbindung wiederhergestellt"), WAIT)
        .await
        .expect("restored notice");
    for n in notifications.received() {
        for secret in ["access_token", "refresh_token", "code="] {
            assert!(
                !n.body.contains(secret) && !n.summary.contains(secret),
                "{n:?}"
            );
        }
    }
    app.cleanup();
}
