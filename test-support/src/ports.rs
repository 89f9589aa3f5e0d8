//! Ports for servers that another process (or a later step) binds.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Lowest port picked: below it live well-known services.
const LOWEST: u16 = 10_000;

/// A loopback port that is free now and that the kernel does not hand out on its own.
///
/// "Bind port 0, note the port, release it" races with every process that binds port 0 or
/// connects out meanwhile: the kernel takes those ports from its ephemeral range
/// (`/proc/sys/net/ipv4/ip_local_port_range`, 32768–60999 on Linux, 49152–65535 on Windows).
/// With the test lanes side by side a WebKitWebDriver's inspector once took the port a test had
/// noted for the demo's simulator. A port below that range is taken only by another test
/// picking explicitly, and these picks are spread at random over some 20 000 ports.
pub fn unused_port() -> u16 {
    let below = ephemeral_start().max(LOWEST + 1);
    let span = u64::from(below - LOWEST);
    let mut pick = seed();
    for _ in 0..500 {
        pick = pick
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let port = LOWEST + u16::try_from((pick >> 33) % span).unwrap_or(0);
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {LOWEST} and {below}");
}

/// The first port of the kernel's ephemeral range (Linux's default where it cannot be read).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}

/// Differs between processes, between calls and over time.
fn seed() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    nanos ^ (u64::from(std::process::id()) << 32) ^ CALLS.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_is_free_and_below_the_ephemeral_range() {
        let port = unused_port();
        assert!(
            port >= LOWEST && port < ephemeral_start().max(LOWEST + 1),
            "{port}"
        );
        TcpListener::bind(("127.0.0.1", port)).expect("still free");
    }
}
