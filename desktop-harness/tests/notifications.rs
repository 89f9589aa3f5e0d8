//! NotificationServer against a plain zbus client, the way an app calls the daemon.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use desktop_harness::{NotificationServer, session_bus_available};
use futures_util::StreamExt;
use zbus::zvariant::Value;

#[zbus::proxy(
    interface = "org.freedesktop.Notifications",
    default_service = "org.freedesktop.Notifications",
    default_path = "/org/freedesktop/Notifications"
)]
trait Notifications {
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: &str,
        replaces_id: u32,
        app_icon: &str,
        summary: &str,
        body: &str,
        actions: &[&str],
        hints: HashMap<&str, &Value<'_>>,
        expire_timeout: i32,
    ) -> zbus::Result<u32>;
    fn get_capabilities(&self) -> zbus::Result<Vec<String>>;
    fn get_server_information(&self) -> zbus::Result<(String, String, String, String)>;
    fn close_notification(&self, id: u32) -> zbus::Result<()>;
    #[zbus(signal)]
    fn notification_closed(&self, id: u32, reason: u32) -> zbus::Result<()>;
    #[zbus(signal)]
    fn action_invoked(&self, id: u32, action_key: String) -> zbus::Result<()>;
}

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a private D-Bus session: run ./scripts/test"]
async fn records_notifications_and_emits_actions() {
    assert!(
        session_bus_available(),
        "DBUS_SESSION_BUS_ADDRESS is not set"
    );
    let server = NotificationServer::start().await.expect("start server");
    assert!(
        matches!(
            NotificationServer::start().await,
            Err(zbus::Error::NameTaken)
        ),
        "a second server must not get the name"
    );

    let app = zbus::Connection::session().await.expect("app connects");
    let daemon = NotificationsProxy::new(&app).await.expect("proxy");
    assert_eq!(
        daemon.get_capabilities().await.expect("capabilities"),
        ["actions", "body", "body-markup"]
    );
    assert_eq!(
        daemon.get_server_information().await.expect("info"),
        (
            "lexguard-test".into(),
            "lexguard".into(),
            "1".into(),
            "1.2".into()
        )
    );

    let urgency = Value::from(1u8);
    let hints = HashMap::from([("urgency", &urgency)]);
    let before = Instant::now();
    let first = daemon
        .notify(
            "lexguard",
            0,
            "dialog-warning",
            "Verbindung verloren",
            "Bitte neu anmelden",
            &["default", "Öffnen", "later", "Später"],
            hints,
            -1,
        )
        .await
        .expect("notify");
    let second = daemon
        .notify("lexguard", 0, "", "Zweite", "", &[], HashMap::new(), 5000)
        .await
        .expect("notify");
    assert_eq!((first, second), (1, 2));
    // Replacing keeps the id.
    let replaced = daemon
        .notify(
            "lexguard",
            first,
            "",
            "Ersetzt",
            "",
            &[],
            HashMap::new(),
            -1,
        )
        .await
        .expect("notify");
    assert_eq!(replaced, first);

    let received = server.received();
    assert_eq!(received.len(), 3);
    let n = &received[0];
    assert_eq!(n.id, 1);
    assert_eq!(n.app_name, "lexguard");
    assert_eq!(n.summary, "Verbindung verloren");
    assert_eq!(n.body, "Bitte neu anmelden");
    assert_eq!(n.actions, ["default", "Öffnen", "later", "Später"]);
    assert!(n.received_at >= before);
    assert_eq!(
        received
            .iter()
            .map(|n| (n.id, n.summary.as_str()))
            .collect::<Vec<_>>(),
        [(1, "Verbindung verloren"), (2, "Zweite"), (1, "Ersetzt")]
    );

    // Already there.
    let found = server
        .wait_for(|n| n.summary == "Zweite", WAIT)
        .await
        .expect("found");
    assert_eq!(found.id, 2);
    // Never comes.
    let started = Instant::now();
    assert!(
        server
            .wait_for(|n| n.summary == "nie", Duration::from_millis(300))
            .await
            .is_none()
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    // Comes later.
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let app = zbus::Connection::session().await.expect("connect");
        let daemon = NotificationsProxy::new(&app).await.expect("proxy");
        daemon
            .notify("lexguard", 0, "", "Später", "", &[], HashMap::new(), -1)
            .await
            .expect("notify")
    });
    let later = server
        .wait_for(|n| n.summary == "Später", WAIT)
        .await
        .expect("the late notification arrives");
    assert_eq!(later.id, late.await.expect("task"));
    assert_eq!(later.id, 3);

    // A click on an action reaches whoever listens for ActionInvoked.
    let mut actions = daemon.receive_action_invoked().await.expect("subscribe");
    server.invoke_action(first, "later").await.expect("invoke");
    let signal = tokio::time::timeout(WAIT, actions.next())
        .await
        .expect("signal in time")
        .expect("stream open");
    let args = signal.args().expect("args");
    assert_eq!((args.id, args.action_key.as_str()), (first, "later"));
    assert_eq!(
        signal.message().header().sender().map(|s| s.to_string()),
        daemon
            .inner()
            .connection()
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "GetNameOwner",
                &("org.freedesktop.Notifications",),
            )
            .await
            .expect("owner")
            .body()
            .deserialize::<String>()
            .ok(),
        "the signal comes from the name's owner"
    );

    // CloseNotification answers with NotificationClosed(id, 3).
    let mut closed = daemon
        .receive_notification_closed()
        .await
        .expect("subscribe");
    daemon.close_notification(second).await.expect("close");
    let signal = tokio::time::timeout(WAIT, closed.next())
        .await
        .expect("signal in time")
        .expect("stream open");
    let args = signal.args().expect("args");
    assert_eq!((args.id, args.reason), (second, 3));

    // Dropping the server gives the name back.
    drop(server);
    let deadline = Instant::now() + WAIT;
    loop {
        match NotificationServer::start().await {
            Ok(_) => break,
            Err(zbus::Error::NameTaken) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("the name did not come free: {e}"),
        }
    }
}
