//! Desktop notifications. On Linux through notify-rust directly, because a click must open
//! the window and tauri-plugin-notification offers no click callback on desktop; elsewhere
//! through tauri-plugin-notification. Texts come from the bridge; nothing secret is ever in them.

use tauri::{AppHandle, Runtime};

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
    /// A click opens the window (reconnect, settings).
    pub opens_window: bool,
    pub urgent: bool,
}

pub fn show<R: Runtime>(app: &AppHandle<R>, notice: Notice, open_label: &str) {
    show_with(app, notice, open_label, None);
}

/// One more button on a notice (the connection's "mute for an hour"): its action id, its text,
/// and what a click on it does. The caller hands it in, so the notification knows no rule of
/// its own about what the button means. Only Linux notifications carry actions so far; on
/// Windows and macOS the notice is shown without the button.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub struct Extra<R: Runtime> {
    pub id: &'static str,
    pub label: String,
    pub on_click: fn(&AppHandle<R>, &str) -> bool,
}

/// [`show`], with an `extra` action where the desktop offers actions.
pub fn show_with<R: Runtime>(
    app: &AppHandle<R>,
    notice: Notice,
    open_label: &str,
    extra: Option<Extra<R>>,
) {
    tracing::info!(summary = %notice.summary, "notification");
    #[cfg(target_os = "linux")]
    {
        let app = app.clone();
        let open_label = open_label.to_string();
        // notify-rust blocks while it waits for a click: one short-lived thread per notice.
        let spawned = std::thread::Builder::new()
            .name("lexguard-notify".into())
            .spawn(move || show_linux(&app, &notice, &open_label, extra.as_ref()));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "notification thread not started");
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_notification::NotificationExt;
        let _ = (open_label, extra);
        if let Err(e) = app
            .notification()
            .builder()
            .title(&notice.summary)
            .body(&notice.body)
            .show()
        {
            tracing::warn!(error = %e, "notification not shown");
        }
    }
}

#[cfg(target_os = "linux")]
fn show_linux<R: Runtime>(
    app: &AppHandle<R>,
    notice: &Notice,
    open_label: &str,
    extra: Option<&Extra<R>>,
) {
    let mut n = notify_rust::Notification::new();
    n.appname("lexguard")
        .summary(&notice.summary)
        .body(&notice.body)
        .icon("dialog-information")
        .timeout(notify_rust::Timeout::Default);
    if notice.urgent {
        n.urgency(notify_rust::Urgency::Critical);
    }
    if notice.opens_window {
        n.action("default", open_label).action("open", open_label);
    }
    if let Some(extra) = extra {
        n.action(extra.id, &extra.label);
    }
    match n.show() {
        Ok(handle) if notice.opens_window || extra.is_some() => {
            handle.wait_for_action(|action| {
                if let Some(extra) = extra.filter(|e| e.id == action) {
                    (extra.on_click)(app, action);
                } else if notice.opens_window && (action == "default" || action == "open") {
                    let app2 = app.clone();
                    let _ = app.run_on_main_thread(move || crate::window::open(&app2));
                }
            });
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "notification not shown (no notification service?)"),
    }
}
