//! The short line of a status (the tray's line, a notification's title): built from the
//! persisted facts only, never by cutting a longer sentence (company names are full of periods).

use crate::state::{ConnState, Mode, Persisted, Reason};
use crate::text::i18n::Lang;
use crate::text::time_fmt::{self, Zone};
use chrono::{DateTime, Utc};

/// A short label for why the state is not simply healthy.
pub fn reason_label(reason: Reason, lang: Lang) -> &'static str {
    match reason {
        Reason::RefreshFailing => {
            lang.pick("Erneuern klappt gerade nicht", "refreshing fails right now")
        }
        // Neutral on purpose: the network, Lexware's servers and Lexware slowing lexguard down
        // (429) all end here; the status message's detail names which.
        Reason::ValidationFailing => lang.pick(
            "Prüfung bei Lexware klappt gerade nicht",
            "the check at Lexware fails right now",
        ),
        Reason::Unauthorized => lang.pick(
            "Lexware lehnt die Abrufe ab",
            "Lexware rejects the API calls",
        ),
        Reason::ClientCredentials => lang.pick(
            "Client-ID oder Client-Secret abgelehnt",
            "client id or secret rejected",
        ),
        Reason::KeychainUnsaved => lang.pick(
            "neue Zugangsdaten noch nicht im Schlüsselbund",
            "new credentials not in the keychain yet",
        ),
        Reason::KeychainUnavailable => lang.pick(
            "Schlüsselbund nicht erreichbar oder gesperrt",
            "keychain unreachable or locked",
        ),
        Reason::KeychainCorrupt => lang.pick(
            "Zugangsdaten im Schlüsselbund beschädigt",
            "credentials in the keychain damaged",
        ),
        Reason::GapSeen => lang.pick(
            "Pause ohne Prüfung bemerkt",
            "a pause without checks was seen",
        ),
        Reason::ApiKeyExpiring => lang.pick("API-Schlüssel läuft bald ab", "API key expires soon"),
        Reason::ChecksOverdue => lang.pick("Prüfung überfällig", "check overdue"),
        Reason::InvalidGrant => lang.pick(
            "Lexware hat die Anmeldung beendet",
            "Lexware ended the login",
        ),
        Reason::KeyRejected => lang.pick(
            "Lexware lehnt den API-Schlüssel ab",
            "Lexware rejects the API key",
        ),
        Reason::InterruptedRefresh => lang.pick(
            "eine Erneuerung wurde unterbrochen",
            "a refresh was interrupted",
        ),
        Reason::WebhooksFailing => {
            lang.pick("ein Webhook funktioniert nicht", "a webhook does not work")
        }
        Reason::AuthorizationExpiring => lang.pick(
            "die Freigabe bei Lexware läuft bald ab",
            "the authorization at Lexware ends soon",
        ),
        Reason::ScopesMissing => {
            lang.pick("der App fehlen Berechtigungen", "the app lacks permissions")
        }
        Reason::PlanInactive => lang.pick(
            "Lexware-Tarif ohne API-Zugriff",
            "Lexware plan without API access",
        ),
    }
}

/// The short line: state, company, and the one time that matters now. Built from facts only.
pub(crate) fn headline(st: &Persisted, now: DateTime<Utc>, lang: Lang, zone: Zone) -> String {
    let words = |t| time_fmt::words_in(t, now, lang, zone);
    let company = st.company.as_deref();
    match (st.state, st.reason) {
        (ConnState::NotConnected, _) => lang.pick("Nicht verbunden", "Not connected").to_string(),
        (ConnState::AuthLost, _) => match company {
            Some(c) => lang.pick(
                format!("Verbindung zu {c} verloren"),
                format!("Connection to {c} lost"),
            ),
            None => lang
                .pick("Verbindung verloren", "Connection lost")
                .to_string(),
        },
        (ConnState::Healthy, _) => {
            let with = company
                .map(|c| lang.pick(format!("Verbunden mit {c}"), format!("Connected to {c}")))
                .unwrap_or_else(|| lang.pick("Verbunden", "Connected").to_string());
            let until = match st.mode {
                Some(Mode::ApiKey) => st.api_key_expires_at.map(|t| {
                    lang.pick(
                        format!(
                            "API-Schlüssel gültig bis {}",
                            time_fmt::date_in(t, lang, zone)
                        ),
                        format!("API key valid until {}", time_fmt::date_in(t, lang, zone)),
                    )
                }),
                _ => st.access_expires_at.map(|t| {
                    lang.pick(
                        format!("Verbindung gültig bis {}", words(t).full),
                        format!("connection valid until {}", words(t).full),
                    )
                }),
            };
            match until {
                Some(u) => format!("{with} · {u}"),
                None => with,
            }
        }
        (ConnState::Degraded, reason) => {
            let why = reason
                .map(|r| reason_label(r, lang))
                .unwrap_or_else(|| lang.pick("eingeschränkt", "degraded"));
            match company {
                Some(c) => format!("{c} · {why}"),
                None => {
                    let mut first = why.chars();
                    first
                        .next()
                        .map(|f| f.to_uppercase().chain(first).collect())
                        .unwrap_or_default()
                }
            }
        }
    }
}
