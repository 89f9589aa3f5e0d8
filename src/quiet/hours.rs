//! Recurring quiet hours: `[quiet_hours]` parsed into rules, and "is this instant quiet?".
//!
//! A quiet period is a pair of instants: its start (`from` on a listed day) and its end (`to`
//! the same day, or the next morning when `to` is earlier). Both are wall times in the zone,
//! so the night the clocks change is as long as the clocks say (11 h in spring, 13 h in
//! autumn for 19:00–07:00). A wall time the spring switch skips starts or ends the period at
//! the switch; one the autumn switch repeats counts at its first occurrence.

use super::Channel;
use crate::config::QuietHoursConfig;
use crate::text::time_fmt::Zone;
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono::{LocalResult, TimeZone, Weekday};

/// The days a quiet period starts on (Monday first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days([bool; 7]);

impl Days {
    /// `daily`, `mon-fri` (a range, may wrap: `fri-mon`), `mon,wed,fri`, or a mix.
    pub fn parse(text: &str) -> Option<Days> {
        let text = text.trim().to_ascii_lowercase();
        if text == "daily" {
            return Some(Days([true; 7]));
        }
        let mut days = [false; 7];
        for part in text.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (weekday(a)?, weekday(b)?);
                    let mut d = a;
                    loop {
                        days[d.num_days_from_monday() as usize] = true;
                        if d == b {
                            break;
                        }
                        d = d.succ();
                    }
                }
                None => days[weekday(part)?.num_days_from_monday() as usize] = true,
            }
        }
        Some(Days(days))
    }

    pub fn has(self, day: Weekday) -> bool {
        self.0[day.num_days_from_monday() as usize]
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word.trim() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// `[quiet_hours]` as rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuietHours {
    pub days: Days,
    pub from: NaiveTime,
    pub to: NaiveTime,
    pub zone: Zone,
    pub channels: Vec<Channel>,
}

/// What is wrong with `[quiet_hours]`, and the fix (German, English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursError {
    pub key: &'static str,
    pub de: String,
    pub en: String,
}

fn bad(key: &'static str, de: String, en: String) -> HoursError {
    HoursError { key, de, en }
}

/// `HH:MM` (24 hours).
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

impl QuietHours {
    pub fn parse(c: &QuietHoursConfig) -> Result<QuietHours, HoursError> {
        let days = Days::parse(&c.days).ok_or_else(|| {
            bad(
                "days",
                format!("„{}“ sind keine Tage. Schreiben Sie z. B. days = \"mon-fri\", \"mon,wed,fri\" oder \"daily\" (mon, tue, wed, thu, fri, sat, sun).", c.days),
                format!("'{}' are no days. Write e.g. days = \"mon-fri\", \"mon,wed,fri\" or \"daily\" (mon, tue, wed, thu, fri, sat, sun).", c.days),
            )
        })?;
        let time = |key: &'static str, text: &str| {
            let example = if key == "from" { "19:00" } else { "07:00" };
            parse_time(text).ok_or_else(|| {
                bad(
                    key,
                    format!("„{text}“ ist keine Uhrzeit. Schreiben Sie sie als Stunden:Minuten, z. B. {key} = \"{example}\"."),
                    format!("'{text}' is not a time of day. Write it as hours:minutes, e.g. {key} = \"{example}\"."),
                )
            })
        };
        let from = time("from", &c.from)?;
        let to = time("to", &c.to)?;
        if from == to {
            return Err(bad(
                "to",
                "Beginn und Ende sind gleich; so gäbe es keine ruhige Zeit. Wählen Sie z. B. from = \"19:00\" und to = \"07:00\".".into(),
                "Start and end are the same, which leaves no quiet time. Choose e.g. from = \"19:00\" and to = \"07:00\".".into(),
            ));
        }
        let zone = match &c.tz {
            None => Zone::machine(),
            Some(name) => Zone::Named(name.trim().parse().map_err(|_| {
                bad(
                    "tz",
                    format!("„{name}“ ist keine bekannte Zeitzone. Schreiben Sie den IANA-Namen, z. B. tz = \"Europe/Berlin\", oder lassen Sie tz weg (dann gilt die Zeitzone des Rechners)."),
                    format!("'{name}' is no known time zone. Write its IANA name, e.g. tz = \"Europe/Berlin\", or leave tz out (then the machine's zone applies)."),
                )
            })?),
        };
        let mut channels = Vec::new();
        for word in &c.channels {
            let ch = Channel::parse(word).ok_or_else(|| {
                bad(
                    "channels",
                    format!("„{word}“ ist kein Kanal. Erlaubt sind \"desktop\", \"webhook\" und \"command\" (ping_url wird nie stumm geschaltet)."),
                    format!("'{word}' is no channel. Allowed are \"desktop\", \"webhook\" and \"command\" (ping_url is never muted)."),
                )
            })?;
            if !channels.contains(&ch) {
                channels.push(ch);
            }
        }
        Ok(QuietHours {
            days,
            from,
            to,
            zone,
            channels,
        })
    }

    /// The end of the quiet period `now` lies in; `None` when `now` is not quiet.
    pub fn end_of_period(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = wall(self.zone, now).date();
        // A period that crosses midnight may have started yesterday.
        [today - Duration::days(1), today]
            .into_iter()
            .filter(|d| self.days.has(d.weekday()))
            .filter_map(|d| self.period(d))
            .find(|(start, end)| *start <= now && now < *end)
            .map(|(_, end)| end)
    }

    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        self.end_of_period(now).is_some()
    }

    /// The period starting on `day`.
    fn period(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let end_day = if self.to < self.from {
            day.succ_opt()?
        } else {
            day
        };
        Some((
            instant(self.zone, day.and_time(self.from))?,
            instant(self.zone, end_day.and_time(self.to))?,
        ))
    }
}

/// The wall clock of `at` in `zone`.
pub fn wall(zone: Zone, at: DateTime<Utc>) -> NaiveDateTime {
    match zone {
        Zone::Named(tz) => at.with_timezone(&tz).naive_local(),
        Zone::Local => at.with_timezone(&Local).naive_local(),
    }
}

/// The first instant whose wall clock in `zone` shows `naive` or later: the time itself, its
/// first occurrence when the clocks go back, the switch when the clocks skip it.
pub fn instant(zone: Zone, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match zone {
        Zone::Named(tz) => first_at_or_after(&tz, zone, naive),
        Zone::Local => first_at_or_after(&Local, zone, naive),
    }
}

fn first_at_or_after<Z: TimeZone>(
    tz: &Z,
    zone: Zone,
    naive: NaiveDateTime,
) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => {
            // In a skipped hour: an hour later exists; walk back to the switch (≤ 2 h, by minutes).
            let mut t = match tz.from_local_datetime(&(naive + Duration::hours(1))) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => return None,
            };
            for _ in 0..120 {
                let earlier = t - Duration::minutes(1);
                if wall(zone, earlier) < naive {
                    break;
                }
                t = earlier;
            }
            Some(t)
        }
    }
}

#[cfg(test)]
mod tests;
