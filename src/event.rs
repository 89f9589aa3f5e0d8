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
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::StateChanged { .. } => "state",
            Event::GapDetected { .. } => "gap",
            Event::Refreshed { .. } => "refresh",
            Event::RefreshFailing { .. } => "failure",
            Event::Validated { .. } => "validate",
            Event::AuthLost { .. } => "auth_lost",
            Event::Connected { .. } => "connect",
            Event::Disconnected => "disconnect",
            Event::WebhooksSynced { .. } => "webhooks",
            Event::KeychainTrouble { .. } | Event::KeychainRecovered => "keychain",
            Event::ApiKeyExpiring { .. } => "api_key",
            Event::KeepaliveRestarted { .. } => "keepalive",
        }
    }
}

impl Event {
    /// One sentence for a person (the CLI's `history`; the window has its own in ui/).
    pub fn describe(&self, lang: crate::Lang, now: DateTime<Utc>) -> String {
        use crate::status::state_label;
        use crate::time_fmt::{duration, local_and_relative};
        match self {
            Event::StateChanged { from, to, .. } => lang.pick(
                format!(
                    "Zustand: {} → {}",
                    state_label(*from, lang),
                    state_label(*to, lang)
                ),
                format!(
                    "State: {} → {}",
                    state_label(*from, lang),
                    state_label(*to, lang)
                ),
            ),
            Event::GapDetected {
                gap,
                tokens_survived,
            } => {
                let length = duration(gap.to - gap.from);
                match (tokens_survived, gap.while_running) {
                    (true, true) => lang.pick(
                        format!(
                            "Lücke von {length} (Ruhezustand oder Hänger); Zugangsdaten intakt"
                        ),
                        format!("Gap of {length} (sleep or stall); credentials intact"),
                    ),
                    (true, false) => lang.pick(
                        format!("Lücke von {length} (lexguard lief nicht); Zugangsdaten intakt"),
                        format!("Gap of {length} (lexguard was not running); credentials intact"),
                    ),
                    (false, _) => lang.pick(
                        format!("Lücke von {length}; die Verbindung hat sie nicht überstanden"),
                        format!("Gap of {length}; the connection did not survive it"),
                    ),
                }
            }
            Event::Refreshed { expires_at } => lang.pick(
                format!(
                    "Token erneuert, gültig bis {}",
                    local_and_relative(*expires_at, now, lang)
                ),
                format!(
                    "Token refreshed, valid until {}",
                    local_and_relative(*expires_at, now, lang)
                ),
            ),
            Event::RefreshFailing {
                error, retry_at, ..
            } => lang.pick(
                format!(
                    "Erneuern fehlgeschlagen ({error}); neuer Versuch {}",
                    local_and_relative(*retry_at, now, lang)
                ),
                format!(
                    "Refresh failed ({error}); next try {}",
                    local_and_relative(*retry_at, now, lang)
                ),
            ),
            Event::Validated { company } => {
                let c = company.as_deref().unwrap_or("Lexware Office");
                lang.pick(
                    format!("Verbindung zu {c} geprüft"),
                    format!("Connection to {c} checked"),
                )
            }
            Event::AuthLost { .. } => lang.pick(
                "Verbindung verloren: Lexware hat die Anmeldung beendet".to_string(),
                "Connection lost: Lexware ended the authorization".to_string(),
            ),
            Event::Connected { company, mode } => {
                let c = company.as_deref().unwrap_or("Lexware Office");
                let how = match mode {
                    Mode::OAuth => "OAuth",
                    Mode::ApiKey => lang.pick("API-Schlüssel", "API key"),
                };
                lang.pick(
                    format!("Verbunden mit {c} ({how})"),
                    format!("Connected to {c} ({how})"),
                )
            }
            Event::Disconnected => lang.pick("Verbindung getrennt".into(), "Disconnected".into()),
            Event::WebhooksSynced { outcomes } => {
                use crate::webhooks::Action;
                let count = |a: Action| outcomes.iter().filter(|o| o.action == a).count();
                lang.pick(
                    format!(
                        "Webhooks eingerichtet: {} angelegt, {} vorhanden, {} repariert, {} fehlgeschlagen",
                        count(Action::Created),
                        count(Action::Kept),
                        count(Action::Repaired),
                        count(Action::Failed)
                    ),
                    format!(
                        "Webhooks set up: {} created, {} kept, {} repaired, {} failed",
                        count(Action::Created),
                        count(Action::Kept),
                        count(Action::Repaired),
                        count(Action::Failed)
                    ),
                )
            }
            Event::KeychainTrouble { unsaved, .. } => {
                if *unsaved {
                    lang.pick(
                        "Schlüsselbund nahm neue Zugangsdaten nicht an; sie werden im Speicher gehalten".into(),
                        "Keychain refused new credentials; they are held in memory".into(),
                    )
                } else {
                    lang.pick(
                        "Schlüsselbund nicht verfügbar".into(),
                        "Keychain unavailable".into(),
                    )
                }
            }
            Event::KeychainRecovered => lang.pick(
                "Schlüsselbund wieder verfügbar; Zugangsdaten gespeichert".into(),
                "Keychain available again; credentials saved".into(),
            ),
            Event::ApiKeyExpiring { days, .. } => lang.pick(
                format!("API-Schlüssel läuft in {days} Tagen ab"),
                format!("API key expires in {days} days"),
            ),
            Event::KeepaliveRestarted { restarts, .. } => {
                if *restarts > 1 {
                    lang.pick(
                        format!("Die automatische Prüfung war ausgefallen und wurde neu gestartet (zum {restarts}. Mal)"),
                        format!("The automatic check had stopped and was restarted ({restarts} times so far)"),
                    )
                } else {
                    lang.pick(
                        "Die automatische Prüfung war ausgefallen und wurde neu gestartet".into(),
                        "The automatic check had stopped and was restarted".into(),
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    #[test]
    fn history_reads_as_sentences_in_both_languages() {
        let now = Utc::now();
        let gap = Event::GapDetected {
            gap: Gap {
                from: now - chrono::Duration::hours(3),
                to: now,
                seconds: 10_800,
                while_running: true,
            },
            tokens_survived: true,
        };
        assert_eq!(
            gap.describe(Lang::De, now),
            "Lücke von 3 h 0 min (Ruhezustand oder Hänger); Zugangsdaten intakt"
        );
        let changed = Event::StateChanged {
            from: ConnState::Healthy,
            to: ConnState::AuthLost,
            reason: Some(Reason::InvalidGrant),
        };
        assert_eq!(
            changed.describe(Lang::En, now),
            "State: Connected → Connection lost"
        );
        let connected = Event::Connected {
            company: Some("Muster GmbH".into()),
            mode: Mode::OAuth,
        };
        assert_eq!(
            connected.describe(Lang::De, now),
            "Verbunden mit Muster GmbH (OAuth)"
        );
        assert_eq!(
            serde_json::to_value(&connected).expect("json")["mode"],
            "oauth"
        );
        let restarted = Event::KeepaliveRestarted {
            panicked: true,
            restarts: 1,
        };
        assert_eq!(restarted.kind(), "keepalive");
        assert_eq!(
            restarted.describe(Lang::De, now),
            "Die automatische Prüfung war ausgefallen und wurde neu gestartet"
        );
        assert_eq!(
            serde_json::to_value(&restarted).expect("json")["type"],
            "keepalive_restarted"
        );
    }
}
