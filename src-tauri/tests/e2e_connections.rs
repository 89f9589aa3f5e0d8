//! Several connections in the real window (issue 17), over WebDriver: the app started on a
//! home without a connection; *Verbindung hinzufügen* refuses a bad name in German next to
//! the field and creates nothing, takes a good one, keeps the new connection alive, selects
//! it and asks it the same first-run question; the list then has both and switches back.
//! *Diese Verbindung entfernen…* then asks, removes the second one (its folder goes) and the
//! window is back on the first, with no list (one connection); `default` offers no removal.
//!
//! Run: `scripts/build-ui && scripts/in-session cargo test -p lexguard-app --test e2e_connections -- --include-ignored`

mod common;
mod e2e_support;

use e2e_support::{E2e, Launch};
use futures_util::FutureExt as _;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus, tauri-driver: run ./scripts/test"]
async fn a_second_connection_is_added_in_the_window() {
    common::wait_until_no_instance().await;
    let home = tempfile::tempdir().expect("home");
    let closed = test_support::ports::unused_port();
    std::fs::write(
        home.path().join("config.toml"),
        format!("[lexware]\nauth_url = \"http://127.0.0.1:{closed}\"\napi_url = \"http://127.0.0.1:{closed}\"\n"),
    )
    .expect("config.toml");
    let mut e2e = E2e::start_with(Launch::Home(home.path().to_path_buf())).await;
    let run = tokio::time::timeout(
        Duration::from_secs(300),
        AssertUnwindSafe(add_second(&e2e, home.path())).catch_unwind(),
    )
    .await;
    let failed = !matches!(run, Ok(Ok(())));
    if failed {
        let report = e2e.report_failure().await;
        e2e.close().await;
        panic!("adding a connection failed{report}");
    }
    e2e.close().await;
}

async fn add_second(e: &E2e, home: &std::path::Path) {
    // Not connected: the first-run question for the one connection there is.
    e.wait_text("first-run-question", "asks the first question", |t| {
        t == "Wie verbindet sich Ihr System mit Lexware?"
    })
    .await;
    e.click("connection-add").await;
    e.type_into("connection-name", "Muster GmbH").await;
    e.click("connection-create").await;
    e.wait_text("connection-name-error", "refuses the name in German", |t| {
        t.contains("kein gültiger Verbindungsname") && t.contains("muster-gmbh")
    })
    .await;
    assert!(
        !home.join("connections").exists(),
        "a refused name creates nothing"
    );
    e.type_into("connection-name", "zweite").await;
    e.click("connection-create").await;
    // The window loads afresh on the new connection, which is selected and asked the same
    // first-run question; the list has both.
    e.wait_visible("connection-zweite").await;
    wait_selected(e, "zweite", "the new connection is selected").await;
    e.wait_visible("connection-default").await;
    e.wait_text("first-run-question", "asks the new one the question", |t| {
        t == "Wie verbindet sich Ihr System mit Lexware?"
    })
    .await;
    assert!(home.join("connections/zweite").is_dir(), "its folder");
    e.shot_top("connections-added").await;
    // Back to the first one.
    e.click("connection-default").await;
    wait_selected(e, "default", "the first connection is selected again").await;
    assert!(
        !e.exists("connection-remove").await,
        "the default connection offers no removal"
    );
    // Remove the second one: asked first, then gone, folder and all.
    e.click("connection-zweite").await;
    wait_selected(e, "zweite", "the second connection is selected again").await;
    e.click("connection-remove").await;
    e.wait_text("connection-remove-question", "asks before removing", |t| {
        t.starts_with("„zweite“ entfernen?")
    })
    .await;
    assert!(
        home.join("connections/zweite").is_dir(),
        "asking removes nothing"
    );
    e.shot_top("connection-remove-question").await;
    e.click("connection-remove-confirm").await;
    e.until("the second connection is gone", async || {
        if e.exists("connection-zweite").await && e.displayed("connection-zweite").await {
            return Err("still listed".to_string());
        }
        if home.join("connections/zweite").exists() {
            return Err("its folder is still there".to_string());
        }
        Ok(())
    })
    .await;
    e.wait_text("first-run-question", "back on the first connection", |t| {
        t == "Wie verbindet sich Ihr System mit Lexware?"
    })
    .await;
}

/// Until the list marks connection `name` as the one the window works on.
async fn wait_selected(e: &E2e, name: &str, what: &str) {
    let id = format!("connection-{name}");
    e.until(what, async || match e.attr(&id, "aria-current").await? {
        Some(v) if v == "true" => Ok(()),
        other => Err(format!("aria-current {other:?}")),
    })
    .await;
}
