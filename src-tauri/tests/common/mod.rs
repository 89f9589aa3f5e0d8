//! Shared by the desktop tests: the built tray app, headless, with real parts (Xvfb, a private
//! D-Bus session, the real gnome-keyring) and test-owned desktop services that observe it.
//! Each test file owns the bus names it needs, so the files run one after another.
#![allow(dead_code)]

use desktop_harness::{TrayWatcher, proc};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(60);

/// The demo app. Its home and keychain service are the demo's own throwaway ones (it ignores
/// `LEXGUARD_HOME` / `LEXGUARD_KEYRING_SERVICE`): the home is the one `lexguard-demo-*` folder
/// in the app's `TMPDIR` (a folder of the test), the service `lexguard-demo-<pid>`.
pub struct App {
    pub child: tokio::process::Child,
    /// The app's `TMPDIR`.
    pub tmp: tempfile::TempDir,
    /// The demo's home, inside `tmp`.
    pub home: std::path::PathBuf,
    pub service: String,
    pub sim: String,
}

/// The keychain service of the demo app with this pid.
pub fn demo_service(pid: u32) -> String {
    format!("lexguard-demo-{pid}")
}

/// The `lexguard-demo-*` folders in `tmp`.
pub fn demo_homes(tmp: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut homes: Vec<_> = std::fs::read_dir(tmp)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with("lexguard-demo-")
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    homes.sort();
    homes
}

/// Waits for the single demo home the app creates in `tmp`.
pub async fn wait_demo_home(tmp: &std::path::Path) -> std::path::PathBuf {
    let deadline = Instant::now() + WAIT;
    loop {
        let homes = demo_homes(tmp);
        if homes.len() == 1 && homes[0].join("config.toml").exists() {
            return homes[0].clone();
        }
        assert!(
            homes.len() <= 1,
            "more than one demo home in {}: {homes:?}",
            tmp.display()
        );
        assert!(
            Instant::now() < deadline,
            "no demo home in {}",
            tmp.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl App {
    /// The demo app with `tmp` as its `TMPDIR`; it keeps its home and keychain entries after
    /// quitting (`LEXGUARD_DEMO_KEEP=1`) so the test can look at what it persisted.
    pub fn command(tmp: &std::path::Path, port: u16) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_lexguard-app"));
        c.args(["--demo", "--hidden"])
            .env("TMPDIR", tmp)
            .env_remove("LEXGUARD_HOME")
            .env_remove("LEXGUARD_KEYRING_SERVICE")
            .env("LEXGUARD_DEMO_KEEP", "1")
            .env("LEXGUARD_DEMO_SIM_PORT", port.to_string())
            .env("LEXGUARD_DEMO_FAST", "1")
            .env("LANG", "de_DE.UTF-8")
            .env_remove("LC_ALL")
            .env("LEXGUARD_LOG", "info")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        c
    }

    pub async fn launch(_name: &str) -> App {
        Self::launch_with(|_| {}).await
    }

    /// Launches with changes to the command (more variables, another schedule).
    pub async fn launch_with(change: impl FnOnce(&mut tokio::process::Command)) -> App {
        wait_until_no_instance().await;
        let tmp = tempfile::tempdir().expect("tmp");
        let port = test_support::ports::unused_port();
        let mut cmd = Self::command(tmp.path(), port);
        change(&mut cmd);
        let mut child = cmd.spawn().expect("app starts");
        let service = demo_service(child.id().expect("pid"));
        let sim = format!("http://127.0.0.1:{port}");
        wait_for_sim(&mut child, &sim).await;
        let home = wait_demo_home(tmp.path()).await;
        App {
            child,
            tmp,
            home,
            service,
            sim,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    pub async fn counters(&self) -> serde_json::Value {
        reqwest::get(format!("{}/_sim/counters", self.sim))
            .await
            .expect("counters")
            .json()
            .await
            .expect("json")
    }

    pub async fn wait_counter(&self, name: &str, at_least: u64) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let c = self.counters().await;
            if c[name].as_u64().unwrap_or(0) >= at_least {
                return c;
            }
            assert!(
                Instant::now() < deadline,
                "{name} never reached {at_least}: {c}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn sim_post(&self, path: &str) {
        let resp = reqwest::Client::new()
            .post(format!("{}{path}", self.sim))
            .send()
            .await
            .expect("sim control");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
    }

    pub fn webkit_processes(&self) -> Vec<String> {
        proc::descendants(self.pid())
            .into_iter()
            .filter(|(_, comm, cmd)| comm.contains("WebKit") || cmd.contains("WebKit"))
            .map(|(pid, comm, _)| format!("{pid} {comm}"))
            .collect()
    }

    /// The `lexguard` CLI on the app's home and keychain service: "through the core".
    pub async fn cli(&self, args: &[&str], stdin: &str) -> std::process::Output {
        use tokio::io::AsyncWriteExt;
        let mut child = tokio::process::Command::new(cli_binary())
            .args(args)
            .env("LEXGUARD_HOME", &self.home)
            .env("LEXGUARD_KEYRING_SERVICE", &self.service)
            .env("LANG", "de_DE.UTF-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lexguard CLI");
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).await.expect("stdin");
        drop(input);
        child.wait_with_output().await.expect("cli ran")
    }

    pub fn cleanup(&self) {
        let _ = std::process::Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .status();
    }
}

/// Waits until the demo's simulator answers (the app exiting first fails the test).
pub async fn wait_for_sim(child: &mut tokio::process::Child, sim: &str) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the app exited before its simulator came up: {status:?}");
        }
        if reqwest::get(format!("{sim}/_sim/counters")).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the demo simulator never came up");
}

/// The core's CLI binary, built into the same target directory by the workspace test run.
pub fn cli_binary() -> std::path::PathBuf {
    let exe = std::path::PathBuf::from(env!("CARGO_BIN_EXE_lexguard-app"));
    let path = exe.with_file_name("lexguard");
    assert!(
        path.exists(),
        "build the CLI first: cargo build -p lexguard ({})",
        path.display()
    );
    path
}

/// The browser at the login link: where Lexware redirects to (`…/callback?code=…&state=…`).
#[allow(unused_imports)] // not every test file logs in
pub use test_support::browser::follow_login as authorize;

pub fn labels(menu: &[desktop_harness::MenuItem]) -> Vec<String> {
    menu.iter()
        .filter(|m| m.visible && m.toggle_type != "separator")
        .map(|m| m.label.clone())
        .collect()
}

pub async fn wait_menu_contains(
    w: &TrayWatcher,
    item: &desktop_harness::TrayItem,
    text: &str,
) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let l = labels(&w.menu(item).await.expect("menu"));
        if l.iter().any(|x| x.contains(text)) {
            return l;
        }
        assert!(
            Instant::now() < deadline,
            "menu never showed {text:?}: {l:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// An app from an earlier test may still be going away; a new one would hand over to it
/// (single instance) or fail to register its GTK application id. Wait until every D-Bus
/// name of an earlier instance (`de.lexguard.app`, `de.lexguard.app.SingleInstance`) is gone.
pub async fn wait_until_no_instance() {
    let Ok(conn) = zbus::Connection::session().await else {
        return;
    };
    let Ok(dbus) = zbus::fdo::DBusProxy::new(&conn).await else {
        return;
    };
    let deadline = Instant::now() + WAIT;
    loop {
        let names = dbus.list_names().await.unwrap_or_default();
        if !names
            .iter()
            .any(|n| n.as_str().starts_with("de.lexguard.app"))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "an earlier lexguard-app never went away"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks a tray menu entry. The app relabels its menu after every check, and a host may
/// read a layout that is being rebuilt: read it again and retry a few times, like a person
/// who opens the menu once more.
pub async fn click(w: &TrayWatcher, item: &desktop_harness::TrayItem, label: &str) {
    click_retrying(w, item, label, false).await;
}

/// Clicks "Beenden". The app may quit before it answers the click; then its bus name is gone
/// and a retry could only fail: the click arrived. The caller's wait for the exit (with its
/// exit code) is the proof that it quit.
pub async fn click_quit(w: &TrayWatcher, item: &desktop_harness::TrayItem) {
    click_retrying(w, item, "Beenden", true).await;
}

/// `quits`: the entry ends the app, so the app leaving the bus counts as the click arriving.
async fn click_retrying(
    w: &TrayWatcher,
    item: &desktop_harness::TrayItem,
    label: &str,
    quits: bool,
) {
    let mut last = None;
    for _ in 0..10 {
        match w.click(item, label).await {
            Ok(()) => return,
            Err(_) if quits && w.is_gone(item).await => return,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("could not click {label:?}: {last:?}");
}

impl App {
    /// Injects a simulator fault (`POST /_sim/fault`, see sim/README.md).
    pub async fn sim_fault(&self, fault: serde_json::Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}/_sim/fault", self.sim))
            .json(&fault)
            .send()
            .await
            .expect("fault");
        assert!(resp.status().is_success(), "{fault}: {}", resp.status());
    }

    /// `last_tick_at` of the demo's state.json.
    pub fn last_tick(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.home.join("state.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["last_tick_at"].as_str().map(str::to_string)
    }

    pub fn history(&self) -> String {
        std::fs::read_to_string(self.home.join("history.jsonl")).unwrap_or_default()
    }

    /// The token set in the app's keychain service as one JSON object, put together from its
    /// entries (the `tokens` head and the access token's parts tagged with the head's
    /// generation, see `lexguard::store::token_layout`).
    pub fn keychain_tokens(&self) -> Option<serde_json::Value> {
        let lookup = |name: &str| {
            let raw = std::process::Command::new("secret-tool")
                .args(["lookup", "service", &self.service, "username", name])
                .output()
                .expect("secret-tool");
            String::from_utf8(raw.stdout).ok().filter(|s| !s.is_empty())
        };
        test_support::assemble_tokens(lookup)
    }
}

/// Tests of one binary that each own the desktop's bus names run one after another.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A tray watcher; an earlier test's watcher may still be giving its names back.
pub async fn start_watcher() -> TrayWatcher {
    let deadline = Instant::now() + WAIT;
    loop {
        match TrayWatcher::start().await {
            Ok(w) => return w,
            Err(e) => assert!(Instant::now() < deadline, "own StatusNotifierWatcher: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
