//! The `lexguard` binary against the simulator and the **real** OS keychain (Secret Service:
//! gnome-keyring in a private D-Bus session). These need that session, so they are ignored by
//! a bare `cargo test`; the README's test command (`./scripts/test`) runs them.

mod common;
#[path = "common/cli.rs"]
mod harness;

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
    assert!(err.contains("config.toml, Zeile 2"), "{err}");
    assert!(err.contains("schedule.check_every"), "{err}");
    assert!(err.contains("1 bis 5 Minuten"), "{err}");
}

/// A port nothing listens on (see `test_support::ports`).
fn closed_port() -> u16 {
    test_support::ports::unused_port()
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

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
/// A home with the file store and a public API key (no keychain needed), connected.
async fn connected_with_a_key(name: &str) -> harness::Cli {
    let t = harness::Cli::new(name).await;
    let mut c = common::config_for(&t.sim, vec![]);
    c.store.kind = lexguard::store::StoreKind::File;
    c.save(&t.config_path()).expect("config");
    let key = t.ctl.create_api_key();
    let out = t
        .run(&["connect", "--api-key", "-"], &format!("{key}\n"))
        .await;
    harness::assert_ok(&out);
    t
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_tick_says_it_in_words_and_logs_only_when_asked() {
    let t = connected_with_a_key("quietlog").await;
    // The check is due 16 minutes later; Lexware answers 503 meanwhile.
    t.ctl.fail_next(20, 503);
    let out = t.run_at(&["tick"], 16 * 60).await;
    assert_ne!(out.status.code(), Some(0), "{}", harness::said(&out));
    let err = harness::stderr(&out);
    assert!(
        !err.contains("WARN") && !err.contains("lexguard::"),
        "no log lines for a person: {err}"
    );
    assert!(
        !harness::said(&out).trim().is_empty(),
        "the plain message is there"
    );
    // Asked for, the diagnostics are there (so the quiet above is not an accident).
    let mut c = t.cmd_at(&["tick"], 40 * 60);
    c.env("LEXGUARD_LOG", "warn");
    let out = t.run_with(c, "").await;
    assert!(
        harness::stderr(&out).contains("WARN"),
        "{}",
        harness::said(&out)
    );
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_plain_sentences() {
    use tokio::io::AsyncBufReadExt;
    let t = connected_with_a_key("servelog").await;
    let mut c = t.cmd_at(&["serve"], 16 * 60);
    c.env_remove("LEXGUARD_LOG")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("JOURNAL_STREAM");
    let mut child = c.spawn().expect("spawn serve");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut log = Vec::new();
    let wanted = "Verbindung zu Demo GmbH geprüft – alles in Ordnung.";
    let deadline = tokio::time::Instant::now() + harness::RUN_DEADLINE;
    while !log.iter().any(|l: &String| l.contains(wanted)) {
        match tokio::time::timeout_at(deadline, lines.next_line()).await {
            Ok(Ok(Some(line))) => log.push(line),
            other => panic!("no {wanted:?} in the log ({other:?}): {log:#?}"),
        }
    }
    let _ = child.start_kill();
    let _ = child.wait().await;
    let text = log.join("\n");
    assert!(text.contains("lexguard serve läuft"), "{text}");
    for developer_words in ["Event", "{ ", "lexguard::", "state=", "Some("] {
        assert!(
            !text.contains(developer_words),
            "{developer_words} in {text}"
        );
    }
}

fn lexguard_in(lang: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lexguard"))
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run lexguard")
}

#[test]
fn help_speaks_the_users_language_only() {
    let english_words = [
        "Usage",
        "Options",
        "Commands",
        "Print help",
        "keeps",
        "the ",
    ];
    let german_words = [
        "Aufruf",
        "Optionen",
        "Befehle",
        "Hilfe",
        "Verbindung",
        " der ",
    ];
    for args in [
        &["--help"][..],
        &["connect", "--help"],
        &["doctor", "--help"],
    ] {
        let de = lexguard_in("de_DE.UTF-8", args);
        assert_ok(&de);
        let de = stdout(&de);
        assert!(de.contains("Aufruf: lexguard"), "{de}");
        for w in english_words {
            assert!(!de.contains(w), "English {w:?} in the German help:\n{de}");
        }
        let en = lexguard_in("en_US.UTF-8", args);
        assert_ok(&en);
        let en = stdout(&en);
        assert!(en.contains("Usage: lexguard"), "{en}");
        for w in german_words {
            assert!(!en.contains(w), "German {w:?} in the English help:\n{en}");
        }
    }
    // `help COMMAND` is `COMMAND --help`, in the same language.
    let de = stdout(&lexguard_in("de_DE.UTF-8", &["help", "doctor"]));
    assert!(de.contains("Aufruf: lexguard doctor"), "{de}");
    // --lang wins over the locale, as for every other output.
    let en = stdout(&lexguard_in("de_DE.UTF-8", &["--lang", "en", "--help"]));
    assert!(en.contains("Usage: lexguard"), "{en}");
    assert!(stdout(&lexguard_in("de_DE.UTF-8", &["doctor", "--help"])).contains("--test-alerts"));
    // A usage error in German, exit 2.
    let out = lexguard_in("de_DE.UTF-8", &["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("Den Befehl „frobnicate“ gibt es nicht"),
        "{err}"
    );
    assert!(!err.contains("error:") && !err.contains("Usage"), "{err}");
    let err = stderr(&lexguard_in("de_DE.UTF-8", &["--lang", "fr", "status"]));
    assert!(err.contains("„fr“ passt nicht zu --lang"), "{err}");
    assert!(err.contains("möglich sind: de, en"), "{err}");
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
#[test]
fn bash_completion_loads() {
    let script = format!(
        "source <({} completions bash) && complete -p lexguard",
        env!("CARGO_BIN_EXE_lexguard")
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash");
    assert_ok(&out);
    assert!(
        stdout(&out).contains("-F _lexguard lexguard"),
        "{}",
        stdout(&out)
    );
    for shell in ["zsh", "fish", "powershell"] {
        let out = lexguard_in("C", &["completions", shell]);
        assert_ok(&out);
        assert!(stdout(&out).contains("doctor"), "{shell}: {}", stdout(&out));
    }
    let out = lexguard_in("de_DE.UTF-8", &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
#[test]
fn the_man_page_renders() {
    let dir = tempfile::tempdir().expect("dir");
    for (lang, heading, words) in [
        (
            "en_US.UTF-8",
            "SYNOPSIS",
            "Send a test message to every alert channel",
        ),
        (
            "de_DE.UTF-8",
            "ÜBERSICHT",
            "Eine Testnachricht an jeden Alarmkanal senden",
        ),
    ] {
        let out = lexguard_in(lang, &["man"]);
        assert_ok(&out);
        let page = dir.path().join("lexguard.1");
        std::fs::write(&page, &out.stdout).expect("write");
        let shown = std::process::Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANWIDTH", "80")
            .env_remove("MAN_KEEP_FORMATTING")
            .env("LANG", "C.UTF-8")
            .env_remove("MANPAGER")
            .env("PAGER", "cat")
            .output()
            .expect("man (man-db) installed");
        assert_ok(&shown);
        let text = stdout(&shown);
        assert!(text.contains(heading), "{text}");
        assert!(text.contains("lexguard doctor"), "{text}");
        // man joins the lines of a paragraph: compare without the line breaks.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(words), "{text}");
        assert!(!stderr(&shown).contains("warning"), "{}", stderr(&shown));
    }
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
/// The .deb's extra files (tauri.conf.json `bundle.linux.deb.files`) are what
/// `packaging/generate` writes (run before bundling), and each of them works.
#[test]
fn the_deb_ships_completions_and_man_pages_that_work() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("src-tauri/tauri.conf.json")).expect("tauri.conf"),
    )
    .expect("json");
    let before = conf["build"]["beforeBuildCommand"]["script"]
        .as_str()
        .expect("script");
    assert!(
        before.contains("packaging/generate target/release/lexguard target/release/packaging"),
        "{before}"
    );
    let out = tempfile::tempdir().expect("out");
    let generated = std::process::Command::new(root.join("packaging/generate"))
        .arg(env!("CARGO_BIN_EXE_lexguard"))
        .arg(out.path())
        .output()
        .expect("packaging/generate");
    assert_ok(&generated);
    let files = conf["bundle"]["linux"]["deb"]["files"]
        .as_object()
        .expect("deb files");
    let staged = |dest: &str| {
        let src = files[dest].as_str().expect("source");
        let rel = src
            .strip_prefix("../target/release/packaging/")
            .unwrap_or_else(|| panic!("{dest} comes from packaging/generate: {src}"));
        out.path().join(rel)
    };
    let bash = staged("/usr/share/bash-completion/completions/lexguard");
    let loaded = std::process::Command::new("bash")
        .args([
            "-c",
            &format!("source {} && complete -p lexguard", bash.display()),
        ])
        .output()
        .expect("bash");
    assert_ok(&loaded);
    for dest in [
        "/usr/share/zsh/vendor-completions/_lexguard",
        "/usr/share/fish/vendor_completions.d/lexguard.fish",
    ] {
        let text = std::fs::read_to_string(staged(dest)).expect(dest);
        assert!(text.contains("test-alerts"), "{dest}");
    }
    for (dest, heading) in [
        ("/usr/share/man/man1/lexguard.1.gz", "SYNOPSIS"),
        ("/usr/share/man/de/man1/lexguard.1.gz", "ÜBERSICHT"),
    ] {
        let shown = std::process::Command::new("man")
            .arg("-l")
            .arg(staged(dest))
            .env("MANWIDTH", "80")
            .env("LANG", "C.UTF-8")
            .env_remove("MAN_KEEP_FORMATTING")
            .output()
            .expect("man");
        assert_ok(&shown);
        assert!(
            stdout(&shown).contains(heading),
            "{dest}: {}",
            stdout(&shown)
        );
    }
}

#[cfg(target_os = "linux")] // the file store, libfaketime, bash or man: Linux
/// A partner login without a client secret would fail only after the person did e-mail,
/// password and 2FA at Lexware: `login-url` refuses up front (exit 1), names the fix in the
/// person's language and prints no URL; with the secret stored it prints the URL. The file
/// store, so no keychain is needed.
#[test]
fn login_url_without_a_client_secret_names_the_fix_and_prints_no_url() {
    let home = tempfile::tempdir().expect("home");
    std::fs::write(
        home.path().join("config.toml"),
        "[lexware]\nclient_id = \"my-app\"\nredirect_uri = \"http://127.0.0.1:8477/callback\"\n\n[store]\nkind = \"file\"\n",
    )
    .expect("config");
    let run = |lang: &str, args: &[&str], stdin: &str| {
        let mut c = plain_cmd(home.path(), args);
        c.env("LANG", lang).env_remove("LEXGUARD_CLIENT_SECRET");
        plain_run(c, stdin)
    };
    for (lang, fix) in [
        ("de_DE.UTF-8", "Das Client-Secret Ihrer Lexware-App fehlt"),
        (
            "en_US.UTF-8",
            "The client secret of your Lexware app is missing",
        ),
    ] {
        let out = run(lang, &["login-url"], "");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stdout(&out).is_empty(), "no URL: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains(fix), "{err}");
        assert!(err.contains("lexguard client-secret set -"), "{err}");
        assert!(err.contains("LEXGUARD_CLIENT_SECRET"), "{err}");
        assert!(!err.contains("http"), "no URL on stderr either: {err}");
    }
    let out = run("de_DE.UTF-8", &["client-secret", "set", "-"], "s3cret\n");
    assert_ok(&out);
    let out = run("de_DE.UTF-8", &["login-url"], "");
    assert_ok(&out);
    assert!(
        stdout(&out).contains("client_id=my-app"),
        "{}",
        stdout(&out)
    );
    // The secret may also come from the environment (a service's credential).
    let other = tempfile::tempdir().expect("home");
    std::fs::copy(
        home.path().join("config.toml"),
        other.path().join("config.toml"),
    )
    .expect("copy");
    let mut c = plain_cmd(other.path(), &["login-url"]);
    c.env("LEXGUARD_CLIENT_SECRET", "from-env");
    let out = plain_run(c, "");
    assert_ok(&out);
    assert!(stdout(&out).starts_with("http"), "{}", stdout(&out));
}

/// A broken config.toml reads in plain words with the line; the parser's own text follows on
/// a `Details:` line of its own, never inside the German sentence.
#[test]
fn a_syntax_error_is_plain_german_with_the_parser_text_as_details() {
    let home = tempfile::tempdir().expect("home");
    std::fs::write(
        home.path().join("config.toml"),
        "[lexware]\nclient_id = \"a\"\n\n[schedule]\ncheck_every = 2m\n",
    )
    .expect("config");
    for (lang, plain) in [
        (
            "de_DE.UTF-8",
            "config.toml, Zeile 5: Text muss in Anführungszeichen stehen",
        ),
        ("en_US.UTF-8", "config.toml, line 5: text must be in quotes"),
    ] {
        let mut c = plain_cmd(home.path(), &["status"]);
        c.env("LANG", lang);
        let out = plain_run(c, "");
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        let mut lines = err.lines();
        let first = lines.next().unwrap_or_default();
        assert!(first.contains(plain), "{err}");
        assert!(
            !first.contains("quoted"),
            "no parser words in the sentence: {err}"
        );
        let details = lines
            .find(|l| l.starts_with("Details: "))
            .unwrap_or_default();
        assert!(details.contains("string values must be quoted"), "{err}");
    }
}
