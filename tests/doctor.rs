//! `lexguard doctor`, the real binary, on a healthy server setup and a broken one: each broken
//! link in the chain is named with its fix, and the exit code says whether all is well.
//!
//! Linux only: the server setup uses the file store (refused on Windows), libfaketime through
//! LD_PRELOAD and Unix permissions.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use cli::{Cli, assert_exit, json, stdout};
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
    let mut c = if offset == 0 {
        t.cmd(args)
    } else {
        t.cmd_at(args, offset)
    };
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    t.run_with(c, "").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_setup_passes_every_check() {
    let hook = receiver::Receiver::start(false);
    let t = setup("doctorok", |c, t| {
        c.webhooks = vec![lexguard::config::WebhookSpec {
            event_type: "invoice.created".into(),
            callback_url: t.ctl.hook_url("invoice"),
        }];
        c.alerts.webhook_url = Some(format!("{}/alerts", hook.url));
        c.alerts.command = Some(vec!["/bin/true".into()]);
    })
    .await;
    let out = doctor(&t, 0, false).await;
    let text = stdout(&out);
    assert_exit(&out, 0);
    assert!(!text.contains('✗'), "{text}");
    for words in [
        "Konfiguration",
        "Geheimnis-Ordner",
        "Lexware antwortet",
        "Die Uhr stimmt",
        "Sperrdatei",
        "invoice.created",
        "Testnachricht",
        "/bin/true",
    ] {
        assert!(text.contains(words), "{words} in {text}");
    }
    assert_eq!(hook.seen().len(), 1, "one test message");
    let j = json(&doctor(&t, 0, true).await);
    assert_eq!(j["ok"], true, "{j}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_setup_names_each_fix() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let t = setup("doctorbad", |c, _| c.lexware.api_url = closed.clone()).await;
    let secrets = t.home.path().join("secrets");
    std::fs::create_dir(&secrets).expect("mkdir");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    // The clock runs two hours ahead of Lexware's.
    let out = doctor(&t, 2 * 3600, false).await;
    assert_exit(&out, 1);
    let text = stdout(&out);
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with('✗')).collect();
    assert_eq!(failed.len(), 3, "{text}");
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
    assert_eq!(
        text.matches("→ Lösung:").count(),
        3,
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
        Some(3)
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
    assert_exit(&doctor(&t, 0, false).await, 0);
}
