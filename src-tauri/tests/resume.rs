//! Resume from suspend: logind's `PrepareForSleep(false)` makes the app check at once,
//! not only at its next timer tick. The test runs its own "system bus" and owns
//! `org.freedesktop.login1` there.

mod common;

use common::*;
use std::io::BufRead;
use std::time::{Duration, Instant};

struct Bus(std::process::Child, String);

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn private_bus() -> Bus {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/session.conf");
    let mut child = std::process::Command::new("dbus-daemon")
        .args(["--config-file", config, "--nofork", "--print-address=1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dbus-daemon");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("bus address");
    Bus(child, line.trim().to_string())
}

struct Login1;

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Login1 {
    #[zbus(signal)]
    async fn prepare_for_sleep(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        start: bool,
    ) -> zbus::Result<()>;
}

fn last_tick(home: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join("state.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["last_tick_at"].as_str().map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn a_resume_signal_triggers_a_check_at_once() {
    let bus = private_bus();
    let login1 = zbus::connection::Builder::address(bus.1.as_str())
        .expect("address")
        .name("org.freedesktop.login1")
        .expect("name")
        .serve_at("/org/freedesktop/login1", Login1)
        .expect("serve")
        .build()
        .await
        .expect("own org.freedesktop.login1");

    wait_until_no_instance().await;
    let home = tempfile::tempdir().expect("home");
    let service = format!("lexguard-desktop-resume-{}", std::process::id());
    let port = free_port();
    let mut cmd = App::command(home.path(), &service, port);
    // The normal demo schedule: the timer would tick only once a minute.
    cmd.env_remove("LEXGUARD_DEMO_FAST")
        .env("DBUS_SYSTEM_BUS_ADDRESS", &bus.1);
    let mut app = App {
        child: cmd.spawn().expect("app"),
        home,
        service,
        sim: format!("http://127.0.0.1:{port}"),
    };
    app.wait_for_sim().await;
    let deadline = Instant::now() + WAIT;
    let first = loop {
        if let Some(t) = last_tick(app.home.path()) {
            break t;
        }
        assert!(Instant::now() < deadline, "no start-up tick");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // The app subscribes to the signal right after start; say "resumed" until it ticks.
    let deadline = Instant::now() + Duration::from_secs(30);
    let emitter = login1
        .object_server()
        .interface::<_, Login1>("/org/freedesktop/login1")
        .await
        .expect("iface");
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if last_tick(app.home.path()).is_some_and(|t| t != first) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no check after the resume signal (the timer alone would take a minute)"
        );
        Login1::prepare_for_sleep(emitter.signal_emitter(), false)
            .await
            .expect("signal");
    }
    let _ = app.child.kill().await;
    app.cleanup();
}
