//! One instance: a second launch hands over and exits; the first shows its window.

mod common;

use common::*;
use desktop_harness::TrayWatcher;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn a_second_launch_exits_and_focuses_the_first() {
    let watcher = TrayWatcher::start().await.expect("watcher");
    let app = App::launch("single").await;
    watcher.wait_for_item(WAIT).await.expect("tray item");
    assert!(
        app.webkit_processes().is_empty(),
        "--hidden starts without a window"
    );
    let second_tmp = tempfile::tempdir().expect("tmp");
    let mut second = App::command(second_tmp.path(), test_support::ports::unused_port())
        .spawn()
        .expect("second launch");
    let status = tokio::time::timeout(WAIT, second.wait())
        .await
        .expect("second exits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    let deadline = Instant::now() + WAIT;
    while app.webkit_processes().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the first instance never showed its window"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(watcher.items().len(), 1, "still one tray icon");
    app.cleanup();
}
