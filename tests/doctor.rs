//! `lexguard doctor`, the real binary, on a healthy server setup and a broken one: each broken
//! link in the chain is named with its fix, and the exit code says whether all is well. Doctor
//! checks the connection itself (state, a live check at Lexware, the client secret) and never
//! sends a success ping: the alert channels get a test message only with `--test-alerts`.
//!
//! Linux only: the server setup uses the file store (refused on Windows), libfaketime through
//! LD_PRELOAD and Unix permissions.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use cli::{Cli, assert_exit, assert_ok, json, stdout};
use std::os::unix::fs::PermissionsExt;

async fn setup(name: &str, edit: impl FnOnce(&mut lexguard::Config, &Cli)) -> Cli {
    let t = Cli::new(name).await;
    let mut c = common::config_for(&t.sim, vec![]);
    c.store.kind = lexguard::store::StoreKind::File;
    edit(&mut c, &t);
    c.save(&t.config_path()).expect("config");
    t
}

async fn doctor(t: &Cli, offset: i64, json_out: bool) -> std::process::Output {
    let args: &[&str] = if json_out {
        &["doctor", "--json"]
    } else {
        &["doctor"]
    };
    doctor_with(t, offset, args).await
}

async fn doctor_with(t: &Cli, offset: i64, args: &[&str]) -> std::process::Output {
    let mut c = if offset == 0 {
        t.cmd(args)
    } else {
        t.cmd_at(args, offset)
    };
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    t.run_with(c, "").await
}

/// The lines that failed (✗) or warn (⚠).
fn flagged(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with('✗') || l.starts_with('⚠'))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_setup_passes_every_check() {
    let hook = receiver::Receiver::start(false);
    let ping = receiver::Receiver::start(false);
    let marker = tempfile::tempdir().expect("tmp");
    let seen_test = marker.path().join("test-flag");
    let t = setup("doctorok", |c, t| {
        c.webhooks = vec![lexguard::config::WebhookSpec {
            event_type: "invoice.created".into(),
            callback_url: t.ctl.hook_url("invoice"),
        }];
        c.alerts.ping_url = Some(format!("{}/ping", ping.url));
        c.alerts.webhook_url = Some(format!("{}/alerts", hook.url));
        c.alerts.command = Some(vec![
            "/bin/sh".into(),
            "-c".into(),
            format!("echo \"$LEXGUARD_TEST\" > {}", seen_test.display()),
        ]);
    })
    .await;
    t.connect().await;
    let out = doctor(&t, 0, false).await;
    let text = stdout(&out);
    assert_exit(&out, 0);
    assert!(flagged(&text).is_empty(), "{text}");
    for words in [
        "Konfiguration",
        "Geheimnis-Ordner",
        "✓ Zustand (letzte Prüfung): Verbunden mit Demo GmbH",
        "Lexware bestätigt die Verbindung gerade eben (Demo GmbH)",
        "Client-Secret der Partner-App",
        "Lexware antwortet",
        "Die Uhr stimmt",
        "Sperrdatei",
        "invoice.created",
        "ping_url",
        "nichts gesendet",
        "/bin/sh ist vorhanden",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert!(
        ping.seen().is_empty() && hook.seen().is_empty(),
        "without --test-alerts nothing is sent"
    );
    assert!(!seen_test.exists(), "the command did not run");
    let j = json(&doctor(&t, 0, true).await);
    assert_eq!(j["ok"], true, "{j}");

    // On request: a test message on every channel, none of which is a success ping.
    let out = doctor_with(&t, 0, &["doctor", "--test-alerts"]).await;
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out).matches("Testnachricht").count(),
        2,
        "{}",
        stdout(&out)
    );
    let pings = ping.seen();
    assert_eq!(pings.len(), 1, "{pings:?}");
    assert_eq!(
        (pings[0].method.as_str(), pings[0].path.as_str()),
        ("POST", "/ping/log"),
        "a log entry, never the ping URL itself"
    );
    let hooks = hook.seen();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    let body: serde_json::Value = serde_json::from_str(&hooks[0].body).expect("json");
    assert_eq!(body["test"], true, "{body}");
    assert_eq!(body["state"], "healthy", "{body}");
    assert_eq!(
        std::fs::read_to_string(&seen_test)
            .expect("command ran")
            .trim(),
        "1",
        "LEXGUARD_TEST=1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_connecting_without_a_secret_and_while_lost_doctor_says_so() {
    let ping = receiver::Receiver::start(false);
    let t = setup("doctorconn", |c, _| {
        c.alerts.ping_url = Some(format!("{}/ping", ping.url));
    })
    .await;
    // Before connecting: no credentials, no client secret.
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    let failed = flagged(&text);
    assert_eq!(failed.len(), 2, "{text}");
    assert!(
        failed.iter().any(|l| l.contains("Nicht verbunden")),
        "{text}"
    );
    assert!(
        failed.iter().any(|l| l.contains("kein Client-Secret")),
        "{text}"
    );
    assert!(text.contains("lexguard client-secret set -"), "{text}");
    assert!(text.contains("lexguard connect --api-key -"), "{text}");
    assert!(ping.seen().is_empty(), "no ping: {:?}", ping.seen());
    let j = json(&doctor(&t, 0, true).await);
    assert_eq!(j["ok"], false, "{j}");
    let levels: Vec<(&str, &str)> = j["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| {
            (
                c["check"].as_str().unwrap_or_default(),
                c["level"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [("connection", "failed"), ("client_secret", "failed")],
        "{j}"
    );

    // Connected, then the client secret is gone: the next refresh would fail.
    t.connect().await;
    assert_exit(&doctor(&t, 0, false).await, 0);
    // A check, then ten minutes without one (no keepalive runs): degraded, a ⚠ with its fix.
    assert_ok(&t.run(&["tick"], "").await);
    let out = doctor(&t, 600, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("⚠ Zustand (letzte Prüfung)")),
        "{text}"
    );
    std::fs::remove_file(t.home.path().join("secrets").join("client-secret"))
        .expect("the file store holds the secret");
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    let failed = flagged(&text);
    assert_eq!(failed.len(), 1, "{text}");
    assert!(failed[0].contains("kein Client-Secret"), "{text}");
    assert!(text.contains("✓ Lexware bestätigt"), "still valid: {text}");

    // Lost at Lexware: the live check sees it before any tick did.
    t.ctl.revoke_connection();
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        flagged(&text)
            .iter()
            .any(|l| l.starts_with("✗ Lexware lehnt das gespeicherte Zugriffstoken ab (401)")),
        "{text}"
    );
    // Once a tick recorded the loss, the state line says it.
    let out = t.run(&["client-secret", "set", "-"], "sim-secret\n").await;
    assert_ok(&out);
    let out = t.run(&["refresh"], "").await;
    assert_exit(&out, 3);
    let before = ping.seen().len();
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        flagged(&text)
            .iter()
            .any(|l| l.starts_with("✗ Zustand (letzte Prüfung): Verbindung")
                && l.contains("verloren")),
        "{text}"
    );
    assert!(text.contains("lexguard login-url"), "{text}");
    assert_eq!(
        ping.seen().len(),
        before,
        "doctor sent nothing to ping_url: {:?}",
        ping.seen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_setup_names_each_fix() {
    let closed = format!("http://127.0.0.1:{}", test_support::ports::unused_port());
    let t = setup("doctorbad", |c, _| c.lexware.api_url = closed.clone()).await;
    let secrets = t.home.path().join("secrets");
    std::fs::create_dir(&secrets).expect("mkdir");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    // The clock runs two hours ahead of Lexware's.
    let out = doctor(&t, 2 * 3600, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with('✗')).collect();
    // The three broken links, and (nothing is connected here) the connection; with the store
    // broken, whether it holds a client secret cannot be asked.
    assert_eq!(failed.len(), 4, "{text}");
    assert!(
        failed
            .iter()
            .any(|l| l.contains("api_url") && l.contains("nicht erreichbar")),
        "{text}"
    );
    assert!(failed.iter().any(|l| l.contains("zugänglich")), "{text}");
    assert!(
        failed
            .iter()
            .any(|l| l.contains("2 h") && l.contains("vor")),
        "{text}"
    );
    assert!(
        failed.iter().any(|l| l.contains("Nicht verbunden")),
        "{text}"
    );
    assert_eq!(
        text.matches("→ Lösung:").count(),
        4,
        "every failure names its fix: {text}"
    );
    assert!(
        text.contains("timedatectl") && text.contains("chmod 700"),
        "{text}"
    );
    let j = json(&doctor(&t, 2 * 3600, true).await);
    assert_eq!(j["ok"], false);
    assert_eq!(
        j["checks"]
            .as_array()
            .map(|c| c.iter().filter(|c| c["ok"] == false).count()),
        Some(4)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_host_gets_the_migration_hint() {
    let t = setup("doctorlegacy", |_, _| {}).await;
    // Written by hand: lexguard itself refuses to save such a file.
    let text = std::fs::read_to_string(t.config_path()).expect("config");
    let api = format!("api_url = \"{}\"", t.sim.url());
    assert!(text.contains(&api), "{text}");
    let text = text.replace(&api, "api_url = \"https://api.lexoffice.io\"");
    std::fs::write(t.config_path(), text).expect("write");
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("api_url = \"https://api.lexware.io\""),
        "{}",
        stdout(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_loopback_login_port_is_named() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = held.local_addr().expect("addr").port();
    let t = setup("doctorport", |c, _| {
        c.lexware.redirect_uri = Some(format!("http://127.0.0.1:{port}/callback"));
    })
    .await;
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("✗ Port {port} der redirect_uri ist belegt")),
        "{text}"
    );
    drop(held);
    let text = stdout(&doctor(&t, 0, false).await);
    assert!(
        text.contains(&format!("✓ Port {port} für die Anmeldung ist frei")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_config_file_is_named() {
    let t = setup("doctornoconf", |_, _| {}).await;
    std::fs::remove_file(t.config_path()).expect("rm config.toml");
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        flagged(&text)
            .iter()
            .any(|l| l.starts_with("✗ Es gibt keine Konfiguration") && l.contains("config.toml")),
        "{text}"
    );
    assert!(text.contains("LEXGUARD_HOME"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_api_key_is_named_by_the_live_check() {
    let t = setup("doctorkey", |_, _| {}).await;
    let key = t.ctl.create_api_key();
    assert_ok(
        &t.run(&["connect", "--api-key", "-"], &format!("{key}\n"))
            .await,
    );
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("✓ Lexware bestätigt"), "{text}");
    assert!(
        !text.contains("Client-Secret"),
        "an API key needs none: {text}"
    );
    t.ctl.replace_api_key(&key).expect("replaced");
    let out = doctor(&t, 0, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        flagged(&text)
            .iter()
            .any(|l| l.starts_with("✗ Lexware nimmt den gespeicherten API-Schlüssel nicht an")),
        "{text}"
    );
    assert!(text.contains("lexguard connect --api-key -"), "{text}");
    assert!(!text.contains("Passwort"), "{text}");
}

/// `doctor` judges a redirect URI by the core's loopback rule, the one the app listens by
/// (`lexguard::contract::loopback`), and checks the very address the app would bind: `[::1]`
/// on IPv6, `localhost` without a port on port 80. A remote, https or look-alike address is
/// no loopback redirect, so no port is checked for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_and_the_app_agree_on_loopback_redirects() {
    use lexguard::contract::loopback::is_loopback_http;
    // Held, so doctor must find them taken on exactly these addresses.
    let v4 = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let v6 = std::net::TcpListener::bind("[::1]:0").expect("bind ::1");
    let (p4, p6) = (
        v4.local_addr().expect("addr").port(),
        v6.local_addr().expect("addr").port(),
    );
    let t = setup("doctorloop", |_, _| {}).await;
    let cases = [
        (format!("http://127.0.0.1:{p4}/cb"), Some((p4, "failed"))),
        (format!("http://[::1]:{p6}/cb"), Some((p6, "failed"))),
        ("http://localhost/cb".to_string(), Some((80, ""))),
        ("https://localhost/cb".to_string(), None),
        ("http://example.com/cb".to_string(), None),
        ("http://localhost.evil.com/cb".to_string(), None),
    ];
    for (uri, want) in cases {
        let mut c = lexguard::Config::load(&t.config_path()).expect("config");
        c.lexware.redirect_uri = Some(uri.clone());
        c.save(&t.config_path()).expect("save");
        let j = json(&doctor(&t, 0, true).await);
        let check = j["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["check"] == "loopback_port")
            .cloned();
        assert_eq!(check.is_some(), is_loopback_http(&uri), "{uri}: {j}");
        match (want, check) {
            (Some((port, level)), Some(check)) => {
                let message = check["message"].as_str().unwrap_or_default();
                assert!(message.contains(&format!("Port {port} ")), "{uri}: {check}");
                if !level.is_empty() {
                    assert_eq!(check["level"], level, "{uri}: {check}");
                    assert!(message.contains("belegt"), "{uri}: {check}");
                }
            }
            (None, None) => {}
            (want, check) => panic!("{uri}: wanted {want:?}, doctor said {check:?}"),
        }
    }
    drop((v4, v6));
}
