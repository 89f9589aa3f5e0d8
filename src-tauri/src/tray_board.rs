//! Which tray the app shows: with one connection the tray as it always was (its state in the
//! icon, its line and offers in the menu, [`crate::tray::update`]); with several, the worst
//! state in the icon and one line per connection ([`crate::tray_many`]). Every bridge calls
//! this when what it shows changed, and the keeper when a connection came or went.

use crate::AppState;
use crate::bridges::Bridges;
use lexguard::Lang;
use lexguard::Status;
use lexguard::connections::ConnectionName;
use tauri::{AppHandle, Manager, Runtime};

/// Renders the tray for every kept connection's last status.
pub fn render<R: Runtime>(app: &AppHandle<R>, demo: bool, lang: Lang) {
    let (Some(state), Some(bridges)) = (app.try_state::<AppState>(), app.try_state::<Bridges<R>>())
    else {
        return;
    };
    let lines: Vec<(ConnectionName, Status)> = state
        .fleet
        .all()
        .into_iter()
        .map(|m| {
            let status = bridges
                .get(&m.name)
                .and_then(|b| b.last())
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
