//! The tray: a StatusNotifierItem with the documented menu; "Jetzt erneuern" reaches Lexware.

mod common;

use common::*;
use desktop_harness::TrayWatcher;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn tray_menu_reads_and_refresh_now_reaches_the_simulator() {
    let watcher = TrayWatcher::start()
        .await
        .expect("own StatusNotifierWatcher");
    let mut app = App::launch("tray").await;
    let item = watcher
        .wait_for_item(WAIT)
        .await
        .expect("the app registers a tray item");
    let menu = labels(&watcher.menu(&item).await.expect("menu"));
    assert_eq!(
        menu[0], "Neu verbinden…",
        "first item opens the window: {menu:?}"
    );
    for want in ["Beim Anmelden starten", "Beenden"] {
        assert!(menu.iter().any(|l| l == want), "{want} missing in {menu:?}");
    }
    // Nothing connected: only what can work is offered (no renewing, no webhooks).
    for not in ["Jetzt erneuern", "Webhooks neu einrichten"] {
        assert!(!menu.iter().any(|l| l == not), "{not} offered in {menu:?}");
    }
    let full = watcher.menu(&item).await.expect("menu");
    let status_line = &full[1];
    assert!(
        !status_line.enabled,
        "the status line is not clickable: {status_line:?}"
    );
    let autostart = full
        .iter()
        .find(|m| m.label == "Beim Anmelden starten")
        .expect("autostart");
    assert_eq!(autostart.toggle_type, "checkmark");

    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    app.wait_counter("code_exchanges", 1).await;
    let menu = wait_menu_contains(&watcher, &item, "Verbunden mit Demo GmbH").await;
    assert_eq!(menu[0], "Öffnen…", "{menu:?}");
    for want in ["Jetzt erneuern", "Webhooks neu einrichten"] {
        assert!(menu.iter().any(|l| l == want), "{want} missing in {menu:?}");
    }
    let before = app.counters().await["refreshes"].as_u64().unwrap_or(0);
    click(&watcher, &item, "Jetzt erneuern").await;
    let after = app.wait_counter("refreshes", before + 1).await;
    assert_eq!(
        after["refreshes"].as_u64(),
        Some(before + 1),
        "exactly one refresh"
    );
    assert!(
        app.webkit_processes().is_empty(),
        "no webview while the window is closed: {:?}",
        app.webkit_processes()
    );

    // Lost: the menu offers only what can work, and claims no validity.
    click(&watcher, &item, "Demo: Lexware beendet die Verbindung").await;
    let menu = wait_menu_contains(&watcher, &item, "verloren").await;
    assert_eq!(menu[0], "Neu verbinden…", "{menu:?}");
    for not in ["Jetzt erneuern", "Webhooks neu einrichten"] {
        assert!(
            !menu.iter().any(|l| l == not),
            "{not} offered while lost: {menu:?}"
        );
    }
    assert!(!menu[1].contains("gültig"), "{menu:?}");

    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    app.cleanup();
}
