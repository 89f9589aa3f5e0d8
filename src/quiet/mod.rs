//! Quiet hours and snooze: they silence the *delivery* on chosen channels, never the
//! checking. Checks, refreshes, webhook repairs and the history go on; `ping_url` (the
//! dead-man's switch, and its `/fail`) is never muted. When the quiet ends and the trouble is
//! still there, each quiet channel gets exactly one catch-up ([`catch_up`]).
//!
//! Every surface asks here: the alerts (webhook, command), the app (desktop notifications),
//! the status (`snoozed_until`, `quiet`, the words "stumm bis 08:00").

pub mod catch_up;
pub mod hours;
pub mod snooze;

pub use catch_up::{Delivery, Held};
pub use hours::QuietHours;
pub use snooze::{Request as SnoozeRequest, Snooze};

use crate::config::Config;
use crate::text::i18n::Lang;
use crate::text::time_fmt::Zone;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A channel that can go quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Desktop,
    Webhook,
    Command,
}

impl Channel {
    pub fn parse(word: &str) -> Option<Channel> {
        match word.trim() {
            "desktop" => Some(Channel::Desktop),
            "webhook" => Some(Channel::Webhook),
            "command" => Some(Channel::Command),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Channel::Desktop => "desktop",
            Channel::Webhook => "webhook",
            Channel::Command => "command",
        }
    }
}

/// The quiet rules of one data folder and configuration.
#[derive(Debug, Clone)]
pub struct Quiet {
    hours: Option<QuietHours>,
    channels: Vec<Channel>,
    zone: Zone,
    snooze: Snooze,
    data_dir: std::path::PathBuf,
}

impl Quiet {
    /// A configuration that failed validation was refused at load; here it only means no
    /// quiet hours (the snooze still silences the desktop).
    pub fn new(config: &Config, data_dir: &Path) -> Quiet {
        let hours = config
            .quiet_hours
            .as_ref()
            .and_then(|q| QuietHours::parse(q).ok());
        let (channels, zone) = match &hours {
            Some(h) => (h.channels.clone(), h.zone),
            None => (vec![Channel::Desktop], Zone::machine()),
        };
        Quiet {
            hours,
            channels,
            zone,
            snooze: Snooze::in_dir(data_dir),
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// The zone `snooze until 08:00` and "stumm bis 08:00" mean.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    pub fn snooze(&self) -> &Snooze {
        &self.snooze
    }

    pub fn snoozed_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.snooze.until(now)
    }

    /// When the quiet in force ends (the later of snooze and quiet hours); `None`: not quiet.
    pub fn until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let hours = self.hours.as_ref().and_then(|h| h.end_of_period(now));
        match (self.snoozed_until(now), hours) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn is_quiet(&self, channel: Channel, now: DateTime<Utc>) -> bool {
        self.channels.contains(&channel) && self.until(now).is_some()
    }

    /// Runs one channel's delivery through the quiet rules (see [`catch_up::decide`]).
    pub fn pass(
        &self,
        channel: Channel,
        notice: bool,
        state: crate::state::ConnState,
        now: DateTime<Utc>,
    ) -> Delivery {
        Held::of(&self.data_dir, channel).pass(self.is_quiet(channel, now), notice, state, now)
    }

    /// "stumm bis 08:00" / "muted until 08:00" (with the date when not within a day).
    pub fn line(&self, now: DateTime<Utc>, lang: Lang) -> Option<String> {
        let until = self.until(now)?;
        Some(until_words(until, now, self.zone, lang))
    }
}

impl crate::status::Status {
    /// The status with the quiet rules' facts (`snoozed_until`, `quiet`, "stumm bis 08:00")
    /// as of `now`.
    pub fn with_quiet(mut self, quiet: &Quiet, now: DateTime<Utc>, lang: Lang) -> Self {
        self.snoozed_until = quiet.snoozed_until(now);
        self.quiet_line = quiet.line(now, lang);
        self.quiet = self.quiet_line.is_some();
        self
    }
}

/// "stumm bis 08:00": the time in the quiet zone, the date too when it is more than a day off.
pub fn until_words(until: DateTime<Utc>, now: DateTime<Utc>, zone: Zone, lang: Lang) -> String {
    let wall = hours::wall(zone, until);
    let when = if until - now > chrono::Duration::hours(24) {
        wall.format(lang.pick("%d.%m. %H:%M", "%b %-d, %H:%M"))
            .to_string()
    } else {
        wall.format("%H:%M").to_string()
    };
    lang.pick(format!("stumm bis {when}"), format!("muted until {when}"))
}

/// The words of a catch-up (desktop title, prefix of a webhook's headline): what the quiet
/// held back, as it stands now.
pub fn catch_up_title(headline: &str, lang: Lang) -> String {
    lang.pick(
        format!("Während der Stummschaltung: {headline}"),
        format!("While muted: {headline}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QuietHoursConfig;
    use chrono::{Duration, TimeZone};

    fn config(channels: &[&str]) -> Config {
        Config {
            quiet_hours: Some(QuietHoursConfig {
                days: "daily".into(),
                from: "19:00".into(),
                to: "07:00".into(),
                tz: Some("Europe/Berlin".into()),
                channels: channels.iter().map(|c| c.to_string()).collect(),
            }),
            ..Config::default()
        }
    }

    #[test]
    fn only_the_chosen_channels_go_quiet_and_a_snooze_extends_the_night() {
        let dir = tempfile::tempdir().expect("dir");
        let q = Quiet::new(&config(&["desktop", "webhook"]), dir.path());
        let night = Utc.with_ymd_and_hms(2026, 1, 14, 22, 0, 0).unwrap(); // 23:00 CET
        assert!(q.is_quiet(Channel::Desktop, night));
        assert!(q.is_quiet(Channel::Webhook, night));
        assert!(!q.is_quiet(Channel::Command, night));
        assert_eq!(q.line(night, Lang::De).as_deref(), Some("stumm bis 07:00"));
        let day = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap();
        assert!(!q.is_quiet(Channel::Desktop, day));
        assert_eq!(q.line(day, Lang::En), None);
        // A snooze past the morning: quiet until the snooze ends.
        let eight = Utc.with_ymd_and_hms(2026, 1, 15, 7, 0, 0).unwrap();
        q.snooze().set(Some(eight)).expect("snooze");
        assert_eq!(q.until(night), Some(eight));
        assert_eq!(
            q.line(night, Lang::En).as_deref(),
            Some("muted until 08:00")
        );
        assert!(q.is_quiet(Channel::Webhook, eight - Duration::minutes(1)));
        assert!(!q.is_quiet(Channel::Webhook, eight));
    }

    #[test]
    fn without_quiet_hours_a_snooze_mutes_the_desktop_only() {
        let dir = tempfile::tempdir().expect("dir");
        let q = Quiet::new(&Config::default(), dir.path());
        let now = Utc::now();
        assert!(!q.is_quiet(Channel::Desktop, now));
        q.snooze()
            .set(Some(now + Duration::hours(1)))
            .expect("snooze");
        assert!(q.is_quiet(Channel::Desktop, now));
        assert!(!q.is_quiet(Channel::Webhook, now));
    }
}
