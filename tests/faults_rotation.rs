//! Rotation safety through the REAL `lexguard` binary and the REAL Secret Service: the faults
//! that used to burn a rotated token pair or lie about it (huge Retry-After, a keychain locked
//! while a refresh is on its way, answers lost after Lexware rotated, a killed process, lost
//! state, wrong clocks, 401s after a working refresh, two data folders on one keychain entry).
//! docs/reliability.md lists every case.
//!
//! Linux only: a private gnome-keyring over D-Bus, libfaketime (LD_PRELOAD), Unix permissions.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/private_keychain.rs"]
mod private_keychain;

use chrono::{DateTime, Utc};
use cli::{Cli, assert_exit, assert_ok, assert_says, futures_join_all, json, said, stdout};
use private_keychain::PrivateKeychain;

const NEEDS: &str = "needs a Secret Service session: run ./scripts/test";
/// Wall-clock offset at which the first token (expires_in 14 399 s) is due for refresh.
const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;
const RESCUE: &str = "rescued-lexware-tokens.json";

fn at(j: &serde_json::Value, key: &str) -> DateTime<Utc> {
    j[key]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .unwrap_or_else(|| panic!("{key} in {j}"))
        .with_timezone(&Utc)
}

/// Waits (with a generous deadline) until the simulator has seen `n` more requests than
/// `before`: the CLI's request has arrived and waits there.
async fn arrived(t: &Cli, before: u32) {
    for _ in 0..600 {
        if t.ctl.counters().requests > before {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the request never reached the simulator");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_huge_retry_after_is_clamped_not_a_panic() {
    let _ = NEEDS;
    let t = Cli::new("retryafter").await;
    t.connect().await;
    // Each case at a time past the previous (clamped) back-off, so each reaches Lexware.
    for (retry_after, offset) in [
        (99_999_999_999_999_999_u64, REFRESH_DUE),
        (31_536_000, REFRESH_DUE + 16 * 60),
    ] {
        t.ctl.rate_limit_next(1, Some(retry_after));
        let before = t.ctl.counters().requests;
        let out = t.run_at(&["tick", "--json"], offset).await;
        assert_exit(&out, 4); // degraded, not 101 (a panic)
        assert_eq!(
            t.ctl.counters().requests,
            before + 1,
            "the 429 reached lexguard"
        );
        let j = json(&out);
        assert_eq!(j["reason"], "refresh_failing", "{j}");
        let faked_now = Utc::now() + chrono::Duration::seconds(offset);
        let wait = at(&j, "next_attempt_at") - faked_now;
        // At most the longest backoff (5 min) plus a second of slack for the run itself.
        assert!(wait <= chrono::Duration::seconds(301), "{wait}: clamped");
        assert!(!said(&out).contains(" d."), "no 'in 364 d': {}", said(&out));
        if offset == REFRESH_DUE {
            // While the access token is valid, never retry after it expires.
            assert!(at(&j, "next_attempt_at") <= at(&j, "access_expires_at"));
        }
    }
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE + 32 * 60).await;
    assert_eq!(json(&out)["refreshed"], true, "{}", said(&out));
    t.assert_tokens_usable(REFRESH_DUE + 32 * 60).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_keychain_locked_during_refresh_keeps_the_pair_in_the_rescue_file() {
    let kc = PrivateKeychain::start();
    let mut t = Cli::new("rescue").await;
    t.use_env(kc.env());
    t.connect().await;
    let before = t.keychain_raw("tokens");
    let requests = t.ctl.counters().requests;
    t.ctl.delay_next_on("/oauth2/token", 1, 3000);
    let lock_meanwhile = async {
        arrived(&t, requests).await;
        kc.lock();
    };
    let (out, ()) = tokio::join!(t.run(&["refresh"], ""), lock_meanwhile);
    assert_exit(&out, 1); // never "erneuert" for a pair the keychain did not take
    assert_says(&out, &["nicht angenommen", RESCUE]);
    assert_eq!(t.ctl.counters().refreshes, 1, "Lexware rotated");
    let rescue = t.home.path().join(RESCUE);
    assert!(rescue.exists());
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&rescue)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    kc.unlock();
    assert_eq!(
        t.keychain_raw("tokens"),
        before,
        "the keychain really refused"
    );
    // The next run moves the rescued pair into the keychain and deletes the file.
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    assert!(!rescue.exists());
    assert_ne!(t.keychain_raw("tokens"), before);
    t.assert_tokens_usable(0).await;
    // And the rescued refresh token is the live one: one more refresh keeps the connection.
    assert_ok(&t.run(&["refresh"], "").await);
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_keychain_locked_during_connect_never_says_connected() {
    let kc = PrivateKeychain::start();
    let mut t = Cli::new("rescueconnect").await;
    t.use_env(kc.env());
    assert_ok(&t.run(&["client-secret", "set", "-"], "sim-secret\n").await);
    let redirect = t.authorize().await;
    let requests = t.ctl.counters().requests;
    t.ctl.delay_next_on("/oauth2/token", 1, 3000);
    let lock_meanwhile = async {
        arrived(&t, requests).await;
        kc.lock();
    };
    let pasted = format!("{redirect}\n");
    let (out, ()) = tokio::join!(t.run(&["connect", "-"], &pasted), lock_meanwhile);
    assert_exit(&out, 1);
    assert_says(&out, &["nicht angenommen", RESCUE]);
    assert!(!stdout(&out).contains("Verbunden"), "{}", said(&out));
    kc.unlock();
    t.assert_tokens_usable(0).await;
    assert!(!t.home.path().join(RESCUE).exists());
}

/// The answer to a refresh is lost after Lexware rotated (cut, or no answer at all): the next
/// refresh replays a dead token. The message must name the interruption, not the user.
async fn lost_answer_is_named_interrupted(t: &Cli) {
    let before = t.keychain_raw("tokens");
    let out = t.run(&["refresh"], "").await;
    assert_exit(&out, 1);
    assert_eq!(t.ctl.counters().refreshes, 1, "Lexware rotated");
    assert_eq!(t.keychain_raw("tokens"), before);
    let out = t.run(&["refresh"], "").await;
    assert_exit(&out, 3);
    assert_says(&out, &["unterbrochen", "nichts falsch gemacht", "neu"]);
    assert!(!said(&out).contains("Passwortänderung"), "{}", said(&out));
    let out = t.run(&["status", "--json"], "").await;
    assert_exit(&out, 3);
    let j = json(&out);
    assert_eq!(j["state"], "auth_lost", "{j}");
    assert_eq!(j["reason"], "interrupted_refresh", "{j}");
    // A new login heals it.
    t.connect().await;
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_refresh_answer_dropped_after_rotation_is_named_interrupted() {
    let t = Cli::new("dropafter").await;
    t.connect().await;
    t.ctl.drop_after_next_on("/oauth2/token", 1);
    lost_answer_is_named_interrupted(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_truncated_200_after_rotation_is_named_interrupted() {
    let t = Cli::new("truncate").await;
    t.connect().await;
    t.ctl.truncate_next_on("/oauth2/token", 1);
    lost_answer_is_named_interrupted(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_sigkill_between_answer_and_write_is_named_interrupted() {
    let t = Cli::new("sigkill").await;
    t.connect().await;
    t.ctl.delay_after_next_on("/oauth2/token", 1, 4000);
    let mut child = t.cmd(&["refresh"]).spawn().expect("spawn");
    for _ in 0..600 {
        if t.ctl.counters().refreshes == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(t.ctl.counters().refreshes, 1, "Lexware rotated");
    child.start_kill().expect("SIGKILL");
    let _ = child.wait().await;
    let out = t.run(&["tick", "--json"], "").await;
    let _ = out;
    let out = t.run(&["refresh"], "").await;
    assert_exit(&out, 3);
    assert_says(&out, &["unterbrochen", "nichts falsch gemacht"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_late_token_answer_is_waited_for_not_lost() {
    // 35 s: later than an API call may take (30 s), within the token request's 90 s.
    let t = Cli::new("lateanswer").await;
    t.connect().await;
    t.ctl.delay_after_next_on("/oauth2/token", 1, 35_000);
    let out = t.run(&["refresh"], "").await;
    assert_ok(&out);
    assert_eq!(t.ctl.counters().refreshes, 1);
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_lost_state_file_recovers_the_mode_from_the_keychain() {
    let t = Cli::new("lostkey").await;
    let key = t.ctl.create_api_key();
    assert_ok(
        &t.run(&["connect", "--api-key", "-"], &format!("{key}\n"))
            .await,
    );
    std::fs::remove_file(t.home.path().join("state.json")).expect("rm");
    let out = t.run(&["token"], "").await;
    assert_ok(&out);
    assert_eq!(stdout(&out).trim(), key, "API-key mode from the keychain");
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(
        (j["state"].as_str(), j["mode"].as_str()),
        (Some("healthy"), Some("api_key")),
        "{j}"
    );

    let t = Cli::new("loststate").await;
    t.connect().await;
    let state = t.home.path().join("state.json");
    let bytes = std::fs::read(&state).expect("state");
    std::fs::write(&state, &bytes[..bytes.len() / 2]).expect("truncate");
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(
        (j["state"].as_str(), j["mode"].as_str()),
        (Some("healthy"), Some("oauth")),
        "{j}"
    );
    assert!(
        t.home.path().join("state.json.bad").exists(),
        "the bad copy is kept"
    );
    t.assert_tokens_usable(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_clock_days_ahead_then_corrected_does_not_block_refreshes() {
    let t = Cli::new("clockahead").await;
    t.connect().await;
    t.ctl.fail_next_on("/oauth2/token", 1, 503);
    let out = t.run_at(&["tick", "--json"], 3 * 86_400).await;
    assert_exit(&out, 4);
    // The clock is right again; once the refresh is due it happens, not 3 days later.
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_ok(&out);
    assert_eq!(json(&out)["refreshed"], true, "{}", said(&out));
    t.assert_tokens_usable(REFRESH_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_clock_set_back_a_day_still_gives_a_token_lexware_accepts() {
    let t = Cli::new("clockback").await;
    t.connect().await;
    assert_ok(&t.run_at(&["tick"], 2 * 3600).await);
    let out = t.run_at(&["token"], -86_400).await;
    assert_ok(&out);
    assert_eq!(
        t.ctl.counters().refreshes,
        1,
        "a token issued 'tomorrow' is refreshed"
    );
    assert!(t.accepted(stdout(&out).trim()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_api_401_after_a_working_refresh_is_degraded_never_lost() {
    let t = Cli::new("api401").await;
    t.connect().await;
    t.ctl.fail_next_on("/v1/profile", 1000, 401);
    for minutes in [16, 32, 48] {
        let out = t.run_at(&["tick", "--json"], minutes * 60).await;
        assert_exit(&out, 4);
        let j = json(&out);
        assert_eq!(j["reason"], "unauthorized", "{j}");
        assert_says(&out, &["Anmeldung", "401"]);
    }
    assert!(t.ctl.connection_active());
    t.ctl.fail_next_on("/v1/profile", 0, 401);
    let out = t.run_at(&["tick", "--json"], 51 * 60).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy", "heals by itself");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_two_data_folders_on_one_keychain_entry_refresh_once() {
    // The tray with the default folders and a cron job with its own LEXGUARD_HOME.
    let t = Cli::new("twohomes").await;
    t.connect().await;
    let other = tempfile::tempdir().expect("other home");
    std::fs::copy(t.config_path(), other.path().join("config.toml")).expect("config");
    let mut runs = Vec::new();
    for i in 0..6 {
        let mut c = t.cmd_at(&["tick", "--json"], REFRESH_DUE);
        if i % 2 == 1 {
            c.env("LEXGUARD_HOME", other.path());
        }
        runs.push(t.run_with(c, ""));
    }
    for out in futures_join_all(runs.into_iter()).await {
        assert_ok(&out);
    }
    assert_eq!(t.ctl.counters().refreshes, 1, "exactly one refresh");
    t.assert_tokens_usable(REFRESH_DUE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_nobody_checking_reads_as_overdue() {
    let t = Cli::new("overdue").await;
    t.connect().await;
    assert_ok(&t.run(&["tick"], "").await);
    let out = t.run_at(&["status", "--json"], 180).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["reason"], "checks_overdue", "{j}");
    assert_says(&out, &["überfällig"]);
}
