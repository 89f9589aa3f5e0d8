//! The harness of the one-shot tests: the REAL `lexguard` binary against a real simulator on
//! loopback and the real Secret Service (the session's, or a [`PrivateKeychain`]'s), with
//! optional wall-clock jumps through libfaketime.
//!
//! Include it next to `mod common;` with `#[path = "common/cli.rs"] mod cli;`.
//!
//! [`PrivateKeychain`]: ../private_keychain/struct.PrivateKeychain.html
#![allow(dead_code)]

use lexware_sim::{Control, Sim, SimConfig};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// A generous upper bound for one `lexguard` run (not an assertion on speed: a hung child is
/// killed and reported instead of hanging the test run).
pub const RUN_DEADLINE: Duration = Duration::from_secs(120);

/// One test's lexguard: its own `LEXGUARD_HOME`, its own keychain service name, a simulator.
pub struct Cli {
    pub sim: Sim,
    pub ctl: Control,
    pub home: tempfile::TempDir,
    pub service: String,
    /// Set on every child after the defaults (e.g. a private keychain's bus address).
    env: Vec<(String, String)>,
}

impl Cli {
    /// Simulator without the real rate limit (storms are injected on purpose instead).
    pub async fn new(name: &str) -> Cli {
        Self::with_sim(
            name,
            SimConfig {
                rate_limit: false,
                ..SimConfig::default()
            },
        )
        .await
    }

    pub async fn with_sim(name: &str, cfg: SimConfig) -> Cli {
        let sim = Sim::start(cfg).await.expect("sim");
        let ctl = sim.control();
        let home = tempfile::tempdir().expect("home");
        let config = crate::common::config_for(&sim, vec![]);
        config
            .save(&home.path().join("config.toml"))
            .expect("config");
        let service = format!("lexguard-fault-{name}-{}", std::process::id());
        Cli {
            sim,
            ctl,
            home,
            service,
            env: Vec::new(),
        }
    }

    /// Every later child (lexguard and secret-tool) gets `key=value`.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    /// Every later child uses this environment (e.g. `PrivateKeychain::env()`).
    pub fn use_env(&mut self, vars: Vec<(String, String)>) {
        for (k, v) in vars {
            self.set_env(&k, &v);
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join("config.toml")
    }

    /// `lexguard serve` running, logging at info, stdin closed; end it with [`stop_serve`].
    pub fn serve(&self) -> tokio::process::Child {
        let mut c = self.cmd(&["serve"]);
        c.env("LEXGUARD_LOG", "info").stdin(Stdio::null());
        c.spawn().expect("lexguard serve")
    }

    /// The real binary, German, stdin piped, no display (a locked keychain then answers at
    /// once instead of waiting for a password dialog), killed when dropped.
    pub fn cmd(&self, args: &[&str]) -> tokio::process::Command {
        let (mut c, home) = match windows_exe() {
            // scripts/test-windows: lexguard.exe under Wine; paths as Windows sees them.
            Some((wine, exe)) => {
                let mut c = tokio::process::Command::new(wine);
                c.arg(exe);
                (c, wine_path(self.home.path()))
            }
            None => (
                tokio::process::Command::new(env!("CARGO_BIN_EXE_lexguard")),
                self.home.path().as_os_str().to_owned(),
            ),
        };
        c.args(args)
            .env("LEXGUARD_HOME", home)
            .env("LEXGUARD_KEYRING_SERVICE", &self.service)
            .env("LANG", "de_DE.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LEXGUARD_CLIENT_SECRET")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Like [`Cli::cmd`], with the wall clock `offset_secs` ahead (negative: behind) through
    /// libfaketime. Only the wall clock: `FAKETIME_DONT_FAKE_MONOTONIC=1` keeps timers and
    /// timeouts real.
    pub fn cmd_at(&self, args: &[&str], offset_secs: i64) -> tokio::process::Command {
        let mut c = self.cmd(args);
        c.env("LD_PRELOAD", libfaketime())
            .env("FAKETIME", format!("{offset_secs:+}"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env("FAKETIME_DONT_RESET", "1");
        c
    }

    /// Runs to the end with `stdin` written and closed.
    pub async fn run_with(&self, mut c: tokio::process::Command, stdin: &str) -> Output {
        let mut child = c.spawn().expect("spawn lexguard");
        let mut input = child.stdin.take().expect("stdin");
        // A child that exits early closes its stdin: that is its answer, not a test failure.
        let _ = input.write_all(stdin.as_bytes()).await;
        drop(input);
        tokio::time::timeout(RUN_DEADLINE, child.wait_with_output())
            .await
            .expect("lexguard ended within the deadline")
            .expect("lexguard ran")
    }

    pub async fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with(self.cmd(args), stdin).await
    }

    /// Runs with the wall clock `offset_secs` ahead.
    pub async fn run_at(&self, args: &[&str], offset_secs: i64) -> Output {
        self.run_with(self.cmd_at(args, offset_secs), "").await
    }

    /// Client secret, login URL, consent at the simulator, `connect -`: a healthy connection.
    pub async fn connect(&self) {
        let out = self
            .run(&["client-secret", "set", "-"], "sim-secret\n")
            .await;
        assert_ok(&out);
        let redirect = self.authorize().await;
        let out = self.run(&["connect", "-"], &format!("{redirect}\n")).await;
        assert_ok(&out);
        assert!(stdout(&out).contains("Demo GmbH"), "{}", stdout(&out));
    }

    /// `lexguard login-url`, then the browser's auto-consent: the redirect address with the
    /// code (not yet redeemed).
    pub async fn authorize(&self) -> String {
        let out = self.run(&["login-url"], "").await;
        assert_ok(&out);
        let url = stdout(&out);
        assert_eq!(url.lines().count(), 1, "exactly one line: {url}");
        crate::common::authorize_at(url.trim()).await
    }

    /// `secret-tool` with this test's environment (so a private keychain is the one asked).
    pub fn secret_tool(&self, args: &[&str]) -> Output {
        let mut c = std::process::Command::new("secret-tool");
        c.args(args).stdin(Stdio::null()).env_remove("DISPLAY");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.output().expect("secret-tool (libsecret-tools) installed")
    }

    /// The raw value of one keychain entry of this test's service (`tokens`,
    /// `client-secret`), `None` when there is none (or the keychain does not answer).
    pub fn keychain_raw(&self, name: &str) -> Option<String> {
        let out = self.secret_tool(&["lookup", "service", &self.service, "username", name]);
        (out.status.success() && !out.stdout.is_empty())
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The token set as JSON (`access_token`, `refresh_token`, ...), from its entries.
    pub fn keychain_tokens(&self) -> serde_json::Value {
        crate::common::assemble_tokens(|name| self.keychain_raw(name))
            .expect("a whole token set in the keychain")
    }

    /// What `secret-tool search --all` lists for this service (attributes, no secrets shown
    /// in assertions).
    pub fn keychain_listing(&self) -> String {
        let out = self.secret_tool(&["search", "--all", "service", &self.service]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Removes this test's entries (best effort).
    pub fn clear_keychain(&self) {
        let _ = self.secret_tool(&["clear", "service", &self.service]);
    }

    /// Whether Lexware (the simulator) accepts `token` on `GET /v1/profile`.
    pub async fn accepted(&self, token: &str) -> bool {
        let resp = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .get(format!("{}/v1/profile", self.sim.url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("profile request");
        resp.status().as_u16() == 200
    }

    /// The tokens Lexware last issued are still usable: `lexguard token` (at `offset_secs`)
    /// prints a token the simulator accepts, and the connection is alive at Lexware.
    pub async fn assert_tokens_usable(&self, offset_secs: i64) {
        let out = self.run_at(&["token"], offset_secs).await;
        assert_ok(&out);
        let token = stdout(&out);
        assert_eq!(token.lines().count(), 1, "only the token on stdout");
        assert!(
            self.accepted(token.trim()).await,
            "the printed token is accepted"
        );
        assert!(self.ctl.connection_active(), "connection alive at Lexware");
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        self.clear_keychain();
    }
}

/// `LEXGUARD_TEST_WINDOWS_EXE` and `LEXGUARD_TEST_WINE` (set by scripts/test-windows): the
/// Windows build of lexguard and the Wine that runs it, instead of the host's binary.
pub fn windows_exe() -> Option<(PathBuf, PathBuf)> {
    let exe = std::env::var_os("LEXGUARD_TEST_WINDOWS_EXE").filter(|v| !v.is_empty())?;
    let wine = std::env::var_os("LEXGUARD_TEST_WINE").unwrap_or_else(|| "wine".into());
    Some((wine.into(), exe.into()))
}

/// A Linux path as a Windows program under Wine sees it (Wine maps `/` to drive `Z:`).
pub fn wine_path(p: &Path) -> std::ffi::OsString {
    format!("Z:{}", p.display()).replace('/', "\\").into()
}

/// libfaketime's preload library: `LEXGUARD_TEST_LIBFAKETIME`, the Debian/Ubuntu paths, or
/// what `dpkg -L libfaketime` lists.
pub fn libfaketime() -> PathBuf {
    if let Some(p) = std::env::var_os("LEXGUARD_TEST_LIBFAKETIME") {
        return PathBuf::from(p);
    }
    let known = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
        "/usr/local/lib/faketime/libfaketime.so.1",
    ];
    if let Some(p) = known.iter().map(Path::new).find(|p| p.exists()) {
        return p.to_path_buf();
    }
    let listed = std::process::Command::new("dpkg")
        .args(["-L", "libfaketime"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    listed
        .lines()
        .find(|l| l.ends_with("/libfaketime.so.1"))
        .map(PathBuf::from)
        .expect("libfaketime installed (scripts/setup installs it)")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Everything the person sees: stdout and stderr.
pub fn said(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

pub fn assert_ok(o: &Output) {
    assert_exit(o, 0);
}

pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\nstdout: {}\nstderr: {}",
        stdout(o),
        stderr(o)
    );
}

/// Every word must appear (case-insensitive) in what the person sees.
pub fn assert_says(o: &Output, words: &[&str]) {
    let text = said(o).to_lowercase();
    for w in words {
        assert!(
            text.contains(&w.to_lowercase()),
            "expected {w:?} in\nstdout: {}\nstderr: {}",
            stdout(o),
            stderr(o)
        );
    }
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(o)))
}

/// Whether any file under `dir` contains `needle`.
pub fn files_contain(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("dir").any(|e| {
        let p = e.expect("entry").path();
        if p.is_dir() {
            files_contain(&p, needle)
        } else {
            String::from_utf8_lossy(&std::fs::read(&p).expect("read")).contains(needle)
        }
    })
}

/// Runs every future at once (tokio tasks would need `'static`).
pub async fn futures_join_all<F: std::future::Future>(
    fs: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut set: Vec<std::pin::Pin<Box<F>>> = fs.map(Box::pin).collect();
    let mut outs: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in set.iter_mut().zip(outs.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outs.into_iter().map(|o| o.expect("done")).collect()
}

/// Ends `serve` (from [`Cli::serve`]) and returns what it logged.
pub async fn stop_serve(mut child: tokio::process::Child) -> String {
    let _ = child.start_kill();
    let out = child.wait_with_output().await.expect("serve ended");
    String::from_utf8_lossy(&out.stderr).into_owned()
}
