//! The `lexguard` binary against the simulator and the **real** OS keychain (Secret Service:
//! gnome-keyring in a private D-Bus session). These need that session, so they are ignored by
//! a bare `cargo test`; the README's test command (`./scripts/test`) runs them.

mod common;

use lexware_sim::{Control, Sim, SimConfig};
use std::path::Path;
use std::process::Output;
use tokio::io::AsyncWriteExt;

const NEEDS: &str = "needs a Secret Service session: run ./scripts/test";

struct Cli {
    _sim: Sim,
    ctl: Control,
    home: tempfile::TempDir,
    service: String,
}

impl Cli {
    async fn new(name: &str) -> Cli {
        let sim = Sim::start(SimConfig::default()).await.expect("sim");
        let ctl = sim.control();
        let home = tempfile::tempdir().expect("home");
        let config = common::config_for(&sim, vec![]);
        config
            .save(&home.path().join("config.toml"))
            .expect("config");
        let service = format!("lexguard-test-{name}-{}", std::process::id());
        Cli {
            _sim: sim,
            ctl,
            home,
            service,
        }
    }

    fn cmd(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_lexguard"));
        c.args(args)
            .env("LEXGUARD_HOME", self.home.path())
            .env("LEXGUARD_KEYRING_SERVICE", &self.service)
            .env("LANG", "de_DE.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LEXGUARD_CLIENT_SECRET")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        c
    }

    async fn run_with(&self, mut c: tokio::process::Command, stdin: &str) -> Output {
        let mut child = c.spawn().expect("spawn lexguard");
        let mut input = child.stdin.take().expect("stdin");
        input
            .write_all(stdin.as_bytes())
            .await
            .expect("write stdin");
        drop(input);
        child.wait_with_output().await.expect("lexguard ran")
    }

    async fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with(self.cmd(args), stdin).await
    }

    async fn connect(&self) {
        let out = self
            .run(&["client-secret", "set", "-"], "sim-secret\n")
            .await;
        assert_ok(&out);
        let out = self.run(&["login-url"], "").await;
        assert_ok(&out);
        let url = stdout(&out);
        assert_eq!(url.lines().count(), 1, "exactly one line: {url}");
        let redirect = common::authorize_at(url.trim()).await;
        let out = self.run(&["connect", "-"], &format!("{redirect}\n")).await;
        assert_ok(&out);
        assert!(stdout(&out).contains("Demo GmbH"), "{}", stdout(&out));
    }

    fn secret_tool(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("secret-tool")
            .args(args)
            .output()
            .expect("secret-tool (libsecret-tools) installed");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    fn keychain_tokens(&self) -> serde_json::Value {
        common::assemble_tokens(|name| {
            Some(self.secret_tool(&["lookup", "service", &self.service, "username", name]))
                .filter(|v| !v.is_empty())
        })
        .expect("a whole token set in the keychain")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}
fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(o)))
}

fn files_contain(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("dir").any(|e| {
        let p = e.expect("entry").path();
        if p.is_dir() {
            files_contain(&p, needle)
        } else {
            String::from_utf8_lossy(&std::fs::read(&p).expect("read")).contains(needle)
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn connect_tick_status_token_disconnect_with_the_real_keychain() {
    let _ = NEEDS;
    let t = Cli::new("flow").await;
    t.connect().await;

    let listed = t.secret_tool(&["search", "--all", "service", &t.service]);
    assert!(
        listed.contains("tokens"),
        "token item visible to secret-tool: {listed}"
    );
    assert!(listed.contains("client-secret"), "{listed}");

    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["state"], "healthy");
    assert_eq!(j["refreshed"], false);
    assert_eq!(j["company"], "Demo GmbH");
    assert!(
        j["access_expires_at"]
            .as_str()
            .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
    );
    assert!(j["last_tick_at"].is_string());
    assert!(j.get("gap_seconds").is_some_and(|g| g.is_null()));
    assert!(
        j["message"]
            .as_str()
            .is_some_and(|m| m.contains("Demo GmbH"))
    );

    let out = t.run(&["status", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    let out = t.run(&["status"], "").await;
    assert_ok(&out);
    assert!(
        stdout(&out).contains("Verbunden mit Demo GmbH"),
        "{}",
        stdout(&out)
    );
    let out = t.run(&["--lang", "en", "status"], "").await;
    assert!(
        stdout(&out).contains("Connected to Demo GmbH"),
        "{}",
        stdout(&out)
    );
    // For people: connection words in the main lines, technical facts on "Details", and in a
    // pipe no colour codes and no spinner.
    let out = t.run(&["status"], "").await;
    let text = stdout(&out);
    assert!(text.contains("Verbindung gültig bis"), "{text}");
    assert!(text.contains("Details:"), "{text}");
    assert!(!text.contains("Zugriffstoken"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no ANSI escapes in a pipe: {text:?}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let out = t.run(&["refresh"], "").await;
    assert_ok(&out);
    assert!(
        stderr(&out).is_empty(),
        "no spinner in a pipe: {}",
        stderr(&out)
    );
    let out = t.run(&["tick"], "").await;
    assert_ok(&out);
    assert!(!stdout(&out).contains('\x1b'), "{:?}", stdout(&out));
    assert!(
        stderr(&out).is_empty(),
        "no spinner in a pipe: {}",
        stderr(&out)
    );
    let out = t.run(&["history"], "").await;
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("Erneuert"), "kinds in words: {text}");
    assert!(text.contains("Verbunden"), "kinds in words: {text}");
    assert!(!text.contains(" refresh "), "no machine names: {text}");
    let out = t.run(&["history", "--json"], "").await;
    assert!(
        stdout(&out).contains("\"refreshed\""),
        "JSON keeps machine names"
    );

    let out = t.run(&["token"], "").await;
    assert_ok(&out);
    let token = stdout(&out);
    let stored = t.keychain_tokens();
    assert_eq!(
        token.trim_end(),
        stored["access_token"].as_str().expect("access")
    );
    assert_eq!(token.lines().count(), 1, "only the token on stdout");
    assert!(
        !files_contain(t.home.path(), token.trim()),
        "token not in any file"
    );
    assert!(!files_contain(
        t.home.path(),
        stored["refresh_token"].as_str().expect("refresh")
    ));

    let out = t.run(&["disconnect"], "").await;
    assert_ok(&out);
    assert!(!t.ctl.connection_active(), "revoked at Lexware");
    let listed = t.secret_tool(&["search", "--all", "service", &t.service]);
    assert!(!listed.contains("username = tokens"), "{listed}");
    let out = t.run(&["status"], "").await;
    assert_eq!(out.status.code(), Some(3));
    let _ = t.run(&["client-secret", "set", "-"], "x\n").await;
    let _ = t.secret_tool(&["clear", "service", &t.service, "username", "client-secret"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn two_tick_processes_at_once_refresh_exactly_once() {
    let t = Cli::new("race").await;
    t.ctl.set_access_ttl(600); // the first token is due at once (10 min < 15 min)
    t.connect().await;
    t.ctl.set_access_ttl(14_399);
    let a = t.run_with(t.cmd(&["tick", "--json"]), "");
    let b = t.run_with(t.cmd(&["tick", "--json"]), "");
    let (a, b) = tokio::join!(a, b);
    assert_ok(&a);
    assert_ok(&b);
    let (ja, jb) = (json(&a), json(&b));
    assert_eq!(ja["state"], "healthy");
    assert_eq!(jb["state"], "healthy");
    assert_eq!(
        t.ctl.counters().refreshes,
        1,
        "exactly one refresh at Lexware"
    );
    assert_ne!(
        ja["refreshed"], jb["refreshed"],
        "one refreshed, the other saw it done"
    );
    assert!(t.ctl.connection_active(), "no refresh-token reuse");
    let _ = t.secret_tool(&["clear", "service", &t.service]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn an_unreachable_keychain_is_named_and_nothing_is_lost() {
    let t = Cli::new("nokeychain").await;
    t.connect().await;
    let mut c = t.cmd(&["tick"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = t.run_with(c, "").await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "degraded, not lost: {}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Schlüsselbund"), "{}", stdout(&out));
    let mut c = t.cmd(&["token"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = t.run_with(c, "").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Schlüsselbund"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    let _ = t.secret_tool(&["clear", "service", &t.service]);
}

#[tokio::test]
async fn usage_errors_exit_2_and_broken_config_names_the_line() {
    let home = tempfile::tempdir().expect("home");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lexguard"))
            .args(args)
            .env("LEXGUARD_HOME", home.path())
            .env("LEXGUARD_KEYRING_SERVICE", "lexguard-test-usage")
            .env("LANG", "de_DE.UTF-8")
            .output()
            .expect("run")
    };
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(run(&["status", "--bogus"]).status.code(), Some(2));
    std::fs::write(
        home.path().join("config.toml"),
        "[schedule]\ncheck_every = \"7m\"\ngap_after = \"10m\"\n",
    )
    .expect("write");
    let out = run(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.contains("schedule.check_every"), "{err}");
    assert!(err.contains("1 bis 5 Minuten"), "{err}");
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A home whose config points at `base` (no keychain needed for what these tests run).
fn home_pointing_at(base: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let mut config = lexguard::Config::default();
    config.lexware.auth_url = base.into();
    config.lexware.api_url = base.into();
    config
        .save(&home.path().join("config.toml"))
        .expect("config");
    home
}

fn plain_cmd(home: &Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lexguard"));
    c.args(args)
        .env("LEXGUARD_HOME", home)
        .env("LEXGUARD_KEYRING_SERVICE", "lexguard-test-plain")
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    c
}

fn plain_run(mut c: std::process::Command, stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = c.spawn().expect("spawn lexguard");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).expect("write stdin");
    drop(input);
    child.wait_with_output().expect("lexguard ran")
}

#[test]
fn an_unreachable_lexware_is_named_with_address_and_fix() {
    let port = closed_port();
    let home = home_pointing_at(&format!("http://127.0.0.1:{port}"));
    // The API key is checked at Lexware before anything touches the keychain.
    let out = plain_run(
        plain_cmd(home.path(), &["connect", "--api-key", "-"]),
        "some-key\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("unter 127.0.0.1:{port} nicht erreichbar")),
        "{err}"
    );
    assert!(err.contains("Firewall"), "{err}");
    let mut c = plain_cmd(home.path(), &["--lang", "en", "connect", "--api-key", "-"]);
    c.env("LANG", "C");
    let out = plain_run(c, "some-key\n");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("not reachable at 127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn a_refresh_against_an_unreachable_lexware_names_address_and_fix() {
    let t = Cli::new("unreachable").await;
    t.connect().await;
    let port = closed_port();
    let file = t.home.path().join("config.toml");
    let mut config = lexguard::Config::load(&file).expect("config");
    config.lexware.auth_url = format!("http://127.0.0.1:{port}");
    config.lexware.api_url = format!("http://127.0.0.1:{port}");
    config.save(&file).expect("save");
    let out = t.run(&["refresh"], "").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("unter 127.0.0.1:{port} nicht erreichbar")),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let _ = t.secret_tool(&["clear", "service", &t.service]);
}

#[test]
fn piped_diagnostics_have_no_colour_codes() {
    let home = home_pointing_at("http://127.0.0.1:9");
    std::fs::write(home.path().join("config.toml"), "[schedule]\nbogus = 1\n").expect("write");
    let mut c = plain_cmd(home.path(), &["status"]);
    c.env("LEXGUARD_LOG", "debug");
    let out = plain_run(c, "");
    let err = stderr(&out);
    assert!(
        err.contains("command failed"),
        "tracing wrote something: {err}"
    );
    assert!(!err.contains("\x1b["), "no ANSI escapes in a pipe: {err:?}");
}

#[cfg(unix)]
#[test]
fn json_failures_are_one_json_document_on_stdout_with_the_same_exit_code() {
    let home = home_pointing_at("http://127.0.0.1:9");
    // history --json with a history file lexguard refuses (a symlink): the error plus the
    // known state fields.
    let victim = home.path().join("elsewhere");
    std::fs::write(&victim, b"").expect("victim");
    std::os::unix::fs::symlink(&victim, home.path().join("history.jsonl")).expect("link");
    let out = plain_run(plain_cmd(home.path(), &["history", "--json"]), "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["error"]["kind"], "invalid_input", "{j}");
    assert!(
        j["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("symbolischer Link")),
        "{j}"
    );
    assert_eq!(j["state"], "not_connected", "{j}");
    assert!(j.get("reason").is_some_and(|r| r.is_null()), "{j}");
    assert!(
        stderr(&out).is_empty(),
        "nothing but JSON: {}",
        stderr(&out)
    );
    // Without --json: the message on stderr, nothing on stdout, same exit code.
    let out = plain_run(plain_cmd(home.path(), &["history"]), "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("symbolischer Link"),
        "{}",
        stderr(&out)
    );

    // status --json with a broken config: no engine, so the error alone.
    std::fs::write(home.path().join("config.toml"), "[schedule]\nbogus = 1\n").expect("write");
    let out = plain_run(plain_cmd(home.path(), &["status", "--json"]), "");
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["error"]["kind"], "config", "{j}");
    assert!(j.get("state").is_none(), "{j}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn json_failures_carry_the_state_when_the_connection_is_gone() {
    let t = Cli::new("jsonfail").await;
    let out = t.run(&["webhooks", "list", "--json"], "").await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let j = json(&out);
    assert_eq!(j["error"]["kind"], "not_connected", "{j}");
    assert_eq!(j["state"], "not_connected", "{j}");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    t.connect().await;
    t.ctl.revoke_connection();
    let out = t.run(&["refresh"], "").await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = t.run(&["webhooks", "sync", "--json"], "").await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let j = json(&out);
    assert_eq!(j["error"]["kind"], "auth_lost", "{j}");
    assert_eq!(j["state"], "auth_lost", "{j}");
    assert_eq!(j["company"], "Demo GmbH", "{j}");
    let out = t.run(&["webhooks", "sync"], "").await;
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert!(stderr(&out).contains("verloren"), "{}", stderr(&out));
    let _ = t.secret_tool(&["clear", "service", &t.service]);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn sigterm_during_a_refresh_waits_for_it_and_keeps_the_rotated_pair() {
    let t = Cli::new("sigterm").await;
    t.connect().await;
    let before = t.ctl.counters();
    t.ctl.delay_next_on("/oauth2/token", 1, 3000);
    let mut child = t.cmd(&["refresh"]).spawn().expect("spawn lexguard");
    drop(child.stdin.take());
    // The refresh request has reached Lexware (it is held there for 3 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while t.ctl.counters().requests == before.requests {
        assert!(std::time::Instant::now() < deadline, "no refresh request");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let pid = child.id().expect("pid") as i32;
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid).expect("pid"),
        rustix::process::Signal::TERM,
    )
    .expect("SIGTERM");
    let out = child.wait_with_output().await.expect("lexguard ran");
    assert_eq!(out.status.code(), Some(143), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Abgebrochen (SIGTERM)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(t.ctl.counters().refreshes, before.refreshes + 1);
    assert!(t.ctl.connection_active());
    // The rotated pair was stored: a replay of the old refresh token would revoke it.
    assert_ok(&t.run(&["token"], "").await);
    assert_ok(&t.run(&["refresh"], "").await);
    assert!(t.ctl.connection_active(), "no refresh-token reuse");
    let _ = t.secret_tool(&["clear", "service", &t.service]);
}

/// Waits until the process has its own handlers for SIGHUP, SIGINT and SIGTERM (Linux shows
/// them in /proc/PID/status), so a signal sent now is caught, not the default death.
#[cfg(target_os = "linux")]
async fn wait_for_handlers(pid: u32) {
    // Bit n-1 for signal n: SIGHUP 1, SIGINT 2, SIGTERM 15.
    let wanted: u64 = 1 | (1 << 1) | (1 << 14);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .unwrap_or(0);
        if caught & wanted == wanted {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no signal handlers");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn sighup_and_sigint_end_a_waiting_command_with_128_plus_the_signal() {
    let home = home_pointing_at("http://127.0.0.1:9");
    for (signal, code, name) in [
        (rustix::process::Signal::HUP, 129, "SIGHUP"),
        (rustix::process::Signal::INT, 130, "SIGINT"),
    ] {
        // `connect -` waits on stdin, which stays open: only the signal ends it.
        let mut c = tokio::process::Command::from(plain_cmd(home.path(), &["connect", "-"]));
        let mut child = c.kill_on_drop(true).spawn().expect("spawn lexguard");
        let _stdin = child.stdin.take().expect("stdin");
        let pid = child.id().expect("pid");
        wait_for_handlers(pid).await;
        rustix::process::kill_process(
            rustix::process::Pid::from_raw(pid as i32).expect("pid"),
            signal,
        )
        .expect("signal");
        let out = child.wait_with_output().await.expect("lexguard ran");
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("Abgebrochen ({name})")),
            "{}",
            stderr(&out)
        );
    }
}
