//! A notification daemon (`org.freedesktop.Notifications`) that records what it is sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use zbus::fdo::RequestNameFlags;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;
use zbus::{Connection, interface};

use crate::lock;

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

/// Reason code of `NotificationClosed` for "closed by a call to CloseNotification".
const CLOSED_BY_CALL: u32 = 3;

/// One `Notify` call as the server received it.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The id the server answered with (a `replaces_id` of a known notification keeps its id).
    pub id: u32,
    pub app_name: String,
    pub summary: String,
    pub body: String,
    /// As sent: pairs of action key and label, e.g. `["default", "Öffnen"]`.
    pub actions: Vec<String>,
    pub received_at: Instant,
}

#[derive(Default)]
struct Store {
    list: Vec<Notification>,
    last_id: u32,
}

struct Shared {
    store: Mutex<Store>,
    /// Bumped after every change of `store`; `wait_for` watches it.
    changed: watch::Sender<u64>,
}

struct Daemon {
    shared: Arc<Shared>,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let id = {
            let mut store = lock(&self.shared.store);
            let id = if replaces_id != 0 && store.list.iter().any(|n| n.id == replaces_id) {
                replaces_id
            } else {
                store.last_id += 1;
                store.last_id
            };
            store.list.push(Notification {
                id,
                app_name,
                summary,
                body,
                actions,
                received_at: Instant::now(),
            });
            id
        };
        self.shared.changed.send_modify(|n| *n += 1);
        id
    }

    fn get_capabilities(&self) -> Vec<String> {
        ["actions", "body", "body-markup"]
            .map(String::from)
            .to_vec()
    }

    #[zbus(out_args("name", "vendor", "version", "spec_version"))]
    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "lexguard-test".into(),
            "lexguard".into(),
            "1".into(),
            "1.2".into(),
        )
    }

    async fn close_notification(
        &self,
        id: u32,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> zbus::fdo::Result<()> {
        Self::notification_closed(&emitter, id, CLOSED_BY_CALL).await?;
        Ok(())
    }

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;
}

/// Owns `org.freedesktop.Notifications` on the session bus for as long as it lives (the name
/// goes when it is dropped and its connection closes).
pub struct NotificationServer {
    conn: Connection,
    shared: Arc<Shared>,
}

impl NotificationServer {
    /// Connects to the session bus (`DBUS_SESSION_BUS_ADDRESS`), serves the interface and takes
    /// the name; fails with `zbus::Error::NameTaken` if another connection owns it.
    pub async fn start() -> zbus::Result<NotificationServer> {
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::default()),
            changed: watch::Sender::new(0),
        });
        let conn = zbus::connection::Builder::session()?
            .serve_at(
                PATH,
                Daemon {
                    shared: shared.clone(),
                },
            )?
            .build()
            .await?;
        // Builder::name() would queue behind an existing owner; we want to fail instead.
        conn.request_name_with_flags(NAME, RequestNameFlags::DoNotQueue.into())
            .await?;
        Ok(NotificationServer { conn, shared })
    }

    /// Every notification received so far, oldest first.
    pub fn received(&self) -> Vec<Notification> {
        lock(&self.shared.store).list.clone()
    }

    /// The first notification (oldest first, already received or arriving within `timeout`)
    /// for which `pred` is true.
    pub async fn wait_for(
        &self,
        pred: impl Fn(&Notification) -> bool,
        timeout: Duration,
    ) -> Option<Notification> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribe before looking, so nothing that arrives in between is missed.
        let mut changes = self.shared.changed.subscribe();
        loop {
            let found = lock(&self.shared.store)
                .list
                .iter()
                .find(|n| pred(n))
                .cloned();
            if found.is_some() {
                return found;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return None,
            }
        }
    }

    /// Emits `ActionInvoked(id, action_key)` as the daemon does when the user clicks an action
    /// (`"default"` is a click on the notification itself). Does not check that `id` exists.
    pub async fn invoke_action(&self, id: u32, action_key: &str) -> zbus::Result<()> {
        let iface = self
            .conn
            .object_server()
            .interface::<_, Daemon>(PATH)
            .await?;
        Daemon::action_invoked(iface.signal_emitter(), id, action_key).await
    }
}
