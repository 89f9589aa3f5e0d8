//! Starting the engine side of the app: at launch, and once more when a config.toml that was
//! broken at launch has been fixed ([`crate::config_trouble`]). One path for both, so a
//! reloaded app is the same app a normal start gives.

use crate::bridges::Bridges;
use crate::fleet::Member;
use crate::{AppState, bridge, demo, engine, requests, window};
use lexguard::Engine;
use lexguard::connections::ConnectionName;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};

/// Manages the state, builds (or re-menus) the tray, starts the bridge, the alerts and the
/// worker. `hidden`: no window (autostart, or the window is open already after a reload).
/// Runs on the main thread (the tray lives there).
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    engine: Engine,
    demo: Option<Arc<demo::Demo>>,
    hidden: bool,
) -> tauri::Result<()> {
    start_named(app, ConnectionName::default_name(), engine, demo, hidden)
}

/// [`start`] with the first of the connections, `name` ([`add`] starts the others).
pub fn start_named<R: Runtime>(
    app: &AppHandle<R>,
    name: ConnectionName,
    engine: Engine,
    demo: Option<Arc<demo::Demo>>,
    hidden: bool,
) -> tauri::Result<()> {
    // The language chosen in the settings wins over the system's.
    if let Some(chosen) = engine.config().app.language {
        engine.set_lang(chosen);
    }
    let lang = engine.lang();
    let unconfigured = demo.is_none()
        && engine.config().lexware.client_id.is_none()
        && engine.status().map(|s| s.mode.is_none()).unwrap_or(false);
    // Subscribed before the first operation: the start-up tick's status is the first
    // thing the tray shows (not the second tick's).
    let statuses = engine.status_watch();
    let (engine_handle, inbox) = requests::channel(engine.clone());
    if !app.manage(AppState::new(name.clone(), engine_handle, demo.clone())) {
        tracing::warn!("the engine runs already");
        return Ok(());
    }
    #[cfg(not(test))]
    {
        let tray = crate::tray::build(
            app,
            demo.is_some(),
            unconfigured,
            crate::autostart::is_on(app),
            lang,
            crate::actions::on_menu,
        )?;
        crate::tray::keep(app, tray);
    }
    let bridge = Arc::new(bridge::Bridge::named(
        app.clone(),
        engine.clone(),
        demo.is_some(),
        name,
    ));
    app.manage(Bridges::<R>::default());
    app.state::<Bridges<R>>().insert(bridge.clone());
    bridge.start(statuses);
    // Alerts that leave the machine ([alerts]), from the same status channel.
    tauri::async_runtime::spawn(engine.clone().follow_alerts());
    // The local API proxy for other programs ([share] proxy); nothing without it. Every
    // connection joins it (`add` below): the local key or `api-NAME.sock` picks the connection.
    tauri::async_runtime::spawn(lexguard::share::proxy::run(engine.clone()));
    engine::spawn(engine, inbox, demo);
    if !hidden {
        window::open(app);
    } else if unconfigured {
        bridge::first_run_notice(app, lang);
    }
    Ok(())
}

/// Keeps one more connection alive beside the first: its own worker (lock, schedule,
/// backoff), bridge and alerts. `false` when the app runs it already (or runs no engine).
pub fn add<R: Runtime>(app: &AppHandle<R>, name: ConnectionName, engine: Engine) -> bool {
    let Some(state) = app.try_state::<AppState>() else {
        return false;
    };
    let lang = state.handle().engine.lang();
    engine.set_lang(engine.config().app.language.unwrap_or(lang));
    let statuses = engine.status_watch();
    let (handle, inbox) = requests::channel(engine.clone());
    let member = Member {
        name: name.clone(),
        handle,
    };
    if !state.fleet.add(member) {
        return false;
    }
    let bridge = Arc::new(bridge::Bridge::named(
        app.clone(),
        engine.clone(),
        false,
        name,
    ));
    if let Some(bridges) = app.try_state::<Bridges<R>>() {
        bridges.insert(bridge.clone());
    }
    bridge.start(statuses);
    tauri::async_runtime::spawn(engine.clone().follow_alerts());
    // Its own key and socket at the shared proxy, its own 2 requests/s budget.
    tauri::async_runtime::spawn(lexguard::share::proxy::run(engine.clone()));
    engine::spawn(engine, inbox, None);
    changed(app);
    true
}

/// Stops keeping connection `name` (its folder went): the worker finishes its operation
/// and ends, the bridge stops; the last connection always stays.
pub fn remove<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) {
    if let Some(member) = take_out(app, name) {
        tauri::async_runtime::spawn(async move { member.handle.quit().await });
    }
}

/// [`remove`], and returns once the connection's worker has ended (a refresh in flight
/// stored first): nothing of it writes to its folder after this.
pub async fn remove_now<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) {
    if let Some(member) = take_out(app, name) {
        member.handle.quit().await;
    }
}

/// Out of the fleet, its bridge stopped; the tray and the window's list follow.
fn take_out<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) -> Option<crate::fleet::Member> {
    let state = app.try_state::<AppState>()?;
    let member = state.fleet.remove(name)?;
    if let Some(bridge) = app.try_state::<Bridges<R>>().and_then(|b| b.remove(name)) {
        bridge.stop();
    }
    changed(app);
    Some(member)
}

/// The set of connections changed: the tray and the window's list follow.
fn changed<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(not(test))]
    if let Some(state) = app.try_state::<AppState>() {
        let lang = state.handle().engine.lang();
        crate::tray_board::render(app, state.demo.is_some(), lang);
    }
    crate::connection_list::emit(app);
}
