//! The loopback listener over real loopback TCP: what it hands on, what it refuses, and that
//! no client can hold it open.

use super::*;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous bound for anything that should happen "soon".
const SOON: Duration = Duration::from_secs(20);

struct Running {
    addr: std::net::SocketAddr,
    expected: Expected,
    handed_on: Arc<Mutex<Vec<String>>>,
    server: tokio::task::JoinHandle<()>,
}

async fn start(limits: Limits, done_on_success: bool) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let expected: Expected = Arc::new(Mutex::new("good-state".into()));
    let handed_on = Arc::new(Mutex::new(Vec::new()));
    let seen = handed_on.clone();
    let on_redirect: OnRedirect = Arc::new(move |pasted: String| {
        seen.lock().expect("lock").push(pasted);
        Box::pin(async move {
            Reply {
                done: done_on_success,
                html: "verbunden".into(),
            }
        })
    });
    let refused: RefusedPage = Arc::new(|missing| {
        if missing {
            "ohne state".into()
        } else {
            "falscher state".into()
        }
    });
    let server = tokio::spawn(serve(
        listener,
        "/callback".into(),
        format!("http://{addr}/callback"),
        expected.clone(),
        limits,
        on_redirect,
        refused,
    ));
    Running {
        addr,
        expected,
        handed_on,
        server,
    }
}

/// One GET over a fresh connection: status line and body.
async fn get(addr: std::net::SocketAddr, target: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut raw = String::new();
    tokio::time::timeout(SOON, s.read_to_string(&mut raw))
        .await
        .expect("an answer")
        .expect("read");
    let status = raw.lines().next().unwrap_or_default().to_string();
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// Reads until the server closes; fails if it does not within [`SOON`].
async fn closed_by_server(mut s: TcpStream) {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(SOON, s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server never closed the connection");
}

fn quick() -> Limits {
    Limits {
        connections: 8,
        header_timeout: Duration::from_secs(10),
        lifetime: Duration::from_secs(600),
    }
}

#[tokio::test]
async fn only_the_open_logins_state_is_handed_on() {
    let r = start(quick(), false).await;
    let (status, body) = get(r.addr, "/callback?code=c1").await;
    assert!(status.contains("400"), "{status}");
    assert_eq!(body, "ohne state");
    let (status, body) = get(r.addr, "/callback?code=c2&state=old-state").await;
    assert!(status.contains("400"), "{status}");
    assert_eq!(body, "falscher state");
    let (status, _) = get(r.addr, "/callback?code=c3&state=").await;
    assert!(status.contains("400"), "{status}");
    let (status, _) = get(r.addr, "/elsewhere?code=c4&state=good-state").await;
    assert!(status.contains("404"), "{status}");
    assert!(
        r.handed_on.lock().expect("lock").is_empty(),
        "nothing handed on"
    );

    let (status, body) = get(r.addr, "/callback?code=c5&state=good-state").await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "verbunden");
    // A newer login replaces the state: the older one is refused from now on.
    *r.expected.lock().expect("lock") = "newer".into();
    let (status, _) = get(r.addr, "/callback?code=c6&state=good-state").await;
    assert!(status.contains("400"), "{status}");
    let (status, _) = get(r.addr, "/callback?code=c7&state=newer").await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(
        *r.handed_on.lock().expect("lock"),
        vec![
            format!("http://{}/callback?code=c5&state=good-state", r.addr),
            format!("http://{}/callback?code=c7&state=newer", r.addr),
        ]
    );
    r.server.abort();
}

#[tokio::test]
async fn a_completed_login_stops_the_listener() {
    let r = start(quick(), true).await;
    let (status, _) = get(r.addr, "/callback?code=c&state=good-state").await;
    assert!(status.contains("200"), "{status}");
    tokio::time::timeout(SOON, r.server)
        .await
        .expect("the listener stopped")
        .expect("no panic");
    assert!(
        TcpStream::connect(r.addr).await.is_err(),
        "the port is closed"
    );
}

#[tokio::test]
async fn connections_are_limited_and_idle_ones_time_out() {
    let limits = Limits {
        connections: 2,
        header_timeout: Duration::from_millis(500),
        lifetime: Duration::from_secs(600),
    };
    let r = start(limits, false).await;
    // Two clients connect and say nothing: they hold both slots.
    let idle1 = TcpStream::connect(r.addr).await.expect("connect");
    let idle2 = TcpStream::connect(r.addr).await.expect("connect");
    // A third, even with a good redirect, is closed without an answer rather than queued.
    let mut third = TcpStream::connect(r.addr).await.expect("connect");
    let _ = third
        .write_all(b"GET /callback?code=c&state=good-state HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(SOON, third.read_to_end(&mut answer))
        .await
        .expect("closed");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert!(r.handed_on.lock().expect("lock").is_empty());
    // The silent ones are dropped after the header timeout; then a real redirect gets through.
    closed_by_server(idle1).await;
    closed_by_server(idle2).await;
    let deadline = tokio::time::Instant::now() + SOON;
    loop {
        let (status, _) = get(r.addr, "/callback?code=c&state=good-state").await;
        if status.contains("200") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never answered: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    r.server.abort();
}

#[tokio::test]
async fn a_held_connection_does_not_outlive_the_login() {
    let limits = Limits {
        connections: 8,
        // Longer than the lifetime: only the end of the login can close this connection.
        header_timeout: Duration::from_secs(120),
        lifetime: Duration::from_millis(500),
    };
    let r = start(limits, false).await;
    let mut held = TcpStream::connect(r.addr).await.expect("connect");
    held.write_all(b"GET /callback?code=c&sta")
        .await
        .expect("write");
    tokio::time::timeout(SOON, r.server)
        .await
        .expect("the listener ended with its login although a client held a connection")
        .expect("no panic");
    closed_by_server(held).await;
    assert!(r.handed_on.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn a_panicking_hand_over_answers_and_the_listener_goes_on() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let on_redirect: OnRedirect = Arc::new(move |_| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            assert!(n > 0, "the first hand-over fails");
            Reply {
                done: false,
                html: "verbunden".into(),
            }
        })
    });
    let server = tokio::spawn(serve(
        listener,
        "/cb".into(),
        format!("http://{addr}/cb"),
        Arc::new(Mutex::new("s".into())),
        quick(),
        on_redirect,
        Arc::new(|_| "abgelehnt".into()),
    ));
    let (status, _) = get(addr, "/cb?code=1&state=s").await;
    assert!(status.contains("500"), "{status}");
    let (status, body) = get(addr, "/cb?code=2&state=s").await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "verbunden");
    server.abort();
}
