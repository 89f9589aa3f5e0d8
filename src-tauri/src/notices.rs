//! The pure notification rules: which changes of state and which events deserve a notice, and
//! its words. Calm by design: one notification per change of state, not per tick; while the
//! connection stays lost, a reminder every `remind_every`. No Tauri here, so all of it is
//! tested without a desktop.

use crate::notify::Notice;
use chrono::{DateTime, Utc};
use lexguard::time_fmt::{duration, local_and_relative};
use lexguard::{ConnState, Event, Lang, Reason, Status};

/// What the rules remember between statuses.
#[derive(Debug, Default, Clone)]
pub struct Memo {
    pub last: Option<(ConnState, Option<Reason>)>,
    pub auth_notice_at: Option<DateTime<Utc>>,
}

pub fn decorate(mut n: Notice, demo: bool) -> Notice {
    if demo {
        n.summary = format!("DEMO · {}", n.summary);
    }
    n
}

/// Whether a degraded reason deserves a notification (a passing network blip does not: the
/// tray icon shows it).
fn worth_telling(reason: Option<Reason>) -> bool {
    matches!(
        reason,
        Some(
            Reason::RefreshFailing
                | Reason::KeychainUnsaved
                | Reason::KeychainUnavailable
                | Reason::ClientCredentials
        )
    )
}

/// The notifications for going from the remembered state to `status`.
pub fn transition_notices(
    memo: &mut Memo,
    status: &Status,
    now: DateTime<Utc>,
    remind_every: chrono::Duration,
    lang: Lang,
) -> Vec<Notice> {
    let current = (status.state, status.reason);
    let previous = memo.last.replace(current);
    let mut out = Vec::new();
    let company = status
        .company
        .clone()
        .unwrap_or_else(|| "Lexware Office".into());
    match status.state {
        ConnState::AuthLost => {
            let first = previous.map(|p| p.0) != Some(ConnState::AuthLost);
            let remind = memo.auth_notice_at.is_some_and(|t| now - t >= remind_every);
            if first || remind {
                memo.auth_notice_at = Some(now);
                out.push(Notice {
                    summary: if first {
                        lang.pick("Verbindung zu Lexware verloren", "Connection to Lexware lost").into()
                    } else {
                        lang.pick(
                            "Erinnerung: Verbindung zu Lexware verloren",
                            "Reminder: connection to Lexware lost",
                        )
                        .into()
                    },
                    // An API key has no password and no login: its own words (the core's).
                    body: if status.reason == Some(Reason::KeyRejected) {
                        lexguard::trouble_words::key_rejected(Some(&company), lang)
                    } else {
                        lang.pick(
                        format!("Lexware hat die Verbindung zu {company} beendet (z. B. nach einer Passwortänderung). Ihre Rechnungen werden nicht mehr abgeglichen. Klicken Sie hier, um sich neu anzumelden – danach richtet lexguard die Webhooks wieder ein."),
                        format!("Lexware ended the connection to {company} (e.g. after a password change). Your invoices no longer sync. Click here to log in again – lexguard then sets the webhooks up again."),
                    )
                    },
                    opens_window: true,
                    urgent: true,
                });
            }
        }
        ConnState::Healthy => {
            memo.auth_notice_at = None;
            let was_in_trouble = match previous {
                Some((ConnState::AuthLost, _)) | Some((ConnState::NotConnected, _)) => true,
                Some((ConnState::Degraded, r)) => worth_telling(r),
                _ => false,
            };
            if was_in_trouble {
                let first_time = matches!(previous, Some((ConnState::NotConnected, _)));
                out.push(Notice {
                    summary: if first_time {
                        lang.pick("Mit Lexware verbunden", "Connected to Lexware")
                            .into()
                    } else {
                        lang.pick("Verbindung wiederhergestellt", "Connection restored")
                            .into()
                    },
                    body: lang.pick(
                        format!(
                            "lexguard ist wieder mit {company} verbunden. {}",
                            status.message
                        ),
                        format!(
                            "lexguard is connected to {company} again. {}",
                            status.message
                        ),
                    ),
                    opens_window: false,
                    urgent: false,
                });
            }
        }
        ConnState::Degraded => {
            memo.auth_notice_at = None;
            let changed = previous != Some(current);
            if changed && worth_telling(status.reason) {
                let summary = match status.reason {
                    Some(Reason::RefreshFailing) => {
                        lang.pick("Erneuern klappt gerade nicht", "Refreshing fails right now")
                    }
                    Some(Reason::ClientCredentials) => {
                        lang.pick("Zugangsdaten der App abgelehnt", "App credentials rejected")
                    }
                    _ => lang.pick("Schlüsselbund nicht verfügbar", "Keychain unavailable"),
                };
                out.push(Notice {
                    summary: summary.into(),
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
            urgent: false,
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
        Event::AuthorizationExpiring { .. } => Some(Notice {
            summary: lang
                .pick("Freigabe bei Lexware läuft bald ab", "Authorization at Lexware ends soon")
                .into(),
            body: event.describe(lang, now),
            opens_window: true,
            urgent: false,
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
        // Only a lost connection is critical (it may pass "do not disturb"); an end a week
        // away is told at normal urgency.
        assert!(!event_notice(&ends, now, Lang::De).expect("a notice").urgent);
    }

    #[test]
    fn a_refused_api_key_is_told_as_such_never_as_a_password() {
        let lost = status(ConnState::AuthLost, Some(Reason::KeyRejected));
        let n = transition_notices(
            &mut Memo::default(),
            &lost,
            Utc::now(),
            chrono::Duration::hours(4),
            Lang::De,
        );
        assert_eq!(n.len(), 1, "told at once");
        assert!(
            n[0].body.starts_with(
                "Lexware nimmt den API-Schlüssel nicht mehr an – tragen Sie den neuen ein"
            ),
            "{}",
            n[0].body
        );
        assert!(
            !n[0].body.contains("Passwort") && !n[0].body.contains("anzumelden"),
            "{}",
            n[0].body
        );
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
        let failing = transition_notices(
            &mut memo,
            &status(ConnState::Degraded, Some(Reason::RefreshFailing)),
            t0,
            h,
            Lang::En,
        );
        assert_eq!(failing.len(), 1);
        assert!(
            transition_notices(
                &mut memo,
                &status(ConnState::Degraded, Some(Reason::RefreshFailing)),
                t0,
                h,
                Lang::En
            )
            .is_empty()
        );
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
