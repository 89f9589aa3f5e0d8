//! Other programs use the connection (issue 15): `lexguard token --json` and the token folder,
//! with the REAL binary against the simulator, the file store (no keychain session needed) and
//! real OS users for the permissions (those parts need root: CI runs as root; elsewhere they
//! are skipped with a message).
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;

mod common;
#[path = "common/os_users.rs"]
mod os_users;

use cli::{Cli, assert_exit, assert_ok, json, stdout};
use lexguard::Config;
use std::path::{Path, PathBuf};

/// The harness's config with the file store and `[share]` as given.
fn configure(cli: &Cli, share: lexguard::share::ShareConfig) {
    let mut config = Config::load(&cli.config_path()).expect("config");
    config.store.kind = lexguard::store::StoreKind::File;
    config.share = share;
    config.save(&cli.config_path()).expect("save");
}

fn token_of(o: &std::process::Output) -> serde_json::Value {
    assert_ok(o);
    assert_eq!(stdout(o).lines().count(), 1, "one line: {}", stdout(o));
    json(o)
}

#[tokio::test]
async fn token_json_has_the_contract_shape_refreshes_for_min_valid_and_says_nothing_when_lost() {
    let cli = Cli::new("share-json").await;
    configure(&cli, Default::default());
    // Not connected: exit 3, nothing on stdout.
    let out = cli.run(&["token", "--json"], "").await;
    assert_exit(&out, 3);
    assert_eq!(stdout(&out), "");

    // Tokens that live 20 minutes: not due for the scheduled refresh (15 minutes before).
    cli.ctl.set_access_ttl(20 * 60);
    cli.connect().await;
    let refreshes = cli.ctl.counters().refreshes;
    let t = token_of(&cli.run(&["token", "--json"], "").await);
    let keys: Vec<&str> = t
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "access_token",
            "api_url",
            "company",
            "expires_at",
            "organization_id",
            "token_type"
        ]
    );
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["api_url"], cli.sim.url().trim_end_matches('/'));
    assert_eq!(t["company"], "Demo GmbH");
    assert!(
        t["organization_id"].as_str().is_some_and(|s| !s.is_empty()),
        "{t}"
    );
    let first = t["access_token"].as_str().expect("token").to_string();
    assert!(cli.accepted(&first).await);
    let expires = chrono::DateTime::parse_from_rfc3339(t["expires_at"].as_str().expect("str"))
        .expect("RFC 3339");
    let left = expires.with_timezone(&chrono::Utc) - cli.ctl.now();
    assert!(left > chrono::Duration::minutes(15) && left <= chrono::Duration::minutes(20));
    assert_eq!(
        cli.ctl.counters().refreshes,
        refreshes,
        "no refresh was due"
    );

    // Shorter than asked: refreshed first.
    let t = token_of(
        &cli.run(&["token", "--json", "--min-valid", "30m"], "")
            .await,
    );
    assert_eq!(cli.ctl.counters().refreshes, refreshes + 1, "one refresh");
    let second = t["access_token"].as_str().expect("token").to_string();
    assert_ne!(second, first);
    assert!(cli.accepted(&second).await);
    // Long enough: no refresh.
    let t = token_of(
        &cli.run(&["token", "--json", "--min-valid", "10m"], "")
            .await,
    );
    assert_eq!(t["access_token"], second.as_str());
    assert_eq!(cli.ctl.counters().refreshes, refreshes + 1);
    // More than a token lives is refused with the reason, not a refresh on every call.
    let out = cli.run(&["token", "--json", "--min-valid", "5h"], "").await;
    assert_exit(&out, 1);
    assert_eq!(stdout(&out), "");
    cli::assert_says(&out, &["höchstens 3h"]);
    // Plain `token` is as it was: the bearer alone.
    let out = cli.run(&["token"], "").await;
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), second);

    // Lexware ends the connection: exit 3 and nothing on stdout.
    cli.ctl.revoke_connection();
    let out = cli
        .run(&["token", "--json", "--min-valid", "30m"], "")
        .await;
    assert_exit(&out, 3);
    assert_eq!(stdout(&out), "");
    let out = cli.run(&["token", "--json"], "").await;
    assert_exit(&out, 3);
    assert_eq!(stdout(&out), "");
}

/// A folder other users can enter (the test's tempdir is private to root).
fn open_base() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    base
}

fn meta(p: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).expect("meta");
    (m.mode() & 0o777, m.gid())
}

#[tokio::test]
async fn another_user_in_the_group_reads_the_token_files_through_refreshes_until_the_loss() {
    let Some(users) = os_users::OsUsers::create("lgtf") else {
        return;
    };
    let base = open_base();
    let dir: PathBuf = base.path().join("run").join("lexguard");
    let cli = Cli::new("share-files").await;
    configure(
        &cli,
        lexguard::share::ShareConfig {
            token_dir: Some(dir.clone()),
            group: Some(users.group.clone()),
            proxy: None,
        },
    );
    cli.connect().await;
    let gid = users.gid();
    assert_eq!(
        meta(&dir),
        (0o750, gid),
        "the folder: 0750, the share group"
    );
    for f in ["access_token", "token.json"] {
        assert_eq!(
            meta(&dir.join(f)),
            (0o640, gid),
            "{f}: 0640, the share group"
        );
    }
    let token_json = dir.join("token.json");
    let path = token_json.to_str().expect("utf-8");

    // The member reads it and the token works at Lexware; the outsider cannot read it.
    let read = users.run_as(&users.member, &["cat", path]);
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&read.stdout).expect("token.json");
    let first = t["access_token"].as_str().expect("token").to_string();
    assert!(
        cli.accepted(&first).await,
        "the shared token works at Lexware"
    );
    let denied = users.run_as(&users.outsider, &["cat", path]);
    assert!(!denied.status.success(), "an outsider must not read it");
    assert!(String::from_utf8_lossy(&denied.stderr).contains("Permission denied"));

    // A reader loops while lexguard refreshes: never an empty, partial or missing file.
    let stop = base.path().join("stop");
    let script = format!(
        "while [ ! -e {stop} ]; do printf 'J%s\\n' \"$(cat {dir}/token.json 2>&1)\"; printf 'A%s\\n' \"$(cat {dir}/access_token 2>&1)\"; done",
        stop = stop.display(),
        dir = dir.display()
    );
    let reader = users.spawn_as(&users.member, &["sh", "-c", &script]);
    for _ in 0..5 {
        assert_ok(&cli.run(&["refresh"], "").await);
    }
    std::fs::write(&stop, "").expect("stop");
    let seen = reader.wait_with_output().expect("reader");
    let text = String::from_utf8_lossy(&seen.stdout);
    let mut tokens = std::collections::BTreeSet::new();
    let mut reads = 0;
    for line in text.lines() {
        reads += 1;
        if let Some(j) = line.strip_prefix('J') {
            let v: serde_json::Value =
                serde_json::from_str(j).unwrap_or_else(|e| panic!("partial token.json {j:?}: {e}"));
            tokens.insert(v["access_token"].as_str().expect("token").to_string());
        } else if let Some(a) = line.strip_prefix('A') {
            assert!(
                !a.is_empty() && !a.contains(' '),
                "access_token read as {a:?}"
            );
            tokens.insert(a.to_string());
        } else {
            panic!("unexpected line {line:?}");
        }
    }
    assert!(reads > 10, "the reader read during the refreshes: {reads}");
    assert!(
        tokens.len() >= 2,
        "the reader saw the old and a new token: {tokens:?}"
    );
    let now = token_of(&cli.run(&["token", "--json"], "").await);
    let newest = now["access_token"].as_str().expect("token");
    assert_ne!(newest, first);
    let files: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&token_json).expect("read")).expect("json");
    assert_eq!(
        files["access_token"], newest,
        "the files hold the new token"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("access_token")).expect("read"),
        format!("{newest}\n")
    );

    // Lexware ends the connection: the files go.
    cli.ctl.revoke_connection();
    let out = cli.run(&["refresh"], "").await;
    assert_exit(&out, 3);
    assert!(!dir.join("token.json").exists() && !dir.join("access_token").exists());
    assert!(dir.exists(), "the folder stays");
}

#[tokio::test]
async fn disconnect_removes_the_files_and_a_folder_others_may_write_is_refused() {
    let base = open_base();
    let dir = base.path().join("tokens");
    let cli = Cli::new("share-disc").await;
    configure(
        &cli,
        lexguard::share::ShareConfig {
            token_dir: Some(dir.clone()),
            ..Default::default()
        },
    );
    cli.connect().await;
    assert_eq!(meta(&dir).0, 0o700, "without a group: 0700");
    assert_eq!(meta(&dir.join("token.json")).0, 0o600);
    assert_ok(&cli.run(&["disconnect"], "").await);
    assert!(!dir.join("token.json").exists() && !dir.join("access_token").exists());

    // Others may write into the folder: refused (logged, kept for status), never written.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    cli.connect().await;
    assert!(!dir.join("token.json").exists());
    let out = cli.run(&["status", "--json"], "").await;
    let status = json(&out);
    let error = status["share"]["last_error"].as_str().unwrap_or_default();
    assert!(
        error.contains(&format!("chmod 750 {}", dir.display())),
        "{status}"
    );
    assert_eq!(status["share"]["token_dir"], dir.display().to_string());
}
