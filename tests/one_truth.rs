//! The core publishes its status after every operation, whichever door it came through, and
//! the status carries facts plus a headline built from them (no surface parses prose).

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::{ConnState, Lang, TickCause};

#[tokio::test]
async fn every_operation_publishes_the_status_it_computed() {
    let h = Harness::new().await;
    let mut watch = h.engine.status_watch();
    assert_eq!(watch.borrow_and_update().state, ConnState::NotConnected);

    // Connect (the window's door): published without any tick.
    h.connect().await;
    assert!(watch.has_changed().expect("open"));
    let s = watch.borrow_and_update().clone();
    assert_eq!(s.state, ConnState::Healthy);
    assert!(
        s.headline.starts_with("Verbunden mit Demo GmbH"),
        "{}",
        s.headline
    );

    // A failing refresh (the tray's door) publishes the failure.
    h.ctl.fail_next_on("/oauth2/token", 1, 503);
    assert!(h.engine.refresh_now().await.is_err());
    assert!(watch.has_changed().expect("open"));
    assert_eq!(watch.borrow_and_update().state, ConnState::Degraded);

    // A tick (the timer's door).
    h.advance(Duration::minutes(1));
    h.engine.tick(TickCause::Scheduled).await.expect("tick");
    assert!(watch.has_changed().expect("open"));
    let german = watch.borrow_and_update().headline.clone();
    assert!(
        german.starts_with("Demo GmbH · Erneuern klappt gerade nicht"),
        "{german}"
    );

    // A language switch re-words the same facts at once.
    h.engine.set_lang(Lang::En);
    assert!(watch.has_changed().expect("open"));
    let english = watch.borrow_and_update().headline.clone();
    assert_eq!(english, "Demo GmbH · refreshing fails right now");

    // Disconnect.
    h.engine.disconnect(false).await.expect("disconnect");
    assert!(watch.has_changed().expect("open"));
    assert_eq!(watch.borrow_and_update().state, ConnState::NotConnected);
}

#[tokio::test]
async fn a_second_engine_starts_with_the_persisted_status() {
    let h = Harness::new().await;
    h.connect().await;
    let fresh = h.second_engine();
    assert_eq!(fresh.status_watch().borrow().state, ConnState::Healthy);
}

#[tokio::test]
async fn company_names_with_periods_stay_whole() {
    for name in [
        "Dr. Anna Beispiel e. K.",
        "Müller & Söhne GmbH & Co. KG",
        "Praxis Dr. med. Jörg Weiß",
    ] {
        let h = Harness::with_company(name).await;
        let report = h.connect().await;
        assert_eq!(report.company.as_deref(), Some(name));
        let s = h.engine.status_watch().borrow().clone();
        assert_eq!(
            s.headline,
            format!(
                "Verbunden mit {name} · {}",
                s.headline
                    .split_once(" · ")
                    .map(|x| x.1)
                    .unwrap_or_default()
            )
        );
        assert!(s.headline.contains(name), "{}", s.headline);
        assert!(s.message.contains(name), "{}", s.message);
    }
}
