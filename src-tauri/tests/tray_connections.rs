//! Two Lexware organizations side by side in the real app (issue 17): the app starts with
//! one connection (the menu as always), the CLI makes a second one while it runs and that
//! one is lost at Lexware. Without a restart the tray picks it up: the icon shows the worst
//! state (lost), the menu has one line per connection with its own items, "Jetzt erneuern"
//! reaches only its own organization, and the loss is notified with the company's name.

mod common;

use common::*;
use desktop_harness::NotificationServer;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const FIRST: &str = "Muster GmbH";
const SECOND: &str = "Beispiel AG";

/// A `lexware-sim` process for this company; returns it and its URL.
async fn simulator(company: &str) -> (tokio::process::Child, String) {
    let bin =
        std::path::PathBuf::from(env!("CARGO_BIN_EXE_lexguard-app")).with_file_name("lexware-sim");
    assert!(
        bin.exists(),
        "build it first: cargo build --workspace --bins"
    );
    let mut child = tokio::process::Command::new(bin)
        .args(["--port", "0", "--company", company])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("lexware-sim starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("lexware-sim prints its URL")
        .expect("stdout")
        .expect("a line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// The CLI on `home` and `service`; returns the exit code and stdout.
async fn cli(home: &std::path::Path, service: &str, args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = tokio::process::Command::new(cli_binary())
        .args(args)
        .env("LEXGUARD_HOME", home)
        .env("LEXGUARD_KEYRING_SERVICE", service)
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LEXGUARD_CLIENT_SECRET")
        .env_remove("LEXGUARD_CONNECTION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lexguard CLI");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("cli ran");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// `[lexware]` for the simulator at `url`.
fn lexware_section(url: &str) -> String {
    format!(
        "[lexware]\nauth_url = \"{url}\"\napi_url = \"{url}\"\nclient_id = \"lexguard-test-client\"\nredirect_uri = \"{url}/callback\"\n"
    )
}

/// Logs connection `name` (`-c`) in at its simulator with the CLI.
async fn connect(home: &std::path::Path, service: &str, name: &str, company: &str) {
    let (code, login) = cli(home, service, &["login-url", "-c", name], "").await;
    assert_eq!(code, 0, "{login}");
    let redirect = authorize(login.trim()).await;
    let (code, out) = cli(
        home,
        service,
        &["connect", "-c", name, "-"],
        &format!("{redirect}\n"),
    )
    .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(company), "{out}");
}

/// The RGBA pixels of the icon the item shows now (libayatana hands the desktop a PNG file:
/// `IconName` is its path, or its name in `IconThemePath`).
async fn icon_pixels(
    watcher: &desktop_harness::TrayWatcher,
    item: &desktop_harness::TrayItem,
) -> Option<Vec<u8>> {
    let text = |v: zbus::zvariant::OwnedValue| String::try_from(v).ok();
    let name = text(watcher.item_property(item, "IconName").await.ok()?)?;
    let path = if name.starts_with('/') {
        std::path::PathBuf::from(&name)
    } else {
        let dir = text(watcher.item_property(item, "IconThemePath").await.ok()?)?;
        let base = std::path::Path::new(&dir).join(&name);
        if base.exists() {
            base
        } else {
            base.with_extension("png")
        }
    };
    let bytes = std::fs::read(&path).ok()?;
    Some(
        tauri::image::Image::from_bytes(&bytes)
            .ok()?
            .rgba()
            .to_vec(),
    )
}

fn pixels_of(png: &[u8]) -> Vec<u8> {
    tauri::image::Image::from_bytes(png)
        .expect("png")
        .rgba()
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a private D-Bus session and the Secret Service: run ./scripts/test"]
async fn a_second_connection_made_by_the_cli_gets_its_own_line_and_the_worst_state_shows() {
    let (_sim_a, a) = simulator(FIRST).await;
    let (_sim_b, b) = simulator(SECOND).await;
    let home = tempfile::tempdir().expect("home");
    let service = format!("lexguard-test-orgs-{}", std::process::id());
    std::fs::write(home.path().join("config.toml"), lexware_section(&a)).expect("config");
    let (code, out) = cli(
        home.path(),
        &service,
        &["client-secret", "set", "-"],
        "sim-secret\n",
    )
    .await;
    assert_eq!(code, 0, "{out}");
    connect(home.path(), &service, "default", FIRST).await;

    let notifications = NotificationServer::start()
        .await
        .expect("own org.freedesktop.Notifications");
    let watcher = start_watcher().await;
    wait_until_no_instance().await;
    let mut app = tokio::process::Command::new(env!("CARGO_BIN_EXE_lexguard-app"))
        .arg("--hidden")
        .env("LEXGUARD_HOME", home.path())
        .env("LEXGUARD_KEYRING_SERVICE", &service)
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LEXGUARD_CLIENT_SECRET")
        .env("LEXGUARD_LOG", "info")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the app starts");
    let item = watcher.wait_for_item(WAIT).await.expect("a tray item");
    // One connection: the menu as it always was (the status line second, no lines).
    let one = wait_menu_contains(&watcher, &item, &format!("Verbunden mit {FIRST}")).await;
    assert!(
        one[1].starts_with(&format!("Verbunden mit {FIRST} · ")),
        "{one:?}"
    );
    assert!(one.iter().any(|l| l == "Jetzt erneuern"), "{one:?}");
    let healthy = pixels_of(include_bytes!("../../icons/tray/healthy.png"));
    let lost = pixels_of(include_bytes!("../../icons/tray/auth_lost.png"));
    assert_ne!(healthy, lost);
    assert_eq!(icon_pixels(&watcher, &item).await.as_ref(), Some(&healthy));

    // The CLI makes a second connection while the app runs; Lexware then ends it.
    std::fs::create_dir_all(home.path().join("connections/zweite")).expect("mkdir");
    std::fs::write(
        home.path().join("connections/zweite/config.toml"),
        lexware_section(&b),
    )
    .expect("config of zweite");
    connect(home.path(), &service, "zweite", SECOND).await;
    let revoked = reqwest::Client::new()
        .post(format!("{b}/_sim/revoke"))
        .send()
        .await
        .expect("revoke");
    assert!(revoked.status().is_success());
    let (code, out) = cli(home.path(), &service, &["refresh", "-c", "zweite"], "").await;
    assert_eq!(code, 3, "lost at Lexware: {out}");

    // Picked up without a restart: one line per connection, the worst state in the icon.
    let lost_line = format!("Verbindung zu {SECOND} verloren");
    let deadline = Instant::now() + WAIT;
    let menu = loop {
        let full = watcher.menu(&item).await.expect("menu");
        let top = labels(&full);
        if top.iter().any(|l| l == &lost_line) {
            break full;
        }
        assert!(
            Instant::now() < deadline,
            "no line for the second connection: {top:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let top = labels(&menu);
    let lines: Vec<&String> = top
        .iter()
        .filter(|l| l.contains(FIRST) || l.contains(SECOND))
        .collect();
    assert_eq!(lines.len(), 2, "one line each: {top:?}");
    assert!(
        lines[0].starts_with(&format!("Verbunden mit {FIRST} · ")),
        "{top:?}"
    );
    assert_eq!(lines[1], &lost_line, "{top:?}");
    assert_eq!(top[0], "Öffnen…", "{top:?}");
    for want in ["Beim Anmelden starten", "Beenden"] {
        assert!(top.iter().any(|l| l == want), "{want} missing: {top:?}");
    }
    let children = |text: &str| -> Vec<String> {
        let entry = menu
            .iter()
            .find(|m| m.label.contains(text))
            .unwrap_or_else(|| panic!("{text} in {top:?}"));
        labels(&entry.children)
    };
    assert_eq!(children(FIRST), ["Neu verbinden…", "Jetzt erneuern"]);
    assert_eq!(
        children(SECOND),
        ["Neu verbinden…"],
        "nothing to renew while lost"
    );
    let deadline = Instant::now() + WAIT;
    while icon_pixels(&watcher, &item).await.as_ref() != Some(&lost) {
        assert!(Instant::now() < deadline, "the icon never showed the loss");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let told = notifications
        .wait_for(|n| n.summary.contains("verloren"), WAIT)
        .await
        .expect("the loss is notified");
    assert_eq!(
        told.summary,
        format!("{SECOND}: Verbindung zu Lexware verloren")
    );

    // "Jetzt erneuern" of the first line reaches the first organization only.
    let counters = |url: String| async move {
        let v: serde_json::Value = reqwest::get(format!("{url}/_sim/counters"))
            .await
            .expect("counters")
            .json()
            .await
            .expect("json");
        v["refreshes"].as_u64().unwrap_or(0)
    };
    let (before_a, before_b) = (counters(a.clone()).await, counters(b.clone()).await);
    click(&watcher, &item, "Jetzt erneuern").await;
    let deadline = Instant::now() + WAIT;
    while counters(a.clone()).await < before_a + 1 {
        assert!(
            Instant::now() < deadline,
            "no refresh at the first organization"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(counters(b.clone()).await, before_b, "none at the second");

    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, app.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
}
