//! Without a tray host (GNOME without the AppIndicator extension) the tray icon is nowhere,
//! and an app started with `--hidden` at login would be invisible: running, but unreachable.
//! At start the app asks the session bus whether a `org.kde.StatusNotifierWatcher` is there;
//! when not, it opens the window and says in a notification how to get back to it. When a
//! watcher appears later (the extension was switched on), the icon registers with it.
//! Linux only: elsewhere the system tray is always there.

use lexguard::Lang;
use std::time::Duration;
use tauri::{AppHandle, Runtime};

const WATCHER: &str = "org.kde.StatusNotifierWatcher";
/// The longest the bus may take to answer one question.
const ASK_WITHIN: Duration = Duration::from_secs(3);

/// Starts the check in the background. `lang` is the language of the notification.
pub fn watch<R: Runtime>(app: &AppHandle<R>, lang: Lang) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(e) = follow(&app, lang).await {
            // No session bus or no answer: nothing is known, nothing is changed.
            tracing::info!(error = %e, "tray host not checked");
        }
    });
}

async fn follow<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> zbus::Result<()> {
    use futures_util::StreamExt;
    let timed = |e: tokio::time::error::Elapsed| zbus::Error::Failure(e.to_string());
    let conn = tokio::time::timeout(ASK_WITHIN, zbus::Connection::session())
        .await
        .map_err(timed)??;
    let dbus = zbus::fdo::DBusProxy::new(&conn).await?;
    // Subscribed before asking, so a watcher that comes up in between is not missed.
    let mut changes = dbus
        .receive_name_owner_changed_with_args(&[(0, WATCHER)])
        .await?;
    let name = zbus::names::BusName::try_from(WATCHER)?;
    let present = tokio::time::timeout(ASK_WITHIN, dbus.name_has_owner(name))
        .await
        .map_err(timed)??;
    if present {
        return Ok(());
    }
    tracing::warn!("no StatusNotifierWatcher on the session bus: the tray icon is not shown");
    let app2 = app.clone();
    let _ = app.run_on_main_thread(move || crate::window::open(&app2));
    crate::notify::show(app, notice(lang), lang.pick("Öffnen", "Open"));
    while let Some(signal) = changes.next().await {
        let Ok(args) = signal.args() else { continue };
        if args.new_owner().is_some() {
            // libayatana-appindicator registers the existing icon with a new watcher by
            // itself (tests/no_tray_host.rs holds it to that): nothing to rebuild.
            tracing::info!("a StatusNotifierWatcher appeared: the tray icon registers with it");
            return Ok(());
        }
    }
    Ok(())
}

/// What a person without a tray host needs to know.
fn notice(lang: Lang) -> crate::notify::Notice {
    crate::notify::Notice {
        summary: lang
            .pick(
                "lexguard läuft – ohne Symbol im Infobereich",
                "lexguard is running – without a tray icon",
            )
            .into(),
        body: lang
            .pick(
                "lexguard läuft. Ihr Desktop zeigt kein Symbol im Infobereich, darum ist das Fenster offen. Wenn Sie es schließen, prüft lexguard im Hintergrund weiter; Sie öffnen es wieder, indem Sie lexguard noch einmal starten. Unter GNOME zeigt die Erweiterung „AppIndicator and KStatusNotifierItem Support“ das Symbol.",
                "lexguard is running. Your desktop shows no tray icons, so the window is open. If you close it, lexguard keeps checking in the background; start lexguard again to open it. On GNOME the extension “AppIndicator and KStatusNotifierItem Support” shows the icon.",
            )
            .into(),
        opens_window: true,
        urgent: false,
    }
}
