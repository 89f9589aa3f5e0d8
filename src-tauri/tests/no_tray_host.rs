//! A desktop without a tray host (GNOME without the AppIndicator extension): the app started
//! with `--hidden` is not invisible. It opens its window and explains in a notification, and
//! once a host appears later, the tray icon registers with it.

mod common;

use common::*;
use desktop_harness::NotificationServer;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn without_a_tray_host_the_window_opens_and_a_late_host_gets_the_icon() {
    let notes = NotificationServer::start()
        .await
        .expect("own org.freedesktop.Notifications");
    let app = App::launch("no-tray-host").await;
    let note = notes
        .wait_for(|n| n.summary.contains("ohne Symbol im Infobereich"), WAIT)
        .await
        .expect("a notification that explains the missing icon");
    assert!(note.body.contains("lexguard läuft"), "{}", note.body);
    assert!(note.body.contains("noch einmal starten"), "{}", note.body);
    let deadline = Instant::now() + WAIT;
    while app.webkit_processes().is_empty() {
        assert!(Instant::now() < deadline, "the window never opened");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The AppIndicator extension is switched on: the icon shows up there.
    let watcher = start_watcher().await;
    let item = watcher
        .wait_for_item(WAIT)
        .await
        .expect("the icon registers with a watcher that came later");
    let menu = wait_menu_contains(&watcher, &item, "Beenden").await;
    // The whole menu arrived; nothing is connected yet, so it offers connecting, not renewing.
    assert_eq!(menu[0], "Neu verbinden…", "{menu:?}");
    assert!(
        menu.iter().any(|l| l == "Beim Anmelden starten"),
        "{menu:?}"
    );
    assert!(!menu.iter().any(|l| l == "Jetzt erneuern"), "{menu:?}");

    click_quit(&watcher, &item).await;
    let mut app = app;
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    app.cleanup();
}
