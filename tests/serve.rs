//! `lexguard serve`, the real binary: readiness, `STATUS=` and watchdog pings over a test-owned
//! `NOTIFY_SOCKET` (as systemd's `Type=notify` would read them), the first check refreshing a
//! due token, and SIGTERM while the token endpoint is slow.
//!
//! Linux only: systemd's notify socket, SIGTERM and the Secret Service.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::Cli;
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

/// Wall-clock offset at which the first token is due for refresh.
const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;

/// A socket like systemd's: every datagram is one notification.
struct NotifySocket {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    socket: UnixDatagram,
    seen: Vec<String>,
}

impl NotifySocket {
    fn bind() -> NotifySocket {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("notify.sock");
        let socket = UnixDatagram::bind(&path).expect("bind");
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        NotifySocket {
            _dir: dir,
            path,
            socket,
            seen: Vec::new(),
        }
    }

    /// Waits (generous deadline) for a notification line starting with `prefix`.
    fn wait_for(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(line) = self.seen.iter().find(|l| l.starts_with(prefix)) {
                return line.clone();
            }
            let mut buf = [0u8; 4096];
            if let Ok(n) = self.socket.recv(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                self.seen.extend(text.lines().map(str::to_owned));
            }
        }
        panic!("no {prefix} notification; seen: {:?}", self.seen);
    }
}

fn serve_cmd(t: &Cli, sock: &NotifySocket) -> tokio::process::Command {
    let mut c = t.cmd_at(&["serve"], REFRESH_DUE);
    c.env("NOTIFY_SOCKET", &sock.path)
        .env("WATCHDOG_USEC", "1000000")
        .env_remove("WATCHDOG_PID")
        .env("LEXGUARD_LOG", "info");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn serve_reports_ready_checks_refreshes_and_pings_the_watchdog() {
    let t = Cli::new("serve").await;
    t.connect().await;
    let mut sock = NotifySocket::bind();
    let mut child = serve_cmd(&t, &sock).spawn().expect("spawn serve");
    sock.wait_for("READY=1");
    let status = sock.wait_for("STATUS=Verbunden mit Demo GmbH");
    assert!(status.contains("gültig bis"), "{status}");
    sock.wait_for("WATCHDOG=1");
    assert_eq!(t.ctl.counters().refreshes, 1, "the due token was refreshed");
    assert!(t.ctl.connection_active());
    let _ = child.start_kill();
    let _ = child.wait().await;
    t.assert_tokens_usable(REFRESH_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn sigterm_while_refreshing_stores_the_rotated_pair_then_exits() {
    let t = Cli::new("servestop").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    let requests = t.ctl.counters().requests;
    t.ctl.delay_next_on("/oauth2/token", 1, 3000);
    let mut sock = NotifySocket::bind();
    let mut c = serve_cmd(&t, &sock);
    c.stderr(std::process::Stdio::piped());
    let child = c.spawn().expect("spawn serve");
    sock.wait_for("READY=1");
    // The refresh has reached Lexware and waits there.
    let deadline = Instant::now() + Duration::from_secs(30);
    while t.ctl.counters().requests == requests && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().expect("pid");
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill")
            .success()
    );
    let out = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("serve ended")
        .expect("serve ran");
    assert_eq!(out.status.code(), Some(0), "a clean stop");
    sock.wait_for("STOPPING=1");
    assert_eq!(t.ctl.counters().refreshes, 1, "the refresh completed");
    assert_ne!(
        t.keychain_raw("tokens"),
        before,
        "and the rotated pair is stored"
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!log.contains("\u{1b}["), "no colours in the journal");
    t.assert_tokens_usable(REFRESH_DUE).await;
}
