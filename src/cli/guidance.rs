//! What the CLI tells a person to do: the core's next step ([`NextAction`]) as a command to
//! run, for the status screen's "Nächster Schritt" line (the window's button and the tray's
//! first item read the same [`NextAction`]), and where a secret was stored.

use crate::i18n::Lang;
use crate::vocabulary::NextAction;
use std::io::Write;

/// What the CLI tells a person to run for the core's next step (`None`: nothing to do now).
pub fn next_step(next: NextAction, lang: Lang) -> Option<String> {
    let text = match next {
        NextAction::None | NextAction::Wait => return None,
        NextAction::Connect | NextAction::Reconnect | NextAction::Reauthorize => {
            crate::i18n::connect_hint(lang).to_string()
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
