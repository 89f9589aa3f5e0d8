//! Several Lexware organizations side by side (issue 17), with the REAL `lexguard` binary, the
//! real Secret Service and two simulators: each simulator is one organization of its own
//! (its own organization id, company, tokens and subscriptions). The connection `b` points
//! at the second one through `[lexware]` in its own `connections/b/config.toml`, which is
//! also how a connection's own section replaces the top-level one.
//!
//! Linux only: the file store (refused on Windows) and libfaketime through LD_PRELOAD.
#![cfg(target_os = "linux")]

mod common;
#[path = "common/cli.rs"]
mod harness;

use harness::{Cli, assert_exit, assert_ok, json, said, stderr, stdout};
use lexware_sim::{Sim, SimConfig};
use std::process::Output;

const FOUR_HOURS: i64 = 4 * 3600;

async fn beta() -> Sim {
    Sim::start(SimConfig {
        company_name: "Beta GmbH".into(),
        rate_limit: false,
        ..SimConfig::default()
    })
    .await
    .expect("second simulator")
}

/// `connections/NAME/config.toml` with a `[lexware]` section for `sim` and `extra` after it.
fn own_config(t: &Cli, name: &str, sim: &Sim, extra: &str) {
    let lexware = common::config_for(sim, vec![]).lexware;
    let text = format!(
        "# connection {name}\n[lexware]\n{}\n{extra}",
        toml::to_string(&lexware).expect("toml")
    );
    let dir = t.home.path().join("connections").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.toml"), text).expect("write");
}

/// `login-url -c NAME`, consent at whichever simulator its config names, `connect -c NAME`.
async fn connect_named(t: &Cli, name: &str, extra: &[&str]) -> Output {
    let out = t.run(&["-c", name, "login-url"], "").await;
    assert_ok(&out);
    let redirect = common::authorize_at(stdout(&out).trim()).await;
    let mut args = vec!["-c", name, "connect"];
    args.extend_from_slice(extra);
    args.push("-");
    t.run(&args, &format!("{redirect}\n")).await
}

async fn token(t: &Cli, args: &[&str], offset: i64) -> String {
    let out = t.run_at(args, offset).await;
    assert_ok(&out);
    stdout(&out).trim().to_string()
}

async fn accepted_by(sim: &Sim, token: &str) -> bool {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{}/v1/profile", sim.url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("profile")
        .status()
        .as_u16()
        == 200
}

/// The row of connection `name` in `connections --json`.
fn row<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .expect("an array")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} listed: {list}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn two_organizations_side_by_side() {
    let t = Cli::new("orgs-two").await;
    let b = beta().await;
    let b_ctl = b.control();
    t.connect().await; // default → the first simulator, "Demo GmbH"
    // b's own [[webhooks]] and [alerts]; the top-level file has neither.
    let alerted = t.home.path().join("alerted.txt");
    own_config(
        &t,
        "b",
        &b,
        &format!(
            "[[webhooks]]\nevent_type = \"invoice.created\"\ncallback_url = \"{}\"\n\n[alerts]\ncommand = [\"/bin/sh\", \"-c\", \"echo $LEXGUARD_CONNECTION $LEXGUARD_STATE >> {}\"]\n",
            b_ctl.hook_url("b"),
            alerted.display()
        ),
    );
    let out = connect_named(&t, "b", &[]).await;
    assert_ok(&out);
    assert!(stdout(&out).contains("Beta GmbH"), "{}", said(&out));

    // Both listed with their companies; two organizations.
    let out = t.run(&["connections", "--json"], "").await;
    assert_ok(&out);
    let list = json(&out);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    let (d, bb) = (row(&list, "default"), row(&list, "b"));
    assert_eq!(d["company"], "Demo GmbH");
    assert_eq!(bb["company"], "Beta GmbH");
    assert_eq!(d["state"], "healthy");
    assert_eq!(bb["state"], "healthy");
    assert!(d["organization_id"].is_string() && bb["organization_id"].is_string());
    assert_ne!(d["organization_id"], bb["organization_id"]);
    assert!(bb["headline"].is_string());

    // Secrets of b under "b/…", the default's where they always were.
    assert!(t.keychain_raw("b/tokens").is_some());
    assert!(t.keychain_raw("tokens").is_some());
    assert!(t.home.path().join("connections/b/state.json").exists());

    // Each token works only for its own organization.
    let ta = token(&t, &["token"], 0).await;
    let tb = token(&t, &["-c", "b", "token"], 0).await;
    assert!(accepted_by(&t.sim, &ta).await && !accepted_by(&b, &ta).await);
    assert!(accepted_by(&b, &tb).await && !accepted_by(&t.sim, &tb).await);

    // b's [[webhooks]] exist only in b's organization.
    assert_eq!(
        b_ctl.subscriptions().len(),
        1,
        "{:?}",
        b_ctl.subscriptions()
    );
    assert!(
        t.ctl.subscriptions().is_empty(),
        "{:?}",
        t.ctl.subscriptions()
    );

    // doctor -c b looks at b: its Lexware, its company.
    let out = t.run(&["-c", "b", "doctor"], "").await;
    let text = said(&out);
    assert!(
        text.contains("Beta GmbH") && !text.contains("Demo GmbH"),
        "{text}"
    );
    let out = t.run(&["doctor"], "").await;
    let text = said(&out);
    assert!(
        text.contains("Demo GmbH") && !text.contains("Beta GmbH"),
        "{text}"
    );

    // +4 h: one tick without -c refreshes both, each refresh token used once.
    let out = t.run_at(&["tick", "--json"], FOUR_HOURS).await;
    assert_ok(&out);
    let ticks = json(&out);
    for name in ["default", "b"] {
        let r = ticks
            .as_array()
            .and_then(|a| a.iter().find(|r| r["connection"] == name))
            .unwrap_or_else(|| panic!("{name} ticked: {ticks}"));
        assert_eq!(r["refreshed"], true, "{name}: {r}");
        assert_eq!(r["state"], "healthy", "{name}: {r}");
    }
    for ctl in [&t.ctl, &b_ctl] {
        let c = ctl.counters();
        assert_eq!(c.refreshes, 1, "{c:?}");
        assert_eq!(c.failed_token_requests, 0, "no refresh token reused: {c:?}");
    }

    // Lexware ends b: only b is lost, default goes on refreshing on time.
    b_ctl.revoke_connection();
    let out = t.run_at(&["tick", "--json"], 2 * FOUR_HOURS).await;
    assert_exit(&out, 3);
    let ticks = json(&out);
    let by = |n: &str| {
        ticks
            .as_array()
            .and_then(|a| a.iter().find(|r| r["connection"] == n).cloned())
            .unwrap_or_else(|| panic!("{n}: {ticks}"))
    };
    assert_eq!(by("b")["state"], "auth_lost", "{ticks}");
    // Refreshed on time; the 4 h without a check are reported (degraded: gap seen).
    assert_ne!(by("default")["state"], "auth_lost", "{ticks}");
    assert_eq!(by("default")["refreshed"], true, "{ticks}");
    assert_eq!(t.ctl.counters().refreshes, 2);
    assert_eq!(t.ctl.counters().failed_token_requests, 0);
    // The alert names its connection; the default has no alerts configured.
    let lines = std::fs::read_to_string(&alerted).expect("b's alert command ran");
    assert!(lines.lines().any(|l| l == "b auth_lost"), "{lines}");
    assert!(lines.lines().all(|l| l.starts_with("b ")), "{lines}");
    // The next regular check: the default is healthy, b stays lost.
    let later = 2 * FOUR_HOURS + 90;
    let out = t.run_at(&["tick", "--json"], later).await;
    assert_exit(&out, 3);
    let ticks = json(&out);
    let state = |n: &str| {
        ticks
            .as_array()
            .and_then(|a| a.iter().find(|r| r["connection"] == n))
            .map(|r| r["state"].clone())
    };
    assert_eq!(state("default"), Some("healthy".into()), "{ticks}");
    assert_eq!(state("b"), Some("auth_lost".into()), "{ticks}");

    let out = t.run_at(&["connections"], later).await;
    assert_exit(&out, 3);
    assert!(stdout(&out).contains("Beta GmbH"), "{}", said(&out));
    let out = t.run_at(&["status", "-c", "default"], later).await;
    assert_ok(&out);
    let out = t.run_at(&["-c", "b", "status"], later).await;
    assert_exit(&out, 3);

    // b's own history; the default's has none of b.
    let out = t.run(&["-c", "b", "history", "--json"], "").await;
    assert_ok(&out);
    assert!(stdout(&out).contains("auth_lost"), "{}", said(&out));
    let out = t.run(&["history", "--json"], "").await;
    assert!(!stdout(&out).contains("auth_lost"), "{}", said(&out));

    // Removing b: its secrets and folder go, the default stays.
    let out = t.run(&["connections", "remove", "b"], "").await;
    assert_ok(&out);
    assert!(t.keychain_raw("b/tokens").is_none());
    assert!(!t.home.path().join("connections/b").exists());
    assert!(t.keychain_raw("tokens").is_some());
    let out = t.run(&["connections", "--json"], "").await;
    assert_eq!(json(&out).as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn a_login_to_another_organization_is_refused_unless_asked_for() {
    let t = Cli::new("orgs-guard").await;
    let b = beta().await;
    t.connect().await; // default → "Demo GmbH"
    own_config(&t, "b", &b, "");
    assert_ok(&connect_named(&t, "b", &[]).await);
    let tokens_before = t.keychain_raw("b/tokens").expect("b's tokens");
    let state_file = t.home.path().join("connections/b/state.json");
    let state_before = std::fs::read_to_string(&state_file).expect("state");

    // b's login now lands in the first organization (Demo GmbH).
    own_config(&t, "b", &t.sim, "");
    let revocations = t.ctl.counters().revocations;
    let out = connect_named(&t, "b", &[]).await;
    assert_exit(&out, 1);
    let text = stderr(&out);
    assert!(
        text.contains("Demo GmbH") && text.contains("Beta GmbH"),
        "{text}"
    );
    assert!(text.contains("-c NAME"), "names the fix: {text}");
    assert_eq!(
        t.keychain_raw("b/tokens").as_deref(),
        Some(tokens_before.as_str())
    );
    assert_eq!(
        std::fs::read_to_string(&state_file).expect("state"),
        state_before
    );
    assert_eq!(
        t.ctl.counters().revocations,
        revocations + 1,
        "the grant just issued is revoked"
    );
    assert!(!t.ctl.connection_active(), "nothing dangles at Lexware");

    // On purpose: accepted.
    let out = connect_named(&t, "b", &["--new-organization"]).await;
    assert_ok(&out);
    assert!(stdout(&out).contains("Demo GmbH"), "{}", said(&out));
    let out = t.run(&["connections", "--json"], "").await;
    assert_eq!(row(&json(&out), "b")["company"], "Demo GmbH");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn an_installation_without_names_works_unchanged() {
    let t = Cli::new("orgs-old").await;
    t.connect().await;
    // Today's places: state in the data folder, the keychain entry without a prefix.
    assert!(t.home.path().join("state.json").exists());
    assert!(t.keychain_raw("tokens").is_some());
    let out = t.run(&["tick", "--json"], "").await;
    assert_ok(&out);
    let j = json(&out);
    assert!(j.is_object(), "one document as before: {j}");
    assert_eq!(j["state"], "healthy");
    assert!(
        !t.home.path().join("connections").exists(),
        "nothing new made"
    );
    let out = t.run(&["connections", "--json"], "").await;
    assert_ok(&out);
    let list = json(&out);
    assert_eq!(row(&list, "default")["company"], "Demo GmbH");
    // `-c default` and LEXGUARD_CONNECTION=default are the same connection.
    let a = token(&t, &["token"], 0).await;
    let b = token(&t, &["-c", "default", "token"], 0).await;
    assert_eq!(a, b);
    assert!(t.accepted(&a).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn a_bad_name_is_a_usage_error_that_creates_nothing() {
    let mut t = Cli::new("orgs-bad").await;
    for args in [
        &["-c", "Muster", "login-url"][..],
        &["--connection", "../x", "status"],
        &["connections", "remove", "a_b"],
    ] {
        let out = t.run(args, "").await;
        assert_exit(&out, 2);
        assert!(stderr(&out).contains("Verbindungsname"), "{}", said(&out));
    }
    t.set_env("LEXGUARD_CONNECTION", "-x");
    let out = t.run(&["status"], "").await;
    assert_exit(&out, 2);
    assert!(!t.home.path().join("connections").exists());
    // A name that is fine but unknown is not "not connected": it is named, nothing made.
    t.set_env("LEXGUARD_CONNECTION", "typo");
    let out = t.run(&["status"], "").await;
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("lexguard connections"),
        "{}",
        said(&out)
    );
    assert!(!t.home.path().join("connections").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn serve_picks_up_a_connection_made_while_it_runs() {
    use tokio::io::AsyncBufReadExt;
    let t = Cli::new("orgs-serve").await;
    let b = beta().await;
    t.connect().await;
    let mut c = t.cmd(&["serve"]);
    c.env_remove("LEXGUARD_LOG")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("JOURNAL_STREAM");
    let mut child = c.spawn().expect("spawn serve");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut log: Vec<String> = Vec::new();
    let deadline = tokio::time::Instant::now() + harness::RUN_DEADLINE;
    let mut wait_for = async |wanted: &dyn Fn(&str) -> bool, log: &mut Vec<String>| {
        while !log.iter().any(|l| wanted(l)) {
            match tokio::time::timeout_at(deadline, lines.next_line()).await {
                Ok(Ok(Some(line))) => log.push(line),
                other => panic!("not in the log ({other:?}): {log:#?}"),
            }
        }
    };
    wait_for(&|l: &str| l.contains("lexguard serve läuft"), &mut log).await;

    // Made by the CLI while serve runs.
    own_config(&t, "b", &b, "");
    assert_ok(&connect_named(&t, "b", &[]).await);
    let b_state = || -> serde_json::Value {
        let path = t.home.path().join("connections/b/state.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("state")).expect("json")
    };
    let ticked_before = b_state()["last_tick_at"].clone();
    wait_for(
        &|l: &str| l.contains("b: wird am Leben gehalten."),
        &mut log,
    )
    .await;
    wait_for(
        &|l: &str| l.contains("b: ") && l.contains("Beta GmbH"),
        &mut log,
    )
    .await;
    let _ = child.start_kill();
    let _ = child.wait().await;
    let state = b_state();
    assert!(state["last_tick_at"].is_string(), "b was ticked: {state}");
    assert_ne!(state["last_tick_at"], ticked_before, "by serve: {state}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn an_api_key_of_another_organization_is_refused_unless_asked_for() {
    let t = Cli::new("orgs-keyguard").await;
    let b = beta().await;
    own_config(&t, "b", &b, "");
    let key_b = b.control().create_api_key();
    let out = t
        .run(
            &["-c", "b", "connect", "--api-key", "-"],
            &format!("{key_b}\n"),
        )
        .await;
    assert_ok(&out);
    let stored = t.keychain_raw("b/api-key").expect("b's key");

    own_config(&t, "b", &t.sim, "");
    let key_a = t.ctl.create_api_key();
    let out = t
        .run(
            &["-c", "b", "connect", "--api-key", "-"],
            &format!("{key_a}\n"),
        )
        .await;
    assert_exit(&out, 1);
    let text = stderr(&out);
    assert!(
        text.contains("Demo GmbH") && text.contains("Beta GmbH"),
        "{text}"
    );
    assert_eq!(t.keychain_raw("b/api-key"), Some(stored));

    let out = t
        .run(
            &["-c", "b", "connect", "--api-key", "--new-organization", "-"],
            &format!("{key_a}\n"),
        )
        .await;
    assert_ok(&out);
    let out = t.run(&["connections", "--json"], "").await;
    assert_eq!(row(&json(&out), "b")["company"], "Demo GmbH");
}

/// Each connection's `[[webhooks]]` are set up in its own organization only: the top-level list
/// (the default's) at the first simulator, b's own list at the second, at connect and at a
/// `webhooks sync` of each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn each_connections_webhooks_are_set_up_in_its_own_organization_only() {
    let t = Cli::new("orgs-hooks").await;
    let b = beta().await;
    let b_ctl = b.control();
    let mut top = std::fs::read_to_string(t.config_path()).expect("config");
    top.push_str(&format!(
        "\n[[webhooks]]\nevent_type = \"contact.created\"\ncallback_url = \"{}\"\n",
        t.ctl.hook_url("a")
    ));
    std::fs::write(t.config_path(), top).expect("config");
    t.connect().await;
    own_config(
        &t,
        "b",
        &b,
        &format!(
            "[[webhooks]]\nevent_type = \"invoice.created\"\ncallback_url = \"{}\"\n",
            b_ctl.hook_url("b")
        ),
    );
    assert_ok(&connect_named(&t, "b", &[]).await);
    for args in [&["webhooks", "sync"][..], &["-c", "b", "webhooks", "sync"]] {
        assert_ok(&t.run(args, "").await);
    }
    let kinds = |ctl: &lexware_sim::Control| -> Vec<(String, String)> {
        ctl.subscriptions()
            .into_iter()
            .map(|s| (s.event_type, s.callback_url))
            .collect()
    };
    assert_eq!(
        kinds(&t.ctl),
        vec![("contact.created".to_string(), t.ctl.hook_url("a"))],
        "only the default's at the first organization"
    );
    assert_eq!(
        kinds(&b_ctl),
        vec![("invoice.created".to_string(), b_ctl.hook_url("b"))],
        "only b's at the second"
    );
}
