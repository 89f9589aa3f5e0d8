//! Snooze from the tray: *Stumm schalten* ▸ 1 Stunde mutes the desktop (the tray line says
//! "stumm bis …"), a lost connection is then not notified, and *Fortsetzen* brings exactly one
//! catch-up because the connection is still lost; that notification's own action mutes again.

mod common;

use common::*;
use desktop_harness::{NotificationServer, TrayWatcher};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn snooze_from_the_tray_holds_back_and_resume_catches_up_once() {
    let notifications = NotificationServer::start()
        .await
        .expect("own org.freedesktop.Notifications");
    let watcher = TrayWatcher::start().await.expect("watcher");
    let mut app = App::launch("quiet").await;
    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    notifications
        .wait_for(|n| n.summary.contains("Mit Lexware verbunden"), WAIT)
        .await
        .expect("connected notice");

    let full = watcher.menu(&item).await.expect("menu");
    let mute = full
        .iter()
        .find(|m| m.label == "Stumm schalten")
        .expect("the submenu");
    let entries: Vec<(&str, bool)> = mute
        .children
        .iter()
        .map(|m| (m.label.as_str(), m.enabled))
        .collect();
    assert_eq!(
        entries,
        [
            ("1 Stunde", true),
            ("bis morgen 08:00", true),
            ("Fortsetzen", false)
        ],
        "nothing to resume yet"
    );
    click(&watcher, &item, "1 Stunde").await;
    wait_menu_contains(&watcher, &item, "stumm bis").await;
    app.sim_post("/_sim/revoke").await;
    wait_menu_contains(&watcher, &item, "verloren").await;
    // Several more ticks (every 2 s in the fast demo): still nothing on the desktop.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let told = |what: &str| {
        notifications
            .received()
            .iter()
            .filter(|n| n.summary.contains(what))
            .count()
    };
    assert_eq!(told("verloren"), 0, "muted: {:?}", notifications.received());

    click(&watcher, &item, "Fortsetzen").await;
    let catch_up = notifications
        .wait_for(|n| n.summary.contains("Während der Stummschaltung"), WAIT)
        .await
        .expect("one catch-up");
    assert!(
        catch_up.summary.contains("verloren"),
        "{}",
        catch_up.summary
    );
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        told("Während der Stummschaltung"),
        1,
        "exactly one catch-up"
    );
    let menu = labels(&watcher.menu(&item).await.expect("menu"));
    assert!(
        !menu.iter().any(|l| l.contains("stumm bis")),
        "resumed: {menu:?}"
    );

    // The notification's own action mutes for an hour too (notify-rust listens for it only
    // once its thread waits: invoke until the tray says so).
    assert!(
        catch_up.actions.iter().any(|a| a == "snooze-1h"),
        "{:?}",
        catch_up.actions
    );
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        notifications
            .invoke_action(catch_up.id, "snooze-1h")
            .await
            .expect("action");
        tokio::time::sleep(Duration::from_millis(500)).await;
        let menu = labels(&watcher.menu(&item).await.expect("menu"));
        if menu.iter().any(|l| l.contains("stumm bis")) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never muted: {menu:?}"
        );
    }

    click_quit(&watcher, &item).await;
    let _ = tokio::time::timeout(WAIT, app.child.wait()).await;
    app.cleanup();
}
