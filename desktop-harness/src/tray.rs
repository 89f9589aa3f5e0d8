//! A StatusNotifierWatcher (what a tray/panel provides) and a small host: items register with
//! it, and the test reads their properties and menus and clicks menu entries.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;
use zbus::export::futures_core::Stream;
use zbus::fdo::{self, RequestNameFlags};
use zbus::message::Header;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::{OwnedValue, Structure, Value};
use zbus::{Connection, interface};

use crate::dbusmenu::{MenuItem, as_string, bad_layout, parse_menu_item, strip};
use crate::lock;

const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
const WATCHER_PATH: &str = "/StatusNotifierWatcher";
const ITEM_IFACE: &str = "org.kde.StatusNotifierItem";
/// Where KDE-style items (which register with a bus name) serve their item object.
const DEFAULT_ITEM_PATH: &str = "/StatusNotifierItem";
const MENU_IFACE: &str = "com.canonical.dbusmenu";
const PROPS_IFACE: &str = "org.freedesktop.DBus.Properties";

/// A registered StatusNotifierItem: who serves it and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    /// The item's bus name: the caller's unique name (`:1.42`) when it registered with an
    /// object path (libayatana-appindicator), else the name it registered with.
    pub bus_name: String,
    /// The item object's path, e.g. `/org/ayatana/NotificationItem/tray_icon_…_1`.
    pub path: String,
    pub registered_at: Instant,
}

impl TrayItem {
    /// The string the watcher lists and signals: bus name followed by path.
    fn service_id(&self) -> String {
        format!("{}{}", self.bus_name, self.path)
    }
}

struct Shared {
    /// Currently registered items, in order of registration.
    items: Mutex<Vec<TrayItem>>,
    changed: watch::Sender<u64>,
}

impl Shared {
    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

struct Watcher {
    shared: Arc<Shared>,
}

#[interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] hdr: Header<'_>,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> fdo::Result<()> {
        let (bus_name, path) = if service.starts_with('/') {
            let sender = hdr
                .sender()
                .ok_or_else(|| fdo::Error::InvalidArgs("the call has no sender".into()))?;
            (sender.to_string(), service.to_string())
        } else {
            (service.to_string(), DEFAULT_ITEM_PATH.to_string())
        };
        let item = TrayItem {
            bus_name,
            path,
            registered_at: Instant::now(),
        };
        let id = item.service_id();
        {
            let mut items = lock(&self.shared.items);
            items.retain(|i| !(i.bus_name == item.bus_name && i.path == item.path));
            items.push(item);
        }
        self.shared.bump();
        Self::status_notifier_item_registered(&emitter, &id).await?;
        self.registered_status_notifier_items_changed(&emitter)
            .await?;
        Ok(())
    }

    async fn register_status_notifier_host(
        &self,
        _service: &str,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
    ) -> fdo::Result<()> {
        Self::status_notifier_host_registered(&emitter).await?;
        Ok(())
    }

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        lock(&self.shared.items)
            .iter()
            .map(TrayItem::service_id)
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_item_unregistered(
        emitter: &SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(emitter: &SignalEmitter<'_>) -> zbus::Result<()>;
}

/// Owns `org.kde.StatusNotifierWatcher` and `org.kde.StatusNotifierHost-<pid>` on the session
/// bus for as long as it lives. Items whose bus name goes away are unregistered.
pub struct TrayWatcher {
    conn: Connection,
    shared: Arc<Shared>,
    vanish_task: JoinHandle<()>,
}

impl Drop for TrayWatcher {
    fn drop(&mut self) {
        self.vanish_task.abort();
    }
}

impl TrayWatcher {
    /// Connects to the session bus, serves the watcher, takes its name and then the host name;
    /// fails with `zbus::Error::NameTaken` if either is owned already.
    pub async fn start() -> zbus::Result<TrayWatcher> {
        let shared = Arc::new(Shared {
            items: Mutex::new(Vec::new()),
            changed: watch::Sender::new(0),
        });
        let conn = zbus::connection::Builder::session()?
            .serve_at(
                WATCHER_PATH,
                Watcher {
                    shared: shared.clone(),
                },
            )?
            .build()
            .await?;
        // Listen for vanishing names before anyone can register.
        let dbus = fdo::DBusProxy::new(&conn).await?;
        let owner_changes = dbus.receive_name_owner_changed().await?;
        conn.request_name_with_flags(WATCHER_NAME, RequestNameFlags::DoNotQueue.into())
            .await?;
        let host = format!("org.kde.StatusNotifierHost-{}", std::process::id());
        conn.request_name_with_flags(host.as_str(), RequestNameFlags::DoNotQueue.into())
            .await?;
        let iface = conn
            .object_server()
            .interface::<_, Watcher>(WATCHER_PATH)
            .await?;
        Watcher::status_notifier_host_registered(iface.signal_emitter()).await?;
        let vanish_task = tokio::spawn(unregister_vanished(
            owner_changes,
            shared.clone(),
            iface.signal_emitter().clone(),
        ));
        Ok(TrayWatcher {
            conn,
            shared,
            vanish_task,
        })
    }

    /// The items registered now, oldest first.
    pub fn items(&self) -> Vec<TrayItem> {
        lock(&self.shared.items).clone()
    }

    /// The first registered item, waiting up to `timeout` for one.
    pub async fn wait_for_item(&self, timeout: Duration) -> Option<TrayItem> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.changed.subscribe();
        loop {
            if let Some(item) = lock(&self.shared.items).first().cloned() {
                return Some(item);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return None,
            }
        }
    }

    /// A property of the item's `org.kde.StatusNotifierItem` interface (`Title`, `ToolTip`,
    /// `IconName`, `Status`, `Menu`, `IconPixmap`, …), as the value itself (not wrapped in a
    /// variant).
    pub async fn item_property(&self, item: &TrayItem, name: &str) -> zbus::Result<OwnedValue> {
        let reply = self
            .conn
            .call_method(
                Some(item.bus_name.as_str()),
                item.path.as_str(),
                Some(PROPS_IFACE),
                "Get",
                &(ITEM_IFACE, name),
            )
            .await?;
        let value: OwnedValue = reply.body().deserialize()?;
        // Some services answer with a variant in the variant; hand out the value itself.
        match &*value {
            Value::Value(_) => Ok(strip(&value).try_to_owned()?),
            _ => Ok(value),
        }
    }

    /// The tooltip as `"title\ntext"` (trimmed, so just one of them when the other is empty);
    /// the `Title` property when there is no tooltip or it is empty.
    pub async fn tooltip_text(&self, item: &TrayItem) -> zbus::Result<String> {
        if let Ok(tooltip) = self.item_property(item, "ToolTip").await
            && let Value::Structure(s) = strip(&tooltip)
            && let [_icon, _pixmaps, title, text, ..] = s.fields()
        {
            let title = as_string(title).unwrap_or_default();
            let text = as_string(text).unwrap_or_default();
            let joined = format!("{}\n{}", title.trim(), text.trim());
            let joined = joined.trim();
            if !joined.is_empty() {
                return Ok(joined.to_string());
            }
        }
        let title = self.item_property(item, "Title").await?;
        as_string(&title)
            .ok_or_else(|| zbus::Error::Failure(format!("Title is not a string: {title:?}")))
    }

    /// The item's menu (the entries below the root), read like a host does: property `Menu`,
    /// then `AboutToShow(0)` and `GetLayout(0, -1, [])` on `com.canonical.dbusmenu`.
    pub async fn menu(&self, item: &TrayItem) -> zbus::Result<Vec<MenuItem>> {
        let menu_path = self.menu_path(item).await?;
        // Hosts announce the menu before showing it; some servers build it lazily then.
        let _ = self
            .conn
            .call_method(
                Some(item.bus_name.as_str()),
                menu_path.as_str(),
                Some(MENU_IFACE),
                "AboutToShow",
                &(0i32,),
            )
            .await;
        let reply = self
            .conn
            .call_method(
                Some(item.bus_name.as_str()),
                menu_path.as_str(),
                Some(MENU_IFACE),
                "GetLayout",
                &(0i32, -1i32, Vec::<String>::new()),
            )
            .await?;
        let body = reply.body();
        // (u revision, (i id, a{sv} properties, av children))
        let layout: Structure<'_> = body.deserialize()?;
        let root = match layout.fields() {
            [_revision, root] => parse_menu_item(root)?,
            other => return Err(bad_layout(format!("reply has {} fields", other.len()))),
        };
        Ok(root.children)
    }

    /// Whether the item's owner has left the bus (its process quit or crashed).
    pub async fn is_gone(&self, item: &TrayItem) -> bool {
        let Ok(bus) = fdo::DBusProxy::new(&self.conn).await else {
            return false;
        };
        let Ok(name) = zbus::names::BusName::try_from(item.bus_name.as_str()) else {
            return false;
        };
        matches!(bus.name_has_owner(name).await, Ok(false))
    }

    /// Clicks the first entry (depth-first) whose label is `label` (without mnemonic markers):
    /// `Event(id, "clicked", <0>, 0)` on the item's menu. Fails when there is no such entry,
    /// naming the labels there are, and when the entry is disabled or hidden (a user could not
    /// click it either).
    pub async fn click(&self, item: &TrayItem, label: &str) -> zbus::Result<()> {
        let menu = self.menu(item).await?;
        let mut all = Vec::new();
        for entry in &menu {
            entry.walk(&mut all);
        }
        let Some(entry) = all.iter().find(|e| e.label == label) else {
            let labels: Vec<&str> = all
                .iter()
                .filter(|e| e.toggle_type != "separator")
                .map(|e| e.label.as_str())
                .collect();
            return Err(zbus::Error::Failure(format!(
                "no menu entry {label:?}; the menu has {labels:?}"
            )));
        };
        if !entry.enabled || !entry.visible {
            return Err(zbus::Error::Failure(format!(
                "menu entry {label:?} (id {}) is not clickable: enabled={}, visible={}",
                entry.id, entry.enabled, entry.visible
            )));
        }
        let menu_path = self.menu_path(item).await?;
        self.conn
            .call_method(
                Some(item.bus_name.as_str()),
                menu_path.as_str(),
                Some(MENU_IFACE),
                "Event",
                &(entry.id, "clicked", Value::from(0i32), 0u32),
            )
            .await?;
        Ok(())
    }

    async fn menu_path(&self, item: &TrayItem) -> zbus::Result<String> {
        let menu = self.item_property(item, "Menu").await?;
        match as_string(&menu) {
            Some(path) if path.starts_with('/') => Ok(path),
            _ => Err(zbus::Error::Failure(format!(
                "the item's Menu property is not an object path: {menu:?}"
            ))),
        }
    }
}

/// Removes the items whose bus name loses its owner, and says so on the bus.
async fn unregister_vanished(
    mut changes: fdo::NameOwnerChangedStream,
    shared: Arc<Shared>,
    emitter: SignalEmitter<'static>,
) {
    while let Some(signal) = poll_fn(|cx| Pin::new(&mut changes).poll_next(cx)).await {
        let Ok(args) = signal.args() else { continue };
        if args.new_owner().is_some() {
            continue;
        }
        let name = args.name().to_string();
        let gone: Vec<TrayItem> = {
            let mut items = lock(&shared.items);
            let (gone, kept) = items.drain(..).partition(|i| i.bus_name == name);
            *items = kept;
            gone
        };
        if gone.is_empty() {
            continue;
        }
        shared.bump();
        for item in gone {
            // The bus may already be closing; nothing to do about a failed signal.
            let _ = Watcher::status_notifier_item_unregistered(&emitter, &item.service_id()).await;
        }
    }
}
