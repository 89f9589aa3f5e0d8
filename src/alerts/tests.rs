//! Unit tests of `alerts.rs` (kept apart so the module stays under 400 lines).

use super::*;
use crate::config::Config;

fn status(state: ConnState, reason: Option<Reason>, tick: DateTime<Utc>) -> Status {
    let st = crate::state::sample(serde_json::json!({
        "state": state,
        "reason": reason,
        "mode": crate::Mode::OAuth,
        "company": "Demo GmbH",
        "last_tick_at": tick,
        // The tick asked Lexware and got a yes (a success ping needs that).
        "last_validated_at": tick,
    }));
    let c = Config::default();
    Status::build(&st, &c, &c.schedule, tick, crate::Lang::De)
}

#[test]
fn one_notice_per_change_pings_for_good_checks_and_reminders_while_lost() {
    let t0 = Utc::now();
    let remind = Duration::hours(4);
    let mut m = Memory::default();
    let at = |mins: i64| t0 + Duration::minutes(mins);
    // Start: no notice (not news), an OK ping for the check.
    let (d, next) = decide(&m, &status(ConnState::Healthy, None, at(0)), at(0), remind);
    assert_eq!(
        (d.notify, d.ping_ok, d.ping_fail.is_some()),
        (None, true, false)
    );
    m = next;
    // The same status again without a new check (a language switch): nothing.
    let (d, next) = decide(&m, &status(ConnState::Healthy, None, at(0)), at(0), remind);
    assert_eq!(d, Decision::default());
    m = next;
    // Lost: one notice, one /fail.
    let lost = |mins| status(ConnState::AuthLost, Some(Reason::InvalidGrant), at(mins));
    let (d, next) = decide(&m, &lost(1), at(1), remind);
    assert_eq!(d.notify, Some(Notice::Change));
    assert!(d.ping_fail.is_some() && !d.ping_ok);
    m = next;
    for mins in 2..60 {
        let (d, next) = decide(&m, &lost(mins), at(mins), remind);
        assert_eq!(d, Decision::default(), "no repeats at {mins}");
        m = next;
    }
    let (d, next) = decide(&m, &lost(241), at(241), remind);
    assert_eq!(d.notify, Some(Notice::Reminder));
    assert!(d.ping_fail.is_none(), "one /fail per trouble");
    m = next;
    // Recovered: one notice and the pings resume.
    let (d, _) = decide(
        &m,
        &status(ConnState::Healthy, None, at(242)),
        at(242),
        remind,
    );
    assert_eq!(d.notify, Some(Notice::Change));
    assert!(d.ping_ok);
}

#[test]
fn a_short_blip_is_no_trouble_a_lasting_one_is() {
    let t0 = Utc::now();
    let remind = Duration::hours(4);
    let failing = |mins: i64| {
        status(
            ConnState::Degraded,
            Some(Reason::RefreshFailing),
            t0 + Duration::minutes(mins),
        )
    };
    let (_, m) = decide(
        &Memory::default(),
        &status(ConnState::Healthy, None, t0),
        t0,
        remind,
    );
    let (d, m) = decide(&m, &failing(1), t0 + Duration::minutes(1), remind);
    assert_eq!(d.notify, Some(Notice::Change));
    assert!(d.ping_fail.is_none());
    let (d, m) = decide(&m, &failing(10), t0 + Duration::minutes(10), remind);
    assert!(
        d.ping_fail.is_none() && d.ping_ok,
        "still good enough to ping"
    );
    let (d, _) = decide(&m, &failing(17), t0 + Duration::minutes(17), remind);
    assert!(d.ping_fail.is_some(), "lasting");
}

/// The core's two telling rules decide the `/fail`: trouble only the person can fix goes
/// out at once, a retrying reason once it lasted, a mere fact (a gap) never.
#[test]
fn the_fail_ping_follows_the_cores_severity() {
    let t0 = Utc::now();
    let remind = Duration::hours(4);
    let at = |mins: i64| t0 + Duration::minutes(mins);
    let (_, m) = decide(
        &Memory::default(),
        &status(ConnState::Healthy, None, at(0)),
        at(0),
        remind,
    );
    let locked = status(
        ConnState::Degraded,
        Some(Reason::KeychainUnavailable),
        at(1),
    );
    let (d, _) = decide(&m, &locked, at(1), remind);
    assert!(d.ping_fail.is_some(), "told at once");
    let mut memory = m;
    for mins in [1, 30, 120] {
        let gap = status(ConnState::Degraded, Some(Reason::GapSeen), at(mins));
        let (d, next) = decide(&memory, &gap, at(mins), remind);
        assert!(d.ping_fail.is_none(), "a gap is no trouble at {mins}");
        memory = next;
    }
    let quiet = status(
        ConnState::Degraded,
        Some(Reason::ValidationFailing),
        at(121),
    );
    let (d, next) = decide(&memory, &quiet, at(121), remind);
    assert!(d.ping_fail.is_none(), "not yet");
    let later = status(
        ConnState::Degraded,
        Some(Reason::ValidationFailing),
        at(136),
    );
    let (d, _) = decide(&next, &later, at(136), remind);
    assert!(d.ping_fail.is_some(), "lasted 15 minutes");
}

#[test]
fn the_payload_has_no_secret_fields() {
    let s = status(ConnState::Healthy, None, Utc::now());
    let p = Payload {
        state: s.state,
        reason: s.reason,
        company: s.company.as_deref(),
        headline: &s.headline,
        message: &s.message,
        at: Utc::now(),
        reminder: false,
        catch_up: false,
        access_expires_at: s.access_expires_at,
        last_tick_at: s.last_tick_at,
        next_attempt_at: s.next_attempt_at,
    };
    let json = serde_json::to_string(&p).expect("json");
    for word in ["token\"", "secret", "api_key\""] {
        assert!(!json.contains(word), "{json}");
    }
}
