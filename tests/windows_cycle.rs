//! The CLI's whole cycle as a Windows program: `lexguard.exe` under Wine, against the simulator
//! running natively on loopback, with Wine's Credential Manager as the keychain and the wall
//! clock moved by libfaketime (which works through Wine). scripts/test-windows builds the
//! .exe, prepares a throwaway Wine prefix and runs this with `LEXGUARD_TEST_WINDOWS_EXE` and
//! `LEXGUARD_TEST_WINE` set.
//!
//! Lexware's access tokens may be 4,096 characters, more than one Windows credential holds
//! (2,560 bytes): the simulator issues tokens of exactly that length here.

#[path = "common/cli.rs"]
mod cli;
mod common;

use cli::{Cli, assert_ok, json, stdout};

const HOUR: i64 = 3600;

/// These tests need the Windows build and a Wine prefix, which scripts/test-windows makes and
/// names (`LEXGUARD_TEST_WINDOWS_EXE`, `WINEPREFIX`); the Linux run of every test
/// (`--include-ignored`) passes them by, saying so.
fn asked_by_the_windows_script() -> bool {
    let asked = cli::windows_exe().is_some() && std::env::var_os("WINEPREFIX").is_some();
    if !asked {
        eprintln!("skipped: needs lexguard.exe and Wine (scripts/test-windows runs it)");
    }
    asked
}
const LONG_TOKEN: usize = 4096;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs lexguard.exe and Wine: run scripts/test-windows"]
async fn the_whole_cycle_of_lexguard_exe_under_wine() {
    if !asked_by_the_windows_script() {
        return;
    }
    let t = Cli::new("windows").await;
    t.ctl.set_access_token_chars(Some(LONG_TOKEN));

    t.connect().await;
    let out = t.run(&["status", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy", "{}", stdout(&out));

    let first = token_at(&t, 0).await;
    assert_eq!(
        first.len(),
        LONG_TOKEN,
        "read back whole from the Credential Manager"
    );

    // Four hours later: the access token is due, the tick refreshes (Lexware rotates).
    t.ctl.advance_clock(4 * HOUR);
    let out = t.run_at(&["tick", "--json"], 4 * HOUR).await;
    assert_ok(&out);
    assert_eq!(json(&out)["refreshed"], true, "{}", stdout(&out));
    assert_eq!(t.ctl.counters().refreshes, 1);
    let second = token_at(&t, 4 * HOUR).await;
    assert_eq!(second.len(), LONG_TOKEN);
    assert_ne!(second, first, "the new access token, whole");
    assert!(
        !t.accepted(&first).await,
        "the old access token is dead at Lexware"
    );

    // A pair that lives 10 minutes (inside the refresh margin) is due at once: then two ticks
    // at once, exactly one refresh, no refresh-token reuse.
    t.ctl.set_access_ttl(600);
    let out = t.run_at(&["refresh"], 4 * HOUR).await;
    assert_ok(&out);
    assert_eq!(t.ctl.counters().refreshes, 2);
    t.ctl.set_access_ttl(14_399);
    let a = t.run_with(t.cmd_at(&["tick", "--json"], 4 * HOUR), "");
    let b = t.run_with(t.cmd_at(&["tick", "--json"], 4 * HOUR), "");
    let (a, b) = tokio::join!(a, b);
    assert_ok(&a);
    assert_ok(&b);
    let (ja, jb) = (json(&a), json(&b));
    assert_eq!(ja["state"], "healthy", "{ja}");
    assert_eq!(jb["state"], "healthy", "{jb}");
    assert_ne!(
        ja["refreshed"], jb["refreshed"],
        "one refreshed, the other saw it done"
    );
    assert_eq!(
        t.ctl.counters().refreshes,
        3,
        "exactly one more refresh at Lexware"
    );
    assert!(t.ctl.connection_active(), "no refresh-token reuse");
    let third = token_at(&t, 4 * HOUR).await;
    assert_eq!(third.len(), LONG_TOKEN);
    assert_ne!(third, second, "rotated again");

    let out = t.run(&["disconnect"], "").await;
    assert_ok(&out);
    assert!(!t.ctl.connection_active(), "revoked at Lexware");
    let out = t.run(&["status"], "").await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "not connected: {}",
        stdout(&out)
    );
    let out = t.run(&["token"], "").await;
    assert!(!out.status.success(), "no token after disconnect");
}

/// `lexguard token` at `offset_secs`: one line, a token the simulator accepts.
async fn token_at(t: &Cli, offset_secs: i64) -> String {
    let out = t.run_at(&["token"], offset_secs).await;
    assert_ok(&out);
    let token = stdout(&out);
    assert_eq!(token.lines().count(), 1, "only the token on stdout");
    let token = token.trim_end().to_string();
    assert!(
        t.accepted(&token).await,
        "Lexware accepts the printed token"
    );
    token
}

/// Without `LEXGUARD_HOME`, lexguard.exe keeps its files in `%APPDATA%\lexguard` (Wine's
/// prefix holds the user's `AppData\Roaming`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs lexguard.exe and Wine: run scripts/test-windows"]
async fn the_home_is_appdata_lexguard() {
    if !asked_by_the_windows_script() {
        return;
    }
    let prefix = std::env::var_os("WINEPREFIX").expect("WINEPREFIX: run scripts/test-windows");
    let t = Cli::new("appdata").await;
    let mut c = t.cmd(&["tick"]);
    c.env_remove("LEXGUARD_HOME");
    let out = t.run_with(c, "").await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "not connected: {}",
        stdout(&out)
    );
    let users = std::path::Path::new(&prefix).join("drive_c").join("users");
    let state_files: Vec<_> = std::fs::read_dir(&users)
        .expect("Wine's users folder")
        .filter_map(|u| u.ok())
        .map(|u| u.path().join("AppData/Roaming/lexguard/state.json"))
        .filter(|p| p.exists())
        .collect();
    assert_eq!(state_files.len(), 1, "state.json in %APPDATA%\\lexguard");
}
