//! The notification rules, without a desktop: which changes and events are told, in which
//! words ([`crate::notices`]).

use crate::notices::{Memo, decorate, event_notice, name_connection, transition_notices};
use crate::notify::Notice;
use chrono::Utc;
use lexguard::config::Config;
use lexguard::state::Persisted;
use lexguard::{ConnState, Event, Lang, Reason, Status};

fn status(state: ConnState, reason: Option<Reason>) -> Status {
    let st = serde_json::from_value::<Persisted>(serde_json::json!({
        "state": state,
        "reason": reason,
        "company": "Muster GmbH",
    }))
    .expect("a state");
    let c = Config::default();
    Status::build(&st, &c, &c.schedule, Utc::now(), Lang::De)
}

#[test]
fn webhook_and_authorization_events_are_told_in_plain_words() {
    let now = chrono::Utc::now();
    let restored = Event::WebhookRestored {
        event_type: "invoice.created".into(),
        callback_url: "https://shop.example/hook".into(),
    };
    let n = event_notice(&restored, now, Lang::De).expect("a notice");
    assert!(n.body.contains("„Rechnung erstellt“"), "{}", n.body);
    assert!(n.body.contains("neu eingerichtet"), "{}", n.body);
    let failing = Event::WebhookFailing {
        event_type: "invoice.created".into(),
        callback_url: "https://shop.example/hook".into(),
        reason: "Lexware konnte Ihre Adresse nicht erreichen.".into(),
    };
    let n = event_notice(&failing, now, Lang::De).expect("a notice");
    assert!(
        n.opens_window && n.body.contains("nicht erreichen"),
        "{}",
        n.body
    );
    let ends = Event::AuthorizationExpiring {
        days: 7,
        expires_at: now + chrono::Duration::days(7),
    };
    // Only a lost connection is critical (it may pass "do not disturb"); an end a week
    // away is told at normal urgency.
    assert!(!event_notice(&ends, now, Lang::De).expect("a notice").urgent);
}

#[test]
fn auth_lost_once_then_reminders_then_restored() {
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    assert!(
        transition_notices(
            &mut memo,
            &status(ConnState::Healthy, None),
            t0,
            h,
            Lang::De
        )
        .is_empty()
    );
    let lost = status(ConnState::AuthLost, Some(Reason::InvalidGrant));
    let first = transition_notices(&mut memo, &lost, t0, h, Lang::De);
    assert_eq!(first.len(), 1);
    assert!(first[0].summary.contains("verloren"));
    assert!(first[0].opens_window);
    for m in 1..10 {
        let later = t0 + chrono::Duration::minutes(m * 20);
        assert!(transition_notices(&mut memo, &lost, later, h, Lang::De).is_empty());
    }
    let reminder = transition_notices(&mut memo, &lost, t0 + h, h, Lang::De);
    assert_eq!(reminder.len(), 1);
    assert!(reminder[0].summary.starts_with("Erinnerung"));
    let back = transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        t0 + h,
        h,
        Lang::De,
    );
    assert_eq!(back.len(), 1);
    assert!(back[0].summary.contains("wiederhergestellt"));
}

#[test]
fn a_gap_or_network_blip_does_not_nag() {
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        t0,
        h,
        Lang::De,
    );
    assert!(
        transition_notices(
            &mut memo,
            &status(ConnState::Degraded, Some(Reason::GapSeen)),
            t0,
            h,
            Lang::De
        )
        .is_empty()
    );
    assert!(
        transition_notices(
            &mut memo,
            &status(ConnState::Healthy, None),
            t0,
            h,
            Lang::De
        )
        .is_empty()
    );
    assert!(
        transition_notices(
            &mut memo,
            &status(ConnState::Degraded, Some(Reason::ValidationFailing)),
            t0,
            h,
            Lang::De
        )
        .is_empty()
    );
    // A failing refresh is retried by lexguard: told once it has lasted (the core's
    // second rule), not for a blip that heals on the next try.
    let mut failing = |at| {
        transition_notices(
            &mut memo,
            &status(ConnState::Degraded, Some(Reason::RefreshFailing)),
            at,
            h,
            Lang::En,
        )
    };
    assert!(failing(t0).is_empty());
    assert!(failing(t0 + chrono::Duration::minutes(14)).is_empty());
    let told = failing(t0 + chrono::Duration::minutes(15));
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].summary, "Refreshing fails right now");
    assert!(failing(t0 + chrono::Duration::minutes(16)).is_empty());
    // Its end was news, so the recovery is told too.
    let back = transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        t0 + chrono::Duration::minutes(17),
        h,
        Lang::De,
    );
    assert_eq!(back.len(), 1);
    assert!(back[0].summary.contains("wiederhergestellt"));
}

#[test]
fn a_blip_that_heals_before_it_is_told_ends_silently() {
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    for (state, reason, mins) in [
        (ConnState::Healthy, None, 0),
        (ConnState::Degraded, Some(Reason::ValidationFailing), 1),
        (ConnState::Degraded, Some(Reason::ValidationFailing), 5),
        (ConnState::Healthy, None, 6),
    ] {
        let at = t0 + chrono::Duration::minutes(mins);
        let told = transition_notices(&mut memo, &status(state, reason), at, h, Lang::De);
        assert!(told.is_empty(), "{state:?} at {mins}: {told:?}");
    }
}

#[test]
fn what_only_the_person_can_fix_is_told_at_once() {
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        t0,
        h,
        Lang::De,
    );
    let told = transition_notices(
        &mut memo,
        &status(ConnState::Degraded, Some(Reason::KeychainUnavailable)),
        t0,
        h,
        Lang::De,
    );
    assert_eq!(told.len(), 1);
    assert_eq!(
        told[0].summary,
        "Schlüsselbund nicht erreichbar oder gesperrt"
    );
    assert!(told[0].opens_window);
}

/// The false story was "lexguard ist wieder mit … verbunden" on the very first connection.
#[test]
fn the_first_connection_is_connected_not_connected_again() {
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    assert!(
        transition_notices(
            &mut memo,
            &status(ConnState::NotConnected, None),
            t0,
            h,
            Lang::De
        )
        .is_empty()
    );
    let told = transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        t0,
        h,
        Lang::De,
    );
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].summary, "Mit Lexware verbunden");
    assert!(!told[0].body.contains("wieder"), "{}", told[0].body);
    assert!(
        told[0].body.starts_with("Verbunden mit Muster GmbH"),
        "{}",
        told[0].body
    );
    // One sentence, not "verbunden" twice.
    assert_eq!(
        told[0].body.matches("erbunden").count(),
        1,
        "{}",
        told[0].body
    );
}

/// An API key that Lexware no longer takes asks for a new key, never a password change.
#[test]
fn a_lost_api_key_asks_for_a_new_key() {
    let st = serde_json::from_value::<Persisted>(serde_json::json!({
        "state": ConnState::AuthLost,
        "reason": Reason::KeyRejected,
        "mode": lexguard::Mode::ApiKey,
        "company": "Muster GmbH",
    }))
    .expect("a state");
    let c = Config::default();
    let lost = Status::build(&st, &c, &c.schedule, Utc::now(), Lang::De);
    let told = transition_notices(
        &mut Memo::default(),
        &lost,
        Utc::now(),
        chrono::Duration::hours(4),
        Lang::De,
    );
    assert_eq!(told.len(), 1);
    assert!(told[0].body.contains("neuen Schlüssel"), "{}", told[0].body);
    assert!(!told[0].body.contains("Passwort"), "{}", told[0].body);
}

#[test]
fn a_restarted_keepalive_is_told_once() {
    let now = Utc::now();
    let first = Event::KeepaliveRestarted {
        panicked: true,
        restarts: 1,
    };
    let n = event_notice(&first, now, Lang::De).expect("told");
    assert!(n.summary.contains("neu gestartet"), "{}", n.summary);
    assert!(n.body.contains("stehen geblieben"), "{}", n.body);
    let again = Event::KeepaliveRestarted {
        panicked: false,
        restarts: 2,
    };
    assert_eq!(event_notice(&again, now, Lang::De), None);
}

#[test]
fn company_names_with_periods_stay_whole_in_notices() {
    let name = "Dr. Anna Beispiel e. K.";
    let with = |state, reason| {
        let st = serde_json::from_value::<Persisted>(serde_json::json!({
            "state": state,
            "reason": reason,
            "company": name,
        }))
        .expect("a state");
        let c = Config::default();
        Status::build(&st, &c, &c.schedule, Utc::now(), Lang::De)
    };
    let mut memo = Memo::default();
    let t0 = Utc::now();
    let h = chrono::Duration::hours(4);
    let mut told = Vec::new();
    for (state, reason) in [
        (ConnState::Healthy, None),
        (ConnState::AuthLost, Some(Reason::InvalidGrant)),
        (ConnState::Healthy, None),
        (ConnState::Degraded, Some(Reason::RefreshFailing)),
    ] {
        told.extend(transition_notices(
            &mut memo,
            &with(state, reason),
            t0,
            h,
            Lang::De,
        ));
    }
    // The failing refresh is told once it has lasted.
    told.extend(transition_notices(
        &mut memo,
        &with(ConnState::Degraded, Some(Reason::RefreshFailing)),
        t0 + chrono::Duration::minutes(15),
        h,
        Lang::De,
    ));
    assert_eq!(told.len(), 3, "{told:?}");
    for n in &told[..2] {
        assert!(n.body.contains(name), "{}", n.body);
    }
    for n in &told {
        assert!(!n.body.contains("..") && !n.summary.contains(".."), "{n:?}");
    }
}

#[test]
fn demo_says_so_in_every_notice() {
    let n = Notice {
        summary: "x".into(),
        body: "y".into(),
        opens_window: false,
        urgent: false,
    };
    assert_eq!(decorate(n, true).summary, "DEMO · x");
}

/// Several connections: the loss names whose it is, in the title a person reads first; the
/// demo's mark stays in front.
#[test]
fn with_several_connections_a_notice_names_the_connection() {
    let mut memo = Memo::default();
    let now = Utc::now();
    let h = chrono::Duration::hours(4);
    transition_notices(
        &mut memo,
        &status(ConnState::Healthy, None),
        now,
        h,
        Lang::De,
    );
    let lost = transition_notices(
        &mut memo,
        &status(ConnState::AuthLost, Some(Reason::InvalidGrant)),
        now,
        h,
        Lang::De,
    );
    let n = name_connection(lost[0].clone(), "Muster GmbH");
    assert_eq!(n.summary, "Muster GmbH: Verbindung zu Lexware verloren");
    assert_eq!(n.body, lost[0].body, "the body is untouched");
    let demo = name_connection(decorate(lost[0].clone(), true), "zweite");
    assert_eq!(
        demo.summary,
        "DEMO · zweite: Verbindung zu Lexware verloren"
    );
}
