//! The pure notification rules: which changes of state and which events deserve a notice, and
//! its words. Calm by design: one notification per change of state, not per tick; while the
//! connection stays lost, a reminder every `remind_every`. No Tauri here, so all of it is
//! tested without a desktop.

use crate::notify::Notice;
use chrono::{DateTime, Utc};
use lexguard::time_fmt::{duration, local_and_relative};
use lexguard::{ConnState, Event, Lang, NextAction, Reason, Status};

/// What the rules remember between statuses.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    pub last: Option<(ConnState, Option<Reason>)>,
    pub auth_notice_at: Option<DateTime<Utc>>,
    /// When the current state began (a retrying reason is told once it has lasted).
    pub since: Option<DateTime<Utc>>,
    /// The current state was told: its end ("wiederhergestellt") is news too.
    pub told: bool,
}

pub fn decorate(mut n: Notice, demo: bool) -> Notice {
    if demo {
        n.summary = format!("DEMO · {}", n.summary);
    }
    n
}

/// The notifications for going from the remembered state to `status`. Which states deserve
/// one is the core's rule ([`lexguard::Severity::worth_telling`]): lost or in trouble at once,
/// a retrying reason once it has lasted, facts never (their events speak).
pub fn transition_notices(
    memo: &mut Memo,
    status: &Status,
    now: DateTime<Utc>,
    remind_every: chrono::Duration,
    lang: Lang,
) -> Vec<Notice> {
    let current = (status.state, status.reason);
    let previous = memo.last.replace(current);
    // Whether the state that just ended had been told (then its end is news as well).
    let ended_told = if previous != Some(current) {
        memo.since = Some(now);
        std::mem::take(&mut memo.told)
    } else {
        false
    };
    let mut out = Vec::new();
    let company = status
        .company
        .clone()
        .unwrap_or_else(|| "Lexware Office".into());
    match status.state {
        ConnState::AuthLost => {
            memo.told = true;
            let first = previous.map(|p| p.0) != Some(ConnState::AuthLost);
            let remind = memo.auth_notice_at.is_some_and(|t| now - t >= remind_every);
            if first || remind {
                memo.auth_notice_at = Some(now);
                out.push(lost_notice(status, &company, first, lang));
            }
        }
        ConnState::Healthy => {
            memo.auth_notice_at = None;
            // After nothing was connected it is a first connection: "verbunden", never
            // "wieder verbunden".
            let first_time = matches!(previous, Some((ConnState::NotConnected, _)));
            if first_time || ended_told {
                out.push(Notice {
                    summary: if first_time {
                        lang.pick("Mit Lexware verbunden", "Connected to Lexware")
                    } else {
                        lang.pick("Verbindung wiederhergestellt", "Connection restored")
                    }
                    .into(),
                    // The core's sentence says "Verbunden mit …" and until when: once.
                    body: status.message.clone(),
                    opens_window: false,
                    urgent: false,
                });
            }
        }
        ConnState::Degraded => {
            memo.auth_notice_at = None;
            let since = memo.since.unwrap_or(now);
            if !memo.told && status.severity.worth_telling(since, now) {
                memo.told = true;
                out.push(Notice {
                    summary: title(status.reason, lang),
                    body: status.message.clone(),
                    opens_window: true,
                    urgent: false,
                });
            }
        }
        ConnState::NotConnected => {
            memo.auth_notice_at = None;
        }
    }
    out
}

/// A notice's title for a degraded reason: the core's short label, as a title.
fn title(reason: Option<Reason>, lang: Lang) -> String {
    let label = reason
        .map(|r| lexguard::headline::reason_label(r, lang))
        .unwrap_or_else(|| lang.pick("Eingeschränkt", "Degraded"));
    let mut chars = label.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The loss, in words that fit what was lost: a login asks for a new login, an API key for
/// a new key (never a "password change" for a key).
fn lost_notice(status: &Status, company: &str, first: bool, lang: Lang) -> Notice {
    let summary = if first {
        lang.pick(
            "Verbindung zu Lexware verloren",
            "Connection to Lexware lost",
        )
    } else {
        lang.pick(
            "Erinnerung: Verbindung zu Lexware verloren",
            "Reminder: connection to Lexware lost",
        )
    };
    let body = match (status.next_action, status.reason) {
        (NextAction::EnterNewApiKey, _) => lang.pick(
            format!("Lexware nimmt den API-Schlüssel für {company} nicht mehr an. Ihre Rechnungen werden nicht mehr abgeglichen. Klicken Sie hier, um den neuen Schlüssel einzutragen – danach richtet lexguard die Webhooks wieder ein."),
            format!("Lexware no longer accepts the API key for {company}. Your invoices no longer sync. Click here to enter the new key – lexguard then sets the webhooks up again."),
        ),
        (_, Some(Reason::InterruptedRefresh)) => lang.pick(
            format!("Die Verbindung zu {company} ist verloren: Eine Erneuerung wurde unterbrochen; Sie haben nichts falsch gemacht. Klicken Sie hier, um sich neu anzumelden – danach richtet lexguard die Webhooks wieder ein."),
            format!("The connection to {company} is lost: a refresh was interrupted; you did nothing wrong. Click here to log in again – lexguard then sets the webhooks up again."),
        ),
        _ => lang.pick(
            format!("Lexware hat die Verbindung zu {company} beendet (z. B. nach einer Passwortänderung). Ihre Rechnungen werden nicht mehr abgeglichen. Klicken Sie hier, um sich neu anzumelden – danach richtet lexguard die Webhooks wieder ein."),
            format!("Lexware ended the connection to {company} (e.g. after a password change). Your invoices no longer sync. Click here to log in again – lexguard then sets the webhooks up again."),
        ),
    };
    Notice {
        summary: summary.into(),
        body,
        opens_window: true,
        urgent: true,
    }
}

/// Notifications that follow one event.
pub fn event_notice(event: &Event, now: DateTime<Utc>, lang: Lang) -> Option<Notice> {
    match event {
        Event::GapDetected { gap, tokens_survived } => {
            let length = duration(gap.to - gap.from);
            let why = if gap.while_running {
                lang.pick("der Rechner schlief oder hing", "the computer slept or stalled")
            } else {
                lang.pick("lexguard lief nicht", "lexguard was not running")
            };
            let body = if *tokens_survived {
                lang.pick(
                    format!("{length} lang gab es keine Prüfung ({why}). Die Zugangsdaten haben die Lücke überstanden; lexguard hat sie sofort geprüft."),
                    format!("There was no check for {length} ({why}). The credentials survived the gap; lexguard checked them at once."),
                )
            } else {
                lang.pick(
                    format!("{length} lang gab es keine Prüfung ({why}). Die Verbindung hat die Lücke nicht überstanden – bitte verbinden Sie sich neu."),
                    format!("There was no check for {length} ({why}). The connection did not survive the gap – please reconnect."),
                )
            };
            Some(Notice {
                summary: lang.pick("Lücke bei der Überwachung erkannt", "Monitoring gap detected").into(),
                body,
                opens_window: !tokens_survived,
                urgent: false,
            })
        }
        Event::ApiKeyExpiring { days, expires_at } => Some(Notice {
            summary: lang.pick("API-Schlüssel läuft bald ab", "API key expires soon").into(),
            body: lang.pick(
                format!("Ihr Lexware-API-Schlüssel läuft in {days} Tagen ab ({}). Bitte erstellen Sie unter app.lexware.de/addons/public-api einen neuen und hinterlegen Sie ihn in lexguard.", local_and_relative(*expires_at, now, lang)),
                format!("Your Lexware API key expires in {days} days ({}). Please create a new one at app.lexware.de/addons/public-api and store it in lexguard.", local_and_relative(*expires_at, now, lang)),
            ),
            opens_window: true,
            urgent: *days <= 7,
        }),
        // Once per app run: a keepalive that keeps falling over is in the history, not a nag.
        Event::KeepaliveRestarted { restarts: 1, .. } => Some(Notice {
            summary: lang.pick("Automatische Prüfung neu gestartet", "Automatic check restarted").into(),
            body: lang.pick(
                "Die automatische Prüfung Ihrer Lexware-Verbindung war unerwartet stehen geblieben. lexguard hat sie neu gestartet und prüft wieder wie gewohnt; Sie müssen nichts tun.",
                "The automatic check of your Lexware connection had stopped unexpectedly. lexguard restarted it and checks as usual again; there is nothing you need to do.",
            )
            .into(),
            opens_window: false,
            urgent: false,
        }),
        Event::AuthorizationExpiring { days, .. } => Some(Notice {
            summary: lang
                .pick("Freigabe bei Lexware läuft bald ab", "Authorization at Lexware ends soon")
                .into(),
            body: event.describe(lang, now),
            opens_window: true,
            urgent: *days <= 7,
        }),
        // The core says each of these once (a restored webhook, a newly failing or missing
        // one); its sentence already names the webhook in plain words and what to do.
        Event::WebhookRestored { .. } => Some(Notice {
            summary: lang.pick("Webhook neu eingerichtet", "Webhook set up again").into(),
            body: event.describe(lang, now),
            opens_window: false,
            urgent: false,
        }),
        Event::WebhookFailing { .. } | Event::WebhookMissing { .. } => Some(Notice {
            summary: lang.pick("Ein Webhook funktioniert nicht", "A webhook does not work").into(),
            body: event.describe(lang, now),
            opens_window: true,
            urgent: false,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lexguard::config::Config;
    use lexguard::state::Persisted;

    fn status(state: ConnState, reason: Option<Reason>) -> Status {
        let st = Persisted {
            state,
            reason,
            company: Some("Muster GmbH".into()),
            ..Persisted::default()
        };
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
        assert!(event_notice(&ends, now, Lang::De).expect("a notice").urgent);
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
        let st = Persisted {
            state: ConnState::AuthLost,
            reason: Some(Reason::KeyRejected),
            mode: Some(lexguard::Mode::ApiKey),
            company: Some("Muster GmbH".into()),
            ..Persisted::default()
        };
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
            let st = Persisted {
                state,
                reason,
                company: Some(name.into()),
                ..Persisted::default()
            };
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
}
