//! Quiet hours and snooze with the REAL CLI, the simulator and loopback receivers (file store,
//! no D-Bus, clock jumps with faketime): a snooze holds back webhook and command, never the
//! `ping_url` `/fail`; when it ends, exactly one catch-up per quiet channel if the trouble is
//! still there, nothing if it healed meanwhile.
//!
//! Linux only: the file store (refused on Windows) and libfaketime through LD_PRELOAD.
#![cfg(target_os = "linux")]

#[path = "common/cli.rs"]
mod cli;
mod common;
#[path = "common/receiver.rs"]
mod receiver;

use chrono::{DateTime, Duration, Timelike, Utc};
use cli::{Cli, assert_exit, assert_ok, assert_says, json, stdout};
use std::path::PathBuf;
use std::process::Output;

/// Past `validate_every` (15 min): the check asks Lexware and hears of the revoked connection.
const LOST_AT: i64 = 16 * 60;
/// 61 minutes after the snooze was set.
const SNOOZE_OVER: i64 = 61 * 60;

struct Quiet {
    t: Cli,
    ping: receiver::Receiver,
    hook: receiver::Receiver,
    lines: PathBuf,
    _dir: tempfile::TempDir,
}

/// All three channels quiet; the recurring hours set far from now (they must not be what
/// silences here), so only the snooze does.
async fn setup(name: &str) -> Quiet {
    let ping = receiver::Receiver::start(false);
    let hook = receiver::Receiver::start(false);
    let dir = tempfile::tempdir().expect("dir");
    let lines = dir.path().join("alerts.txt");
    let t = Cli::new(name).await;
    let mut c = common::config_for(&t.sim, vec![]);
    c.store.kind = lexguard::store::StoreKind::File;
    c.alerts = lexguard::alerts::AlertsConfig {
        ping_url: Some(format!("{}/ping", ping.url)),
        webhook_url: Some(format!("{}/hook", hook.url)),
        command: Some(vec![
            "/bin/sh".into(),
            "-c".into(),
            format!(
                "echo \"$LEXGUARD_STATE $LEXGUARD_CATCH_UP\" >> {}",
                lines.display()
            ),
        ]),
    };
    let far = Utc::now() + Duration::hours(8);
    let hhmm = |t: DateTime<Utc>| format!("{:02}:{:02}", t.hour(), t.minute());
    c.quiet_hours = Some(lexguard::config::QuietHoursConfig {
        days: "daily".into(),
        from: hhmm(far),
        to: hhmm(far + Duration::hours(1)),
        tz: Some("UTC".into()),
        channels: vec!["desktop".into(), "webhook".into(), "command".into()],
    });
    c.save(&t.config_path()).expect("config");
    let q = Quiet {
        t,
        ping,
        hook,
        lines,
        _dir: dir,
    };
    q.connect(0).await;
    assert_ok(&q.run(&["tick"], "", 0).await);
    q
}

impl Quiet {
    async fn run(&self, args: &[&str], stdin: &str, offset: i64) -> Output {
        let mut c = if offset == 0 {
            self.t.cmd(args)
        } else {
            self.t.cmd_at(args, offset)
        };
        c.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY");
        self.t.run_with(c, stdin).await
    }

    async fn connect(&self, offset: i64) {
        if offset == 0 {
            let out = self
                .run(&["client-secret", "set", "-"], "sim-secret\n", 0)
                .await;
            assert_ok(&out);
        }
        let out = self.run(&["login-url"], "", offset).await;
        assert_ok(&out);
        let redirect = common::authorize_at(stdout(&out).trim()).await;
        let out = self
            .run(&["connect", "-"], &format!("{redirect}\n"), offset)
            .await;
        assert_ok(&out);
    }

    /// Webhook bodies received.
    fn posts(&self) -> Vec<serde_json::Value> {
        self.hook
            .seen()
            .iter()
            .map(|s| serde_json::from_str(&s.body).expect("json"))
            .collect()
    }

    /// Lines the command wrote: "$LEXGUARD_STATE $LEXGUARD_CATCH_UP".
    fn commands(&self) -> Vec<String> {
        std::fs::read_to_string(&self.lines)
            .map(|t| t.lines().map(String::from).collect())
            .unwrap_or_default()
    }

    fn fails(&self) -> usize {
        self.ping
            .seen()
            .iter()
            .filter(|s| s.path == "/ping/fail")
            .count()
    }

    /// `snooze 1h`, then the connection is lost: held back on webhook and command, the
    /// `/fail` goes out, `status --json` says so.
    async fn snooze_then_lose(&self) {
        let out = self.run(&["snooze", "1h"], "", 0).await;
        assert_ok(&out);
        assert_says(&out, &["Stumm bis", "ping_url"]);
        self.t.ctl.revoke_connection();
        assert_exit(&self.run(&["tick"], "", LOST_AT).await, 3);
        assert_exit(&self.run(&["tick"], "", LOST_AT + 60).await, 3);
        assert_eq!(self.posts().len(), 0, "no webhook while snoozed");
        assert_eq!(self.commands().len(), 0, "no command while snoozed");
        assert_eq!(self.fails(), 1, "the dead-man's switch is never muted");
        let out = self.run(&["status", "--json"], "", LOST_AT + 60).await;
        let s = json(&out);
        assert_eq!(s["state"], "auth_lost", "{s}");
        assert_eq!(s["quiet"], true, "{s}");
        let until: DateTime<Utc> = s["snoozed_until"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("snoozed_until: {s}"));
        let ahead = until - Utc::now();
        assert!(
            ahead > Duration::minutes(50) && ahead <= Duration::hours(1),
            "{until}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snooze_holds_back_and_catches_up_once_per_channel() {
    let q = setup("quietcatch").await;
    q.snooze_then_lose().await;
    // 61 minutes later the snooze is over: one catch-up each, with the current state.
    assert_exit(&q.run(&["tick"], "", SNOOZE_OVER).await, 3);
    assert_exit(&q.run(&["tick"], "", SNOOZE_OVER + 60).await, 3);
    let posts = q.posts();
    assert_eq!(posts.len(), 1, "exactly one catch-up: {posts:?}");
    assert_eq!(posts[0]["catch_up"], true);
    assert_eq!(posts[0]["state"], "auth_lost");
    assert_eq!(q.commands(), ["auth_lost 1"]);
    assert_eq!(q.fails(), 1, "still one /fail for one trouble");
    let s = json(&q.run(&["status", "--json"], "", SNOOZE_OVER + 60).await);
    assert_eq!(s["quiet"], false, "{s}");
    assert!(s["snoozed_until"].is_null(), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_healed_during_the_snooze_is_not_told() {
    let q = setup("quietheal").await;
    q.snooze_then_lose().await;
    // A new login while still snoozed; healthy again, also held back. Checks every few
    // minutes (a longer pause would itself be news: a gap).
    q.connect(LOST_AT + 120).await;
    let out = q.run(&["tick", "--json"], "", LOST_AT + 180).await;
    assert_eq!(json(&out)["state"], "healthy", "{}", stdout(&out));
    let mut at = LOST_AT + 180;
    while at < SNOOZE_OVER {
        at = (at + 240).min(SNOOZE_OVER);
        assert_exit(&q.run(&["tick"], "", at).await, 0);
    }
    assert_exit(&q.run(&["tick"], "", SNOOZE_OVER + 60).await, 0);
    assert_eq!(q.posts().len(), 0, "{:?}", q.posts());
    assert_eq!(q.commands().len(), 0, "{:?}", q.commands());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snooze_until_a_time_and_off() {
    let q = setup("quietuntil").await;
    let out = q.run(&["snooze", "until", "08:00"], "", 0).await;
    assert_ok(&out);
    assert_says(&out, &["Stumm bis 08:00"]);
    let s = json(&q.run(&["status", "--json"], "", 0).await);
    let until: DateTime<Utc> = s["snoozed_until"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{s}"));
    // The zone of [quiet_hours] (UTC here): the next 08:00:00.
    assert_eq!((until.hour(), until.minute(), until.second()), (8, 0, 0));
    assert!(until > Utc::now() && until - Utc::now() <= Duration::hours(24));
    assert_eq!(s["quiet"], true);
    assert_says(&q.run(&["status"], "", 0).await, &["stumm bis 08:00"]);
    assert_ok(&q.run(&["snooze", "off"], "", 0).await);
    let s = json(&q.run(&["status", "--json"], "", 0).await);
    assert!(s["snoozed_until"].is_null() && s["quiet"] == false, "{s}");
    let bad = q.run(&["snooze", "bald"], "", 0).await;
    assert_exit(&bad, 1);
}
