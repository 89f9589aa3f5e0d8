//! "Beim Anmelden starten" has one source of truth: the system's autostart entry
//! (tauri-plugin-autostart: a `.desktop` file in `~/.config/autostart` on Linux, a LaunchAgent
//! on macOS, the Run key on Windows), never config.toml. The tray's check mark and the
//! window's checkbox both read it and both change it here, at once, and each change is shown
//! on both; saving the settings never touches it.

use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_autostart::ManagerExt;

/// Emitted when start at login changed (from the tray or the window), payload `bool`.
pub const AUTOSTART_EVENT: &str = "lexguard://autostart";

/// What the system says now (`false` when it cannot say).
pub fn is_on<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.autolaunch().is_enabled().unwrap_or(false)
}

/// Switches start at login to `on` and shows the system's answer in the tray and the window.
/// Returns that answer; `Err` (the system's words) when the change did not take.
pub fn set<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<bool, String> {
    let launch = app.autolaunch();
    let changed = if is_on(app) == on {
        Ok(())
    } else if on {
        make_room();
        launch.enable()
    } else {
        launch.disable()
    };
    let now = is_on(app);
    #[cfg(not(test))]
    crate::tray::set_autostart(app, now);
    if let Err(e) = app.emit(AUTOSTART_EVENT, now) {
        tracing::debug!(error = %e, "autostart change not sent to the window");
    }
    match changed {
        Ok(()) if now == on => Ok(now),
        Ok(()) => Err("the system did not take the change".into()),
        Err(e) => {
            tracing::warn!(error = %e, "autostart not changed");
            Err(e.to_string())
        }
    }
}

/// The plugin (auto-launch) creates `~/.config/autostart` but not `~/.config` itself, which a
/// fresh account may not have yet: "No such file or directory" instead of an entry.
fn make_room() {
    #[cfg(target_os = "linux")]
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let dir = std::path::Path::new(&home).join(".config");
        if let Err(e) = std::fs::create_dir_all(&dir) {
            tracing::debug!(error = %e, dir = %dir.display(), "no ~/.config for the autostart entry");
        }
    }
}

/// The tray's item: the opposite of what the system says now.
#[cfg_attr(test, allow(dead_code))]
pub fn toggle<R: Runtime>(app: &AppHandle<R>) {
    let _ = set(app, !is_on(app));
}
