//! THE rule for time words, for every surface: the CLI, the tray, notifications and the window
//! (which only displays what this module wrote, see [`TimeWords`]). Local time with zone
//! ("14:32 MEZ", another day "01.12.2025 14:32 MEZ", far away "07.12.2028"), relative ("in 2 h
//! 10 min", "vor 5 min", "in 3 Monaten", "in 2 Jahren") and durations ("3 h 0 min").
//!
//! Everything takes `now` (the engine's clock, so a demo clock that jumped 3 hours is honoured)
//! and the functions ending in `_in` take the [`Zone`] too, so tests pin both.

use crate::text::i18n::Lang;
use chrono::{DateTime, Duration, Local, NaiveDateTime, Offset, Utc};
use serde::Serialize;

/// Within this distance of `now` an instant is "gerade eben" / "just now", in either direction;
/// beyond it, always "vor …" / "in …". Never "gleich": a past instant must not sound future.
pub const JUST_NOW: Duration = Duration::seconds(5);

/// One instant in words, as every surface shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TimeWords {
    /// `14:32 MEZ` today, `01.12.2025 14:32 MEZ` (English `2025-12-01 14:32 CET`) otherwise,
    /// `07.12.2028` (English `2028-12-07`) two months or more away.
    pub absolute: String,
    /// `in 2 h 10 min`, `vor 5 min` / `5 min ago`, `gerade eben` / `just now`; a week or more
    /// away `in 12 Tagen`, `vor 3 Monaten`, `in 2 Jahren`.
    pub relative: String,
    /// `14:32 MEZ (in 2 h 10 min)`: both, the way the CLI prints a time.
    pub full: String,
}

/// The time zone the words are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// An IANA zone: its own DST rules and abbreviations (CET/CEST for Europe/Berlin).
    Named(chrono_tz::Tz),
    /// The machine's zone as chrono sees it, when it has no IANA name we can use; the zone is
    /// then written as its UTC offset.
    Local,
}

impl Zone {
    /// The machine's zone (production). The IANA name is used only when it agrees with what
    /// chrono's `Local` says right now (a `TZ` variable may override `/etc/localtime`).
    pub fn machine() -> Zone {
        let now = Utc::now();
        iana_time_zone::get_timezone()
            .ok()
            .and_then(|n| n.parse::<chrono_tz::Tz>().ok())
            .filter(|tz| {
                now.with_timezone(tz).offset().fix() == now.with_timezone(&Local).offset().fix()
            })
            .map(Zone::Named)
            .unwrap_or(Zone::Local)
    }

    /// The wall-clock time of `at` in this zone and the zone's short name at that instant.
    fn wall(self, at: DateTime<Utc>) -> (NaiveDateTime, String) {
        match self {
            Zone::Named(tz) => {
                let local = at.with_timezone(&tz);
                let abbrev = local.format("%Z").to_string();
                let name = if abbrev.is_empty() || abbrev.starts_with(['+', '-']) {
                    offset_name(local.offset().fix())
                } else {
                    abbrev
                };
                (local.naive_local(), name)
            }
            Zone::Local => {
                let local = at.with_timezone(&Local);
                (local.naive_local(), offset_name(local.offset().fix()))
            }
        }
    }
}

fn offset_name(offset: chrono::FixedOffset) -> String {
    if offset.local_minus_utc() == 0 {
        "UTC".into()
    } else {
        format!("UTC{offset}")
    }
}

/// The German names of Central European (Summer) Time; other abbreviations read alike.
fn zone_word(abbrev: String, lang: Lang) -> String {
    match (lang, abbrev.as_str()) {
        (Lang::De, "CET") => "MEZ".into(),
        (Lang::De, "CEST") => "MESZ".into(),
        _ => abbrev,
    }
}

/// `14:32 MEZ` on the day of `now` (in `zone`), `01.12.2025 14:32 MEZ` on any other day, and
/// just the day (`07.12.2028`) two months or more away, where the hour means nothing.
pub fn absolute_in(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang, zone: Zone) -> String {
    if (at - now).abs() >= Duration::days(MONTHS_FROM_DAYS) {
        return date_in(at, lang, zone);
    }
    let (wall, abbrev) = zone.wall(at);
    let zone_name = zone_word(abbrev, lang);
    if wall.date() == zone.wall(now).0.date() {
        format!("{} {zone_name}", wall.format("%H:%M"))
    } else {
        let day = lang.pick(
            wall.format("%d.%m.%Y %H:%M").to_string(),
            wall.format("%Y-%m-%d %H:%M").to_string(),
        );
        format!("{day} {zone_name}")
    }
}

/// `24.12.2026` (English `2026-12-24`): a day, for dates far away like an API key's end.
pub fn date_in(at: DateTime<Utc>, lang: Lang, zone: Zone) -> String {
    let (wall, _) = zone.wall(at);
    lang.pick(
        wall.format("%d.%m.%Y").to_string(),
        wall.format("%Y-%m-%d").to_string(),
    )
}

/// "2 h 10 min", "3 d 4 h", "45 s"; never negative.
pub fn duration(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {mins} min")
    } else if mins > 0 {
        format!("{mins} min")
    } else {
        format!("{secs} s")
    }
}

/// "in 2 h 10 min" / "vor 5 min" (German) or "in 2 h 10 min" / "5 min ago"; "gerade eben" /
/// "just now" only within [`JUST_NOW`] either way. A week or more away in plain words: "in 12
/// Tagen", "vor 3 Monaten", "in 2 Jahren" (never "in 731 d 0 h").
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let d = at - now;
    if d.abs() < JUST_NOW {
        lang.pick("gerade eben", "just now").to_string()
    } else if d > Duration::zero() {
        format!("in {}", span(d, lang))
    } else {
        let ago = span(-d, lang);
        lang.pick(format!("vor {ago}"), format!("{ago} ago"))
    }
}

/// Where plain words take over from hours and minutes: under a week the hours still matter
/// ("6 d 23 h"); beyond, nobody counts them.
const PLAIN_WORDS_FROM_DAYS: i64 = 7;
/// Days are counted up to two months, months up to about two years (so every count is at least
/// two: the German dative plural "in 2 Jahren" / "vor 3 Monaten" is always right).
const MONTHS_FROM_DAYS: i64 = 60;
const YEARS_FROM_DAYS: i64 = 700;

/// A span for [`relative`]: [`duration`] under a week, else days, months or years, rounded
/// to the nearest month or year.
fn span(d: Duration, lang: Lang) -> String {
    let days = d.num_days();
    if days < PLAIN_WORDS_FROM_DAYS {
        duration(d)
    } else if days < MONTHS_FROM_DAYS {
        lang.pick(format!("{days} Tagen"), format!("{days} days"))
    } else if days < YEARS_FROM_DAYS {
        let months = (days as f64 / 30.44).round() as i64;
        lang.pick(format!("{months} Monaten"), format!("{months} months"))
    } else {
        let years = (days as f64 / 365.25).round() as i64;
        lang.pick(format!("{years} Jahren"), format!("{years} years"))
    }
}

/// All words for one instant.
pub fn words_in(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang, zone: Zone) -> TimeWords {
    let absolute = absolute_in(at, now, lang, zone);
    let relative = relative(at, now, lang);
    TimeWords {
        full: format!("{absolute} ({relative})"),
        absolute,
        relative,
    }
}

/// [`absolute_in`] in the machine's zone.
pub fn local_time(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    absolute_in(at, now, lang, Zone::machine())
}

/// `14:32 CET (in 2 h 10 min)` in the machine's zone.
pub fn local_and_relative(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    words_in(at, now, lang, Zone::machine()).full
}

#[cfg(test)]
mod tests;
