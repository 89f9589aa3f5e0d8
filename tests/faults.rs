//! The fault matrix of the one-shot CLI: each fault runs the REAL `lexguard` binary against the
//! simulator and the REAL Secret Service, and asserts the exit code, the state, the message's
//! key words, and that the tokens Lexware issued last are still usable afterwards.
//! docs/reliability.md lists every case.
//!
//! Linux only: a private gnome-keyring over D-Bus, libfaketime (LD_PRELOAD), Unix permissions.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/private_keychain.rs"]
mod private_keychain;

use cli::{Cli, assert_exit, assert_ok, assert_says, futures_join_all, json, stdout};
use private_keychain::PrivateKeychain;

/// Wall-clock offset at which the first token (expires_in 14 399 s) is due for refresh:
/// 3 h 50 min later fewer than 15 minutes are left.
const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;
/// Past the back-off lexguard chose after a failed refresh at [`REFRESH_DUE`] (Retry-After
/// 30 s at most here), and well within `schedule.gap_after` (5 min): no gap is reported.
const RETRY_DUE: i64 = REFRESH_DUE + 90;

/// Points lexguard's config at `url` for both the OAuth server and the API.
fn point_at(t: &Cli, url: &str) {
    let mut c = common::config_for(&t.sim, vec![]);
    c.lexware.auth_url = url.to_owned();
    c.lexware.api_url = url.to_owned();
    c.save(&t.config_path()).expect("config");
}

/// A loopback port nobody listens on (bound, then released).
fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// After the fault is gone a tick at `offset` refreshes and is healthy; the tokens work.
async fn recovers_at(t: &Cli, offset: i64) {
    let out = t.run_at(&["tick", "--json"], offset).await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["state"], "healthy", "{j}");
    assert_eq!(j["refreshed"], true, "{j}");
    t.assert_tokens_usable(offset).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_network_down_keeps_tokens() {
    let t = Cli::new("netdown").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    point_at(&t, &closed_port_url());
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "refresh_failing", "{j}");
    assert_says(&out, &["Erneuern klappt gerade nicht", "neuer Versuch"]);
    assert_eq!(t.keychain_raw("tokens"), before, "tokens untouched");
    point_at(&t, &t.sim.url());
    recovers_at(&t, RETRY_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_5xx_storm_keeps_tokens() {
    let t = Cli::new("5xx").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    t.ctl.fail_next_on("/oauth2/token", 50, 503);
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "refresh_failing", "{j}");
    assert_says(&out, &["Erneuern klappt gerade nicht", "neuer Versuch"]);
    assert_eq!(t.keychain_raw("tokens"), before, "nothing lost or replaced");
    assert_eq!(t.ctl.counters().refreshes, 0);
    t.ctl.fail_next_on("/oauth2/token", 0, 503);
    recovers_at(&t, RETRY_DUE).await;
    assert_eq!(t.ctl.counters().refreshes, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_429_storm_keeps_tokens() {
    let t = Cli::new("429").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    t.ctl.rate_limit_next(50, Some(30));
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "refresh_failing", "{j}");
    assert_says(
        &out,
        // At least Retry-After (30 s), plus up to 20 % jitter of the backoff.
        &["Erneuern klappt gerade nicht", "neuer Versuch in 3"],
    );
    assert_eq!(t.keychain_raw("tokens"), before, "nothing lost or replaced");
    t.ctl.rate_limit_next(0, None);
    recovers_at(&t, RETRY_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_invalid_grant_is_auth_lost() {
    let t = Cli::new("grant").await;
    t.connect().await;
    t.ctl.revoke_connection();
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 3);
    let j = json(&out);
    assert_eq!(j["state"], "auth_lost", "{j}");
    assert_eq!(j["reason"], "invalid_grant", "{j}");
    assert_says(
        &out,
        &["verloren", "verbinden Sie sich neu", "lexguard login-url"],
    );
    let out = t.run_at(&["status"], REFRESH_DUE).await;
    assert_exit(&out, 3);
    assert_says(&out, &["Verbindung verloren"]);
    let out = t.run_at(&["token"], REFRESH_DUE).await;
    assert_exit(&out, 3);
    assert_says(&out, &["verloren", "Passwortänderung"]);
    assert!(stdout(&out).is_empty(), "no token printed");
    // Connecting again is the way back.
    let redirect = t.authorize().await;
    let out = t.run(&["connect", "-"], &format!("{redirect}\n")).await;
    assert_ok(&out);
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_invalid_client_secret_is_not_auth_lost() {
    let t = Cli::new("badsecret").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    let out = t
        .run(&["client-secret", "set", "-"], "wrong-secret\n")
        .await;
    assert_ok(&out);
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "client_credentials", "{j}");
    assert_says(
        &out,
        &["lehnt Client-ID oder Client-Secret ab", "config.toml"],
    );
    assert_eq!(t.keychain_raw("tokens"), before, "tokens kept");
    let out = t.run(&["client-secret", "set", "-"], "sim-secret\n").await;
    assert_ok(&out);
    recovers_at(&t, RETRY_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_client_deactivated_is_not_auth_lost() {
    let t = Cli::new("deactivated").await;
    t.connect().await;
    t.ctl.deactivate_client();
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "client_credentials", "{j}");
    assert_says(
        &out,
        &["lehnt Client-ID oder Client-Secret ab", "config.toml"],
    );
    assert!(t.keychain_raw("tokens").is_some(), "tokens kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_keychain_missing_keeps_tokens() {
    let t = Cli::new("nokeychain").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    let mut c = t.cmd(&["tick", "--json"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = t.run_with(c, "").await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "keychain_unavailable", "{j}");
    assert_says(&out, &["Schlüsselbund", "nicht verloren"]);
    let mut c = t.cmd(&["token"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = t.run_with(c, "").await;
    assert_exit(&out, 1);
    assert_says(&out, &["Schlüsselbund"]);
    assert!(stdout(&out).is_empty());
    assert_eq!(t.keychain_raw("tokens"), before, "nothing deleted");
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_keychain_locked_keeps_tokens() {
    let kc = PrivateKeychain::start();
    let mut t = Cli::new("locked").await;
    t.use_env(kc.env());
    t.connect().await;
    let before = t.keychain_raw("tokens");
    assert!(before.is_some());
    kc.lock();
    let out = t.run(&["tick", "--json"], "").await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_says(
        &out,
        &["Schlüsselbund", "gesperrt", "entsperren", "nicht verloren"],
    );
    let out = t.run(&["token"], "").await;
    assert_exit(&out, 1);
    assert_says(&out, &["Schlüsselbund ist gesperrt", "entsperren"]);
    assert!(stdout(&out).is_empty());
    kc.unlock();
    assert_eq!(t.keychain_raw("tokens"), before, "nothing deleted");
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_corrupt_config_names_file_line_and_key() {
    let t = Cli::new("badconfig").await;
    t.connect().await;
    let before = t.keychain_raw("tokens");
    let good = std::fs::read_to_string(t.config_path()).expect("config");
    let line = good
        .lines()
        .position(|l| l.starts_with("check_every"))
        .expect("check_every in the saved config")
        + 1;
    let bad: Vec<String> = good
        .lines()
        .map(|l| {
            if l.starts_with("check_every") {
                "check_every = \"7m\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(t.config_path(), bad.join("\n")).expect("write");
    let out = t.run(&["tick", "--json"], "").await;
    assert_exit(&out, 1);
    assert_says(
        &out,
        &[
            &format!("config.toml, Zeile {line}"),
            "schedule.check_every",
            "1 bis 5 Minuten",
        ],
    );
    std::fs::write(t.config_path(), format!("{good}\n[lexware\n")).expect("write");
    let out = t.run(&["tick"], "").await;
    assert_exit(&out, 1);
    let last = good.lines().count() + 2;
    assert_says(
        &out,
        &[&format!("config.toml, Zeile {last}"), "korrigieren"],
    );
    assert_eq!(t.keychain_raw("tokens"), before, "nothing touched");
    std::fs::write(t.config_path(), good).expect("restore");
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_clock_jump_3h_reports_gap_and_stays_healthy() {
    let t = Cli::new("jump").await;
    t.connect().await;
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    const JUMP: i64 = 3 * 3600;
    let out = t.run_at(&["tick", "--json"], JUMP).await;
    // Today: the tick that sees the gap reports it (degraded, exit 4) after checking the
    // connection; the token (4 h) is not yet due, so it is not refreshed.
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "gap_seen", "{j}");
    let gap = j["gap_seconds"].as_i64().expect("gap seen");
    assert!((JUMP - 60..=JUMP + 600).contains(&gap), "{j}");
    assert_says(&out, &["Pause von 3 h", "geprüft"]);
    // The next regular tick is healthy again.
    let out = t.run_at(&["tick", "--json"], JUMP + 60).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    t.assert_tokens_usable(JUMP + 60).await;
}

async fn concurrent_ticks(name: &str, n: usize) {
    let t = Cli::new(name).await;
    t.connect().await;
    let runs = (0..n).map(|_| t.run_at(&["tick", "--json"], REFRESH_DUE));
    let outs = futures_join_all(runs).await;
    let mut refreshed = 0;
    for out in &outs {
        assert_ok(out);
        let j = json(out);
        assert_eq!(j["state"], "healthy", "{j}");
        if j["refreshed"] == true {
            refreshed += 1;
        }
    }
    assert_eq!(
        t.ctl.counters().refreshes,
        1,
        "exactly one refresh at Lexware"
    );
    assert_eq!(refreshed, 1, "one refreshed, the others saw it done");
    assert!(t.ctl.connection_active(), "no refresh-token reuse");
    t.assert_tokens_usable(REFRESH_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_2_concurrent_ticks_refresh_once() {
    concurrent_ticks("race2", 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_10_concurrent_ticks_refresh_once() {
    concurrent_ticks("race10", 10).await;
}

/// Pasting `input` fails with exit 1 and these words; the tokens stay byte-identical and
/// usable.
/// What lexguard says when Lexware answers `invalid_grant` to a code.
const REJECTED: [&str; 4] = [
    "Code abgelehnt",
    "abgelaufen",
    "schon benutzt",
    "unverändert",
];

async fn bad_paste(t: &Cli, input: &str, words: &[&str]) {
    let before = t.keychain_raw("tokens");
    assert!(before.is_some());
    let out = t.run(&["connect", "-"], input).await;
    assert_exit(&out, 1);
    assert_says(&out, words);
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(t.keychain_raw("tokens"), before, "previous tokens kept");
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_pasted_garbage_keeps_tokens() {
    let t = Cli::new("garbage").await;
    t.connect().await;
    let _ = t.authorize().await;
    bad_paste(&t, "hallo welt ä?&=\n", &["Code", "Leerzeichen", "erneut"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_pasted_oversized_keeps_tokens() {
    let t = Cli::new("oversized").await;
    t.connect().await;
    let _ = t.authorize().await;
    bad_paste(
        &t,
        &format!("{}\n", "A".repeat(100 * 1024)),
        &["zu lang", "nur den Code"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_pasted_expired_code_keeps_tokens() {
    let t = Cli::new("expired").await;
    t.connect().await;
    let redirect = t.authorize().await;
    t.ctl.advance_clock(6 * 60);
    bad_paste(&t, &format!("{redirect}\n"), &REJECTED).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_pasted_reused_code_keeps_tokens() {
    let t = Cli::new("reused").await;
    t.run(&["client-secret", "set", "-"], "sim-secret\n").await;
    let redirect = t.authorize().await;
    let out = t.run(&["connect", "-"], &format!("{redirect}\n")).await;
    assert_ok(&out);
    assert!(stdout(&out).contains("Demo GmbH"));
    // A new login is open, and the old (redeemed) code alone is pasted into it: only
    // Lexware can tell that it was used.
    let _ = t.authorize().await;
    let code = common::code_of(&redirect);
    bad_paste(&t, &format!("{code}\n"), &REJECTED).await;
    assert_eq!(t.ctl.counters().code_exchanges, 1);
}
