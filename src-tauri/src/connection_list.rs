//! The list of kept connections as the window shows it: each connection's line, sent to the
//! window whenever a connection is added, removed, selected or changes its state or headline.

use crate::fleet::ConnectionLine;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// Emitted when a connection is added, removed, selected or changes its state or headline;
/// payload `ConnectionLine[]`.
pub const CONNECTIONS_EVENT: &str = "lexguard://connections";

/// Every connection's line, as the window's list shows it.
pub fn lines<R: Runtime>(app: &AppHandle<R>) -> Vec<ConnectionLine> {
    app.try_state::<crate::AppState>()
        .map(|s| crate::fleet::lines(&s.fleet))
        .unwrap_or_default()
}

/// Tells the window the connections' list.
pub fn emit<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = app.emit(CONNECTIONS_EVENT, lines(app)) {
        tracing::debug!(error = %e, "connections event not delivered");
    }
}
