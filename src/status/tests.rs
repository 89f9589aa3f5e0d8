//! Unit tests of `status.rs` (kept apart so the module stays under 400 lines).

use super::*;

/// Real-looking German company names: periods, ampersands, Umlaute, quotes.
pub const NAMES: [&str; 5] = [
    "Dr. Anna Beispiel e. K.",
    "Müller & Söhne GmbH & Co. KG",
    "Praxis Dr. med. Jörg Weiß",
    "Bäckerei „Zum Goldenen Brezel“ UG (haftungsbeschränkt)",
    "S. Öztürk Import/Export e. Kfr.",
];

fn status_for(company: &str, state: ConnState, reason: Option<Reason>) -> Status {
    let now = Utc::now();
    let st = Persisted {
        state,
        reason,
        mode: Some(Mode::OAuth),
        company: Some(company.into()),
        access_expires_at: Some(now + chrono::Duration::hours(2)),
        last_tick_at: Some(now),
        ..Persisted::default()
    };
    let config = Config::default();
    Status::build(&st, &config, &config.schedule, now, Lang::De)
}

#[test]
fn company_names_stay_whole_in_headline_and_message() {
    for name in NAMES {
        for (state, reason) in [
            (ConnState::Healthy, None),
            (ConnState::Degraded, Some(Reason::RefreshFailing)),
            (ConnState::AuthLost, Some(Reason::InvalidGrant)),
        ] {
            let s = status_for(name, state, reason);
            assert!(s.headline.contains(name), "{}", s.headline);
            assert!(!s.headline.contains(".."), "{}", s.headline);
            if state != ConnState::Degraded {
                assert!(s.message.contains(name), "{}", s.message);
            }
            assert!(!s.message.contains(".."), "{}", s.message);
        }
    }
}

#[test]
fn the_headline_says_the_state_in_few_words() {
    let s = status_for("Demo GmbH", ConnState::Healthy, None);
    assert!(
        s.headline
            .starts_with("Verbunden mit Demo GmbH · Verbindung gültig bis")
    );
    let s = status_for("Demo GmbH", ConnState::AuthLost, Some(Reason::InvalidGrant));
    assert_eq!(s.headline, "Verbindung zu Demo GmbH verloren");
    let s = status_for(
        "Demo GmbH",
        ConnState::Degraded,
        Some(Reason::KeychainUnavailable),
    );
    assert_eq!(
        s.headline,
        "Demo GmbH · Schlüsselbund nicht erreichbar oder gesperrt"
    );
}

#[test]
fn a_sentence_ends_once() {
    assert_eq!(
        crate::text::i18n::sentence("Verbunden mit Dr. Anna Beispiel e. K."),
        "Verbunden mit Dr. Anna Beispiel e. K."
    );
    assert_eq!(
        crate::text::i18n::sentence("Verbunden mit Demo GmbH"),
        "Verbunden mit Demo GmbH."
    );
}
