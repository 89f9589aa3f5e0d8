//! The one window, created on demand and destroyed on close: while it is closed no webview
//! (and no WebKit process) exists.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "main";

/// Shows the window, creating it when needed; focuses it.
pub fn open<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window(LABEL) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return;
    }
    let demo = app
        .try_state::<crate::AppState>()
        .is_some_and(|s| s.demo.is_some());
    let title = if demo {
        "lexguard – DEMO"
    } else {
        "lexguard"
    };
    match WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html".into()))
        .title(title)
        .inner_size(880.0, 640.0)
        .min_inner_size(560.0, 420.0)
        .focused(true)
        .build()
    {
        Ok(w) => {
            let _ = w.set_focus();
        }
        Err(e) => tracing::error!(error = %e, "window could not be created"),
    }
}
