//! The pure notification rules: which changes of state and which events deserve a notice, and
//! its words. Calm by design: one notification per change of state, not per tick; while the
//! connection stays lost, a reminder every `remind_every`. No Tauri here, so all of it is
//! tested without a desktop.

use crate::notify::Notice;
use chrono::{DateTime, Utc};
use lexguard::text::time_fmt::{duration, local_and_relative};
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

/// With several connections a notice names its own: "Muster GmbH: Verbindung zu Lexware
/// verloren" (`who` is the company, else the connection's name). After the demo's mark, so
/// "DEMO · " stays first.
pub fn name_connection(mut n: Notice, who: &str) -> Notice {
    n.summary = match n.summary.strip_prefix("DEMO · ") {
        Some(rest) => format!("DEMO · {who}: {rest}"),
        None => format!("{who}: {}", n.summary),
    };
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
        .map(|r| lexguard::text::headline::reason_label(r, lang))
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
                format!("Ihr Lexware-API-Schlüssel läuft in {days} Tagen ab ({}). Bitte erstellen Sie unter {} einen neuen und hinterlegen Sie ihn in lexguard.", local_and_relative(*expires_at, now, lang), lexguard::text::key_words::api_key_page()),
                format!("Your Lexware API key expires in {days} days ({}). Please create a new one at {} and store it in lexguard.", local_and_relative(*expires_at, now, lang), lexguard::text::key_words::api_key_page()),
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
