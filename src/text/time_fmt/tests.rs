//! The time-word rule, by example and by property. The zone is always pinned
//! (Europe/Berlin), never the machine's.

use super::*;
use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use proptest::prelude::*;

const BERLIN: Zone = Zone::Named(chrono_tz::Europe::Berlin);

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid")
}

/// The EU rule, written out independently of chrono-tz: summer time from the last Sunday of
/// March, 01:00 UTC, to the last Sunday of October, 01:00 UTC.
fn berlin_offset_hours(at: DateTime<Utc>) -> i64 {
    let last_sunday = |month: u32| {
        let last = NaiveDate::from_ymd_opt(at.year(), month, 31).expect("31st");
        let back = last.weekday().num_days_from_sunday();
        (last - chrono::Days::new(back.into()))
            .and_hms_opt(1, 0, 0)
            .expect("time")
            .and_utc()
    };
    if at >= last_sunday(3) && at < last_sunday(10) {
        2
    } else {
        1
    }
}

fn berlin_wall(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + Duration::hours(berlin_offset_hours(at))
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(Duration::minutes(130)), "2 h 10 min");
    assert_eq!(duration(Duration::hours(76)), "3 d 4 h");
    assert_eq!(duration(Duration::seconds(45)), "45 s");
    assert_eq!(duration(Duration::seconds(-5)), "0 s");
}

#[test]
fn relative_in_both_languages() {
    let now = utc(2025, 6, 1, 12, 0, 0);
    let rel = |d: Duration, lang| relative(now + d, now, lang);
    assert_eq!(rel(Duration::minutes(5), Lang::De), "in 5 min");
    assert_eq!(rel(Duration::minutes(-5), Lang::De), "vor 5 min");
    assert_eq!(rel(Duration::minutes(-5), Lang::En), "5 min ago");
    assert_eq!(rel(Duration::seconds(-3), Lang::De), "gerade eben");
    assert_eq!(rel(Duration::seconds(3), Lang::En), "just now");
    // Half a minute away is not "now": the old window said "gleich" for any past minute.
    assert_eq!(rel(Duration::seconds(-30), Lang::De), "vor 30 s");
    assert_eq!(rel(Duration::seconds(30), Lang::De), "in 30 s");
    assert_eq!(rel(Duration::seconds(-5), Lang::De), "vor 5 s");
}

#[test]
fn long_spans_read_in_plain_words() {
    let now = utc(2026, 12, 7, 15, 53, 0);
    let rel = |d: Duration, lang| relative(now + d, now, lang);
    // The two years of a partner-app authorization: not "in 731 d 0 h".
    assert_eq!(rel(Duration::days(731), Lang::De), "in 2 Jahren");
    assert_eq!(rel(Duration::days(731), Lang::En), "in 2 years");
    assert_eq!(
        rel(Duration::days(730) - Duration::minutes(1), Lang::De),
        "in 2 Jahren"
    );
    assert_eq!(rel(Duration::days(-92), Lang::De), "vor 3 Monaten");
    assert_eq!(rel(Duration::days(-92), Lang::En), "3 months ago");
    assert_eq!(rel(Duration::days(60), Lang::De), "in 2 Monaten");
    assert_eq!(rel(Duration::days(12), Lang::De), "in 12 Tagen");
    assert_eq!(rel(Duration::days(-12), Lang::En), "12 days ago");
    // Under a week the hours still count.
    assert_eq!(
        rel(Duration::days(6) + Duration::hours(23), Lang::De),
        "in 6 d 23 h"
    );
    // Far away, the day is enough.
    let far = words_in(now + Duration::days(731), now, Lang::De, BERLIN);
    assert_eq!(far.full, "07.12.2028 (in 2 Jahren)");
    assert_eq!(
        absolute_in(now + Duration::days(731), now, Lang::En, BERLIN),
        "2028-12-07"
    );
}

#[test]
fn absolute_today_and_other_days_in_both_languages() {
    let now = utc(2025, 1, 12, 13, 0, 0);
    let at = utc(2025, 1, 12, 15, 42, 0);
    assert_eq!(absolute_in(at, now, Lang::De, BERLIN), "16:42 MEZ");
    assert_eq!(absolute_in(at, now, Lang::En, BERLIN), "16:42 CET");
    let tomorrow = utc(2025, 1, 13, 7, 5, 0);
    assert_eq!(
        absolute_in(tomorrow, now, Lang::De, BERLIN),
        "13.01.2025 08:05 MEZ"
    );
    assert_eq!(
        absolute_in(tomorrow, now, Lang::En, BERLIN),
        "2025-01-13 08:05 CET"
    );
    assert_eq!(date_in(tomorrow, Lang::De, BERLIN), "13.01.2025");
    assert_eq!(date_in(tomorrow, Lang::En, BERLIN), "2025-01-13");
    let w = words_in(at, now, Lang::De, BERLIN);
    assert_eq!(w.full, "16:42 MEZ (in 2 h 42 min)");
    let utc_zone = Zone::Named(chrono_tz::UTC);
    assert_eq!(absolute_in(at, now, Lang::De, utc_zone), "15:42 UTC");
}

#[test]
fn the_dst_switches_in_berlin() {
    // Spring: 02:00 MEZ becomes 03:00 MESZ at 01:00 UTC.
    let before = utc(2025, 3, 30, 0, 59, 0);
    let after = utc(2025, 3, 30, 1, 0, 0);
    assert_eq!(absolute_in(before, before, Lang::De, BERLIN), "01:59 MEZ");
    assert_eq!(absolute_in(after, before, Lang::De, BERLIN), "03:00 MESZ");
    assert_eq!(absolute_in(after, before, Lang::En, BERLIN), "03:00 CEST");
    // Autumn: 03:00 MESZ becomes 02:00 MEZ at 01:00 UTC; the hour 02:xx is there twice.
    let before = utc(2025, 10, 26, 0, 59, 0);
    let after = utc(2025, 10, 26, 1, 0, 0);
    assert_eq!(absolute_in(before, before, Lang::De, BERLIN), "02:59 MESZ");
    assert_eq!(absolute_in(after, before, Lang::De, BERLIN), "02:00 MEZ");
    // Local midnight decides "today", not UTC midnight: 23:30 UTC in summer is tomorrow.
    let evening = utc(2025, 7, 1, 21, 30, 0);
    let late = utc(2025, 7, 1, 22, 30, 0);
    assert_eq!(
        absolute_in(late, evening, Lang::De, BERLIN),
        "02.07.2025 00:30 MESZ"
    );
}

#[test]
fn the_machine_zone_agrees_with_chrono_local() {
    let now = Utc::now();
    let (wall, _) = Zone::machine().wall(now);
    assert_eq!(wall, now.with_timezone(&Local).naive_local());
}

/// Instants from 2000 to 2037 (the EU rule is in force and chrono-tz has its data).
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (946_684_800i64..2_145_916_800).prop_map(|s| Utc.timestamp_opt(s, 0).single().expect("ts"))
}

fn lang() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::De), Just(Lang::En)]
}

const TEN_YEARS_MS: i64 = 10 * 366 * 86_400_000;

fn reads_past(w: &TimeWords, lang: Lang) -> bool {
    match lang {
        Lang::De => w.relative.starts_with("vor "),
        Lang::En => w.relative.ends_with(" ago"),
    }
}

fn reads_future(w: &TimeWords) -> bool {
    w.relative.starts_with("in ")
}

fn reads_now(w: &TimeWords) -> bool {
    ["gerade eben", "gleich", "just now", "in a moment"]
        .iter()
        .any(|x| w.full.contains(x))
}

proptest! {
    #[test]
    fn a_past_instant_never_reads_as_future_or_now(
        now in instant(), back_ms in (JUST_NOW.num_milliseconds() + 1)..TEN_YEARS_MS, lang in lang()
    ) {
        let at = now - Duration::milliseconds(back_ms);
        let w = words_in(at, now, lang, BERLIN);
        prop_assert!(reads_past(&w, lang), "{w:?}");
        prop_assert!(!reads_future(&w), "{w:?}");
        prop_assert!(!reads_now(&w), "{w:?}");
    }

    #[test]
    fn a_future_instant_never_reads_as_past_or_now(
        now in instant(), ahead_ms in (JUST_NOW.num_milliseconds() + 1)..TEN_YEARS_MS, lang in lang()
    ) {
        let at = now + Duration::milliseconds(ahead_ms);
        let w = words_in(at, now, lang, BERLIN);
        prop_assert!(reads_future(&w), "{w:?}");
        prop_assert!(!reads_past(&w, lang), "{w:?}");
        prop_assert!(!w.relative.contains("vor") && !w.relative.contains("ago"), "{w:?}");
        prop_assert!(!reads_now(&w), "{w:?}");
    }

    #[test]
    fn a_week_or_more_away_reads_without_hour_counts(
        now in instant(), off_ms in (7 * 86_400_000i64)..TEN_YEARS_MS, past in any::<bool>(), lang in lang()
    ) {
        let d = Duration::milliseconds(if past { -off_ms } else { off_ms });
        let w = words_in(now + d, now, lang, BERLIN);
        prop_assert!(!w.relative.contains(" d ") && !w.relative.contains(" h"), "{w:?}");
        prop_assert!(w.relative.chars().any(|c| c.is_ascii_digit()), "{w:?}");
    }

    #[test]
    fn only_the_next_few_seconds_read_as_now(
        now in instant(), off_ms in -JUST_NOW.num_milliseconds() + 1..JUST_NOW.num_milliseconds(), lang in lang()
    ) {
        let w = words_in(now + Duration::milliseconds(off_ms), now, lang, BERLIN);
        prop_assert_eq!(w.relative.as_str(), lang.pick("gerade eben", "just now"));
    }

    #[test]
    fn the_absolute_form_shows_the_berlin_day_and_hour_across_dst(
        at in instant(), now_off_min in -4320i64..4320, lang in lang()
    ) {
        let now = at + Duration::minutes(now_off_min);
        let text = absolute_in(at, now, lang, BERLIN);
        let wall = berlin_wall(at);
        let summer = berlin_offset_hours(at) == 2;
        let zone = match (lang, summer) {
            (Lang::De, true) => "MESZ",
            (Lang::De, false) => "MEZ",
            (Lang::En, true) => "CEST",
            (Lang::En, false) => "CET",
        };
        let clock = format!("{:02}:{:02} {zone}", wall.hour(), wall.minute());
        let expected = if wall.date() == berlin_wall(now).date() {
            clock
        } else {
            let day = match lang {
                Lang::De => format!("{:02}.{:02}.{} ", wall.day(), wall.month(), wall.year()),
                Lang::En => format!("{}-{:02}-{:02} ", wall.year(), wall.month(), wall.day()),
            };
            day + &clock
        };
        prop_assert_eq!(text, expected);
    }
}
