//! NotificationServer against notify-rust, which is what the app sends notifications with.

use std::time::Duration;

use desktop_harness::NotificationServer;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a private D-Bus session: run ./scripts/test"]
async fn notify_rust_notification_and_default_action() {
    let server = NotificationServer::start().await.expect("start server");

    // notify-rust blocks on its own executor: keep it off the tokio workers.
    let handle = tokio::task::spawn_blocking(|| {
        notify_rust::Notification::new()
            .appname("lexguard")
            .summary("Verbindung verloren")
            .body("Bitte neu anmelden")
            .action("default", "Öffnen")
            .show()
    })
    .await
    .expect("task")
    .expect("notify-rust shows the notification");
    let id = handle.id();

    let seen = server
        .wait_for(|n| n.id == id, WAIT)
        .await
        .expect("the server received it");
    assert_eq!(seen.app_name, "lexguard");
    assert_eq!(seen.summary, "Verbindung verloren");
    assert_eq!(seen.body, "Bitte neu anmelden");
    assert_eq!(seen.actions, ["default", "Öffnen"]);

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        handle.wait_for_action(|action| {
            let _ = tx.send(action.to_string());
        });
    });
    // wait_for_action subscribes to the signal only once it runs, and nothing tells us when
    // that is: click until the client has seen it (it stops listening after the first one).
    let deadline = tokio::time::Instant::now() + WAIT;
    let action = loop {
        server.invoke_action(id, "default").await.expect("invoke");
        if let Ok(Some(action)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await
        {
            break action;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "notify-rust never saw the action"
        );
    };
    assert_eq!(action, "default");
}
