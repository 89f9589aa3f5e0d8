//! Every time a [`Status`](crate::status::Status) carries, in words, written by the one rule
//! in [`crate::text::time_fmt`] from the same `now` the status was built with (`status.rs` writes
//! them, so this type knows nothing of `Status`). The window shows these strings as they are
//! (it formats no time itself), so it says what the CLI and the tray say.

use crate::text::time_fmt::TimeWords;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StatusTimes {
    /// The instant the words were written for (the engine's clock): relative words are true
    /// as of then.
    pub as_of: DateTime<Utc>,
    pub connected: Option<TimeWords>,
    pub access_expires: Option<TimeWords>,
    pub refresh_issued: Option<TimeWords>,
    pub refresh_expires_assumed: Option<TimeWords>,
    pub api_key_expires: Option<TimeWords>,
    /// `last_tick_at`: the last check.
    pub last_check: Option<TimeWords>,
    pub last_validated: Option<TimeWords>,
    pub next_check: Option<TimeWords>,
    pub next_attempt: Option<TimeWords>,
    pub last_gap_from: Option<TimeWords>,
    pub last_gap_to: Option<TimeWords>,
    /// The last gap's length ("3 h 0 min").
    pub last_gap_length: Option<String>,
    pub last_webhook_sync: Option<TimeWords>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::event::Event;
    use crate::history;
    use crate::state::{ConnState, Gap, Mode, Persisted};
    use crate::status::Status;
    use crate::text::i18n::Lang;
    use crate::text::time_fmt::{self, Zone};
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    const BERLIN: Zone = Zone::Named(chrono_tz::Europe::Berlin);

    fn build(st: &Persisted, now: DateTime<Utc>, lang: Lang) -> Status {
        let config = Config::default();
        Status::build_in(st, &config, &config.schedule, now, lang, BERLIN)
    }

    /// The demo's "3 hours of sleep": the clock jumps 3 h; then a tick refreshes. Everything
    /// from before the jump reads "vor 3 h", the new expiry reads "in …", in the status and in
    /// the history alike.
    #[test]
    fn after_three_hours_of_sleep_the_past_reads_past_and_the_expiry_future() {
        let before = Utc
            .with_ymd_and_hms(2025, 1, 15, 13, 0, 0)
            .single()
            .expect("t0");
        let now = before + Duration::hours(3) + Duration::seconds(20);
        let st = Persisted {
            state: ConnState::Healthy,
            mode: Some(Mode::OAuth),
            company: Some("Demo GmbH".into()),
            connected_at: Some(before - Duration::days(2)),
            access_expires_at: Some(now + Duration::minutes(59)),
            refresh_issued_at: Some(now),
            last_tick_at: Some(before),
            last_validated_at: Some(before),
            last_gap: Some(Gap {
                from: before,
                to: now,
                seconds: (now - before).num_seconds(),
                while_running: true,
            }),
            ..Persisted::default()
        };
        let s = build(&st, now, Lang::De);
        let t = &s.times;
        let rel = |w: &Option<TimeWords>| w.as_ref().expect("words").relative.clone();
        assert_eq!(rel(&t.last_check), "vor 3 h 0 min");
        assert_eq!(rel(&t.last_validated), "vor 3 h 0 min");
        assert_eq!(rel(&t.last_gap_from), "vor 3 h 0 min");
        assert_eq!(rel(&t.last_gap_to), "gerade eben");
        assert_eq!(rel(&t.connected), "vor 2 d 3 h");
        assert_eq!(rel(&t.access_expires), "in 59 min");
        assert_eq!(
            t.access_expires.as_ref().expect("expiry").full,
            "17:59 MEZ (in 59 min)"
        );
        assert_eq!(t.last_gap_length.as_deref(), Some("3 h 0 min"));
        assert_eq!(t.as_of, now);
        // Not checked for 3 h: overdue, and the message says when the last check was.
        assert!(
            s.message.contains("Die letzte Prüfung war vor 3 h 0 min."),
            "{}",
            s.message
        );
        // A retry that fell due during the sleep is due, not "vor 3 h".
        let failing = Persisted {
            state: ConnState::Degraded,
            reason: Some(crate::state::Reason::RefreshFailing),
            next_attempt_at: Some(before + Duration::minutes(1)),
            last_tick_at: Some(now),
            ..st.clone()
        };
        let f = build(&failing, now, Lang::De);
        assert!(
            f.message.starts_with(
                "Erneuern klappt gerade nicht; neuer Versuch bei der nächsten Prüfung."
            ),
            "{}",
            f.message
        );
        // …and no "next attempt" in the past anywhere: the next tick tries.
        assert_eq!(f.next_attempt_at, None);
        assert!(f.times.next_attempt.is_none());
        let en = build(&st, now, Lang::En);
        assert_eq!(rel(&en.times.last_check), "3 h 0 min ago");

        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        let refreshed = Event::Refreshed {
            expires_at: before + Duration::hours(1),
        };
        history::append(&file, before, std::slice::from_ref(&refreshed)).expect("append");
        let entries = history::read(&file, 10).expect("read");
        let lines = history::lines_in(&entries, now, Lang::De, BERLIN);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].at_words.full, "14:00 MEZ (vor 3 h 0 min)");
        assert_eq!(lines[0].kind, "refresh");
        assert_eq!(
            lines[0].text,
            "Anmeldung erneuert; die Verbindung gilt bis 15:00 MEZ."
        );
    }

    fn offset() -> impl Strategy<Value = Option<i64>> {
        proptest::option::of(-10_000_000i64..10_000_000)
    }

    proptest! {
        /// Whatever the persisted times, each word in the status points the right way.
        #[test]
        fn every_status_time_points_the_right_way(
            access in offset(), issued in offset(), tick in offset(), validated in offset(),
            attempt in offset(), key in offset(), de in any::<bool>()
        ) {
            let now = Utc.with_ymd_and_hms(2025, 3, 30, 0, 30, 0).single().expect("now");
            let t = |o: Option<i64>| o.map(|s| now + Duration::seconds(s));
            let st = Persisted {
                state: ConnState::Healthy,
                mode: Some(Mode::OAuth),
                access_expires_at: t(access),
                refresh_issued_at: t(issued),
                last_tick_at: t(tick),
                last_validated_at: t(validated),
                next_attempt_at: t(attempt),
                api_key_expires_at: t(key),
                ..Persisted::default()
            };
            let lang = if de { Lang::De } else { Lang::En };
            let s = build(&st, now, lang);
            let pairs = [
                (s.access_expires_at, &s.times.access_expires),
                (s.refresh_issued_at, &s.times.refresh_issued),
                (s.refresh_expires_assumed_at, &s.times.refresh_expires_assumed),
                (s.last_tick_at, &s.times.last_check),
                (s.next_check_at, &s.times.next_check),
                (s.last_validated_at, &s.times.last_validated),
                (s.next_attempt_at, &s.times.next_attempt),
                (s.api_key_expires_at, &s.times.api_key_expires),
            ];
            for (at, words) in pairs {
                prop_assert_eq!(at.is_some(), words.is_some());
                let (Some(at), Some(w)) = (at, words) else { continue };
                prop_assert_eq!(w, &time_fmt::words_in(at, now, lang, BERLIN));
                let past = w.relative.starts_with("vor ") || w.relative.ends_with(" ago");
                let future = w.relative.starts_with("in ");
                if at < now - time_fmt::JUST_NOW {
                    prop_assert!(past && !future, "{:?} {:?}", at, w);
                } else if at > now + time_fmt::JUST_NOW {
                    prop_assert!(future && !past, "{:?} {:?}", at, w);
                }
                prop_assert!(!w.full.contains("gleich"), "{:?}", w);
            }
        }
    }
}
