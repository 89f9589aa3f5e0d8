//! TrayWatcher against fake tray items served from other connections of this test: one in the
//! style of libayatana-appindicator (registers an object path, serves a dbusmenu), one in the
//! KDE style (registers a bus name, object at /StatusNotifierItem).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use desktop_harness::{MenuItem, TrayWatcher};
use futures_util::StreamExt;
use serde::Serialize;
use zbus::zvariant::{
    Array, Dict, ObjectPath, OwnedObjectPath, OwnedValue, Signature, StructureBuilder, Type, Value,
};
use zbus::{Connection, interface};

const WAIT: Duration = Duration::from_secs(5);
const AYATANA_PATH: &str = "/org/ayatana/NotificationItem/test";

type Pixmaps = Vec<(i32, i32, Vec<u8>)>;

struct FakeItem {
    tooltip: Option<(String, String)>,
}

#[interface(name = "org.kde.StatusNotifierItem")]
impl FakeItem {
    #[zbus(property)]
    fn title(&self) -> String {
        "lexguard".into()
    }

    #[zbus(property)]
    fn status(&self) -> String {
        "Active".into()
    }

    #[zbus(property)]
    fn icon_name(&self) -> String {
        "lexguard-ok".into()
    }

    #[zbus(property)]
    fn menu(&self) -> OwnedObjectPath {
        ObjectPath::from_static_str_unchecked("/menu").into()
    }

    #[zbus(property)]
    fn tool_tip(&self) -> zbus::fdo::Result<(String, Pixmaps, String, String)> {
        match &self.tooltip {
            Some((title, text)) => Ok((String::new(), Vec::new(), title.clone(), text.clone())),
            None => Err(zbus::fdo::Error::UnknownProperty("ToolTip".into())),
        }
    }
}

/// A menu entry of the fake dbusmenu.
struct Node {
    id: i32,
    props: Vec<(&'static str, Value<'static>)>,
    children: Vec<Node>,
}

fn node(id: i32, props: Vec<(&'static str, Value<'static>)>, children: Vec<Node>) -> Node {
    Node {
        id,
        props,
        children,
    }
}

fn entry(id: i32, label: &'static str) -> Node {
    node(id, vec![("label", Value::from(label))], vec![])
}

impl Node {
    /// `(ia{sv}av)` as a value, the form children take inside `av`.
    fn to_value(&self) -> Value<'static> {
        let mut props = Dict::new(&Signature::Str, &Signature::Variant);
        for (key, value) in &self.props {
            props
                .append(Value::from(*key), Value::Value(Box::new(value.clone())))
                .expect("a{sv} entry");
        }
        let mut children = Array::new(&Signature::Variant);
        for child in &self.children {
            children
                .append(Value::Value(Box::new(child.to_value())))
                .expect("av element");
        }
        let s = StructureBuilder::new()
            .add_field(self.id)
            .append_field(Value::Dict(props))
            .append_field(Value::Array(children))
            .build()
            .expect("structure");
        Value::Structure(s)
    }

    fn to_layout(&self) -> Layout {
        Layout(
            self.id,
            self.props
                .iter()
                .map(|(k, v)| (k.to_string(), v.try_to_owned().expect("owned")))
                .collect(),
            self.children
                .iter()
                .map(|c| c.to_value().try_to_owned().expect("owned"))
                .collect(),
        )
    }
}

/// The top-level `(ia{sv}av)` of a GetLayout reply.
#[derive(Serialize, Type)]
struct Layout(i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

#[derive(Default)]
struct Calls {
    about_to_show: Vec<i32>,
    events: Vec<(i32, String, OwnedValue, u32)>,
}

struct FakeMenu {
    root: Node,
    calls: Arc<Mutex<Calls>>,
}

#[interface(name = "com.canonical.dbusmenu")]
impl FakeMenu {
    #[zbus(out_args("revision", "layout"))]
    fn get_layout(
        &self,
        parent_id: i32,
        _recursion_depth: i32,
        _property_names: Vec<String>,
    ) -> zbus::fdo::Result<(u32, Layout)> {
        if parent_id != 0 {
            return Err(zbus::fdo::Error::InvalidArgs("only the root here".into()));
        }
        Ok((7, self.root.to_layout()))
    }

    fn about_to_show(&self, id: i32) -> bool {
        self.calls.lock().expect("calls").about_to_show.push(id);
        false
    }

    fn event(&self, id: i32, event_id: String, data: OwnedValue, timestamp: u32) {
        self.calls
            .lock()
            .expect("calls")
            .events
            .push((id, event_id, data, timestamp));
    }
}

fn fake_menu() -> Node {
    node(
        0,
        vec![("children-display", Value::from("submenu"))],
        vec![
            entry(1, "_Öffnen…"),
            entry(2, "Jetzt _erneuern"),
            node(3, vec![("type", Value::from("separator"))], vec![]),
            node(
                4,
                vec![
                    ("label", Value::from("Status: Ver__bunden")),
                    ("enabled", Value::from(false)),
                ],
                vec![],
            ),
            node(
                5,
                vec![
                    ("label", Value::from("_Autostart")),
                    ("toggle-type", Value::from("checkmark")),
                    ("toggle-state", Value::from(1i32)),
                ],
                vec![],
            ),
            node(
                6,
                vec![
                    ("label", Value::from("_Mehr")),
                    ("children-display", Value::from("submenu")),
                ],
                vec![
                    entry(7, "_Protokoll"),
                    node(
                        8,
                        vec![
                            ("label", Value::from("Versteckt")),
                            ("visible", Value::from(false)),
                        ],
                        vec![],
                    ),
                    entry(9, "Jetzt erneuern"),
                ],
            ),
            entry(10, "_Beenden"),
        ],
    )
}

async fn call_watcher(conn: &Connection, method: &str, arg: &str) {
    conn.call_method(
        Some("org.kde.StatusNotifierWatcher"),
        "/StatusNotifierWatcher",
        Some("org.kde.StatusNotifierWatcher"),
        method,
        &(arg,),
    )
    .await
    .expect("watcher call");
}

async fn watcher_property(conn: &Connection, name: &str) -> OwnedValue {
    conn.call_method(
        Some("org.kde.StatusNotifierWatcher"),
        "/StatusNotifierWatcher",
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &("org.kde.StatusNotifierWatcher", name),
    )
    .await
    .expect("Get")
    .body()
    .deserialize()
    .expect("a variant")
}

fn labels(items: &[MenuItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a private D-Bus session: run ./scripts/test"]
async fn registers_items_reads_menus_and_clicks() {
    let watcher = TrayWatcher::start().await.expect("start watcher");
    assert!(matches!(
        TrayWatcher::start().await,
        Err(zbus::Error::NameTaken)
    ));
    let observer = Connection::session().await.expect("connect");
    let dbus = zbus::fdo::DBusProxy::new(&observer).await.expect("dbus");
    let host = format!("org.kde.StatusNotifierHost-{}", std::process::id());
    assert!(
        dbus.name_has_owner(host.as_str().try_into().expect("bus name"))
            .await
            .expect("NameHasOwner"),
        "the host name is owned"
    );
    assert!(
        bool::try_from(watcher_property(&observer, "IsStatusNotifierHostRegistered").await)
            .expect("b")
    );
    assert_eq!(
        i32::try_from(watcher_property(&observer, "ProtocolVersion").await).expect("i"),
        0
    );

    // Nothing registered yet.
    assert!(watcher.items().is_empty());
    assert!(
        watcher
            .wait_for_item(Duration::from_millis(200))
            .await
            .is_none()
    );

    // The app side, ayatana style.
    let calls = Arc::new(Mutex::new(Calls::default()));
    let app = zbus::connection::Builder::session()
        .expect("session")
        .serve_at(
            AYATANA_PATH,
            FakeItem {
                tooltip: Some((
                    "lexguard".into(),
                    "Verbunden · nächste Prüfung 12:00".into(),
                )),
            },
        )
        .expect("item")
        .serve_at(
            "/menu",
            FakeMenu {
                root: fake_menu(),
                calls: calls.clone(),
            },
        )
        .expect("menu")
        .build()
        .await
        .expect("app connects");
    let app_name = app.unique_name().expect("unique name").to_string();

    let signals = zbus::Proxy::new(
        &observer,
        "org.kde.StatusNotifierWatcher",
        "/StatusNotifierWatcher",
        "org.kde.StatusNotifierWatcher",
    )
    .await
    .expect("proxy");
    let mut registered = signals
        .receive_signal("StatusNotifierItemRegistered")
        .await
        .expect("subscribe");
    let mut unregistered = signals
        .receive_signal("StatusNotifierItemUnregistered")
        .await
        .expect("subscribe");

    let before = Instant::now();
    let waiting = tokio::spawn({
        let app = app.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            call_watcher(&app, "RegisterStatusNotifierItem", AYATANA_PATH).await;
        }
    });
    let item = watcher.wait_for_item(WAIT).await.expect("item registers");
    waiting.await.expect("register task");
    assert_eq!(item.bus_name, app_name);
    assert_eq!(item.path, AYATANA_PATH);
    assert!(item.registered_at >= before);
    assert_eq!(watcher.items(), std::slice::from_ref(&item));
    let id = format!("{app_name}{AYATANA_PATH}");
    let signal = tokio::time::timeout(WAIT, registered.next())
        .await
        .expect("in time")
        .expect("signal");
    assert_eq!(signal.body().deserialize::<String>().expect("s"), id);
    assert_eq!(
        Vec::<String>::try_from(watcher_property(&observer, "RegisteredStatusNotifierItems").await)
            .expect("as"),
        std::slice::from_ref(&id)
    );

    // Properties.
    let title = watcher.item_property(&item, "Title").await.expect("Title");
    assert_eq!(String::try_from(title).expect("s"), "lexguard");
    let menu_path = watcher.item_property(&item, "Menu").await.expect("Menu");
    assert_eq!(
        OwnedObjectPath::try_from(menu_path).expect("o").as_str(),
        "/menu"
    );
    assert!(watcher.item_property(&item, "NoSuchThing").await.is_err());
    assert_eq!(
        watcher.tooltip_text(&item).await.expect("tooltip"),
        "lexguard\nVerbunden · nächste Prüfung 12:00"
    );

    // The menu.
    let menu = watcher.menu(&item).await.expect("menu");
    assert_eq!(
        labels(&menu),
        [
            "Öffnen…",
            "Jetzt erneuern",
            "",
            "Status: Ver_bunden",
            "Autostart",
            "Mehr",
            "Beenden"
        ]
    );
    assert_eq!(
        menu.iter().map(|i| i.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 10]
    );
    let plain = &menu[0];
    assert!(plain.enabled && plain.visible);
    assert_eq!((plain.toggle_type.as_str(), plain.toggle_state), ("", -1));
    assert!(plain.children.is_empty());
    assert_eq!(menu[2].toggle_type, "separator");
    assert!(!menu[3].enabled);
    assert_eq!(
        (menu[4].toggle_type.as_str(), menu[4].toggle_state),
        ("checkmark", 1)
    );
    let more = &menu[5];
    assert_eq!(
        labels(&more.children),
        ["Protokoll", "Versteckt", "Jetzt erneuern"]
    );
    assert!(!more.children[1].visible);
    assert_eq!(calls.lock().expect("calls").about_to_show, [0]);

    // Clicks: the first match depth-first, so the top-level entry, not the one in "Mehr".
    watcher.click(&item, "Jetzt erneuern").await.expect("click");
    watcher.click(&item, "Protokoll").await.expect("click");
    {
        let calls = calls.lock().expect("calls");
        let events: Vec<_> = calls
            .events
            .iter()
            .map(|(id, event, data, ts)| {
                (
                    *id,
                    event.as_str(),
                    i32::try_from(data.try_clone().expect("clone")).expect("i32 data"),
                    *ts,
                )
            })
            .collect();
        assert_eq!(events, [(2, "clicked", 0, 0), (7, "clicked", 0, 0)]);
    }
    let err = watcher
        .click(&item, "Gibt es nicht")
        .await
        .expect_err("no such entry")
        .to_string();
    assert!(
        err.contains("Gibt es nicht") && err.contains("\"Beenden\"") && err.contains("Protokoll"),
        "{err}"
    );
    assert!(
        watcher.click(&item, "Status: Ver_bunden").await.is_err(),
        "disabled entries cannot be clicked"
    );
    assert!(
        watcher.click(&item, "Versteckt").await.is_err(),
        "hidden entries cannot be clicked"
    );
    assert_eq!(calls.lock().expect("calls").events.len(), 2);

    // A KDE-style item: registers its bus name, lives at /StatusNotifierItem, has no tooltip.
    let kde_name = format!("org.kde.StatusNotifierItem-{}-2", std::process::id());
    let kde = zbus::connection::Builder::session()
        .expect("session")
        .serve_at("/StatusNotifierItem", FakeItem { tooltip: None })
        .expect("item")
        .name(kde_name.as_str())
        .expect("name")
        .build()
        .await
        .expect("kde item connects");
    call_watcher(&kde, "RegisterStatusNotifierItem", &kde_name).await;
    let items = watcher.items();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0], item);
    assert_eq!(
        (items[1].bus_name.as_str(), items[1].path.as_str()),
        (kde_name.as_str(), "/StatusNotifierItem")
    );
    assert_eq!(
        watcher.tooltip_text(&items[1]).await.expect("title"),
        "lexguard",
        "falls back to Title"
    );
    call_watcher(&kde, "RegisterStatusNotifierHost", "org.kde.Other").await;

    // The app quits: its item goes.
    drop(app);
    let signal = tokio::time::timeout(WAIT, unregistered.next())
        .await
        .expect("in time")
        .expect("signal");
    assert_eq!(signal.body().deserialize::<String>().expect("s"), id);
    assert_eq!(watcher.items(), [items[1].clone()]);
    assert_eq!(
        watcher
            .wait_for_item(WAIT)
            .await
            .expect("kde item")
            .bus_name,
        kde_name
    );

    // Dropping the watcher gives its names back.
    drop(watcher);
    let deadline = Instant::now() + WAIT;
    let again = loop {
        match TrayWatcher::start().await {
            Ok(w) => break w,
            Err(zbus::Error::NameTaken) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("the names did not come free: {e}"),
        }
    };
    assert!(again.items().is_empty());
}
