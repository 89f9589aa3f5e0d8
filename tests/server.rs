//! lexguard on a server: the real CLI with NO D-Bus session at all and the file store
//! (`[store] kind = "file"`), clock jumps with faketime, and alerts that leave the machine
//! (ping_url, webhook_url, command) against loopback receivers. No keychain is involved, so
//! these run in a bare `cargo test` too.
//!
//! Linux only: the file store is refused on Windows (src/store/file.rs), and these use Unix
//! permissions and libfaketime through LD_PRELOAD.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use cli::{Cli, assert_exit, assert_ok, assert_says, json, stdout};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

/// A harness whose config uses the file store (and optionally alerts).
async fn server(name: &str, alerts: Option<lexguard::alerts::AlertsConfig>) -> Cli {
    let t = Cli::new(name).await;
    let mut c = common::config_for(&t.sim, vec![]);
    c.store.kind = lexguard::store::StoreKind::File;
    if let Some(a) = alerts {
        c.alerts = a;
    }
    c.save(&t.config_path()).expect("config");
    t
}

/// Runs without any D-Bus session (`env -u DBUS_SESSION_BUS_ADDRESS`), at a clock offset.
async fn run(t: &Cli, args: &[&str], stdin: &str, offset: i64) -> Output {
    let mut c = if offset == 0 {
        t.cmd(args)
    } else {
        t.cmd_at(args, offset)
    };
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    t.run_with(c, stdin).await
}

async fn connect(t: &Cli) {
    let stored = run(t, &["client-secret", "set", "-"], "sim-secret\n", 0).await;
    assert_ok(&stored);
    // The false story was "im Schlüsselbund gespeichert" with the file store.
    assert_says(&stored, &["Geheimnis-Ordner"]);
    assert!(
        !stdout(&stored).contains("Schlüsselbund"),
        "{}",
        stdout(&stored)
    );
    let out = run(t, &["login-url"], "", 0).await;
    assert_ok(&out);
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    let out = run(t, &["connect", "-"], &format!("{redirect}\n"), 0).await;
    assert_ok(&out);
    assert_says(&out, &["Verbunden mit Demo GmbH"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_cycle_without_any_dbus_session_in_the_file_store() {
    let t = server("server", None).await;
    connect(&t).await;
    let secrets = t.home.path().join("secrets");
    assert_eq!(mode(&secrets), 0o700);
    for name in ["client-secret", "tokens"] {
        assert_eq!(mode(&secrets.join(name)), 0o600, "{name}");
    }
    let out = run(&t, &["tick", "--json"], "", 0).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    // 3 h 50 min later (a suspended VM, a stopped service): the gap is seen, the token refreshed.
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE).await;
    let j = json(&out);
    assert_eq!(j["refreshed"], true, "{j}");
    assert!(
        j["gap_seconds"].as_i64().is_some_and(|g| g > 3 * 3600),
        "{j}"
    );
    let out = run(&t, &["refresh"], "", REFRESH_DUE + 60).await;
    assert_ok(&out);
    assert_eq!(t.ctl.counters().refreshes, 2);
    let out = run(&t, &["token"], "", REFRESH_DUE + 60).await;
    assert_ok(&out);
    assert!(t.accepted(stdout(&out).trim()).await);
    let out = run(&t, &["status"], "", REFRESH_DUE + 60).await;
    assert_says(&out, &["Demo GmbH"]);
    assert!(
        !stdout(&out).contains(stdout(&run(&t, &["token"], "", REFRESH_DUE + 60).await).trim())
    );
    assert_ok(&run(&t, &["disconnect"], "", REFRESH_DUE + 60).await);
    assert!(!secrets.join("tokens").exists(), "deleted");
    assert!(!t.ctl.connection_active(), "revoked at Lexware");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_or_symlinked_secrets_folder_is_refused() {
    let t = server("serveropen", None).await;
    let secrets = t.home.path().join("secrets");
    std::fs::create_dir(&secrets).expect("mkdir");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let out = run(&t, &["client-secret", "set", "-"], "sim-secret\n", 0).await;
    assert_exit(&out, 1);
    assert_says(&out, &["chmod 700", "zugänglich"]);
    assert_eq!(
        mode(&secrets),
        0o777,
        "never chmod-ed behind the user's back"
    );
    assert!(
        std::fs::read_dir(&secrets).expect("list").next().is_none(),
        "nothing written"
    );

    std::fs::remove_dir(&secrets).expect("rm");
    let elsewhere = tempfile::tempdir().expect("elsewhere");
    std::os::unix::fs::symlink(elsewhere.path(), &secrets).expect("symlink");
    let out = run(&t, &["client-secret", "set", "-"], "sim-secret\n", 0).await;
    assert_exit(&out, 1);
    assert_says(&out, &["symbolischer Link"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_hear_the_loss_and_the_recovery_exactly_once() {
    let ping = receiver::Receiver::start(false);
    let hook = receiver::Receiver::start(false);
    let out_dir = tempfile::tempdir().expect("dir");
    let lines = out_dir.path().join("alerts.txt");
    let alerts = lexguard::alerts::AlertsConfig {
        ping_url: Some(format!("{}/ping", ping.url)),
        webhook_url: Some(format!("{}/hook", hook.url)),
        command: Some(vec![
            "/bin/sh".into(),
            "-c".into(),
            format!(
                "echo \"$LEXGUARD_STATE $LEXGUARD_REASON $LEXGUARD_REMINDER\" >> {}",
                lines.display()
            ),
        ]),
    };
    let t = server("alerts", Some(alerts)).await;
    connect(&t).await;
    // A tick that asks Lexware (the check is due every 2 minutes): confirmed, pinged.
    assert_ok(&run(&t, &["tick"], "", 120).await);
    t.ctl.revoke_connection();
    assert_exit(&run(&t, &["tick"], "", REFRESH_DUE).await, 3);
    for later in [60, 120] {
        assert_exit(&run(&t, &["tick"], "", REFRESH_DUE + later).await, 3);
    }
    // A new login; the next check is healthy again.
    let out = run(&t, &["login-url"], "", REFRESH_DUE + 150).await;
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    assert_ok(
        &run(
            &t,
            &["connect", "-"],
            &format!("{redirect}\n"),
            REFRESH_DUE + 150,
        )
        .await,
    );
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE + 180).await;
    assert_eq!(json(&out)["state"], "healthy", "{}", stdout(&out));
    // The next check Lexware confirms (two minutes after the connect's own).
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE + 270).await;
    assert_eq!(json(&out)["validated"], true, "{}", stdout(&out));

    let posts: Vec<String> = hook
        .seen()
        .iter()
        .map(|s| {
            let v: serde_json::Value = serde_json::from_str(&s.body).expect("json");
            assert!(!s.body.contains("token\""), "no secrets: {}", s.body);
            v["state"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(posts, ["auth_lost", "healthy"], "one per change");
    let text = std::fs::read_to_string(&lines).expect("command ran");
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["auth_lost invalid_grant 0", "healthy  0"]
    );
    let seen = ping.seen();
    let fails: Vec<_> = seen.iter().filter(|s| s.path == "/ping/fail").collect();
    assert_eq!(fails.len(), 1, "{seen:?}");
    assert!(
        fails[0].body.contains("verloren"),
        "the reason: {}",
        fails[0].body
    );
    let oks = seen.iter().filter(|s| s.path == "/ping").count();
    assert_eq!(
        oks, 2,
        "a ping for each check Lexware confirmed, none for ticks that asked nothing: {seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_receiver_does_not_hold_up_the_check() {
    let hook = receiver::Receiver::start(true);
    let alerts = lexguard::alerts::AlertsConfig {
        webhook_url: Some(format!("{}/hook", hook.url)),
        ..Default::default()
    };
    let t = server("alerthang", Some(alerts)).await;
    connect(&t).await;
    assert_ok(&run(&t, &["tick"], "", 0).await);
    t.ctl.revoke_connection();
    // The check is stored and printed first; the send gives up after its bound.
    let out = run(&t, &["tick", "--json"], "", REFRESH_DUE).await;
    assert_exit(&out, 3);
    assert_eq!(json(&out)["state"], "auth_lost");
    assert_eq!(hook.seen().len(), 1, "it was tried");
    let out = run(&t, &["status", "--json"], "", REFRESH_DUE).await;
    assert_eq!(json(&out)["state"], "auth_lost");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_names_with_periods_and_ampersands_stay_whole_in_the_cli() {
    for (i, name) in [
        "Dr. Anna Beispiel e. K.",
        "Müller & Söhne GmbH & Co. KG",
        "Bäckerei „Zum Goldenen Brezel“ UG (haftungsbeschränkt)",
    ]
    .into_iter()
    .enumerate()
    {
        let cfg = lexware_sim::SimConfig {
            company_name: name.into(),
            rate_limit: false,
            ..lexware_sim::SimConfig::default()
        };
        let t = Cli::with_sim(&format!("names{i}"), cfg).await;
        let mut c = common::config_for(&t.sim, vec![]);
        c.store.kind = lexguard::store::StoreKind::File;
        c.save(&t.config_path()).expect("config");
        assert_ok(&run(&t, &["client-secret", "set", "-"], "sim-secret\n", 0).await);
        let out = run(&t, &["login-url"], "", 0).await;
        let redirect = common::authorize_at(stdout(&out).trim()).await;
        let out = run(&t, &["connect", "-"], &format!("{redirect}\n"), 0).await;
        assert_ok(&out);
        let text = stdout(&out);
        assert!(text.contains(&format!("Verbunden mit {name}")), "{text}");
        assert!(!text.contains(".."), "{text}");
        let out = run(&t, &["status", "--json"], "", 0).await;
        let j = json(&out);
        assert_eq!(j["company"], name);
        assert!(
            j["headline"].as_str().is_some_and(|h| h.contains(name)),
            "{j}"
        );
        let out = run(&t, &["status"], "", 0).await;
        assert!(stdout(&out).contains(name), "{}", stdout(&out));
    }
}
