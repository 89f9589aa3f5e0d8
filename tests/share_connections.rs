//! `[share]` per connection (issue 17), with the REAL `lexguard serve` and two simulators as two
//! organizations (`default` → "Demo GmbH", `b` → "Beta GmbH", whose `[lexware]` is in
//! `connections/b/config.toml`; `[share]` is inherited from the top-level file): one TCP proxy
//! for both, the request's local key picks the connection (and its token and budget); on
//! sockets `b` has `api-b.sock` beside the configured one; token files of `b` in
//! `token_dir/b/`. Real client processes (curl), real HTTP over loopback.
//!
//! Linux only: the file store, unix sockets and OS groups.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;

mod common;
#[path = "common/os_users.rs"]
mod os_users;

use cli::{Cli, assert_ok, json, stdout, stop_serve};
use lexguard::Config;
use lexware_sim::{Sim, SimConfig};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use test_support::ports::unused_port;

/// A generous bound for the proxy to come up (not an assertion on speed).
const START_DEADLINE: Duration = Duration::from_secs(60);

/// The second organization, with the simulator's real 2 requests/second limit.
async fn beta() -> Sim {
    Sim::start(SimConfig {
        company_name: "Beta GmbH".into(),
        ..SimConfig::default()
    })
    .await
    .expect("second simulator")
}

/// `default` connected to the first simulator and `b` to `beta`, with `[share]` (set by
/// `share`) in the top-level file only.
async fn two_connections(name: &str, beta: &Sim, share: impl FnOnce(&mut Config)) -> Cli {
    let cli = Cli::with_sim(name, SimConfig::default()).await;
    let mut config = Config::load(&cli.config_path()).expect("config");
    config.store.kind = lexguard::store::StoreKind::File;
    share(&mut config);
    config.save(&cli.config_path()).expect("save");
    cli.connect().await;
    let lexware = common::config_for(beta, vec![]).lexware;
    let dir = cli.home.path().join("connections").join("b");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "# connection b\n[lexware]\n{}",
            toml::to_string(&lexware).expect("toml")
        ),
    )
    .expect("own config");
    let out = cli.run(&["-c", "b", "login-url"], "").await;
    assert_ok(&out);
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    let out = cli
        .run(&["-c", "b", "connect", "-"], &format!("{redirect}\n"))
        .await;
    assert_ok(&out);
    assert!(stdout(&out).contains("Beta GmbH"), "{}", stdout(&out));
    cli
}

/// Until `ready` holds (a listener is up, a count is written), within a generous bound.
async fn eventually(what: &str, mut ready: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !ready().await {
        assert!(started.elapsed() < START_DEADLINE, "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn curl(args: &[&str]) -> std::process::Output {
    std::process::Command::new("curl")
        .args(["-sS", "--max-time", "120", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl installed")
}

/// The status code curl appended and the body before it.
fn answer(o: &std::process::Output) -> (String, String) {
    let text = stdout(o);
    let (body, code) = text.rsplit_once('\n').unwrap_or_default();
    (body.to_string(), code.to_string())
}

/// Lexware's requests at `sim` since `since`: none answered 429, never more than 2 a second.
fn within_budget(sim: &lexware_sim::Control, since: chrono::DateTime<chrono::Utc>) -> usize {
    let log = sim.requests();
    let lexware: Vec<_> = log
        .iter()
        .filter(|r| !r.path.starts_with("/_sim") && r.at >= since)
        .collect();
    assert!(lexware.iter().all(|r| r.status != 429), "no 429 at Lexware");
    let mut per_second: BTreeMap<i64, u32> = BTreeMap::new();
    for r in &lexware {
        *per_second.entry(r.at.timestamp()).or_default() += 1;
    }
    assert!(
        per_second.values().all(|n| *n <= 2),
        "at most 2 requests in any second: {per_second:?}"
    );
    lexware.iter().filter(|r| r.path == "/v1/profile").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tcp_proxy_picks_the_connection_by_its_local_key() {
    let b = beta().await;
    let b_ctl = b.control();
    let port = unused_port();
    let cli = two_connections("proxy-orgs-tcp", &b, |c| {
        c.share.proxy = Some(format!("127.0.0.1:{port}"));
    })
    .await;
    let server = cli.serve();
    eventually("the proxy listens", async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    // `b` is served once serve has found it (it looks at the connections folder).
    let key_a = stdout(&cli.run(&["share", "key"], "").await)
        .trim()
        .to_string();
    let out = cli.run(&["-c", "b", "share", "key"], "").await;
    assert_ok(&out);
    let key_b = stdout(&out).trim().to_string();
    assert!(key_a.starts_with("lgk_") && key_b.starts_with("lgk_"));
    assert_ne!(key_a, key_b, "one key per connection");
    {
        use std::os::unix::fs::MetadataExt;
        let file = cli.home.path().join("connections/b/share-key");
        let mode = std::fs::metadata(&file).expect("b's key file").mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let base = format!("http://127.0.0.1:{port}");
    let profile = format!("{base}/v1/profile");
    let with_b = format!("Authorization: Bearer {key_b}");
    eventually("b is served", async || {
        answer(&curl(&["-H", &with_b, &profile])).1 == "200"
    })
    .await;

    // A key of no connection: 401 and a JSON message with the fix.
    let unknown = curl(&["-H", "Authorization: Bearer lgk_nope", &profile]);
    let (body, code) = answer(&unknown);
    assert_eq!(code, "401");
    let message: serde_json::Value = serde_json::from_str(&body).expect("JSON error");
    let text = message["message"].as_str().expect("message");
    assert!(text.contains("lexguard share key -c NAME"), "{text}");
    assert_eq!(answer(&curl(&[&profile])).1, "401", "no key");

    // 2 client processes per connection, 5 requests each, at once: each organization gets
    // its own token and its own 2 requests/second (the simulators' real limit answers 429
    // above it).
    let since_a = cli.ctl.now();
    let since_b = b_ctl.now();
    let bodies = tempfile::tempdir().expect("tempdir");
    let clients: Vec<_> = [("a", &key_a), ("b", &key_b)]
        .iter()
        .flat_map(|(who, key)| (0..2).map(move |n| (*who, *key, n)))
        .map(|(who, key, n)| {
            let script = format!(
                "for i in 1 2 3 4 5; do curl -sS --max-time 120 -o {dir}/{who}{n}-$i -w '%{{http_code}}\\n' -H 'Authorization: Bearer {key}' '{profile}'; done",
                dir = bodies.path().display()
            );
            std::process::Command::new("sh")
                .args(["-c", &script])
                .stdout(Stdio::piped())
                .spawn()
                .expect("client")
        })
        .collect();
    let mut codes = Vec::new();
    for c in clients {
        let out = c.wait_with_output().expect("client ended");
        codes.extend(stdout(&out).lines().map(str::to_string));
    }
    assert_eq!(codes.len(), 20);
    assert!(codes.iter().all(|c| c == "200"), "{codes:?}");
    for entry in std::fs::read_dir(bodies.path()).expect("bodies") {
        let path = entry.expect("entry").path();
        let body: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("body")).expect("JSON");
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        let wanted = if file.starts_with('a') {
            "Demo GmbH"
        } else {
            "Beta GmbH"
        };
        assert_eq!(body["companyName"], wanted, "{file}");
    }
    assert!(within_budget(&cli.ctl, since_a) >= 10);
    assert!(within_budget(&b_ctl, since_b) >= 10);

    // Each connection's own counts in its own status.
    let mut share = serde_json::Value::Null;
    eventually("b's counts are written", async || {
        share = json(&cli.run(&["-c", "b", "status", "--json"], "").await)["share"].clone();
        share["requests"].as_u64().unwrap_or_default() >= 11
    })
    .await;
    assert_eq!(share["proxy"], format!("127.0.0.1:{port}"));
    // doctor -c b goes through the proxy with b's key.
    let doctor = cli.run(&["-c", "b", "doctor"], "").await;
    let said = cli::said(&doctor);
    assert!(
        said.contains(&format!(
            "127.0.0.1:{port} antwortet; /v1/profile geht durch"
        )),
        "{said}"
    );
    let logged = stop_serve(server).await;
    assert!(
        logged.contains("connection=\"b\"") || logged.contains("connection=b"),
        "the log names the connection: {logged}"
    );
    for args in [&["token"][..], &["-c", "b", "token"]] {
        let token = stdout(&cli.run(args, "").await).trim().to_string();
        assert!(!token.is_empty());
        assert!(!logged.contains(&token), "a token in the log");
        assert!(
            !cli::files_contain(bodies.path(), &token),
            "a token in an answer"
        );
    }
}

fn open_base() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    base
}

fn mode_and_group(p: &Path) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).expect("metadata");
    (m.mode() & 0o777, m.gid())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_connection_has_its_socket_and_token_folder_beside_the_configured_ones() {
    // With root: a real share group (0660 sockets); without: 0600.
    let users = os_users::OsUsers::create("lgsc");
    let b = beta().await;
    let base = open_base();
    let run = base.path().join("run");
    let sock = run.join("api.sock");
    let tokens = base.path().join("tokens");
    let group = users.as_ref().map(|u| u.group.clone());
    let cli = two_connections("proxy-orgs-unix", &b, |c| {
        c.share.proxy = Some(format!("unix:{}", sock.display()));
        c.share.token_dir = Some(tokens.clone());
        c.share.group = group;
    })
    .await;

    // Token files: default's where they always were, b's in token_dir/b.
    let company = |dir: &Path| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join("token.json")).expect("token.json");
        serde_json::from_str::<serde_json::Value>(&text).expect("JSON")["company"].clone()
    };
    assert_eq!(company(&tokens), "Demo GmbH");
    assert_eq!(company(&tokens.join("b")), "Beta GmbH");

    let server = cli.serve();
    let sock_b = run.join("api-b.sock");
    for s in [&sock, &sock_b] {
        eventually("the socket listens", async || {
            tokio::net::UnixStream::connect(s).await.is_ok()
        })
        .await;
    }
    let (mode, gid) = match &users {
        Some(u) => (0o660, u.gid()),
        None => (0o600, rustix::process::getegid().as_raw()),
    };
    assert_eq!(mode_and_group(&sock), (mode, gid));
    assert_eq!(
        mode_and_group(&sock_b),
        (mode, gid),
        "as the configured one"
    );

    // No key on a socket: the socket picks the connection.
    for (s, wanted) in [(&sock, "Demo GmbH"), (&sock_b, "Beta GmbH")] {
        let out = curl(&[
            "--unix-socket",
            s.to_str().expect("utf-8"),
            "http://lexware/v1/profile",
        ]);
        let (body, code) = answer(&out);
        assert_eq!(code, "200", "{body}");
        let profile: serde_json::Value = serde_json::from_str(&body).expect("profile JSON");
        assert_eq!(profile["companyName"], wanted);
    }
    let status = json(&cli.run(&["-c", "b", "status", "--json"], "").await);
    assert_eq!(
        status["share"]["proxy"],
        format!("unix:{}", sock_b.display())
    );
    assert_eq!(
        status["share"]["token_dir"],
        tokens.join("b").display().to_string()
    );
    let doctor = cli.run(&["-c", "b", "doctor"], "").await;
    let said = cli::said(&doctor);
    assert!(
        said.contains(&format!(
            "{} antwortet; /v1/profile geht durch",
            sock_b.display()
        )),
        "{said}"
    );
    stop_serve(server).await;
}
