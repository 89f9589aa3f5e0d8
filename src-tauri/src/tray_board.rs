//! Which tray the app shows: with one connection the tray as it always was (its state in the
//! icon, its line and offers in the menu, [`crate::tray::update`]); with several, the worst
//! state in the icon and one line per connection ([`crate::tray_many`]). Every bridge calls
//! this when what it shows changed, and the keeper when a connection came or went.

use crate::AppState;
use lexguard::Lang;
use lexguard::Status;
use lexguard::connections::ConnectionName;
use std::collections::BTreeMap;
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};

/// The status each connection's bridge last rendered, by name: the tray's lines. Kept here,
/// not read from the bridges, so the board needs nothing above it (the bridges call it).
#[derive(Default)]
pub struct Shown(Mutex<BTreeMap<ConnectionName, Status>>);

impl Shown {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<ConnectionName, Status>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Connection `name` now shows `status` (its bridge rendered it).
pub fn note<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName, status: &Status) {
    if app.try_state::<Shown>().is_none() {
        app.manage(Shown::default());
    }
    if let Some(shown) = app.try_state::<Shown>() {
        shown.lock().insert(name.clone(), status.clone());
    }
}

/// Renders the tray for every kept connection's last status.
pub fn render<R: Runtime>(app: &AppHandle<R>, demo: bool, lang: Lang) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let shown = app.try_state::<Shown>();
    let lines: Vec<(ConnectionName, Status)> = state
        .fleet
        .all()
        .into_iter()
        .map(|m| {
            let status = shown
                .as_ref()
                .and_then(|s| s.lock().get(&m.name).cloned())
                .unwrap_or_else(|| m.handle.current());
            (m.name, status)
        })
        .collect();
    match lines.as_slice() {
        [] => {}
        [(_, one)] => crate::tray::update(app, one, demo, lang),
        several => crate::tray_many::update(app, several, demo, lang),
    }
}
