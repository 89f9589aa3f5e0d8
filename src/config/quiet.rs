//! `[quiet_hours]` and `[notifications]` of config.toml: when delivery goes quiet and how loud
//! a lost connection is. The rules (what "quiet now" means) are in `crate::quiet`.

use super::model::Config;
use super::validate::Problem;
use serde::{Deserialize, Serialize};

/// `[quiet_hours]` as written: kept as text, so a save writes back what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursConfig {
    /// `"daily"`, a range `"mon-fri"` or a list `"mon,wed,fri"`: the days a quiet period
    /// starts on (Friday 19:00–07:00 ends on Saturday morning).
    #[serde(default = "daily")]
    pub days: String,
    /// Start, `HH:MM` wall time in `tz`.
    pub from: String,
    /// End, `HH:MM`; earlier than `from` means the next morning.
    pub to: String,
    /// IANA zone (`Europe/Berlin`); unset: the machine's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Which channels go quiet: `"desktop"`, `"webhook"`, `"command"`. A snooze silences the
    /// same ones. `ping_url` is never muted: it is the dead-man's switch.
    #[serde(default = "desktop_only")]
    pub channels: Vec<String>,
}

fn daily() -> String {
    "daily".into()
}

pub(crate) fn desktop_only() -> Vec<String> {
    vec!["desktop".into()]
}

/// `[notifications]`: desktop notifications of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    /// A lost connection is told with critical urgency (it may pass "do not disturb").
    pub critical_on_loss: bool,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            critical_on_loss: true,
        }
    }
}

impl NotificationsConfig {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// The validation hook: `[quiet_hours]` must parse into rules.
pub(super) fn validate(config: &Config) -> Result<(), Problem> {
    let Some(q) = &config.quiet_hours else {
        return Ok(());
    };
    crate::quiet::QuietHours::parse(q)
        .map(|_| ())
        .map_err(|e| Problem {
            section: "quiet_hours".into(),
            index: None,
            key: e.key.into(),
            de: e.de,
            en: e.en,
        })
}
