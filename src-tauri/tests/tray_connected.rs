//! The real app (not the demo) started `--hidden` over a home the CLI already connected: the
//! tray shows the start-up check's result, the whole company name included, within seconds.
//! `check_every` is a minute, so this is the first tick's status, not the second one's.

mod common;

use common::*;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const COMPANY: &str = "Dr. Anna Beispiel e. K.";
/// Ampersands are mnemonic markers to the menu library: this name showed as
/// "Weiß _ Söhne GmbH _ Co. KG" before every label was escaped.
const AMPERSANDS: &str = "Weiß & Söhne GmbH & Co. KG";

/// A `lexware-sim` process for this company; returns it and its URL.
async fn simulator(company: &str) -> (tokio::process::Child, String) {
    let bin =
        std::path::PathBuf::from(env!("CARGO_BIN_EXE_lexguard-app")).with_file_name("lexware-sim");
    assert!(
        bin.exists(),
        "build it first: cargo build --workspace --bins ({})",
        bin.display()
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
    // Keep reading, so the simulator never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// The CLI on `home` and `service`, with `stdin`; asserts success and returns stdout.
async fn cli(home: &std::path::Path, service: &str, args: &[&str], stdin: &str) -> String {
    let mut child = tokio::process::Command::new(cli_binary())
        .args(args)
        .env("LEXGUARD_HOME", home)
        .env("LEXGUARD_KEYRING_SERVICE", service)
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LEXGUARD_CLIENT_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lexguard CLI");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("cli ran");
    assert!(
        out.status.success(),
        "lexguard {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a private D-Bus session and the Secret Service: run ./scripts/test"]
async fn the_tray_shows_the_first_checks_result_with_the_whole_company_name() {
    tray_shows_company(COMPANY, "tray-connected").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a private D-Bus session and the Secret Service: run ./scripts/test"]
async fn ampersands_in_the_company_name_stay_whole_in_the_menu() {
    let menu = tray_shows_company(AMPERSANDS, "tray-ampersands").await;
    assert!(
        menu[1].starts_with("Verbunden mit Weiß & Söhne GmbH & Co. KG · "),
        "{menu:?}"
    );
    assert!(!menu[1].contains('_'), "{menu:?}");
}

/// Connects `company` with the CLI, starts the app `--hidden` and waits for the start-up
/// check's status line; returns the menu's labels as the desktop reads them.
async fn tray_shows_company(company: &str, tag: &str) -> Vec<String> {
    let (_sim, url) = simulator(company).await;
    let home = tempfile::tempdir().expect("home");
    let service = format!("lexguard-test-{tag}-{}", std::process::id());
    let mut config = lexguard::Config::default();
    config.lexware.auth_url = url.clone();
    config.lexware.api_url = url.clone();
    config.lexware.client_id = Some("lexguard-test-client".into());
    config.lexware.redirect_uri = Some(format!("{url}/callback"));
    config
        .save(&home.path().join("config.toml"))
        .expect("config.toml");
    cli(
        home.path(),
        &service,
        &["client-secret", "set", "-"],
        "sim-secret\n",
    )
    .await;
    let login = cli(home.path(), &service, &["login-url"], "").await;
    let redirect = authorize(login.trim()).await;
    let connected = cli(
        home.path(),
        &service,
        &["connect", "-"],
        &format!("{redirect}\n"),
    )
    .await;
    assert!(connected.contains(company), "{connected}");

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
    let item = watcher
        .wait_for_item(WAIT)
        .await
        .expect("the app registers a tray item");
    // Generous, but far below the one-minute interval: the start-up tick's status.
    let want = format!("Verbunden mit {company} · Verbindung gültig bis");
    let deadline = Instant::now() + Duration::from_secs(20);
    let menu = loop {
        let menu = labels(&watcher.menu(&item).await.expect("menu"));
        if menu.get(1).is_some_and(|l| l.starts_with(&want)) {
            break menu;
        }
        assert!(
            Instant::now() < deadline,
            "the status line never showed {want:?}: {menu:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(menu[0], "Öffnen…", "{menu:?}");
    assert!(!menu[1].contains(".."), "{menu:?}");
    // Connected: renewing and the webhooks are offered now.
    for offered in ["Jetzt erneuern", "Webhooks neu einrichten"] {
        assert!(
            menu.iter().any(|l| l == offered),
            "{offered} missing: {menu:?}"
        );
    }
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.path().join("state.json")).expect("state.json"),
    )
    .expect("json");
    assert!(
        state["last_tick_at"].is_string(),
        "the app's start-up check ran: {state}"
    );

    click_quit(&watcher, &item).await;
    let status = tokio::time::timeout(WAIT, app.wait())
        .await
        .expect("quits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    let _ = std::process::Command::new("secret-tool")
        .args(["clear", "service", &service])
        .status();
    menu
}
