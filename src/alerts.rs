//! Alerts that leave the machine: a server has no one watching its desktop notifications.
//!
//! Three channels, configured in `[alerts]`: `ping_url` (a dead-man's switch in the style of
//! healthchecks.io: a ping after every good check, `/fail` with the reason when the connection
//! is lost or degraded for a while — so even a dead machine is noticed, by the missing pings),
//! `webhook_url` (a small JSON document on every state change) and `command` (a program run on
//! every state change, the same facts in environment variables). The rules are the desktop
//! notifications': once per change, reminders every `remind_every` while the connection stays
//! lost. What was sent is remembered in `alerts.json` in the data folder, so one-shot `tick`
//! processes follow the same rules as `serve`. Every send is bounded in time and runs after the
//! check is stored: a hanging receiver never holds up a refresh. Nothing secret is ever sent.

pub use crate::config::AlertsConfig;
use crate::state::{ConnState, Reason};
use crate::status::Status;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How long one alert may take (HTTP request or command).
pub const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What was last alerted, across processes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Memory {
    pub state: Option<ConnState>,
    pub reason: Option<Reason>,
    pub changed_at: Option<DateTime<Utc>>,
    pub last_sent_at: Option<DateTime<Utc>>,
    /// The check last answered with a ping (a language switch is no new check).
    pub last_check_at: Option<DateTime<Utc>>,
    /// A `/fail` ping went out for the current trouble.
    pub failed_sent: bool,
    /// The confirmation at Lexware (`last_validated_at`) last answered with a success ping:
    /// a ping means "Lexware confirmed the connection since the last ping", never just "a
    /// tick ran".
    pub last_confirmed_at: Option<DateTime<Utc>>,
}

/// What to send for one status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    pub ping_ok: bool,
    pub ping_fail: Option<String>,
    /// Webhook and command: a state change or a reminder.
    pub notify: Option<Notice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Change,
    Reminder,
}

/// The rules, pure: this status against what was sent before.
pub fn decide(
    memory: &Memory,
    status: &Status,
    now: DateTime<Utc>,
    remind_every: Duration,
) -> (Decision, Memory) {
    let mut next = memory.clone();
    let mut d = Decision::default();
    let key = (Some(status.state), status.reason);
    let changed = (memory.state, memory.reason) != key;
    if changed {
        next.state = key.0;
        next.reason = key.1;
        next.changed_at = Some(now);
        next.failed_sent = false;
        // The first status ever seen is where lexguard starts, not news.
        if memory.state.is_some() {
            d.notify = Some(Notice::Change);
        }
    } else if status.state == ConnState::AuthLost
        && memory.last_sent_at.is_some_and(|t| now - t >= remind_every)
    {
        d.notify = Some(Notice::Reminder);
    }
    if d.notify.is_some() {
        next.last_sent_at = Some(now);
    }
    let new_check = status.last_tick_at.is_some() && status.last_tick_at != memory.last_check_at;
    // The core's two telling rules (`vocabulary`): lost or in trouble at once, a retrying
    // reason once it has lasted; not connected and mere facts are no trouble.
    let trouble = next
        .changed_at
        .is_some_and(|since| status.severity.worth_telling(since, now));
    if trouble && !next.failed_sent {
        d.ping_fail = Some(status.headline.clone());
        next.failed_sent = true;
    } else if !trouble
        && crate::confirmed_ping::newly_confirmed(memory.last_confirmed_at, status)
        && matches!(status.state, ConnState::Healthy | ConnState::Degraded)
    {
        d.ping_ok = true;
    }
    if new_check {
        next.last_check_at = status.last_tick_at;
    }
    if crate::confirmed_ping::newly_confirmed(memory.last_confirmed_at, status) {
        next.last_confirmed_at = status.last_validated_at;
    }
    (d, next)
}

/// The JSON a webhook receives: facts and words, never a secret.
#[derive(Debug, Clone, Serialize)]
pub struct Payload<'a> {
    pub state: ConnState,
    pub reason: Option<Reason>,
    pub company: Option<&'a str>,
    pub headline: &'a str,
    pub message: &'a str,
    pub at: DateTime<Utc>,
    pub reminder: bool,
    /// The quiet (snooze or quiet hours) held this channel's notices back and the trouble is
    /// still there: this one tells it, once.
    pub catch_up: bool,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub last_tick_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The channels of one data folder.
pub struct Alerts {
    config: AlertsConfig,
    memory_file: PathBuf,
    /// The connection these alerts are about (`connection` in the JSON, `LEXGUARD_CONNECTION`).
    connection: String,
    remind_every: Duration,
    http: reqwest::Client,
    /// One status at a time, so two quick changes keep their order and memory.
    turn: tokio::sync::Mutex<()>,
    /// Which channels are quiet now; `ping_url` never is.
    quiet: crate::quiet::Quiet,
}

impl Alerts {
    /// `None` when no channel is configured: nothing to do, nothing written.
    pub fn new(config: &AlertsConfig, data_dir: &Path, remind_every: Duration) -> Option<Alerts> {
        if config.is_empty() {
            return None;
        }
        let http = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("lexguard/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Some(Alerts {
            config: config.clone(),
            memory_file: data_dir.join("alerts.json"),
            connection: crate::connections::layout::name_of(data_dir).to_string(),
            remind_every,
            http,
            turn: tokio::sync::Mutex::new(()),
            quiet: crate::quiet::Quiet::new(&crate::Config::default(), data_dir),
        })
    }

    /// The quiet rules of the configuration (without: a snooze mutes only the desktop).
    pub fn with_quiet(mut self, quiet: crate::quiet::Quiet) -> Alerts {
        self.quiet = quiet;
        self
    }

    /// Decides and sends what this status calls for; returns once every channel answered or
    /// timed out. Failures are logged, never returned: an alert channel must not break a check.
    pub async fn handle(&self, status: &Status, now: DateTime<Utc>) {
        let _turn = self.turn.lock().await;
        let memory = self.load();
        let (d, next) = decide(&memory, status, now, self.remind_every);
        if next != memory
            && let Ok(bytes) = serde_json::to_vec_pretty(&next)
            && let Err(e) = crate::fsutil::write_atomic(&self.memory_file, &bytes)
        {
            tracing::warn!(error = %e.message(crate::Lang::En), "alert memory not written");
        }
        let ping = async {
            match (&self.config.ping_url, d.ping_ok, &d.ping_fail) {
                (Some(url), _, Some(reason)) => {
                    let url = format!("{}/fail", url.trim_end_matches('/'));
                    self.send(self.http.post(url).body(reason.clone()), "ping_url /fail")
                        .await;
                }
                (Some(url), true, None) => self.send(self.http.get(url), "ping_url").await,
                _ => {}
            }
        };
        // Quiet channels hold their notices back and catch up once when the quiet ends.
        let gate = |ch| match self.quiet.pass(ch, d.notify.is_some(), status.state, now) {
            crate::quiet::Delivery::Send { catch_up } => Some(catch_up),
            crate::quiet::Delivery::CatchUp => Some(true),
            crate::quiet::Delivery::Hold | crate::quiet::Delivery::Nothing => None,
        };
        let payload = |catch_up: bool| Payload {
            state: status.state,
            reason: status.reason,
            company: status.company.as_deref(),
            headline: &status.headline,
            message: &status.message,
            at: now,
            reminder: d.notify == Some(Notice::Reminder),
            catch_up,
            access_expires_at: status.access_expires_at,
            last_tick_at: status.last_tick_at,
            next_attempt_at: status.next_attempt_at,
        };
        let webhook = async {
            if let Some(url) = &self.config.webhook_url
                && let Some(catch_up) = gate(crate::quiet::Channel::Webhook)
            {
                let payload = payload(catch_up);
                let sent = Sent {
                    connection: &self.connection,
                    payload: &payload,
                };
                self.send(self.http.post(url).json(&sent), "webhook_url")
                    .await;
            }
        };
        let command = async {
            if let Some(argv) = &self.config.command
                && let Some(catch_up) = gate(crate::quiet::Channel::Command)
            {
                run_command(argv, &payload(catch_up), &self.connection).await;
            }
        };
        let notice = async {
            tokio::join!(webhook, command);
        };
        tokio::join!(ping, notice);
    }

    fn load(&self) -> Memory {
        std::fs::read(&self.memory_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    async fn send(&self, req: reqwest::RequestBuilder, what: &str) {
        match req.send().await {
            Ok(r) if r.status().is_success() => tracing::info!(channel = what, "alert sent"),
            Ok(r) => tracing::warn!(
                channel = what,
                status = r.status().as_u16(),
                "alert refused"
            ),
            Err(e) => tracing::warn!(channel = what, error = %e.without_url(), "alert not sent"),
        }
    }
}

/// A payload as it leaves: with the name of its connection.
#[derive(Serialize)]
struct Sent<'a> {
    connection: &'a str,
    #[serde(flatten)]
    payload: &'a Payload<'a>,
}

async fn run_command(argv: &[String], p: &Payload<'_>, connection: &str) {
    let Some((program, args)) = argv.split_first() else {
        return;
    };
    let state = serde_json::to_value(p.state).unwrap_or_default();
    let reason = serde_json::to_value(p.reason).unwrap_or_default();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env("LEXGUARD_STATE", state.as_str().unwrap_or_default())
        .env("LEXGUARD_REASON", reason.as_str().unwrap_or_default())
        .env("LEXGUARD_COMPANY", p.company.unwrap_or_default())
        .env("LEXGUARD_HEADLINE", p.headline)
        .env("LEXGUARD_MESSAGE", p.message)
        .env("LEXGUARD_AT", p.at.to_rfc3339())
        .env("LEXGUARD_REMINDER", if p.reminder { "1" } else { "0" })
        .env("LEXGUARD_CATCH_UP", if p.catch_up { "1" } else { "0" })
        .env("LEXGUARD_CONNECTION", connection)
        .env_remove("LEXGUARD_CLIENT_SECRET")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    match tokio::time::timeout(SEND_TIMEOUT, cmd.status()).await {
        Ok(Ok(s)) if s.success() => tracing::info!(channel = "command", "alert sent"),
        Ok(Ok(s)) => tracing::warn!(channel = "command", code = ?s.code(), "alert command failed"),
        Ok(Err(e)) => tracing::warn!(channel = "command", error = %e, "alert command not started"),
        Err(_) => tracing::warn!(channel = "command", "alert command timed out; stopped"),
    }
}

#[cfg(test)]
mod tests;
