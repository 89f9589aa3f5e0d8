use super::*;
use chrono::Duration;

#[test]
fn times_from_a_wrong_clock_are_dropped() {
    let now = Utc::now();
    let mut st = Persisted {
        next_attempt_at: Some(now + Duration::days(3)),
        last_validated_at: Some(now + Duration::days(1)),
        last_tick_at: Some(now + Duration::days(1)),
        ..Persisted::default()
    };
    st.sanitize(now, Duration::minutes(15));
    assert_eq!(st.next_attempt_at, None);
    assert_eq!(st.last_validated_at, None);
    assert_eq!(st.last_tick_at, None);
    let mut fine = Persisted {
        next_attempt_at: Some(now + Duration::minutes(10)),
        last_validated_at: Some(now - Duration::minutes(1)),
        ..Persisted::default()
    };
    let before = fine.clone();
    fine.sanitize(now, Duration::minutes(15));
    assert_eq!(fine, before);
}

#[test]
fn transitions_say_what_changed() {
    let now = Utc::now();
    let mut st = Persisted {
        mode: Some(Mode::ApiKey),
        last_tick_at: Some(now),
        ..Persisted::default()
    };
    st.failed(Reason::ValidationFailing, now + Duration::seconds(30), None);
    assert_eq!(
        (st.failures, st.problem),
        (1, Some(Reason::ValidationFailing))
    );
    let profile = crate::api::Profile {
        company_name: Some("Weiß & Söhne GmbH & Co. KG".into()),
        ..Default::default()
    };
    st.confirmed(now, Some(&profile));
    assert_eq!(
        (st.failures, st.problem, st.next_attempt_at),
        (0, None, None)
    );
    assert_eq!(st.last_validated_at, Some(now));
    assert_eq!(st.company.as_deref(), Some("Weiß & Söhne GmbH & Co. KG"));
    assert!(st.lost(now, Reason::KeyRejected), "news the first time");
    assert!(!st.lost(now, Reason::InvalidGrant), "once");
    assert_eq!(st.auth_lost_reason, Some(Reason::KeyRejected));
    st.connected(Mode::OAuth);
    // Ticks before the connection guarded nothing of it: no gap is measured from them.
    assert_eq!(
        (st.mode, st.auth_lost_at, st.last_tick_at),
        (Some(Mode::OAuth), None, None)
    );
}

#[test]
fn the_fingerprint_is_short_stable_and_not_the_token() {
    let f = InFlight::fingerprint_of("R-SECRET-TOKEN");
    assert_eq!(f.len(), 12);
    assert_eq!(f, InFlight::fingerprint_of("R-SECRET-TOKEN"));
    assert_ne!(f, InFlight::fingerprint_of("R-SECRET-TOKEN2"));
    assert!(!f.contains("SECRET"));
}

/// A state.json written by the version before the fields went private (every field set) loads
/// unchanged and is written back byte for byte: the file format is the same.
#[test]
fn a_state_file_of_the_previous_version_loads_and_saves_unchanged() {
    let old = include_str!("v1_state.json");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("state.json");
    std::fs::write(&path, old).expect("write");
    let st = Persisted::load(&path).expect("load");
    assert_eq!(st.state(), ConnState::Degraded);
    assert_eq!(st.company(), Some("Weiß & Söhne GmbH"));
    assert_eq!(st.auth_lost_reason(), Some(Reason::InterruptedRefresh));
    assert_eq!(st.webhook_health().missing, ["contact.deleted"]);
    assert!(st.key_limited() && st.api_key_end_assumed());
    assert!(!path.with_extension("json.bad").exists(), "not set aside");
    st.save(&path).expect("save");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), old);
}

#[test]
fn each_warning_level_is_told_once() {
    let mut st = Persisted::default();
    assert!(st.api_key_warned(30), "the first warning");
    assert!(!st.api_key_warned(30), "once");
    assert!(st.api_key_warned(7), "a smaller level is news");
    assert!(!st.api_key_warned(30), "a larger one is not");
    st.api_key_end_entered(Utc::now() + Duration::days(400));
    assert!(st.api_key_warned(30), "a new end starts the warnings anew");
    assert!(
        st.authorization_warned(30),
        "the authorization counts apart"
    );
}

#[test]
fn an_unanswered_refresh_is_recognised_when_its_token_is_sent_again() {
    let now = Utc::now();
    let mut st = Persisted::default();
    assert!(!st.refresh_started(now, "aaaaaaaaaaaa".into()));
    assert!(st.refresh_started(now, "aaaaaaaaaaaa".into()), "sent twice");
    assert!(
        !st.refresh_started(now, "bbbbbbbbbbbb".into()),
        "another token"
    );
    st.refresh_settled();
    assert_eq!(st.refresh_in_flight(), None);
}

#[test]
fn a_failing_webhook_is_news_once() {
    use crate::webhooks::{Action, Outcome};
    let now = Utc::now();
    let failed = Outcome {
        event_type: "invoice.created".into(),
        callback_url: "https://example.com/hook".into(),
        action: Action::Failed,
        subscription_id: None,
        error: Some("410".into()),
        status: Some(410),
        error_kind: None,
        detail: None,
    };
    let mut st = Persisted::default();
    let news = st.webhooks_synced(now, std::slice::from_ref(&failed));
    assert_eq!(news.len(), 1);
    assert_eq!(news[0].reason, "410");
    assert!(st.webhook_health().in_trouble());
    assert!(st.webhooks_synced(now, &[failed]).is_empty(), "known");
    st.webhooks_present(now);
    assert!(!st.webhook_health().in_trouble());
    assert_eq!(st.last_webhook_sync().map(|s| s.at), Some(now));
}
