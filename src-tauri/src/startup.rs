//! Starting the engine side of the app: at launch, and once more when a config.toml that was
//! broken at launch has been fixed ([`crate::config_trouble`]). One path for both, so a
//! reloaded app is the same app a normal start gives.

use crate::{AppState, bridge, demo, engine, requests, window};
use lexguard::Engine;
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
    if !app.manage(AppState {
        handle: engine_handle,
        demo: demo.clone(),
    }) {
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
    let bridge = Arc::new(bridge::Bridge::new(
        app.clone(),
        engine.clone(),
        demo.is_some(),
    ));
    app.manage(bridge.clone());
    bridge.start(statuses);
    // Alerts that leave the machine ([alerts]), from the same status channel.
    tauri::async_runtime::spawn(engine.clone().follow_alerts());
    // The local API proxy for other programs ([share] proxy); nothing without it.
    tauri::async_runtime::spawn(lexguard::share::proxy::run(engine.clone()));
    engine::spawn(engine, inbox, demo);
    if !hidden {
        window::open(app);
    } else if unconfigured {
        bridge::first_run_notice(app, lang);
    }
    Ok(())
}
