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

/// One entry of a dbusmenu, as a host would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    pub id: i32,
    /// With the mnemonic markers removed (`"_Öffnen…"` → `"Öffnen…"`, `"__"` → `"_"`);
    /// `""` for separators.
    pub label: String,
    /// Default true.
    pub enabled: bool,
    /// Default true.
    pub visible: bool,
    /// `"checkmark"`, `"radio"`, `""` (none); `"separator"` for separators (which are kept).
    pub toggle_type: String,
    /// 0 off, 1 on, -1 (default) indeterminate / not a toggle.
    pub toggle_state: i32,
    /// The entries of a submenu.
    pub children: Vec<MenuItem>,
}

impl MenuItem {
    /// This entry and all below it, depth-first (the entry before its children).
    fn walk<'a>(&'a self, out: &mut Vec<&'a MenuItem>) {
        out.push(self);
        for child in &self.children {
            child.walk(out);
        }
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

/// The value inside any number of variant wrappers.
fn strip<'v, 'a>(mut v: &'v Value<'a>) -> &'v Value<'a> {
    while let Value::Value(inner) = v {
        v = inner;
    }
    v
}

fn as_string(v: &Value<'_>) -> Option<String> {
    match strip(v) {
        Value::Str(s) => Some(s.as_str().to_string()),
        Value::ObjectPath(p) => Some(p.as_str().to_string()),
        _ => None,
    }
}

fn bad_layout(what: String) -> zbus::Error {
    zbus::Error::Failure(format!("unexpected dbusmenu layout: {what}"))
}

/// Parses one `(ia{sv}av)` layout node and, recursively, its children.
fn parse_menu_item(v: &Value<'_>) -> zbus::Result<MenuItem> {
    let Value::Structure(node) = strip(v) else {
        return Err(bad_layout(format!("node is not a structure: {v:?}")));
    };
    let [id, props, children] = node.fields() else {
        return Err(bad_layout(format!(
            "node has {} fields",
            node.fields().len()
        )));
    };
    let (Value::I32(id), Value::Dict(props), Value::Array(children)) =
        (strip(id), strip(props), strip(children))
    else {
        return Err(bad_layout(format!("node is not (ia{{sv}}av): {v:?}")));
    };
    let mut item = MenuItem {
        id: *id,
        label: String::new(),
        enabled: true,
        visible: true,
        toggle_type: String::new(),
        toggle_state: -1,
        children: Vec::new(),
    };
    let mut separator = false;
    for (key, value) in props.iter() {
        let Some(key) = as_string(key) else { continue };
        match (key.as_str(), strip(value)) {
            ("label", Value::Str(s)) => item.label = strip_mnemonics(s.as_str()),
            ("enabled", Value::Bool(b)) => item.enabled = *b,
            ("visible", Value::Bool(b)) => item.visible = *b,
            ("toggle-type", Value::Str(s)) => item.toggle_type = s.as_str().to_string(),
            ("toggle-state", Value::I32(n)) => item.toggle_state = *n,
            ("type", Value::Str(s)) => separator = s.as_str() == "separator",
            _ => {}
        }
    }
    if separator {
        item.label.clear();
        item.toggle_type = "separator".to_string();
    }
    for child in children.inner() {
        item.children.push(parse_menu_item(child)?);
    }
    Ok(item)
}

/// Removes GTK mnemonic markers: a single `_` goes, `__` becomes `_`.
fn strip_mnemonics(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars();
    while let Some(c) = chars.next() {
        if c != '_' {
            out.push(c);
        } else if let Some(next) = chars.next() {
            // "__" is a literal underscore; "_x" marks x as the mnemonic.
            out.push(next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_are_stripped() {
        assert_eq!(strip_mnemonics("_Öffnen…"), "Öffnen…");
        assert_eq!(strip_mnemonics("Jetzt _erneuern"), "Jetzt erneuern");
        assert_eq!(strip_mnemonics("a__b"), "a_b");
        assert_eq!(strip_mnemonics("snake__case_x"), "snake_casex");
        assert_eq!(strip_mnemonics("trailing_"), "trailing");
        assert_eq!(strip_mnemonics(""), "");
    }

    #[test]
    fn variant_wrappers_are_stripped() {
        let v = Value::Value(Box::new(Value::Value(Box::new(Value::from("x")))));
        assert_eq!(as_string(&v).as_deref(), Some("x"));
        assert_eq!(as_string(&Value::from(1i32)), None);
    }
}
