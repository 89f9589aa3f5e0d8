//! The demo leaves nothing behind: a killed demo's home and keychain entries are removed at
//! the next demo start, and "Beenden" removes the running one's. "Lexware beendet die
//! Verbindung" shows the loss at once, not at the next timer tick.

mod common;

use common::*;
use std::time::{Duration, Instant};

/// Everything the keychain holds under `service` (empty when nothing).
fn items_of(service: &str) -> String {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .trim()
    .to_string()
}

async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The demo app on `tmp`, with its normal schedule (a check a minute) and its clean-up on.
fn demo(tmp: &std::path::Path, port: u16) -> tokio::process::Command {
    let mut c = App::command(tmp, port);
    c.env_remove("LEXGUARD_DEMO_KEEP")
        .env_remove("LEXGUARD_DEMO_FAST");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn a_killed_demo_is_cleaned_up_and_a_revoke_shows_at_once_and_quit_leaves_nothing() {
    let watcher = start_watcher().await;
    wait_until_no_instance().await;
    let tmp = tempfile::tempdir().expect("tmp");

    // A demo that is killed: no clean-up runs, its folder and keychain entry stay.
    let port = test_support::ports::unused_port();
    let mut killed = demo(tmp.path(), port).spawn().expect("demo starts");
    let killed_service = demo_service(killed.id().expect("pid"));
    wait_for_sim(&mut killed, &format!("http://127.0.0.1:{port}")).await;
    wait_until("the demo stores its client secret", || {
        !items_of(&killed_service).is_empty()
    })
    .await;
    let killed_home = demo_homes(tmp.path());
    assert_eq!(killed_home.len(), 1, "{killed_home:?}");
    killed.start_kill().expect("kill");
    killed.wait().await.expect("killed");
    assert!(killed_home[0].exists() && !items_of(&killed_service).is_empty());
    drop(watcher);
    let watcher = start_watcher().await;
    wait_until_no_instance().await;

    // The next demo start removes both.
    let port = test_support::ports::unused_port();
    let sim = format!("http://127.0.0.1:{port}");
    let mut child = demo(tmp.path(), port).spawn().expect("demo starts");
    let service = demo_service(child.id().expect("pid"));
    wait_for_sim(&mut child, &sim).await;
    wait_until("the killed demo's home is removed", || {
        !killed_home[0].exists()
    })
    .await;
    assert_eq!(
        items_of(&killed_service),
        "",
        "the killed demo's keychain entries are removed"
    );
    let homes = demo_homes(tmp.path());
    assert_eq!(homes.len(), 1, "only the running demo's home: {homes:?}");
    let home = homes[0].clone();
    let last_tick = || {
        let text = std::fs::read_to_string(home.join("state.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["last_tick_at"].as_str().map(str::to_string)
    };

    let item = watcher.wait_for_item(WAIT).await.expect("tray item");
    click(&watcher, &item, "Demo: bei Lexware anmelden").await;
    wait_menu_contains(&watcher, &item, "Verbunden mit Demo GmbH").await;
    // Right after a timer check the next one is a minute away: a loss seen within half of
    // that came from the check that follows the revoke.
    let before = last_tick();
    let deadline = Instant::now() + Duration::from_secs(150);
    while last_tick() == before {
        assert!(Instant::now() < deadline, "the timer never checked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&watcher, &item, "Demo: Lexware beendet die Verbindung").await;
    let seen = Instant::now() + Duration::from_secs(30);
    loop {
        let l = labels(&watcher.menu(&item).await.expect("menu"));
        if l.iter().any(|x| x.contains("verloren")) {
            break;
        }
        assert!(
            Instant::now() < seen,
            "the loss did not show before the next timer check: {l:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // "Beenden": nothing of the demo is left.
    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, child.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    assert!(
        demo_homes(tmp.path()).is_empty(),
        "{:?}",
        demo_homes(tmp.path())
    );
    assert_eq!(
        items_of(&service),
        "",
        "no keychain entry left after quitting"
    );
}
