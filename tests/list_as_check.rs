//! Issue 18, frugal with Lexware: when the hourly webhook watch is due, its subscription list
//! is that tick's check (no `/v1/profile` as well), and every answer to it means what the
//! same answer to the profile means. The REAL `lexguard` binary with the default schedule and
//! one managed webhook, ticking on a faked wall clock (libfaketime, wall clock only), against
//! the simulator, with `ping_url` on a loopback receiver; the file store, no D-Bus needed.
//!
//! Linux only: the file store (refused on Windows) and libfaketime through LD_PRELOAD.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use cli::{Cli, assert_exit, assert_ok, json, said, stdout};
use lexguard::config::WebhookSpec;
use std::process::Output;

const LIST: &str = "/v1/event-subscriptions";
const PROFILE: &str = "/v1/profile";
/// The watch is due an hour after the connect's own sync: this tick's check is the list.
const WATCH_DUE: i64 = 3600;

/// Default schedule, file store, one managed webhook, `ping_url` on a receiver.
async fn setup(name: &str) -> (Cli, receiver::Receiver) {
    let ping = receiver::Receiver::start(false);
    let t = Cli::new(name).await;
    let hook = WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: t.ctl.hook_url("invoice"),
    };
    let mut c = common::config_for(&t.sim, vec![hook]);
    c.store.kind = lexguard::store::StoreKind::File;
    c.alerts.ping_url = Some(format!("{}/ping", ping.url));
    assert_eq!(c.schedule, lexguard::config::Schedule::default());
    c.save(&t.config_path()).expect("config");
    (t, ping)
}

async fn run(t: &Cli, args: &[&str], stdin: &str, offset: i64) -> Output {
    let mut c = t.cmd_at(args, offset);
    c.env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY");
    t.run_with(c, stdin).await
}

async fn connect_oauth(t: &Cli) {
    assert_ok(&run(t, &["client-secret", "set", "-"], "sim-secret\n", 0).await);
    let out = run(t, &["login-url"], "", 0).await;
    assert_ok(&out);
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    assert_ok(&run(t, &["connect", "-"], &format!("{redirect}\n"), 0).await);
}

/// Requests the simulator saw from now on, by path (faulted ones included).
struct Seen(usize);

impl Seen {
    fn from_now(t: &Cli) -> Seen {
        Seen(t.ctl.requests().len())
    }
    fn paths(&self, t: &Cli) -> Vec<String> {
        t.ctl.requests()[self.0..]
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }
    fn count(&self, t: &Cli, path: &str) -> usize {
        self.paths(t).iter().filter(|p| *p == path).count()
    }
}

fn pings(ping: &receiver::Receiver, path: &str) -> usize {
    ping.seen().iter().filter(|s| s.path == path).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watchs_list_is_the_check_and_a_confirmed_one_pings() {
    let (t, ping) = setup("listcheck").await;
    connect_oauth(&t).await;
    let before = json(&run(&t, &["status", "--json"], "", 10).await);
    let company = before["company"].clone();
    assert!(
        company.is_string(),
        "the connect read the profile: {company}"
    );

    // The first tick after the connect, when the watch is due: one request, the list, and it
    // is the confirmed check.
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["validated"], true, "{j}");
    assert_eq!(j["state"], "healthy", "{j}");
    assert_eq!(seen.paths(&t), [LIST], "the list only, no profile as well");
    assert_eq!(
        pings(&ping, "/ping"),
        1,
        "a confirmed list is a confirmation"
    );
    // What the profile said is kept.
    let status = json(&run(&t, &["status", "--json"], "", WATCH_DUE + 10).await);
    assert_eq!(status["company"], company, "{status}");
    let watched = |j: &serde_json::Value| j["webhooks_health"]["checked_at"].clone();
    assert!(watched(&status).is_string(), "{status}");
    assert_ne!(
        watched(&status),
        watched(&before),
        "the watch used the list"
    );
    // The next tick asks nothing (the check was just done), the one after the profile.
    let seen = Seen::from_now(&t);
    run(&t, &["tick"], "", WATCH_DUE + 60).await;
    assert!(seen.paths(&t).is_empty(), "{:?}", seen.paths(&t));
    run(&t, &["tick"], "", WATCH_DUE + 120).await;
    assert_eq!(seen.paths(&t), [PROFILE], "a check that is not the watch's");
    assert_eq!(pings(&ping, "/ping"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_on_the_list_takes_the_loss_path_of_the_profile() {
    let (t, ping) = setup("list401").await;
    connect_oauth(&t).await;
    t.ctl.revoke_connection();
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    assert_exit(&out, 3);
    let j = json(&out);
    assert_eq!(
        (j["state"].as_str(), j["reason"].as_str()),
        (Some("auth_lost"), Some("invalid_grant")),
        "{j}"
    );
    // The list's 401, the one refresh (`invalid_grant`), nothing else.
    assert_eq!(seen.paths(&t), [LIST, "/oauth2/token"]);
    assert_eq!(pings(&ping, "/ping"), 0, "no success ping");
    assert_eq!(pings(&ping, "/ping/fail"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_api_key_met_by_the_watchs_list_is_key_rejected() {
    let (t, _ping) = setup("list401key").await;
    let key = t.ctl.create_api_key();
    let out = run(&t, &["connect", "--api-key", "-"], &format!("{key}\n"), 0).await;
    assert_ok(&out);
    t.ctl.replace_api_key(&key).expect("replaced at Lexware");
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    assert_exit(&out, 3);
    assert_eq!(json(&out)["reason"], "key_rejected", "{}", stdout(&out));
    // Asked once more, as with the profile: two lists, no profile.
    assert_eq!(seen.paths(&t), [LIST, LIST]);
    assert!(
        said(&out).contains("Lexware nimmt den API-Schlüssel nicht mehr an"),
        "{}",
        said(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_402_on_the_list_is_plan_inactive_without_a_refresh() {
    let (t, _ping) = setup("list402").await;
    connect_oauth(&t).await;
    t.ctl.set_plan_inactive(true);
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    let j = json(&out);
    assert_eq!(j["validated"], false, "{j}");
    assert_eq!(
        (j["state"].as_str(), j["reason"].as_str()),
        (Some("degraded"), Some("plan_inactive")),
        "{j}"
    );
    assert_eq!(seen.paths(&t), [LIST], "no refresh, no profile on top");
    assert!(said(&out).contains("Tarif"), "{}", said(&out));
    // The plan is back: the next due check heals it.
    t.ctl.set_plan_inactive(false);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE + 120).await;
    assert_ok(&out);
    assert_eq!(json(&out)["state"], "healthy", "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_the_list_is_rate_limiting_with_one_repeat_at_most() {
    let (t, ping) = setup("list429").await;
    connect_oauth(&t).await;
    t.ctl.fail_next_on(LIST, 1000, 429);
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    assert_exit(&out, 4);
    let j = json(&out);
    assert_eq!(j["reason"], "validation_failing", "{j}");
    assert!(
        said(&out).contains("Lexware bremst gerade die Anfragen"),
        "{}",
        said(&out)
    );
    assert!(seen.count(&t, LIST) <= 2, "{:?}", seen.paths(&t));
    assert_eq!(seen.count(&t, PROFILE), 0, "{:?}", seen.paths(&t));
    assert_eq!(pings(&ping, "/ping"), 0, "nothing was confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_refused_for_its_scope_leaves_the_check_to_the_profile() {
    let (t, ping) = setup("list403").await;
    connect_oauth(&t).await;
    t.ctl.fail_next_on(LIST, 1, 403);
    let seen = Seen::from_now(&t);
    let out = run(&t, &["tick", "--json"], "", WATCH_DUE).await;
    assert_ok(&out);
    let j = json(&out);
    assert_eq!(j["validated"], true, "{j}");
    assert_eq!(
        j["state"], "healthy",
        "a 403 on the list is no false alarm: {j}"
    );
    assert_eq!(seen.paths(&t), [LIST, PROFILE]);
    assert_eq!(pings(&ping, "/ping"), 1, "confirmed by the profile");
}
