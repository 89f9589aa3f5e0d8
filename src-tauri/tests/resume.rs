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

    let mut app = App::launch_with(|cmd| {
        // The normal demo schedule: the timer would tick only once a minute.
        cmd.env_remove("LEXGUARD_DEMO_FAST")
            .env("DBUS_SYSTEM_BUS_ADDRESS", &bus.1);
    })
    .await;
    let deadline = Instant::now() + WAIT;
    let first = loop {
        if let Some(t) = app.last_tick() {
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
        if app.last_tick().is_some_and(|t| t != first) {
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
