//! The fault matrix of the one-shot CLI: each fault runs the REAL `lexguard` binary against the
//! simulator and the REAL Secret Service, and asserts the exit code, the state, the message's
//! key words, and that the tokens Lexware issued last are still usable afterwards.
//! docs/reliability.md lists every case.

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/private_keychain.rs"]
mod private_keychain;

use cli::{Cli, assert_exit, assert_ok, assert_says, json};
use private_keychain::PrivateKeychain;

/// Wall-clock offset at which the first token (expires_in 14 399 s) is due for refresh:
/// 3 h 50 min later fewer than 15 minutes are left.
const REFRESH_DUE: i64 = 3 * 3600 + 50 * 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_5xx_storm_keeps_tokens() {
    let t = Cli::new("5xx").await;
    t.connect().await;
    let before = t.keychain_tokens();
    t.ctl.fail_next_on("/oauth2/token", 50, 503);
    let out = t.run_at(&["tick", "--json"], REFRESH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["state"], "degraded", "{j}");
    assert_eq!(j["reason"], "refresh_failing", "{j}");
    assert_says(&out, &["Erneuern klappt gerade nicht", "neuer Versuch"]);
    assert_eq!(t.keychain_tokens(), before, "nothing lost or replaced");
    t.ctl.fail_next_on("/oauth2/token", 0, 503);
    // After the back-off (a minute later) the next tick refreshes.
    let later = REFRESH_DUE + 120;
    let out = t.run_at(&["tick", "--json"], later).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy");
    assert_eq!(json(&out)["refreshed"], true);
    t.assert_tokens_usable(later).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn fault_keychain_locked_keeps_tokens() {
    let kc = PrivateKeychain::start();
    let mut t = Cli::new("locked").await;
    t.use_env(kc.env());
    t.connect().await;
    let before = t.keychain_tokens();
    kc.lock();
    let out = t.run(&["tick", "--json"], "").await;
    println!("{} / {}", cli::stdout(&out), cli::stderr(&out));
    assert_says(&out, &["gesperrt"]);
    kc.unlock();
    assert_eq!(t.keychain_tokens(), before, "nothing deleted");
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    t.assert_tokens_usable(0).await;
}
