//! What the CLI tells a person to do: the core's next step ([`NextAction`]) as a command to
//! run, for the status screen's "Nächster Schritt" line (the window's button and the tray's
//! first item read the same [`NextAction`]), and where a secret was stored.

use crate::NextAction;
use crate::text::i18n::Lang;
use std::io::Write;

/// What the CLI tells a person to run for the core's next step (`None`: nothing to do now).
pub fn next_step(next: NextAction, lang: Lang) -> Option<String> {
    let text = match next {
        NextAction::None | NextAction::Wait => return None,
        NextAction::Connect | NextAction::Reconnect | NextAction::Reauthorize => {
            crate::text::i18n::connect_hint(lang).to_string()
        }
        NextAction::EnterNewApiKey => lang
            .pick(
                "neuen Schlüssel eintragen: lexguard connect --api-key",
                "enter the new key: lexguard connect --api-key",
            )
            .to_string(),
        NextAction::CheckClientSecret => lang
            .pick(
                "client_id in config.toml prüfen, Client-Secret neu eintragen: lexguard client-secret set -",
                "check client_id in config.toml, enter the client secret again: lexguard client-secret set -",
            )
            .to_string(),
        NextAction::UnlockKeychain => lang
            .pick(
                "Schlüsselbund entsperren, dann: lexguard tick",
                "unlock the keychain, then: lexguard tick",
            )
            .to_string(),
        NextAction::FixWebhooks => lang
            .pick(
                "Adresse der Webhooks prüfen, dann: lexguard webhooks sync",
                "check the webhooks' address, then: lexguard webhooks sync",
            )
            .to_string(),
        NextAction::StartKeepalive => lang
            .pick(
                "lexguard starten (lexguard serve, oder lexguard tick per Cron)",
                "start lexguard (lexguard serve, or lexguard tick from cron)",
            )
            .to_string(),
        NextAction::CheckPlan => lang
            .pick(
                "Tarif und Abo in Lexware prüfen (API-Zugriff); lexguard prüft selbst weiter",
                "check the plan and subscription in Lexware (API access); lexguard keeps checking",
            )
            .to_string(),
    };
    Some(text)
}

/// Where a secret went: the keychain, or (`[store] kind = "file"`) lexguard's private file
/// store; never "Schlüsselbund" for a file.
pub fn secret_stored(out: &mut impl Write, kind: crate::store::StoreKind, lang: Lang) {
    let text = match kind {
        crate::store::StoreKind::Keychain => lang.pick(
            "Client-Secret im Schlüsselbund gespeichert.",
            "Client secret stored in the keychain.",
        ),
        crate::store::StoreKind::File => lang.pick(
            "Client-Secret im Geheimnis-Ordner von lexguard gespeichert (nur für Sie lesbar).",
            "Client secret stored in lexguard's secrets folder (readable only by you).",
        ),
    };
    let _ = writeln!(out, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{ConnState, Mode};
    use crate::status::Status;
    use chrono::Utc;

    /// The false story: `status` after a loss still said "Verbindung gültig bis … (in 3 h
    /// 55 min)". A lost connection is valid until nothing; the next step is named once.
    #[test]
    fn a_lost_connection_claims_no_validity() {
        use crate::state::{Persisted, Reason};
        let now = Utc::now();
        let st = Persisted {
            state: ConnState::AuthLost,
            reason: Some(Reason::InvalidGrant),
            mode: Some(Mode::OAuth),
            company: Some("Muster GmbH".into()),
            access_expires_at: Some(now + chrono::Duration::minutes(235)),
            last_tick_at: Some(now),
            ..Persisted::default()
        };
        let c = crate::config::Config::default();
        let lost = Status::build(&st, &c, &c.schedule, now, Lang::De);
        let mut out = Vec::new();
        super::super::output::status(&mut out, &lost, false, Lang::De);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(!text.contains("gültig bis"), "{text}");
        assert!(!text.contains("in 3 h 55 min"), "{text}");
        assert!(text.contains("Verbindung verloren"), "{text}");
        // The message names how to reconnect: no second line saying it again.
        assert_eq!(text.matches("lexguard connect").count(), 1, "{text}");
        let healthy = Status::build(
            &Persisted {
                state: ConnState::Healthy,
                reason: None,
                ..st
            },
            &c,
            &c.schedule,
            now,
            Lang::De,
        );
        let mut out = Vec::new();
        super::super::output::status(&mut out, &healthy, false, Lang::De);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("Verbindung gültig bis:"), "{text}");
    }
}
