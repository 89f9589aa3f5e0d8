//! The window's commands through Tauri's IPC on the mock runtime, registered by the app's own
//! builder (`app_builder`, what `run_app` runs): payloads, `{kind, message}` errors, that no
//! secret comes back, that what a command did reaches the tray and the window's status event
//! through the bridge alone, and that every command the window names is registered.

use crate::bridge::{Bridge, STATUS_EVENT};
use crate::ipc::Command;
use crate::{AppState, engine, requests};
use lexguard::store::MemoryStore;
use lexguard::{Engine, EngineOptions, Home, Lang, ManualClock};
use lexware_sim::{Sim, SimConfig};
use serde_json::{Value, json};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

struct Fixture {
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    sim: Sim,
    engine: Engine,
    home: tempfile::TempDir,
    bridge: Arc<Bridge<MockRuntime>>,
    /// Every status event the window would have received.
    emitted: Arc<std::sync::Mutex<Vec<Value>>>,
    /// Kept when the worker is not started: requests wait in it, nothing ticks.
    _inbox: Option<requests::Inbox>,
}

fn fixture() -> Fixture {
    fixture_with(true, false)
}

/// `worker: false`: no timer, no start-up tick; only commands move the engine.
/// `validate_always`: every check asks Lexware (as the demo's fast schedule does).
fn fixture_with(worker: bool, validate_always: bool) -> Fixture {
    let sim = tauri::async_runtime::block_on(Sim::start(SimConfig::default())).expect("sim");
    let redirect = format!("{}/copy-code", sim.url());
    let (engine, home) = engine_at(
        &sim,
        &redirect,
        validate_always.then(|| lexguard::config::Schedule {
            validate_every: std::time::Duration::ZERO,
            ..lexguard::Config::default().schedule
        }),
    );
    // The app's own plugins and handler list (what `run_app` registers); the engine is wired
    // below instead of the real launch.
    let app = crate::app_builder(mock_builder(), |_| Ok(()))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let emitted = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = emitted.clone();
    app.listen_any(STATUS_EVENT, move |e| {
        if let Ok(v) = serde_json::from_str::<Value>(e.payload()) {
            sink.lock().expect("lock").push(v);
        }
    });
    // Wired as in `run_app`'s setup: subscribe, then the bridge, then the worker.
    let statuses = engine.status_watch();
    let (handle, inbox) = requests::channel(engine.clone());
    app.manage(AppState::new(
        lexguard::connections::ConnectionName::default_name(),
        handle,
        None,
    ));
    let bridge = Arc::new(Bridge::new(app.handle().clone(), engine.clone(), false));
    bridge.start(statuses);
    let inbox = if worker {
        engine::spawn(engine.clone(), inbox, None);
        None
    } else {
        Some(inbox)
    };
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("webview");
    Fixture {
        _app: app,
        webview,
        sim,
        engine,
        home,
        bridge,
        emitted,
        _inbox: inbox,
    }
}

impl Fixture {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().expect("json"))
    }

    /// Waits (generously) until the bridge rendered a status that satisfies `ok`.
    fn wait_shown(&self, what: &str, ok: impl Fn(&crate::bridge::Shown) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if self.bridge.shown().as_ref().is_some_and(&ok) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: the bridge shows {:?}",
                self.bridge.shown()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn wait_emitted(&self, what: &str, ok: impl Fn(&Value) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.emitted.lock().expect("lock").iter().any(&ok) {
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: emitted {:?}",
                self.emitted.lock().expect("lock")
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Logs in at the simulator as a browser would; returns the address to paste.
    fn consent(&self) -> String {
        let url = tauri::async_runtime::block_on(self.engine.login_url()).expect("url");
        tauri::async_runtime::block_on(test_support::browser::follow_login(&url))
    }
}

#[test]
fn connect_and_disconnect_reach_tray_and_window_without_any_tick() {
    let f = fixture_with(false, false);
    assert_eq!(f.bridge.shown(), None, "nothing happened yet");
    let pasted = f.consent();
    let r = f
        .call("connect", json!({"pasted": pasted}))
        .expect("connected");
    assert_eq!(r["status"]["state"], "healthy");
    f.wait_shown("after connect", |s| {
        s.state == lexguard::ConnState::Healthy
            && s.headline
                .starts_with("Verbunden mit Demo GmbH · Verbindung gültig bis")
    });
    f.wait_emitted("after connect", |v| {
        v["state"] == "healthy" && v["company"] == "Demo GmbH"
    });

    let s = f.call("disconnect", json!({})).expect("disconnected");
    assert_eq!(s["state"], "not_connected");
    f.wait_shown("after disconnect", |s| {
        s.state == lexguard::ConnState::NotConnected && s.headline == "Nicht verbunden"
    });
    f.wait_emitted("after disconnect", |v| v["state"] == "not_connected");
    let status = f.call("get_status", json!({})).expect("status");
    assert_eq!(status["last_tick_at"], Value::Null, "no tick ran: {status}");
}

#[test]
fn check_now_reports_a_failing_check_as_a_failure() {
    let f = fixture_with(true, true);
    let pasted = f.consent();
    f.call("connect", json!({"pasted": pasted}))
        .expect("connected");
    let ok = f.call("tick_now", json!({})).expect("outcome");
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["error"], Value::Null, "{ok}");
    f.sim.control().fail_next(50, 503);
    let failed = f.call("tick_now", json!({})).expect("outcome");
    assert_eq!(failed["ok"], false, "{failed}");
    assert_ne!(failed["status"]["state"], "healthy", "{failed}");
    f.wait_shown("after the failed check", |s| {
        s.state != lexguard::ConnState::Healthy
    });
}

#[test]
fn status_and_event_types() {
    let f = fixture();
    let status = f.call("get_status", json!({})).expect("status");
    assert_eq!(status["state"], "not_connected");
    assert!(
        status["message"]
            .as_str()
            .is_some_and(|m| m.contains("Nicht verbunden"))
    );
    let types = f.call("event_types", json!({})).expect("types");
    assert_eq!(types.as_array().map(Vec::len), Some(42));
}

#[test]
fn a_garbage_code_is_a_typed_error() {
    let f = fixture();
    let e = f
        .call("connect", json!({"pasted": "das ist kein code"}))
        .expect_err("garbage");
    assert_eq!(e["kind"], "invalid_input");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("Leerzeichen")),
        "{e}"
    );
}

#[test]
fn connect_returns_company_and_webhooks_but_no_token() {
    let f = fixture();
    let location = f.consent();
    let mut settings_hooks =
        json!([{"event_type": "invoice.created", "callback_url": f.sim.control().hook_url("x")}]);
    f.call("save_webhooks", json!({"webhooks": settings_hooks.take()}))
        .expect("webhooks saved");
    let r = f
        .call("connect", json!({"pasted": location}))
        .expect("connected");
    assert_eq!(r["company"], "Demo GmbH");
    assert_eq!(r["status"]["state"], "healthy");
    assert_eq!(r["webhooks"][0]["action"], "created");
    let text = r.to_string();
    assert!(!text.contains("access_token") && !text.contains("refresh_token"));
    let code = test_support::browser::code_of(&location);
    assert!(!text.contains(&code), "the code does not come back");
}

#[test]
fn settings_are_validated_saved_and_the_secret_never_returns() {
    let f = fixture();
    let mut s = f.call("get_settings", json!({})).expect("settings");
    assert_eq!(s["check_every_secs"], 60);
    s["check_every_secs"] = json!(420);
    let e = f
        .call("save_settings", json!({"settings": s.clone()}))
        .expect_err("7 minutes");
    assert_eq!(e["kind"], "config");
    assert_eq!(e["field"], "schedule.check_every");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 bis 5 Minuten")),
        "{e}"
    );
    s["check_every_secs"] = json!(120);
    let saved = f
        .call("save_settings", json!({"settings": s.clone()}))
        .expect("2 minutes");
    assert_eq!(saved["check_every_secs"], 120);
    let toml = std::fs::read_to_string(f.home.path().join("config.toml")).expect("config.toml");
    assert!(toml.contains("check_every = \"2m\""), "{toml}");

    f.call(
        "set_client_secret",
        json!({"secret": "VERY-SECRET-VALUE-123"}),
    )
    .expect("stored");
    let after = f.call("get_settings", json!({})).expect("settings");
    assert_eq!(after["client_secret_set"], true);
    assert!(!after.to_string().contains("VERY-SECRET-VALUE-123"));
    assert!(!toml.contains("VERY-SECRET"));
}

#[test]
fn history_is_secret_free_json() {
    let f = fixture();
    let h = f
        .call("get_history", json!({"limit": 10}))
        .expect("history");
    assert!(h.is_array());
}

#[test]
fn a_loopback_redirect_completes_the_login_without_pasting() {
    let f = fixture();
    let port = test_support::ports::unused_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let mut config = f.engine.config();
    config.lexware.redirect_uri = Some(redirect.clone());
    tauri::async_runtime::block_on(f.engine.update_config(|cfg| *cfg = config.clone()))
        .expect("config");
    let url = tauri::async_runtime::block_on(f.engine.login_url()).expect("url");
    let listening = tauri::async_runtime::block_on(crate::loopback::start(
        f._app.handle().clone(),
        f.engine.clone(),
        &redirect,
        &url,
    ));
    assert!(listening);
    // A redirect without this login's state is refused and never reaches the engine.
    for forged in ["code=abc", "code=abc&state=an-older-login"] {
        let page = tauri::async_runtime::block_on(async {
            reqwest::get(format!("{redirect}?{forged}"))
                .await
                .expect("forged")
                .text()
                .await
                .expect("page")
        });
        assert!(page.contains("nicht angenommen"), "{page}");
        let status = f.call("get_status", json!({})).expect("status");
        assert_eq!(status["state"], "not_connected", "{forged}");
    }
    // Another connection starts its login while this one's listener runs: the redirect goes
    // to the connection whose login is open now, never to this one.
    let (other, _other_sim, _other_home) = second_engine(&redirect);
    let other_url = tauri::async_runtime::block_on(other.login_url()).expect("url");
    assert!(tauri::async_runtime::block_on(crate::loopback::start(
        f._app.handle().clone(),
        other.clone(),
        &redirect,
        &other_url,
    )));
    let page = tauri::async_runtime::block_on(test_support::browser::open_login(&other_url));
    assert!(page.contains("Verbunden"), "{page}");
    assert_eq!(
        other.status().expect("status").state,
        lexguard::ConnState::Healthy
    );
    let status = f.call("get_status", json!({})).expect("status");
    assert_eq!(
        status["state"], "not_connected",
        "not this connection's login"
    );
    // This connection logs in again: its own redirect reaches it.
    let url = tauri::async_runtime::block_on(f.engine.login_url()).expect("url");
    assert!(tauri::async_runtime::block_on(crate::loopback::start(
        f._app.handle().clone(),
        f.engine.clone(),
        &redirect,
        &url,
    )));
    // The browser: Lexware redirects to the loopback address, lexguard answers the page.
    let page = tauri::async_runtime::block_on(test_support::browser::open_login(&url));
    assert!(page.contains("Verbunden"), "{page}");
    let status = f.call("get_status", json!({})).expect("status");
    assert_eq!(status["state"], "healthy");
    assert_eq!(status["company"], "Demo GmbH");
}

/// A second connection's engine at its own simulator, with the loopback `redirect`.
fn second_engine(redirect: &str) -> (Engine, Sim, tempfile::TempDir) {
    let sim = tauri::async_runtime::block_on(Sim::start(SimConfig::default())).expect("sim");
    let (engine, home) = engine_at(&sim, redirect, None);
    (engine, sim, home)
}

/// An engine in a fresh home, logged in nowhere yet, for the partner app of `sim`.
fn engine_at(
    sim: &Sim,
    redirect: &str,
    schedule_override: Option<lexguard::config::Schedule>,
) -> (Engine, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("home");
    let mut config = lexguard::Config::default();
    config.lexware.auth_url = sim.url();
    config.lexware.api_url = sim.url();
    config.lexware.client_id = Some(SimConfig::default().client_id);
    config.lexware.redirect_uri = Some(redirect.to_string());
    let engine = Engine::new(EngineOptions {
        home: Home::at(home.path()),
        config,
        store: Arc::new(MemoryStore::new()),
        clock: Arc::new(ManualClock::new(sim.control().now())),
        lang: Lang::De,
        client_secret: Some(lexguard::ClientSecret::new(
            SimConfig::default().client_secret,
        )),
        schedule_override,
    });
    (engine, home)
}

/// config.toml edited by hand while the app runs: "Speichern" in the settings and in the
/// webhooks writes only what the person changed there; comments, `[alerts]` and the
/// hand-added `[[webhooks]]` entry stay word for word.
#[test]
fn saves_edit_the_file_and_keep_what_was_written_by_hand() {
    let f = fixture_with(false, false);
    let path = f.home.path().join("config.toml");
    let s = f.call("get_settings", json!({})).expect("settings");
    let hook = f.sim.control().hook_url("contact");
    let hand = format!(
        "\n# Überwachung\n[alerts]\nping_url = \"http://127.0.0.1:9/ping\" # von Hand\n\n# CRM\n[[webhooks]]\nevent_type = \"contact.changed\" # CRM\ncallback_url = \"{hook}\"\n"
    );
    let mut before = std::fs::read_to_string(&path).unwrap_or_default();
    if before.is_empty() {
        f.engine.config().save(&path).expect("config.toml");
        before = std::fs::read_to_string(&path).expect("config.toml");
    }
    std::fs::write(&path, format!("{before}{hand}")).expect("hand edit");
    let kept = |after: &str| {
        let toml = std::fs::read_to_string(&path).expect("config.toml");
        for line in hand.lines().filter(|l| !l.is_empty()) {
            assert!(
                toml.lines().any(|l| l == line),
                "{after}: {line:?} lost:\n{toml}"
            );
        }
        toml
    };
    let mut form = s.clone();
    form["check_every_secs"] = json!(120);
    f.call("save_settings", json!({"settings": form}))
        .expect("saved");
    assert!(kept("settings").contains("check_every = \"2m\""));
    let listed = f.engine.config().webhooks;
    assert_eq!(listed.len(), 1, "the engine now knows the hand-added entry");
    let mut sent = serde_json::to_value(&listed).expect("json");
    sent.as_array_mut().expect("list").push(
        json!({"event_type": "invoice.created", "callback_url": f.sim.control().hook_url("x")}),
    );
    let saved = f
        .call("save_webhooks", json!({"webhooks": sent}))
        .expect("webhooks saved");
    assert_eq!(saved.as_array().map(Vec::len), Some(2));
    assert!(kept("webhooks").contains("invoice.created"));
}

/// A config.toml broken by hand is never overwritten by a save: the window gets the whole
/// sentence with file and line, and the file stays as it is.
#[test]
fn a_save_over_a_broken_file_names_file_and_line_and_changes_nothing() {
    let f = fixture_with(false, false);
    let path = f.home.path().join("config.toml");
    let s = f.call("get_settings", json!({})).expect("settings");
    let broken = "[schedule]\ncheck_every = 2m\n";
    std::fs::write(&path, broken).expect("broken by hand");
    let mut form = s.clone();
    form["check_every_secs"] = json!(180);
    let e = f
        .call("save_settings", json!({"settings": form}))
        .expect_err("the file does not read");
    assert_eq!(e["kind"], "config");
    assert_eq!(e["field"], Value::Null, "not a field of the form");
    let message = e["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("config.toml, Zeile 2: Text muss in Anführungszeichen stehen"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}

/// Every command the window may invoke (`Command::ALL`, exported to TypeScript) is in the
/// handler list the app registers: none answers like an unknown command does. Commands that
/// need arguments refuse the empty ones instead. Left out: the ones that would open a browser
/// or a file manager, or read the real home's config.toml (`ipc.rs` holds their names against
/// the list's text).
#[test]
fn every_command_of_the_window_is_registered() {
    let f = fixture();
    let unknown = f
        .call("no_such_command", json!({}))
        .expect_err("an unknown command is refused")
        .to_string();
    assert!(unknown.contains("no_such_command"), "{unknown}");
    let reaches_out = [
        Command::StartLogin,
        Command::OpenDataFolder,
        Command::OpenConfigFolder,
        Command::ReloadConfig,
    ];
    for c in Command::ALL
        .into_iter()
        .filter(|c| !reaches_out.contains(c))
    {
        let name = c.name();
        if let Err(e) = f.call(&name, json!({})) {
            assert_ne!(
                e.to_string(),
                unknown.replace("no_such_command", &name),
                "{name} is not registered"
            );
        }
    }
}
