//! The local API proxy (issue 15) in the REAL `lexguard serve` against the simulator with its
//! real rate limit, used by real client processes (curl): the local key, the one budget, a
//! token that dies midway, a 5 MB upload, the unix socket's mode and group, no token leaked.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;

mod common;
#[path = "common/os_users.rs"]
mod os_users;

use cli::{Cli, assert_ok, json, stdout, stop_serve};
use lexguard::Config;
use lexware_sim::SimConfig;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use test_support::ports::unused_port;

/// A generous bound for the proxy to come up (not an assertion on speed).
const START_DEADLINE: Duration = Duration::from_secs(60);

async fn with_proxy(name: &str, proxy: &str, group: Option<String>) -> Cli {
    let cli = Cli::with_sim(name, SimConfig::default()).await;
    let mut config = Config::load(&cli.config_path()).expect("config");
    config.store.kind = lexguard::store::StoreKind::File;
    config.share.proxy = Some(proxy.to_string());
    config.share.group = group;
    config.save(&cli.config_path()).expect("save");
    cli.connect().await;
    cli
}

async fn wait_for_tcp(port: u16) {
    let started = std::time::Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < START_DEADLINE,
            "the proxy never listened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for_socket(path: &Path) {
    let started = std::time::Instant::now();
    while tokio::net::UnixStream::connect(path).await.is_err() {
        assert!(
            started.elapsed() < START_DEADLINE,
            "the proxy never listened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// curl, as a client program would call: `-w` appends the status on its own line.
fn curl(args: &[&str]) -> std::process::Output {
    std::process::Command::new("curl")
        .args(["-sS", "--max-time", "120", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl installed")
}

fn code(o: &std::process::Output) -> String {
    stdout(o).lines().last().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_proxy_shares_one_budget_survives_a_dead_token_streams_uploads_and_leaks_nothing() {
    let port = unused_port();
    let cli = with_proxy("proxy-tcp", &format!("127.0.0.1:{port}"), None).await;
    let first_token = stdout(&cli.run(&["token"], "").await).trim().to_string();
    let server = cli.serve();
    wait_for_tcp(port).await;
    let key_out = cli.run(&["share", "key"], "").await;
    assert_ok(&key_out);
    let key = stdout(&key_out).trim().to_string();
    let base = format!("http://127.0.0.1:{port}");
    let auth = format!("Authorization: Bearer {key}");

    // The local key is required on TCP.
    let none = curl(&[&format!("{base}/v1/profile")]);
    assert_eq!(code(&none), "401");
    assert!(
        stdout(&none).contains("lexguard share key"),
        "{}",
        stdout(&none)
    );
    let wrong = curl(&[
        "-H",
        "Authorization: Bearer nope",
        &format!("{base}/v1/profile"),
    ]);
    assert_eq!(code(&wrong), "401");

    // 30 requests from 3 client processes; the access token dies at Lexware midway.
    let refreshes = cli.ctl.counters().refreshes;
    let since = cli.ctl.now();
    let bodies = tempfile::tempdir().expect("tempdir");
    let clients: Vec<_> = (0..3)
        .map(|n| {
            let script = format!(
                "for i in 1 2 3 4 5 6 7 8 9 10; do curl -sS --max-time 120 -o {dir}/{n}-$i -w '%{{http_code}}\\n' -H '{auth}' '{base}/v1/profile?client={n}'; done",
                dir = bodies.path().display()
            );
            std::process::Command::new("sh")
                .args(["-c", &script])
                .stdout(Stdio::piped())
                .spawn()
                .expect("client")
        })
        .collect();
    let started = std::time::Instant::now();
    while cli
        .ctl
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/profile")
        .count()
        < 12
    {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "clients stalled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cli.ctl.invalidate_access_tokens();
    let mut codes = Vec::new();
    for c in clients {
        let out = c.wait_with_output().expect("client ended");
        codes.extend(stdout(&out).lines().map(str::to_string));
    }
    assert_eq!(codes.len(), 30);
    assert!(codes.iter().all(|c| c == "200"), "{codes:?}");
    assert_eq!(
        cli.ctl.counters().refreshes,
        refreshes + 1,
        "exactly one refresh"
    );
    let log = cli.ctl.requests();
    let lexware: Vec<_> = log
        .iter()
        .filter(|r| !r.path.starts_with("/_sim") && r.at >= since)
        .collect();
    assert!(lexware.iter().all(|r| r.status != 429), "no 429 at Lexware");
    assert_eq!(cli.ctl.counters().rate_limited, 0);
    let mut per_second: BTreeMap<i64, u32> = BTreeMap::new();
    for r in &lexware {
        *per_second.entry(r.at.timestamp()).or_default() += 1;
    }
    assert!(
        per_second.values().all(|n| *n <= 2),
        "at most 2 requests in any second: {per_second:?}"
    );

    // A 5 MB multipart upload arrives intact (streamed, not held).
    let file = bodies.path().join("beleg.pdf");
    let bytes: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &bytes).expect("file");
    let up = curl(&[
        "-H",
        &auth,
        "-F",
        "type=voucher",
        "-F",
        &format!("file=@{}", file.display()),
        &format!("{base}/v1/files"),
    ]);
    assert_eq!(code(&up), "202", "{}", stdout(&up));
    let received = cli.ctl.uploads().pop().expect("an upload");
    use sha2::Digest;
    let sent: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        (received.size, received.sha256.as_str()),
        (bytes.len(), sent.as_str())
    );
    assert_eq!(received.file_name.as_deref(), Some("beleg.pdf"));

    // Seen: status --json's share part (written within a second), one log line per request.
    // 2 refused for the key, 30 profiles, 1 upload.
    let started = std::time::Instant::now();
    let share = loop {
        let status = json(&cli.run(&["status", "--json"], "").await);
        let share = status["share"].clone();
        if share["requests"] == 33 || started.elapsed() > Duration::from_secs(30) {
            break share;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(share["proxy"], format!("127.0.0.1:{port}"));
    assert_eq!(share["requests"], 33, "{share}");
    let waited = share["waited"].as_u64().unwrap_or_default();
    assert!(waited > 0 && waited <= 31, "{share}");
    assert_eq!(share["rate_limited"], 0);
    assert_eq!(share["last_error"], serde_json::Value::Null);
    let new_token = stdout(&cli.run(&["token"], "").await).trim().to_string();
    assert_ne!(new_token, first_token);
    let logged = stop_serve(server).await;
    let lines = logged
        .lines()
        .filter(|l| l.contains("proxy") && l.contains("path=/v1/profile"))
        .count();
    assert!(lines >= 32, "one line per request: {lines}\n{logged}");
    assert!(logged.contains("method=POST") && logged.contains("path=/v1/files"));
    assert!(!logged.contains("client="), "no query in the log");

    // No token in any answer or log line.
    for secret in [&first_token, &new_token, &key] {
        assert!(!logged.contains(secret.as_str()), "a secret in the log");
        assert!(
            !cli::files_contain(bodies.path(), secret),
            "a secret in an answer"
        );
        assert!(!stdout(&none).contains(secret.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unix_socket_is_for_the_share_group_only() {
    let Some(users) = os_users::OsUsers::create("lgsk") else {
        return;
    };
    let base = tempfile::tempdir().expect("tempdir");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    let sock = base.path().join("run").join("api.sock");
    let cli = with_proxy(
        "proxy-unix",
        &format!("unix:{}", sock.display()),
        Some(users.group.clone()),
    )
    .await;
    let server = cli.serve();
    wait_for_socket(&sock).await;
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(&sock).expect("socket");
        assert_eq!(
            (m.mode() & 0o777, m.gid()),
            (0o660, users.gid()),
            "0660, the group"
        );
        let d = std::fs::metadata(sock.parent().expect("dir")).expect("dir");
        assert_eq!((d.mode() & 0o777, d.gid()), (0o750, users.gid()));
    }
    let path = sock.to_str().expect("utf-8");
    let args = |u: &str| -> Vec<String> {
        vec![
            "curl".into(),
            "-sS".into(),
            "--max-time".into(),
            "60".into(),
            "-w".into(),
            "\n%{http_code}".into(),
            "--unix-socket".into(),
            path.into(),
            format!("http://lexware{u}"),
        ]
    };
    let member_args = args("/v1/profile");
    let argv: Vec<&str> = member_args.iter().map(String::as_str).collect();
    let member = users.run_as(&users.member, &argv);
    assert_eq!(
        code(&member),
        "200",
        "{}",
        String::from_utf8_lossy(&member.stderr)
    );
    let profile: serde_json::Value = serde_json::from_str(
        stdout(&member)
            .rsplit_once('\n')
            .map(|(b, _)| b)
            .unwrap_or_default(),
    )
    .expect("profile JSON");
    assert_eq!(profile["companyName"], "Demo GmbH");
    let outsider = users.run_as(&users.outsider, &argv);
    assert!(!outsider.status.success(), "an outsider cannot connect");
    assert_ne!(code(&outsider), "200");
    let logged = stop_serve(server).await;
    let token = stdout(&cli.run(&["token"], "").await).trim().to_string();
    assert!(!logged.contains(&token) && !stdout(&member).contains(&token));
}

/// `doctor` shows the same as the proxy and the files: all three `[share]` lines green while
/// `serve` runs; the proxy's line and the folder's line fail with a fix once it is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_the_token_folder_and_the_proxy() {
    let port = unused_port();
    let base = tempfile::tempdir().expect("tempdir");
    let dir = base.path().join("tokens");
    let cli = Cli::with_sim("proxy-doctor", SimConfig::default()).await;
    let mut config = Config::load(&cli.config_path()).expect("config");
    config.store.kind = lexguard::store::StoreKind::File;
    config.share.proxy = Some(format!("127.0.0.1:{port}"));
    config.share.token_dir = Some(dir.clone());
    config.save(&cli.config_path()).expect("save");
    cli.connect().await;
    let server = cli.serve();
    wait_for_tcp(port).await;
    let findings = |out: &std::process::Output| -> BTreeMap<String, (bool, String)> {
        json(out)["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["check"].as_str().is_some_and(|n| n.starts_with("share_")))
            .map(|c| {
                let name = c["check"].as_str().unwrap_or_default().to_string();
                let fix = c["fix"].as_str().unwrap_or_default().to_string();
                (name, (c["ok"] == true, fix))
            })
            .collect()
    };
    let running = findings(&cli.run(&["doctor", "--json"], "").await);
    let names: Vec<&str> = running.keys().map(String::as_str).collect();
    assert_eq!(names, ["share_keepalive", "share_proxy", "share_token_dir"]);
    assert!(running.values().all(|(ok, _)| *ok), "{running:?}");
    let logged = stop_serve(server).await;
    assert_ok(&cli.run(&["disconnect"], "").await);
    let stopped = findings(&cli.run(&["doctor", "--json"], "").await);
    let (ok, fix) = &stopped["share_proxy"];
    assert!(!ok && fix.contains("lexguard serve"), "{stopped:?}");
    let (ok, fix) = &stopped["share_token_dir"];
    assert!(!ok && fix.contains("lexguard status"), "{stopped:?}");
    assert!(!logged.is_empty());
}

/// Lexware's odd answers through the proxy: a 429 and a disguised one on a read are waited for
/// and repeated; a 504 on a POST is passed on and never repeated (the work may be done); a
/// connection Lexware ended is passed on once and then answered 503 without asking Lexware.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lexware_429s_are_retried_a_5xx_on_a_write_is_never_repeated_and_a_loss_is_passed_on() {
    let port = unused_port();
    let cli = with_proxy("proxy-faults", &format!("127.0.0.1:{port}"), None).await;
    let server = cli.serve();
    wait_for_tcp(port).await;
    let key = stdout(&cli.run(&["share", "key"], "").await)
        .trim()
        .to_string();
    let auth = format!("Authorization: Bearer {key}");
    let base = format!("http://127.0.0.1:{port}");
    let count = |method: &str, path: &str| {
        cli.ctl
            .requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    };

    let before = count("GET", "/v1/profile");
    cli.ctl.rate_limit_next(1, Some(1));
    let got = curl(&["-H", &auth, &format!("{base}/v1/profile")]);
    assert_eq!(code(&got), "200", "a 429 is waited for and repeated");
    assert_eq!(count("GET", "/v1/profile"), before + 2);

    cli.ctl.disguised_429_next_on("/v1/profile", 1);
    let got = curl(&["-H", &auth, &format!("{base}/v1/profile")]);
    assert_eq!(code(&got), "200", "a 500 'rate limit' on a read is a 429");
    assert_eq!(count("GET", "/v1/profile"), before + 4);

    let posts = count("POST", "/v1/event-subscriptions");
    cli.ctl
        .gateway_timeout_after_next_on("/v1/event-subscriptions", 1);
    let body = format!(
        r#"{{"eventType":"invoice.created","callbackUrl":"{}"}}"#,
        cli.ctl.hook_url("shop")
    );
    let got = curl(&[
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        &body,
        &format!("{base}/v1/event-subscriptions"),
    ]);
    assert_eq!(code(&got), "504", "passed on");
    assert_eq!(
        count("POST", "/v1/event-subscriptions"),
        posts + 1,
        "sent once"
    );

    // Lexware ends the connection: the 401 is passed on after the one renewal failed, the
    // connection is lost for every surface, and the next request is told so (503) at once.
    cli.ctl.revoke_connection();
    let got = curl(&["-H", &auth, &format!("{base}/v1/profile")]);
    assert_eq!(code(&got), "401");
    let out = cli.run(&["status", "--json"], "").await;
    assert_eq!(json(&out)["state"], "auth_lost");
    let profiles = count("GET", "/v1/profile");
    let got = curl(&["-H", &auth, &format!("{base}/v1/profile")]);
    assert_eq!(code(&got), "503");
    assert!(stdout(&got).contains("\"message\""), "{}", stdout(&got));
    assert_eq!(count("GET", "/v1/profile"), profiles, "no dead token sent");
    let _ = stop_serve(server).await;
}

/// Fair turns: a program with 12 requests in flight on the socket (one process, `curl
/// --parallel`) does not make another program's one request wait behind all of them: the
/// turns go round the clients. Order only, read from the simulator's log (no timing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_client_does_not_make_another_wait_behind_all_its_requests() {
    let base = tempfile::tempdir().expect("tempdir");
    let sock = base.path().join("run").join("api.sock");
    let cli = with_proxy("proxy-fair", &format!("unix:{}", sock.display()), None).await;
    let server = cli.serve();
    wait_for_socket(&sock).await;
    let path = sock.to_str().expect("utf-8").to_string();
    let out = base.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    let since = cli.ctl.now();
    let busy = std::process::Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "120",
            "--parallel",
            "--parallel-max",
            "12",
        ])
        .args(["--unix-socket", &path, "-o"])
        .arg(out.join("busy_#1"))
        .arg("http://lexware/v1/profile?n=[1-12]")
        .spawn()
        .expect("curl");
    let profiles = |ctl: &lexware_sim::Control| -> Vec<lexware_sim::LoggedRequest> {
        ctl.requests()
            .into_iter()
            .filter(|r| r.at >= since && !r.path.starts_with("/_sim"))
            .collect()
    };
    let started = std::time::Instant::now();
    while profiles(&cli.ctl).len() < 2 {
        assert!(
            started.elapsed() < START_DEADLINE,
            "the busy client stalled"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The other program's one request, while the busy one has about ten waiting.
    let other = curl(&[
        "--unix-socket",
        &path,
        "http://lexware/v1/event-subscriptions",
    ]);
    assert_eq!(code(&other), "200", "{}", stdout(&other));
    let busy = busy.wait_with_output().expect("busy client ended");
    assert!(busy.status.success());
    let log = profiles(&cli.ctl);
    let at = log
        .iter()
        .position(|r| r.path == "/v1/event-subscriptions")
        .expect("the other request at Lexware");
    let busy_after = log[at..].iter().filter(|r| r.path == "/v1/profile").count();
    // First come, first served would put it behind all 10 or so; fair turns put it next.
    assert!(
        busy_after >= 6,
        "the other program waited behind the busy one: {log:?}"
    );
    assert!(log.iter().all(|r| r.status != 429), "{log:?}");
    stop_serve(server).await;
}
