//! `[quiet_hours]` and `[notifications]` of config.toml: when delivery goes quiet and how loud
//! a lost connection is. The rules (what "quiet now" means) are in `crate::quiet`.

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

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::error::Error;
    use std::path::Path;

    fn parse(text: &str) -> crate::Result<Config> {
        Config::parse(text, Path::new("/x/config.toml"))
    }

    #[test]
    fn the_documented_section_parses_and_defaults_hold() {
        let c = parse("[quiet_hours]\ndays = \"mon-fri\"\nfrom = \"19:00\"\nto = \"07:00\"\ntz = \"Europe/Berlin\"\nchannels = [\"desktop\", \"webhook\", \"command\"]\n").expect("valid");
        assert_eq!(c.quiet_hours.as_ref().map(|q| q.channels.len()), Some(3));
        assert!(c.notifications.critical_on_loss, "on by default");
        let c = parse("[quiet_hours]\nfrom = \"22:00\"\nto = \"06:30\"\n\n[notifications]\ncritical_on_loss = false\n").expect("valid");
        let q = c.quiet_hours.expect("section");
        assert_eq!(
            (q.days.as_str(), q.channels),
            ("daily", vec!["desktop".to_string()])
        );
        assert!(!c.notifications.critical_on_loss);
    }

    #[test]
    fn a_settings_save_keeps_the_hand_written_section() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        let text = "# mine\n[quiet_hours]\nfrom = \"19:00\"   # evenings\nto = \"07:00\"\nchannels = [\"desktop\", \"webhook\"]\n";
        std::fs::write(&path, text).expect("write");
        let mut c = Config::load(&path).expect("load");
        c.notifications.critical_on_loss = false;
        c.save(&path).expect("save");
        let saved = std::fs::read_to_string(&path).expect("read");
        assert!(saved.contains("from = \"19:00\"   # evenings"), "{saved}");
        let back = Config::load(&path).expect("load");
        assert_eq!(back, c);
        assert!(!back.notifications.critical_on_loss);
    }

    #[test]
    fn a_bad_value_names_file_line_key_and_the_fix() {
        let e = parse("[quiet_hours]\nfrom = \"19:00\"\nto = \"07:00\"\nchannels = [\"desktop\", \"ping_url\"]\n")
            .expect_err("ping_url cannot be muted");
        match &e {
            Error::Config { line, key, .. } => {
                assert_eq!(*line, Some(4));
                assert_eq!(key.as_deref(), Some("quiet_hours.channels"));
            }
            other => panic!("{other:?}"),
        }
        let de = e.message(crate::Lang::De);
        assert!(
            de.contains("\"desktop\", \"webhook\" und \"command\""),
            "{de}"
        );
        let en = e.message(crate::Lang::En);
        assert!(en.contains("never muted"), "{en}");
        assert!(
            parse("[quiet_hours]\nfrom = \"19:00\"\n").is_err(),
            "to is required"
        );
        assert!(
            parse("[notifications]\ncritical = false\n").is_err(),
            "unknown key"
        );
    }
}
