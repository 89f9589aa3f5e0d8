//! The WebDriver harness of `tests/e2e.rs`: the built app in demo mode, driven through its real
//! window by tauri-driver (which runs WebKitGTK's `WebKitWebDriver`, which launches the app).
//!
//! Process tree: test → tauri-driver → WebKitWebDriver → lexguard-app → WebKit processes. The
//! app inherits tauri-driver's environment, so the demo's `TMPDIR` (its home is the one
//! `lexguard-demo-*` folder there; the keychain service is `lexguard-demo-<app pid>`) and simulator
//! port are set there. [`Processes`] ends the whole tree by PID when dropped (also on panic).
//!
//! Needs a display, a session bus and an unlocked Secret Service: run inside
//! `scripts/in-session`; tauri-driver and WebKitWebDriver come from `scripts/e2e-setup`.
#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest a single wait polls before the test fails.
pub const WAIT: Duration = Duration::from_secs(30);
/// Pause between two polls.
const POLL: Duration = Duration::from_millis(150);
/// Bound on one WebDriver command, so a hung driver fails the test instead of hanging it.
const COMMAND: Duration = Duration::from_secs(20);

/// `$LEXGUARD_SCREENSHOTS`, else `<workspace>/target/screenshots`.
pub fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("LEXGUARD_SCREENSHOTS")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("target")
                .join("screenshots")
        });
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Removes this suite's screenshots of an earlier run (`NN-*.png`, `failure.png`), so the
/// folder shows only this run.
fn remove_old_screenshots(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let numbered = name.len() > 7
            && name.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            && name.as_bytes()[2] == b'-';
        if name.ends_with(".png") && (numbered || name == "failure.png") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// tauri-driver from PATH, else from cargo's bin folder.
fn tauri_driver() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("tauri-driver"))
            .find(|p| p.is_file())
    });
    let in_cargo = || {
        std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .map(|c| c.join("bin").join("tauri-driver"))
            .filter(|p| p.is_file())
    };
    on_path.or_else(in_cargo).unwrap_or_else(|| {
        panic!("tauri-driver is not installed: run scripts/e2e-setup (cargo install tauri-driver --version ^2 --locked)")
    })
}

const NATIVE_DRIVER: &str = "/usr/bin/WebKitWebDriver";

/// tauri-driver and everything below it. Dropping ends them all, by PID.
pub struct Processes {
    driver: std::process::Child,
    /// Every descendant seen so far (WebKitWebDriver, the app, its WebKit processes): they
    /// are re-parented when their parent dies, so they must be known before.
    seen: Vec<(u32, String)>,
}

impl Processes {
    fn remember(&mut self) {
        for (pid, comm, _) in desktop_harness::proc::descendants(self.driver.id()) {
            if !self.seen.iter().any(|(p, _)| *p == pid) {
                self.seen.push((pid, comm));
            }
        }
    }

    /// The app's PID, once WebKitWebDriver has launched it.
    pub fn app_pid(&mut self) -> Option<u32> {
        self.remember();
        desktop_harness::proc::descendants(self.driver.id())
            .into_iter()
            .find(|(_, comm, cmd)| comm.starts_with("lexguard-app") || cmd.contains("lexguard-app"))
            .map(|(pid, _, _)| pid)
    }

    fn alive(pid: u32, comm: &str) -> bool {
        // Same PID and same name: not a recycled PID.
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|c| c.trim() == comm && !is_zombie(pid))
    }

    fn signal(pid: u32, sig: &str) {
        let _ = Command::new("kill")
            .args([sig, &pid.to_string()])
            .stderr(Stdio::null())
            .status();
    }
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next().map(|st| st == "Z"))
        })
        .unwrap_or(true)
}

impl Drop for Processes {
    fn drop(&mut self) {
        self.remember();
        // tauri-driver ends WebKitWebDriver on SIGTERM; the rest gets SIGTERM from us, then
        // SIGKILL for whatever is still there after a grace period.
        Processes::signal(self.driver.id(), "-TERM");
        for (pid, comm) in &self.seen {
            if Processes::alive(*pid, comm) {
                Processes::signal(*pid, "-TERM");
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let driver_gone = matches!(self.driver.try_wait(), Ok(Some(_)));
            let left: Vec<_> = self
                .seen
                .iter()
                .filter(|(pid, comm)| Processes::alive(*pid, comm))
                .collect();
            if driver_gone && left.is_empty() {
                break;
            }
            if Instant::now() >= deadline {
                let _ = self.driver.kill();
                for (pid, _) in left {
                    Processes::signal(*pid, "-KILL");
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.wait();
    }
}

/// How a session starts the app.
pub enum Launch {
    /// `--demo`: the in-process simulator, the demo's own home and keychain service.
    Demo,
    /// No `--demo`, over this `LEXGUARD_HOME` and a throwaway keychain service; no simulator.
    Home(PathBuf),
}

/// Screenshots of an earlier run go once per test binary, not once per session.
static OLD_SHOTS: std::sync::Once = std::sync::Once::new();
/// Numbers the sessions of one test binary, so each has its own log.
static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// One app session, driven through its window.
pub struct E2e {
    /// `None` once closed.
    client: Option<Client>,
    /// The simulator's origin, `http://127.0.0.1:PORT`.
    pub sim: String,
    /// `TMPDIR` of the app.
    pub tmp: tempfile::TempDir,
    /// The demo's home, inside `tmp`.
    pub home: PathBuf,
    /// The demo's keychain service.
    pub service: String,
    pub shots: PathBuf,
    /// tauri-driver's, WebKitWebDriver's and the app's output.
    pub log: PathBuf,
    http: reqwest::Client,
    // Last: dropped after the client.
    procs: Processes,
}

impl E2e {
    /// Starts tauri-driver, opens a WebDriver session (which launches the app with `--demo`)
    /// and waits for the window's UI and the simulator.
    pub async fn start() -> E2e {
        E2e::start_with(Launch::Demo).await
    }

    /// Like [`E2e::start`], launching the app as `launch` says.
    pub async fn start_with(launch: Launch) -> E2e {
        let shots = screenshot_dir();
        OLD_SHOTS.call_once(|| remove_old_screenshots(&shots));
        let n = SESSIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let log = shots.join(if n == 0 {
            "e2e-app.log".to_string()
        } else {
            format!("e2e-app-{n}.log")
        });
        let tmp = tempfile::tempdir().expect("tmp");
        let (port, native_port, sim_port) = (
            test_support::ports::unused_port(),
            test_support::ports::unused_port(),
            test_support::ports::unused_port(),
        );
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let mut command = Command::new(tauri_driver());
        let args: Vec<&str> = match &launch {
            Launch::Demo => {
                command
                    .env_remove("LEXGUARD_HOME")
                    .env_remove("LEXGUARD_KEYRING_SERVICE");
                vec!["--demo"]
            }
            Launch::Home(home) => {
                command.env("LEXGUARD_HOME", home).env(
                    "LEXGUARD_KEYRING_SERVICE",
                    format!("lexguard-e2e-{}-{n}", std::process::id()),
                );
                vec![]
            }
        };
        let driver = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
                NATIVE_DRIVER,
            ])
            .env("TMPDIR", tmp.path())
            .env("LEXGUARD_DEMO_SIM_PORT", sim_port.to_string())
            .env("LEXGUARD_DEMO_FAST", "1")
            .env("LANG", "de_DE.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env("LEXGUARD_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("tauri-driver starts");
        let procs = Processes {
            driver,
            seen: Vec::new(),
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("http client");
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_for_driver(&http, &webdriver, &log).await;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({
                "application": env!("CARGO_BIN_EXE_lexguard-app"),
                "args": args,
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = tokio::time::timeout(
            Duration::from_secs(90),
            ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&webdriver),
        )
        .await
        .unwrap_or_else(|_| panic!("no WebDriver session within 90 s{}", log_tail(&log)))
        .unwrap_or_else(|e| panic!("WebDriver session not created: {e}{}", log_tail(&log)));
        let mut e2e = E2e {
            client: Some(client),
            sim: format!("http://127.0.0.1:{sim_port}"),
            tmp,
            home: PathBuf::new(),
            service: String::new(),
            shots,
            log,
            http,
            procs,
        };
        e2e.procs.remember();
        match launch {
            Launch::Demo => {
                e2e.wait_for_sim().await;
                let pid = e2e
                    .procs
                    .app_pid()
                    .expect("the app runs under WebKitWebDriver");
                e2e.service = crate::common::demo_service(pid);
                e2e.home = crate::common::wait_demo_home(e2e.tmp.path()).await;
            }
            Launch::Home(home) => {
                e2e.service = format!("lexguard-e2e-{}-{n}", std::process::id());
                e2e.home = home;
            }
        }
        e2e
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("session open")
    }

    pub fn app_pid(&mut self) -> Option<u32> {
        self.procs.app_pid()
    }

    async fn wait_for_sim(&self) {
        let url = format!("{}/_sim/counters", self.sim);
        self.until("the demo simulator to answer", async || {
            self.http
                .get(&url)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await;
    }

    /// Polls `probe` until it answers `Ok`, at most [`WAIT`]; `Err` tells what it saw.
    pub async fn until<T>(
        &self,
        what: &str,
        mut probe: impl AsyncFnMut() -> Result<T, String>,
    ) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            let seen = match tokio::time::timeout(COMMAND, probe()).await {
                Ok(Ok(v)) => return v,
                Ok(Err(seen)) => seen,
                Err(_) => format!("no answer within {COMMAND:?}"),
            };
            if Instant::now() >= deadline {
                panic!("gave up after {WAIT:?} waiting for {what}; last seen: {seen}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    // ---- the window ----------------------------------------------------------------------

    pub fn by_testid(id: &str) -> String {
        format!(r#"[data-testid="{id}"]"#)
    }

    /// The element now, or why not.
    pub async fn find(&self, id: &str) -> Result<Element, String> {
        self.client()
            .find(Locator::Css(&Self::by_testid(id)))
            .await
            .map_err(|e| format!("[data-testid={id}] not found ({e})"))
    }

    pub async fn exists(&self, id: &str) -> bool {
        self.client()
            .find_all(Locator::Css(&Self::by_testid(id)))
            .await
            .is_ok_and(|v| !v.is_empty())
    }

    /// Waits until the element is there and shown.
    pub async fn wait_visible(&self, id: &str) -> Element {
        self.until(&format!("[data-testid={id}] to be shown"), async || {
            let el = self.find(id).await?;
            match el.is_displayed().await {
                Ok(true) => Ok(el),
                Ok(false) => Err(format!("[data-testid={id}] is hidden")),
                Err(e) => Err(e.to_string()),
            }
        })
        .await
    }

    /// Clicks the element once it is shown and enabled.
    pub async fn click(&self, id: &str) {
        self.until(&format!("a click on [data-testid={id}]"), async || {
            let el = self.find(id).await?;
            if !el.is_displayed().await.map_err(|e| e.to_string())? {
                return Err(format!("[data-testid={id}] is hidden"));
            }
            if !el.is_enabled().await.map_err(|e| e.to_string())? {
                return Err(format!("[data-testid={id}] is disabled"));
            }
            el.click().await.map_err(|e| e.to_string())
        })
        .await
    }

    /// The rendered text of the element, trimmed.
    pub async fn text(&self, id: &str) -> Result<String, String> {
        let el = self.find(id).await?;
        el.text()
            .await
            .map(|t| t.trim().to_string())
            .map_err(|e| e.to_string())
    }

    /// `textContent`, trimmed (also for hidden elements).
    pub async fn text_content(&self, id: &str) -> Result<String, String> {
        let el = self.find(id).await?;
        el.prop("textContent")
            .await
            .map(|t| t.unwrap_or_default().trim().to_string())
            .map_err(|e| e.to_string())
    }

    pub async fn attr(&self, id: &str, name: &str) -> Result<Option<String>, String> {
        let el = self.find(id).await?;
        el.attr(name).await.map_err(|e| e.to_string())
    }

    /// Waits until the element's text satisfies `ok`; returns that text.
    pub async fn wait_text(&self, id: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.until(&format!("[data-testid={id}] {what}"), async || {
            let t = self.text(id).await?;
            if ok(&t) {
                Ok(t)
            } else {
                Err(format!("text {t:?}"))
            }
        })
        .await
    }

    /// Replaces the value of an input (or textarea) by typing, as a person would.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.until(
            &format!("typing {text:?} into [data-testid={id}]"),
            async || {
                let el = self.find(id).await?;
                el.clear().await.map_err(|e| format!("clear: {e}"))?;
                el.send_keys(text)
                    .await
                    .map_err(|e| format!("send_keys: {e}"))?;
                let value = el
                    .prop("value")
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default();
                if value == text {
                    Ok(())
                } else {
                    Err(format!("value is {value:?}"))
                }
            },
        )
        .await
    }

    /// Pastes `text` into an input as a browser does on Ctrl+V: the value changes in one step
    /// and an `input` event with `inputType: "insertFromPaste"` fires (WebDriver has no
    /// clipboard of its own under Xvfb). Counts as one action of a person.
    pub async fn paste_into(&self, id: &str, text: &str) {
        let script = "const el = document.querySelector(arguments[0]); if (!el) return false; \
                      el.focus(); el.value = arguments[1]; \
                      el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste', data: arguments[1]})); \
                      return true;";
        let done = self
            .client()
            .execute(script, vec![json!(Self::by_testid(id)), json!(text)])
            .await
            .unwrap_or_else(|e| panic!("pasting into [data-testid={id}]: {e}"));
        assert_eq!(done, json!(true), "[data-testid={id}] to paste into");
    }

    /// Types into the last element matching `css` (rows of a table have no test id each).
    pub async fn type_into_last(&self, css: &str, text: &str) {
        self.until(
            &format!("typing {text:?} into the last {css}"),
            async || {
                let all = self
                    .client()
                    .find_all(Locator::Css(css))
                    .await
                    .map_err(|e| e.to_string())?;
                let el = all.last().ok_or_else(|| format!("no {css}"))?;
                el.clear().await.map_err(|e| format!("clear: {e}"))?;
                el.send_keys(text)
                    .await
                    .map_err(|e| format!("send_keys: {e}"))?;
                Ok(())
            },
        )
        .await
    }

    /// Clicks the last element matching `css`.
    pub async fn click_last(&self, css: &str) {
        self.until(&format!("a click on the last {css}"), async || {
            let all = self
                .client()
                .find_all(Locator::Css(css))
                .await
                .map_err(|e| e.to_string())?;
            let el = all.last().ok_or_else(|| format!("no {css}"))?;
            el.click().await.map_err(|e| e.to_string())
        })
        .await
    }

    /// Whether the element exists and is shown now.
    pub async fn displayed(&self, id: &str) -> bool {
        match self.find(id).await {
            Ok(el) => el.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    pub async fn select(&self, id: &str, value: &str) {
        self.until(
            &format!("selecting {value:?} in [data-testid={id}]"),
            async || {
                let el = self.find(id).await?;
                el.select_by_value(value).await.map_err(|e| e.to_string())?;
                let now = el
                    .prop("value")
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default();
                if now == value {
                    Ok(())
                } else {
                    Err(format!("value is {now:?}"))
                }
            },
        )
        .await
    }

    /// `(data-event-type, data-action)` of every row of `webhook-results`.
    pub async fn webhook_rows(&self) -> Result<Vec<(String, String)>, String> {
        let css = format!("{} tr[data-event-type]", Self::by_testid("webhook-results"));
        let rows = self
            .client()
            .find_all(Locator::Css(&css))
            .await
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for row in rows {
            let event = row
                .attr("data-event-type")
                .await
                .map_err(|e| e.to_string())?
                .unwrap_or_default();
            let action = match row.find(Locator::Css("td.action")).await {
                Ok(cell) => cell
                    .attr("data-action")
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default(),
                Err(e) => format!("<no td.action: {e}>"),
            };
            out.push((event, action));
        }
        Ok(out)
    }

    /// What the window shows, as text (for failure messages).
    pub async fn screen_text(&self) -> String {
        let Some(client) = &self.client else {
            return "<session closed>".into();
        };
        let script = "return document.body ? document.body.innerText : '<no body>'";
        match tokio::time::timeout(COMMAND, client.execute(script, vec![])).await {
            Ok(Ok(Value::String(s))) => s,
            Ok(Ok(v)) => v.to_string(),
            Ok(Err(e)) => format!("<page text not readable: {e}>"),
            Err(_) => "<page text: no answer>".into(),
        }
    }

    /// Scrolls the element into the window (`block`: "start", "center", "end"), at once.
    pub async fn scroll_to(&self, id: &str, block: &str) {
        let script = "const el = document.querySelector(arguments[0]); \
                      if (el) el.scrollIntoView({block: arguments[1], behavior: 'instant'}); \
                      return !!el;";
        let found = self
            .client()
            .execute(script, vec![json!(Self::by_testid(id)), json!(block)])
            .await
            .unwrap_or_else(|e| panic!("scrolling to [data-testid={id}]: {e}"));
        assert_eq!(found, json!(true), "[data-testid={id}] to scroll to");
    }

    /// Scrolls the page to its very top (header and navigation), then saves a screenshot.
    pub async fn shot_top(&self, name: &str) -> PathBuf {
        self.client()
            .execute(
                "window.scrollTo({top: 0, left: 0, behavior: 'instant'});",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("scrolling to the top: {e}"));
        self.shot(name).await
    }

    /// Scrolls `id` into the window, then saves a screenshot (the viewport, as a person sees it).
    pub async fn shot_at(&self, name: &str, id: &str, block: &str) -> PathBuf {
        self.scroll_to(id, block).await;
        self.shot(name).await
    }

    /// Saves a screenshot of the window as `<screenshot dir>/<name>.png`.
    pub async fn shot(&self, name: &str) -> PathBuf {
        let path = self.shots.join(format!("{name}.png"));
        let png = tokio::time::timeout(COMMAND, self.client().screenshot())
            .await
            .unwrap_or_else(|_| panic!("screenshot {name}: no answer"))
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        std::fs::write(&path, png).expect("screenshot written");
        eprintln!("e2e: screenshot {}", path.display());
        path
    }

    /// On failure: a screenshot, the window's text and the end of the app's log.
    pub async fn report_failure(&self) -> String {
        let mut report = String::new();
        if let Some(client) = &self.client {
            let path = self.shots.join("failure.png");
            match tokio::time::timeout(COMMAND, client.screenshot()).await {
                Ok(Ok(png)) if std::fs::write(&path, &png).is_ok() => {
                    report.push_str(&format!("\nscreenshot: {}", path.display()));
                }
                _ => report.push_str("\nscreenshot: could not be taken"),
            }
        }
        report.push_str(&format!(
            "\n--- on screen ---\n{}\n--- end of screen ---",
            self.screen_text().await
        ));
        report.push_str(&log_tail(&self.log));
        report
    }

    /// Ends the WebDriver session cleanly (the processes end when `self` drops).
    pub async fn close(&mut self) {
        if let Some(client) = self.client.take() {
            match tokio::time::timeout(COMMAND, client.close()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => eprintln!("e2e: closing the WebDriver session: {e}"),
                Err(_) => eprintln!("e2e: closing the WebDriver session: no answer"),
            }
        }
        let _ = Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .stderr(Stdio::null())
            .status();
    }

    // ---- the simulator and the app's files ------------------------------------------------

    pub async fn sim_get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.sim))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.expect("json")
    }

    pub async fn sim_post(&self, path: &str) {
        let resp = self
            .http
            .post(format!("{}{path}", self.sim))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        assert!(resp.status().is_success(), "POST {path}: {}", resp.status());
    }

    /// `POST` without a body; the answer's JSON.
    pub async fn sim_post_for(&self, path: &str) -> Value {
        let resp = self
            .http
            .post(format!("{}{path}", self.sim))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        assert!(resp.status().is_success(), "POST {path}: {}", resp.status());
        resp.json().await.expect("json")
    }

    /// Injects a simulator fault (`POST /_sim/fault`, see sim/README.md).
    pub async fn sim_fault(&self, fault: Value) {
        let resp = self
            .http
            .post(format!("{}/_sim/fault", self.sim))
            .json(&fault)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /_sim/fault: {e}"));
        assert!(
            resp.status().is_success(),
            "POST /_sim/fault {fault}: {}",
            resp.status()
        );
    }

    pub async fn sim_delete(&self, path: &str) {
        let resp = self
            .http
            .delete(format!("{}{path}", self.sim))
            .send()
            .await
            .unwrap_or_else(|e| panic!("DELETE {path}: {e}"));
        assert!(
            resp.status().is_success(),
            "DELETE {path}: {}",
            resp.status()
        );
    }

    pub async fn counters(&self) -> Value {
        self.sim_get("/_sim/counters").await
    }

    /// `(event_type, callback_url)` of every subscription the simulator holds, sorted.
    pub async fn subscriptions(&self) -> Vec<(String, String)> {
        let list = self.sim_get("/_sim/subscriptions").await;
        let mut out: Vec<_> = list
            .as_array()
            .expect("a list")
            .iter()
            .map(|s| {
                (
                    s["event_type"].as_str().unwrap_or_default().to_string(),
                    s["callback_url"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// What a person's browser does with the login link: follow it to the copy-code page (the
    /// simulator consents at once) and read the code shown there.
    pub async fn code_from_browser(&self, login_url: &str) -> String {
        test_support::browser::code_from_copy_page(login_url).await
    }

    pub fn config_toml(&self) -> String {
        std::fs::read_to_string(self.home.join("config.toml")).unwrap_or_default()
    }
}

async fn wait_for_driver(http: &reqwest::Client, url: &str, log: &Path) {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(r) = http.get(format!("{url}/status")).send().await
            && r.status().is_success()
        {
            return;
        }
        if Instant::now() >= deadline {
            panic!("tauri-driver never answered on {url}{}", log_tail(log));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The last lines of the drivers' and the app's output.
pub fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(60);
    format!(
        "\n--- {} (last {} lines) ---\n{}\n--- end of log ---",
        log.display(),
        lines.len() - from,
        lines[from..].join("\n")
    )
}
