use super::*;
use chrono::TimeZone;

fn berlin_19_to_07(days: &str) -> QuietHours {
    QuietHours::parse(&QuietHoursConfig {
        days: days.into(),
        from: "19:00".into(),
        to: "07:00".into(),
        tz: Some("Europe/Berlin".into()),
        channels: vec!["desktop".into(), "webhook".into()],
    })
    .expect("valid")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid")
}

#[test]
fn across_midnight_in_winter() {
    let q = berlin_19_to_07("daily");
    // 2026-01-14 (Wednesday), CET = UTC+1.
    assert!(!q.contains(utc(2026, 1, 14, 17, 59)), "18:59 CET");
    assert!(q.contains(utc(2026, 1, 14, 18, 0)), "19:00 CET");
    assert!(
        q.contains(utc(2026, 1, 14, 23, 30)),
        "00:30 CET, after midnight"
    );
    assert!(q.contains(utc(2026, 1, 15, 5, 59)), "06:59 CET");
    assert!(!q.contains(utc(2026, 1, 15, 6, 0)), "07:00 CET");
    assert_eq!(
        q.end_of_period(utc(2026, 1, 14, 23, 30)),
        Some(utc(2026, 1, 15, 6, 0))
    );
    assert_eq!(q.end_of_period(utc(2026, 1, 15, 12, 0)), None);
}

#[test]
fn the_spring_night_is_eleven_hours() {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST.
    let q = berlin_19_to_07("daily");
    let start = utc(2026, 3, 28, 18, 0); // 19:00 CET
    assert!(!q.contains(start - Duration::minutes(1)));
    assert!(q.contains(start));
    assert!(q.contains(utc(2026, 3, 29, 1, 30)), "03:30 CEST");
    let end = q.end_of_period(start).expect("quiet");
    assert_eq!(end, utc(2026, 3, 29, 5, 0), "07:00 CEST");
    assert_eq!(end - start, Duration::hours(11));
    assert!(q.contains(end - Duration::minutes(1)));
    assert!(!q.contains(end));
}

#[test]
fn the_autumn_night_is_thirteen_hours() {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET.
    let q = berlin_19_to_07("daily");
    let start = utc(2026, 10, 24, 17, 0); // 19:00 CEST
    assert!(q.contains(start));
    assert!(
        q.contains(utc(2026, 10, 25, 0, 30)),
        "02:30 CEST, first time"
    );
    assert!(
        q.contains(utc(2026, 10, 25, 1, 30)),
        "02:30 CET, second time"
    );
    let end = q.end_of_period(start).expect("quiet");
    assert_eq!(end, utc(2026, 10, 25, 6, 0), "07:00 CET");
    assert_eq!(end - start, Duration::hours(13));
    assert!(q.contains(utc(2026, 10, 25, 5, 59)), "06:59 CET");
    assert!(!q.contains(end));
}

#[test]
fn a_boundary_the_clocks_skip_or_repeat() {
    let q = |from: &str, to: &str| {
        QuietHours::parse(&QuietHoursConfig {
            days: "daily".into(),
            from: from.into(),
            to: to.into(),
            tz: Some("Europe/Berlin".into()),
            channels: vec!["desktop".into()],
        })
        .expect("valid")
    };
    // Spring: 02:30 does not exist; the period ends at the switch (03:00 CEST = 01:00 UTC).
    let ends_in_gap = q("01:00", "02:30");
    assert!(ends_in_gap.contains(utc(2026, 3, 29, 0, 59)), "01:59 CET");
    assert!(!ends_in_gap.contains(utc(2026, 3, 29, 1, 0)), "03:00 CEST");
    assert_eq!(
        ends_in_gap.end_of_period(utc(2026, 3, 29, 0, 30)),
        Some(utc(2026, 3, 29, 1, 0))
    );
    // Autumn: 02:30 happens twice; the period ends at the first and does not come back.
    let ends_twice = q("01:00", "02:30");
    assert!(ends_twice.contains(utc(2026, 10, 25, 0, 15)), "02:15 CEST");
    assert!(!ends_twice.contains(utc(2026, 10, 25, 0, 30)), "02:30 CEST");
    assert!(
        !ends_twice.contains(utc(2026, 10, 25, 1, 0)),
        "02:00 CET again"
    );
}

#[test]
fn days_name_the_evening_a_period_starts() {
    let q = berlin_19_to_07("mon-fri");
    // Friday 2026-01-16 20:00 CET: quiet; Saturday 06:00: still Friday's night.
    assert!(q.contains(utc(2026, 1, 16, 19, 0)));
    assert!(q.contains(utc(2026, 1, 17, 5, 0)));
    // Saturday evening and Monday early morning (Sunday's night) are not quiet.
    assert!(!q.contains(utc(2026, 1, 17, 19, 0)));
    assert!(!q.contains(utc(2026, 1, 19, 5, 0)));
    let list = berlin_19_to_07("mon,wed,fri");
    assert!(list.contains(utc(2026, 1, 14, 20, 0)), "Wednesday");
    assert!(!list.contains(utc(2026, 1, 15, 20, 0)), "Thursday");
    assert_eq!(
        Days::parse("fri-mon"),
        Days::parse("fri,sat,sun,mon"),
        "a range may wrap"
    );
}

#[test]
fn a_daytime_period_does_not_cross_midnight() {
    let q = QuietHours::parse(&QuietHoursConfig {
        days: "daily".into(),
        from: "12:00".into(),
        to: "13:30".into(),
        tz: Some("UTC".into()),
        channels: vec!["desktop".into()],
    })
    .expect("valid");
    assert!(q.contains(utc(2026, 6, 1, 12, 0)));
    assert!(q.contains(utc(2026, 6, 1, 13, 29)));
    assert!(!q.contains(utc(2026, 6, 1, 13, 30)));
    assert!(!q.contains(utc(2026, 6, 1, 11, 59)));
}

#[test]
fn bad_values_are_named_with_the_fix() {
    let base = QuietHoursConfig {
        days: "daily".into(),
        from: "19:00".into(),
        to: "07:00".into(),
        tz: None,
        channels: vec!["desktop".into()],
    };
    let err = |c: QuietHoursConfig| QuietHours::parse(&c).expect_err("invalid");
    let e = err(QuietHoursConfig {
        days: "weekdays".into(),
        ..base.clone()
    });
    assert_eq!(e.key, "days");
    assert!(
        e.de.contains("mon-fri") && e.en.contains("mon-fri"),
        "{e:?}"
    );
    for t in ["7", "25:00", "19:60", "19.00", "abc"] {
        let e = err(QuietHoursConfig {
            from: t.into(),
            ..base.clone()
        });
        assert_eq!(e.key, "from", "{t}");
        assert!(e.de.contains("Uhrzeit"), "{e:?}");
    }
    let e = err(QuietHoursConfig {
        tz: Some("Europe/Berlinn".into()),
        ..base.clone()
    });
    assert_eq!(e.key, "tz");
    assert!(e.de.contains("Europe/Berlin"), "{e:?}");
    let e = err(QuietHoursConfig {
        channels: vec!["ping_url".into()],
        ..base.clone()
    });
    assert_eq!(e.key, "channels");
    assert!(e.en.contains("never muted"), "{e:?}");
    let e = err(QuietHoursConfig {
        to: "19:00".into(),
        ..base
    });
    assert_eq!(e.key, "to");
}
