//! Footprint benchmark of the built tray app (not a test: it measures, it asserts nothing).
//! Run inside `scripts/in-session` through `scripts/bench`; prints a Markdown table.
//!
//! Measures, for `lexguard-app --demo --hidden`: time from launch to tray registration, RSS of
//! all its processes idle with the window closed and with it open, and wake-ups (context
//! switches of all its threads) per minute while idle with the window closed.

use desktop_harness::{TrayWatcher, proc};
use std::time::{Duration, Instant};

fn rss_all(pid: u32) -> (u64, usize) {
    let mut total = proc::rss_kib(pid).unwrap_or(0);
    let children = proc::descendants(pid);
    for (child, _, _) in &children {
        total += proc::rss_kib(*child).unwrap_or(0);
    }
    (total, children.len())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = std::env::args()
        .nth(1)
        .expect("usage: bench <path to lexguard-app>");
    let idle_secs: u64 = std::env::var("BENCH_IDLE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let watcher = TrayWatcher::start()
        .await
        .expect("own the StatusNotifierWatcher");
    let home = tempfile::tempdir().expect("home");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let started = Instant::now();
    let mut child = tokio::process::Command::new(&app)
        .args(["--demo", "--hidden"])
        .env("LEXGUARD_HOME", home.path())
        .env(
            "LEXGUARD_KEYRING_SERVICE",
            format!("lexguard-bench-{}", std::process::id()),
        )
        .env("LEXGUARD_DEMO_SIM_PORT", port.to_string())
        .env("LEXGUARD_LOG", "warn")
        .env("LANG", "de_DE.UTF-8")
        .kill_on_drop(true)
        .spawn()
        .expect("app starts");
    let pid = child.id().expect("pid");
    let item = watcher
        .wait_for_item(Duration::from_secs(60))
        .await
        .expect("tray registration");
    let to_tray = item.registered_at - started;

    watcher
        .click(&item, "Demo: bei Lexware anmelden")
        .await
        .expect("connect");
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss_closed, procs_closed) = rss_all(pid);
    let cs0 = proc::context_switches(pid).unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    let cs1 = proc::context_switches(pid).unwrap_or(0);
    let wakeups_per_min = (cs1.saturating_sub(cs0)) as f64 * 60.0 / idle_secs as f64;

    watcher.click(&item, "Öffnen…").await.expect("open window");
    tokio::time::sleep(Duration::from_secs(8)).await;
    let (rss_open, procs_open) = rss_all(pid);

    println!("| measure | value |");
    println!("|---|---|");
    println!("| launch → tray registered | {} ms |", to_tray.as_millis());
    println!(
        "| RSS, window closed (all processes) | {:.1} MiB ({} processes) |",
        rss_closed as f64 / 1024.0,
        procs_closed + 1
    );
    println!(
        "| RSS, window open (all processes) | {:.1} MiB ({} processes) |",
        rss_open as f64 / 1024.0,
        procs_open + 1
    );
    println!(
        "| wake-ups while idle, window closed | {wakeups_per_min:.0} per minute (context switches of all threads over {idle_secs} s) |"
    );
    let _ = child.kill().await;
}
