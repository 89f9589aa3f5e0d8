//! Times as a shop owner reads them: local time with zone, and relative ("in 2 h 10 min").

use crate::i18n::Lang;
use chrono::{DateTime, Duration, Local, Utc};

/// `14:32 CET` today, `Mo 01.12. 14:32 CET` otherwise (local zone of the machine).
pub fn local_time(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Local);
    let zone = match (lang, zone_abbrev(at).as_str()) {
        (Lang::De, "CET") => "MEZ".to_string(),
        (Lang::De, "CEST") => "MESZ".to_string(),
        (_, other) => other.to_string(),
    };
    if local.date_naive() == now.with_timezone(&Local).date_naive() {
        format!("{} {zone}", local.format("%H:%M"))
    } else {
        let day = lang.pick(
            local.format("%d.%m.%Y %H:%M").to_string(),
            local.format("%Y-%m-%d %H:%M").to_string(),
        );
        format!("{day} {zone}")
    }
}

/// The zone's abbreviation (MEZ/MESZ in German for Europe/Berlin, CET/CEST in English),
/// falling back to the UTC offset.
fn zone_abbrev(at: DateTime<Utc>) -> String {
    use chrono::Offset;
    let name = iana_time_zone::get_timezone().ok();
    if let Some(tz) = name.and_then(|n| n.parse::<chrono_tz::Tz>().ok()) {
        let abbrev = at.with_timezone(&tz).format("%Z").to_string();
        if !abbrev.starts_with(['+', '-']) {
            return abbrev;
        }
    }
    let offset = at.with_timezone(&Local).offset().fix();
    if offset.local_minus_utc() == 0 {
        "UTC".into()
    } else {
        format!("UTC{offset}")
    }
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

/// `24.12.2026`: a day, in the local time zone (for dates far away, like an API key's end).
pub fn local_date(at: DateTime<Utc>) -> String {
    let local: chrono::DateTime<chrono::Local> = at.into();
    local.format("%d.%m.%Y").to_string()
}

/// "in 2 h 10 min" / "vor 5 min" (German) or "in 2 h 10 min" / "5 min ago".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let d = at - now;
    if d.num_seconds().abs() < 5 {
        return lang.pick("gerade eben", "just now").to_string();
    }
    if d >= Duration::zero() {
        format!("in {}", duration(d))
    } else {
        let ago = duration(-d);
        lang.pick(format!("vor {ago}"), format!("{ago} ago"))
    }
}

/// `14:32 CET (in 2 h 10 min)`.
pub fn local_and_relative(at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    format!(
        "{} ({})",
        local_time(at, now, lang),
        relative(at, now, lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::minutes(130)), "2 h 10 min");
        assert_eq!(duration(Duration::hours(76)), "3 d 4 h");
        assert_eq!(duration(Duration::seconds(45)), "45 s");
        assert_eq!(duration(Duration::seconds(-5)), "0 s");
    }

    #[test]
    fn relative_in_both_languages() {
        let now = Utc::now();
        assert_eq!(
            relative(now + Duration::minutes(5), now, Lang::De),
            "in 5 min"
        );
        assert_eq!(
            relative(now - Duration::minutes(5), now, Lang::De),
            "vor 5 min"
        );
        assert_eq!(
            relative(now - Duration::minutes(5), now, Lang::En),
            "5 min ago"
        );
    }
}
