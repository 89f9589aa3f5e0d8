//! What the tray's menu items do. The tray only renders; a click lands here, asks the engine's
//! worker and, for the actions a person waits on, tells them through the bridge when it did
//! not work (the status itself reaches the tray through the engine's watch like any other).

use crate::AppState;
use crate::requests::{ActionOutcome, Request};
use crate::tray_many::{RECONNECT, REFRESH};
use lexguard::connections::ConnectionName;
use tauri::{AppHandle, Manager, Runtime};

/// Which outcomes of an action deserve a notification.
#[derive(Clone, Copy)]
enum Tell {
    /// Anything but a healthy connection afterwards ("Jetzt erneuern").
    UnlessHealthy,
    /// Only an error of the operation itself (webhooks, demo shortcuts).
    Errors,
}

pub fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        "open" => crate::window::open(app),
        "refresh" => ask(app, Request::Refresh, Tell::UnlessHealthy),
        "webhooks" => ask(app, Request::SyncWebhooks, Tell::Errors),
        "demo-connect" => ask(app, Request::DemoConnect, Tell::Errors),
        "demo-revoke" => revoke_and_check(app),
        "demo-suspend" => ask(app, Request::DemoSuspend(3), Tell::Errors),
        "autostart" => crate::autostart::toggle(app),
        "quit" => crate::quit(app),
        "demo-start" => crate::restart_as_demo(app),
        "reload" => {
            use tauri::Emitter;
            if let Err(e) = app.emit(crate::requests::RELOAD_CONFIG, ()) {
                tracing::warn!(error = %e, "reload not requested");
            }
        }
        other if crate::quiet::on_menu(app, other) => {}
        // Several connections: each line's own items.
        other if other.starts_with(RECONNECT) => {
            if let Some(name) = named(other, RECONNECT) {
                reconnect(app, &name);
            }
        }
        other if other.starts_with(REFRESH) => {
            if let Some(name) = named(other, REFRESH) {
                ask_on(app, Some(name), Request::Refresh, Tell::UnlessHealthy);
            }
        }
        other => tracing::debug!(other, "unknown menu item"),
    }
}

/// Demo: Lexware ends the connection, and a check follows at once (a manual check validates,
/// so it meets the revoked connection): the loss shows within seconds, not at the next timer.
fn revoke_and_check<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let handle = state.handle();
    tauri::async_runtime::spawn(async move {
        let revoked = handle.ask(Request::DemoRevoke).await;
        if revoked.error.is_none() {
            handle.request(Request::Tick(lexguard::TickCause::Manual));
        }
    });
}

/// The connection an item id names (`refresh:muster` → `muster`).
fn named(id: &str, prefix: &str) -> Option<ConnectionName> {
    ConnectionName::parse(id.strip_prefix(prefix)?).ok()
}

/// *Neu verbinden…* of one connection: the window, working on that connection.
fn reconnect<R: Runtime>(app: &AppHandle<R>, name: &ConnectionName) {
    if let Some(state) = app.try_state::<AppState>()
        && state.fleet.select(name)
    {
        crate::connection_list::emit(app);
    }
    crate::window::open(app);
}

/// Queues `request` and, once it ended, reports a failure as a notification.
fn ask<R: Runtime>(app: &AppHandle<R>, request: Request, tell: Tell) {
    ask_on(app, None, request, tell);
}

/// [`ask`] on connection `name` (`None`: the one there is, or the selected one).
fn ask_on<R: Runtime>(
    app: &AppHandle<R>,
    name: Option<ConnectionName>,
    request: Request,
    tell: Tell,
) {
    // Before the engine runs (a broken config.toml) there is nothing to ask.
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let member = match name {
        Some(n) => state.fleet.get(&n),
        None => Some(state.fleet.selected()),
    };
    let Some(member) = member else { return };
    let Some(bridge) = crate::bridges::of(app, &member.name) else {
        return;
    };
    let handle = member.handle;
    tauri::async_runtime::spawn(async move {
        let outcome: ActionOutcome = handle.ask(request).await;
        let failed = match tell {
            Tell::UnlessHealthy => !outcome.ok,
            Tell::Errors => outcome.error.is_some(),
        };
        if failed {
            bridge.on_failure(&outcome);
        }
    });
}
