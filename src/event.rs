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
        }
    }
}
