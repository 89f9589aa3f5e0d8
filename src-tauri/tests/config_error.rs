//! A broken config.toml (autostart at login, `--hidden`): the app does not crash. The tray
//! shows the error line, a notification names the file and the setting, and once the file is
//! fixed, "Einstellungen neu laden" starts the app normally without a restart.

mod common;

use common::*;
use desktop_harness::NotificationServer;
use std::process::Stdio;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn a_broken_config_shows_the_error_and_a_reload_starts_normally() {
    let notes = NotificationServer::start()
        .await
        .expect("own org.freedesktop.Notifications");
    let watcher = start_watcher().await;
    wait_until_no_instance().await;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.toml");
    std::fs::write(&config, "[schedule]\ncheck_every = \"7m\"\n").expect("config");
    let service = format!("lexguard-config-error-{}", std::process::id());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_lexguard-app"))
        .arg("--hidden")
        .env("LEXGUARD_HOME", home.path())
        .env("LEXGUARD_KEYRING_SERVICE", &service)
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env("LEXGUARD_LOG", "info")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("app starts");

    let item = watcher
        .wait_for_item(WAIT)
        .await
        .expect("a tray icon despite the broken file");
    let menu = wait_menu_contains(&watcher, &item, "Einstellungsdatei hat einen Fehler").await;
    assert_eq!(menu[0], "Öffnen…", "first item opens the window: {menu:?}");
    assert!(
        menu.iter().any(|l| l == "Einstellungen neu laden"),
        "{menu:?}"
    );
    assert!(
        !menu.iter().any(|l| l == "Jetzt erneuern"),
        "no engine while the file is broken: {menu:?}"
    );
    let full = watcher.menu(&item).await.expect("menu");
    assert!(!full[1].enabled, "the status line is not clickable");
    let note = notes
        .wait_for(|n| n.summary.contains("Einstellungsdatei"), WAIT)
        .await
        .expect("a notification about the settings file");
    assert!(note.body.contains("config.toml"), "{}", note.body);
    assert!(note.body.contains("check_every"), "{}", note.body);
    assert!(
        note.actions.iter().any(|a| a == "default"),
        "a click opens the window: {:?}",
        note.actions
    );
    assert!(
        child.try_wait().expect("status").is_none(),
        "the app is still running"
    );
    assert!(
        !home.path().join("state.json").exists(),
        "no engine ran on the broken file"
    );

    // Still broken: reload says so and the app stays in this mode.
    click(&watcher, &item, "Einstellungen neu laden").await;
    notes
        .wait_for(|n| n.summary.contains("noch einen Fehler"), WAIT)
        .await
        .expect("still broken");

    // Fixed: reload starts the app normally, on the same tray icon.
    std::fs::write(&config, "[schedule]\n").expect("fix");
    click(&watcher, &item, "Einstellungen neu laden").await;
    let menu = wait_menu_contains(&watcher, &item, "Beim Anmelden starten").await;
    let deadline = Instant::now() + WAIT;
    let mut menu = menu;
    while menu.iter().any(|l| l.contains("Einstellungsdatei")) {
        assert!(Instant::now() < deadline, "error line stayed: {menu:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        menu = labels(&watcher.menu(&item).await.expect("menu"));
    }
    assert_eq!(menu[0], "Neu verbinden…", "{menu:?}");
    // Not connected: renewing is not offered (it cannot work).
    assert!(!menu.iter().any(|l| l == "Jetzt erneuern"), "{menu:?}");
    assert_eq!(watcher.items().len(), 1, "one icon throughout");
    let deadline = Instant::now() + WAIT;
    while !home.path().join("state.json").exists() {
        assert!(
            Instant::now() < deadline,
            "the engine never ran after the reload"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}
