//! What the engine tells its shell (tray, notifications, UI) and the history. No secrets:
//! these travel to the web UI and into files.

use crate::error::KeychainFault;
use crate::state::{ConnState, Gap, Mode, Reason};
use crate::webhooks::Outcome;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    StateChanged {
        from: ConnState,
        to: ConnState,
        reason: Option<Reason>,
    },
    GapDetected {
        gap: Gap,
        /// The access token was still valid (or could be refreshed) after the gap.
        tokens_survived: bool,
    },
    Refreshed {
        expires_at: DateTime<Utc>,
    },
    RefreshFailing {
        /// The error's kind (`network`, `server`, ...).
        error: String,
        retry_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
    },
    Validated {
        company: Option<String>,
    },
    AuthLost {
        reason: Reason,
    },
    Connected {
        company: Option<String>,
        mode: Mode,
    },
    Disconnected,
    WebhooksSynced {
        outcomes: Vec<Outcome>,
    },
    KeychainTrouble {
        fault: KeychainFault,
        /// A refreshed token set is held in memory only until a write succeeds.
        unsaved: bool,
    },
    KeychainRecovered,
    ApiKeyExpiring {
        #[ts(type = "number")]
        days: i64,
        expires_at: DateTime<Utc>,
    },
    /// The app's automatic check (its timer task) had stopped unexpectedly and was started
    /// again by its supervisor.
    KeepaliveRestarted {
        /// Whether it stopped by a panic (else it ended on its own).
        panicked: bool,
        /// How many restarts so far in this app run (1 = the first).
        restarts: u32,
    },
    /// The partner-app authorization ends soon (two years after it was granted).
    AuthorizationExpiring {
        #[ts(type = "number")]
        days: i64,
        expires_at: DateTime<Utc>,
    },
    /// The webhook check found a managed subscription missing or changed at Lexware and set it
    /// up again.
    WebhookRestored {
        event_type: String,
        callback_url: String,
    },
    /// A managed subscription cannot be set up (newly so; it stays in the status until it works).
    WebhookFailing {
        event_type: String,
        callback_url: String,
        /// In the user's words, with the fix.
        reason: String,
    },
    /// Missing at Lexware and left so (`repair = "ask"`).
    WebhookMissing {
        event_type: String,
    },
}

impl Event {
    /// The history filter's kind, as its stable name (`refresh`, `gap`, ...).
    pub fn kind(&self) -> &'static str {
        self.history_kind().as_str()
    }

    /// The history filter's kind this event is listed under.
    pub fn history_kind(&self) -> crate::history_kind::HistoryKind {
        use crate::history_kind::HistoryKind as K;
        match self {
            Event::StateChanged { .. } => K::State,
            Event::GapDetected { .. } => K::Gap,
            Event::Refreshed { .. } => K::Refresh,
            Event::RefreshFailing { .. } => K::Failure,
            Event::Validated { .. } => K::Validate,
            Event::AuthLost { .. } => K::AuthLost,
            Event::Connected { .. } => K::Connect,
            Event::Disconnected => K::Disconnect,
            Event::WebhooksSynced { .. } => K::Webhooks,
            Event::KeychainTrouble { .. } | Event::KeychainRecovered => K::Keychain,
            Event::ApiKeyExpiring { .. } => K::ApiKey,
            Event::KeepaliveRestarted { .. } => K::Keepalive,
            Event::AuthorizationExpiring { .. } => K::Authorization,
            Event::WebhookRestored { .. }
            | Event::WebhookFailing { .. }
            | Event::WebhookMissing { .. } => K::Webhooks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::text::time_fmt::Zone;
    use crate::webhooks::Action;
    use chrono::TimeZone;

    const BERLIN: Zone = Zone::Named(chrono_tz::Europe::Berlin);

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("rfc3339")
    }

    /// 14:00 MEZ.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 15, 13, 0, 0)
            .single()
            .expect("now")
    }

    fn say(e: &Event, lang: Lang) -> String {
        e.describe_in(lang, now(), BERLIN)
    }

    fn outcome(action: Action) -> Outcome {
        Outcome {
            event_type: "invoice.created".into(),
            callback_url: "https://a.example/x".into(),
            action,
            subscription_id: None,
            error: None,
            status: None,
            error_kind: None,
            detail: None,
        }
    }

    fn all() -> Vec<Event> {
        vec![
            Event::StateChanged {
                from: ConnState::Healthy,
                to: ConnState::Degraded,
                reason: Some(Reason::RefreshFailing),
            },
            Event::GapDetected {
                gap: Gap {
                    from: at("2025-01-15T08:00:00Z"),
                    to: at("2025-01-15T11:00:00Z"),
                    seconds: 10_800,
                    while_running: true,
                },
                tokens_survived: true,
            },
            Event::Refreshed {
                expires_at: at("2025-01-15T15:32:00Z"),
            },
            Event::RefreshFailing {
                error: "network".into(),
                retry_at: at("2025-01-15T13:05:00Z"),
                expires_at: Some(at("2025-01-15T15:32:00Z")),
            },
            Event::Validated {
                company: Some("Demo GmbH".into()),
            },
            Event::AuthLost {
                reason: Reason::InvalidGrant,
            },
            Event::Connected {
                company: Some("Demo GmbH".into()),
                mode: Mode::OAuth,
            },
            Event::Disconnected,
            Event::WebhooksSynced {
                outcomes: vec![
                    outcome(Action::Created),
                    outcome(Action::Kept),
                    outcome(Action::Failed),
                ],
            },
            Event::KeychainTrouble {
                fault: KeychainFault::Locked,
                unsaved: true,
            },
            Event::KeychainRecovered,
            Event::ApiKeyExpiring {
                days: 7,
                expires_at: at("2025-01-22T09:00:00Z"),
            },
            Event::KeepaliveRestarted {
                panicked: true,
                restarts: 1,
            },
            Event::AuthorizationExpiring {
                days: 30,
                expires_at: at("2025-02-14T09:00:00Z"),
            },
            Event::WebhookRestored {
                event_type: "invoice.created".into(),
                callback_url: "https://shop.example/hook".into(),
            },
            Event::WebhookFailing {
                event_type: "invoice.created".into(),
                callback_url: "https://shop.example/hook".into(),
                reason: "Lexware konnte Ihre Adresse nicht erreichen.".into(),
            },
            Event::WebhookMissing {
                event_type: "invoice.created".into(),
            },
        ]
    }

    #[test]
    fn history_reads_as_sentences_in_german() {
        let e = all();
        let de = |i: usize| say(&e[i], Lang::De);
        assert_eq!(
            de(0),
            "Der Zustand wechselte von „Verbunden“ zu „Eingeschränkt“: Erneuern klappt gerade nicht."
        );
        assert_eq!(
            de(1),
            "3 h 0 min lang keine Prüfung (der Computer schlief oder hing). Die Zugangsdaten haben die Lücke überstanden."
        );
        assert_eq!(
            de(2),
            "Anmeldung erneuert; die Verbindung gilt bis 16:32 MEZ."
        );
        assert_eq!(
            de(3),
            "Erneuern fehlgeschlagen (keine Netzwerkverbindung zu Lexware); nächster Versuch 14:05 MEZ. Die Verbindung gilt noch bis 16:32 MEZ."
        );
        assert_eq!(de(4), "Verbindung zu Demo GmbH geprüft – alles in Ordnung.");
        assert_eq!(
            de(5),
            "Verbindung verloren: Lexware hat die Anmeldung beendet. Bitte verbinden Sie sich neu."
        );
        assert_eq!(de(6), "Verbunden mit Demo GmbH (Lexware-Anmeldung).");
        assert_eq!(
            de(8),
            "Webhooks eingerichtet: 1 angelegt, 1 vorhanden, 1 fehlgeschlagen."
        );
        assert!(de(9).starts_with(
            "Der Schlüsselbund ist gesperrt. Neue Zugangsdaten liegen nur im Speicher"
        ));
        assert_eq!(
            de(11),
            "Der API-Schlüssel läuft in 7 Tagen ab (22.01.2025 10:00 MEZ)."
        );
        assert_eq!(
            de(12),
            "Die automatische Prüfung war ausgefallen und wurde neu gestartet."
        );
        let again = Event::KeepaliveRestarted {
            panicked: false,
            restarts: 3,
        };
        assert_eq!(
            say(&again, Lang::De),
            "Die automatische Prüfung war ausgefallen und wurde neu gestartet (zum 3. Mal)."
        );
        let odd = Event::RefreshFailing {
            error: "weird_kind".into(),
            retry_at: at("2025-01-15T13:05:00Z"),
            expires_at: None,
        };
        assert_eq!(
            say(&odd, Lang::De),
            "Erneuern fehlgeschlagen (weird_kind); nächster Versuch 14:05 MEZ."
        );
    }

    #[test]
    fn history_reads_as_sentences_in_english() {
        let e = all();
        let en = |i: usize| say(&e[i], Lang::En);
        assert_eq!(
            en(0),
            "The state changed from “Connected” to “Degraded”: refreshing fails right now."
        );
        assert_eq!(
            en(1),
            "No check for 3 h 0 min (the computer slept or stalled). The credentials survived the gap."
        );
        assert_eq!(
            en(2),
            "Login renewed; the connection is valid until 16:32 CET."
        );
        assert_eq!(
            en(8),
            "Webhooks set up: 1 created, 1 already there, 1 failed."
        );
        assert_eq!(
            en(11),
            "The API key expires in 7 days (2025-01-22 10:00 CET)."
        );
    }

    #[test]
    fn every_event_is_one_complete_sentence_and_has_a_kind() {
        for e in all() {
            for lang in [Lang::De, Lang::En] {
                let text = say(&e, lang);
                assert!(text.ends_with('.'), "{text}");
                assert!(!text.ends_with(".."), "{text}");
                assert!(!text.contains(['{', '}']), "{text}");
            }
        }
        let kinds: std::collections::BTreeSet<_> = all().iter().map(Event::kind).collect();
        assert_eq!(kinds.len(), 13);
        // The history filter (CLI and the window's generated list) offers exactly these kinds.
        let offered: std::collections::BTreeSet<_> = crate::history_kind::HistoryKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(kinds, offered);
        let restarted = Event::KeepaliveRestarted {
            panicked: true,
            restarts: 1,
        };
        assert_eq!(restarted.kind(), "keepalive");
        assert_eq!(
            serde_json::to_value(&restarted).expect("json")["type"],
            "keepalive_restarted"
        );
        assert_eq!(
            serde_json::to_value(&all()[6]).expect("json")["mode"],
            "oauth"
        );
    }
}
