//! Test support for the lexguard desktop app: the tests own the desktop-side D-Bus services
//! of a private session bus, so they can watch what the app shows and act as the user.
//!
//! * [`NotificationServer`] owns `org.freedesktop.Notifications` (what notify-rust talks to).
//! * [`TrayWatcher`] owns `org.kde.StatusNotifierWatcher` (and a `StatusNotifierHost-<pid>`
//!   name), which libayatana-appindicator registers its tray item with; it reads the item's
//!   properties and its `com.canonical.dbusmenu` menu and clicks menu entries.
//! * [`proc`] reads `/proc`: child processes, resident memory, context switches.
//!
//! Everything here connects to the bus named by `DBUS_SESSION_BUS_ADDRESS`; run the tests
//! inside `scripts/in-session` (a private `dbus-run-session`), never on a real desktop session,
//! where the names are taken anyway. Needs a tokio runtime (zbus runs on tokio here).

mod dbusmenu;
mod notifications;
pub mod proc;
mod tray;

pub use dbusmenu::MenuItem;
pub use notifications::{Notification, NotificationServer};
pub use tray::{TrayItem, TrayWatcher};

/// Whether a session bus is configured for this process (`DBUS_SESSION_BUS_ADDRESS` is set
/// and not empty). Says nothing about whether it answers.
pub fn session_bus_available() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
}

/// Locks a std mutex, going on with the data if another thread panicked while holding it
/// (a test harness should report, not cascade panics).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
