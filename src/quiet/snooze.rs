//! The snooze: quiet until a UTC instant, one file in the data folder (`snooze.json`) that
//! every lexguard process reads (the app, `serve`, a cron `tick`), written atomically. It ends
//! by itself: an instant in the past is no snooze, so nothing has to clean it up.

use super::hours::{instant, parse_time, wall};
use crate::error::{Error, Result};
use crate::text::time_fmt::Zone;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "snooze.json";
/// The longest snooze: a week. Longer is a forgotten switch; quiet hours are for routines.
pub const LONGEST: Duration = Duration::days(7);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stored {
    until: DateTime<Utc>,
}

/// What `lexguard snooze …` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// `snooze 1h`, `snooze 30m`.
    For(Duration),
    /// `snooze until 08:00`: the next 08:00 on the wall clock.
    Until(chrono::NaiveTime),
    /// `snooze off`.
    Off,
}

impl Request {
    /// The words after `snooze`.
    pub fn parse(words: &[String]) -> Result<Request> {
        let words: Vec<&str> = words.iter().map(|w| w.trim()).collect();
        match words.as_slice() {
            ["off"] => Ok(Request::Off),
            ["until", time] | ["bis", time] => {
                parse_time(time).map(Request::Until).ok_or_else(|| {
                    Error::invalid(
                        format!(
                            "„{time}“ ist keine Uhrzeit. Beispiel: lexguard snooze until 08:00"
                        ),
                        format!(
                            "'{time}' is not a time of day. Example: lexguard snooze until 08:00"
                        ),
                    )
                })
            }
            [length] => {
                let d = humantime::parse_duration(length)
                    .ok()
                    .and_then(|d| Duration::from_std(d).ok())
                    .ok_or_else(|| {
                        Error::invalid(
                            format!("„{length}“ ist keine Dauer. Beispiele: lexguard snooze 1h, lexguard snooze 30m, lexguard snooze until 08:00, lexguard snooze off"),
                            format!("'{length}' is not a duration. Examples: lexguard snooze 1h, lexguard snooze 30m, lexguard snooze until 08:00, lexguard snooze off"),
                        )
                    })?;
                if d < Duration::minutes(1) || d > LONGEST {
                    return Err(Error::invalid(
                        "Stumm schalten geht für 1 Minute bis 7 Tage (z. B. lexguard snooze 1h).",
                        "A snooze lasts 1 minute to 7 days (e.g. lexguard snooze 1h).",
                    ));
                }
                Ok(Request::For(d))
            }
            _ => Err(Error::invalid(
                "Bitte so: lexguard snooze 1h, lexguard snooze until 08:00 oder lexguard snooze off.",
                "Please use: lexguard snooze 1h, lexguard snooze until 08:00 or lexguard snooze off.",
            )),
        }
    }

    /// The end this request asks for, as of `now`; `None` for `off`.
    pub fn until(self, now: DateTime<Utc>, zone: Zone) -> Option<DateTime<Utc>> {
        match self {
            Request::Off => None,
            Request::For(d) => Some(now + d),
            Request::Until(time) => Some(next_wall_time(now, time, zone)),
        }
    }
}

/// The next instant after `now` whose wall clock in `zone` shows `time` (today's if still
/// ahead, else tomorrow's; a time the clocks skip means the switch).
pub fn next_wall_time(now: DateTime<Utc>, time: chrono::NaiveTime, zone: Zone) -> DateTime<Utc> {
    let today = wall(zone, now).date();
    [today, today + Duration::days(1), today + Duration::days(2)]
        .into_iter()
        .filter_map(|d| instant(zone, d.and_time(time)))
        .find(|t| *t > now)
        .unwrap_or(now + Duration::days(1))
}

/// The snooze file of a data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snooze {
    file: PathBuf,
}

impl Snooze {
    pub fn in_dir(data_dir: &Path) -> Snooze {
        Snooze {
            file: data_dir.join(FILE_NAME),
        }
    }

    /// The end of the snooze in force at `now`. An unreadable file or a time further ahead
    /// than a snooze can reach (a clock that was wrong when it was set) is no snooze.
    pub fn until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let bytes = std::fs::read(&self.file).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        (stored.until > now && stored.until <= now + LONGEST + Duration::days(1))
            .then_some(stored.until)
    }

    /// Sets (`Some`) or ends (`None`) the snooze for every lexguard process.
    pub fn set(&self, until: Option<DateTime<Utc>>) -> Result<()> {
        match until {
            Some(until) => {
                let bytes = serde_json::to_vec_pretty(&Stored { until })
                    .map_err(|e| Error::io(&self.file, e))?;
                crate::fsutil::write_atomic(&self.file, &bytes)
            }
            None => match std::fs::remove_file(&self.file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&self.file, e)),
                _ => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn berlin() -> Zone {
        Zone::Named(chrono_tz::Europe::Berlin)
    }

    #[test]
    fn requests_parse_and_bad_ones_say_how() {
        assert_eq!(
            Request::parse(&words("1h")).ok(),
            Some(Request::For(Duration::hours(1)))
        );
        assert_eq!(Request::parse(&words("off")).ok(), Some(Request::Off));
        assert!(matches!(
            Request::parse(&words("until 08:00")),
            Ok(Request::Until(_))
        ));
        for bad in ["", "soon", "until 8", "10s", "30d", "1h extra words"] {
            let e = Request::parse(&words(bad)).expect_err(bad);
            let de = e.message(crate::Lang::De);
            assert!(
                de.contains("lexguard snooze") || de.contains("Uhrzeit"),
                "{de}"
            );
        }
    }

    #[test]
    fn until_08_00_is_the_next_one_in_the_zone() {
        let t8 = parse_time("08:00").expect("time");
        // 06:00 CET: today's 08:00.
        let early = Utc.with_ymd_and_hms(2026, 1, 14, 5, 0, 0).unwrap();
        assert_eq!(
            next_wall_time(early, t8, berlin()),
            Utc.with_ymd_and_hms(2026, 1, 14, 7, 0, 0).unwrap()
        );
        // 22:00 CEST the evening before the autumn switch: tomorrow's 08:00 CET.
        let late = Utc.with_ymd_and_hms(2026, 10, 24, 20, 0, 0).unwrap();
        assert_eq!(
            next_wall_time(late, t8, berlin()),
            Utc.with_ymd_and_hms(2026, 10, 25, 7, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_file_is_shared_ends_by_itself_and_can_be_switched_off() {
        let dir = tempfile::tempdir().expect("dir");
        let s = Snooze::in_dir(dir.path());
        let now = Utc::now();
        assert_eq!(s.until(now), None);
        s.set(Some(now + Duration::hours(1))).expect("set");
        let other = Snooze::in_dir(dir.path());
        assert_eq!(other.until(now), Some(now + Duration::hours(1)));
        assert_eq!(other.until(now + Duration::minutes(61)), None, "over");
        s.set(None).expect("off");
        assert_eq!(other.until(now), None);
        s.set(None).expect("off twice is fine");
    }
}
