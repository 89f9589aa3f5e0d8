//! The one sentence for a refused public API key, in the status, the error and the
//! notification. A leaf (only `i18n` below it), so `error` can say it without importing the
//! status' words.

use crate::text::i18n::Lang;

/// Where a person enters a new API key, in the words of this shell.
fn key_entry_hint(lang: Lang) -> &'static str {
    match crate::text::i18n::surface() {
        crate::text::i18n::Surface::Cli => lang.pick(
            "lexguard connect --api-key -",
            "lexguard connect --api-key -",
        ),
        crate::text::i18n::Surface::App => lang.pick(
            "im lexguard-Fenster unter „Neu verbinden“",
            "in the lexguard window under “Reconnect”",
        ),
    }
}

/// Lexware refused the public API key twice in a row (deleted, replaced or run out): the one
/// sentence for it, in the status, the error and the notification. A key has no password and
/// no login; the fix is the new key.
pub fn key_rejected(company: Option<&str>, lang: Lang) -> String {
    let at = company
        .map(|c| lang.pick(format!(" für {c}"), format!(" for {c}")))
        .unwrap_or_default();
    let hint = key_entry_hint(lang);
    let page = api_key_page();
    lang.pick(
        format!("Lexware nimmt den API-Schlüssel nicht mehr an – tragen Sie den neuen ein ({hint}). Einen neuen Schlüssel{at} erstellen Sie unter {page}; danach richtet lexguard die Webhooks wieder ein."),
        format!("Lexware no longer accepts the API key – enter the new one ({hint}). You create a new key{at} at {page}; lexguard then sets the webhooks up again."),
    )
}

/// [`key_rejected`] in both languages, without a company (an error message).
pub(crate) fn key_rejected_pair() -> (String, String) {
    (key_rejected(None, Lang::De), key_rejected(None, Lang::En))
}

/// Where a person creates a public API key, as a sentence writes it (the contract's page
/// without `https://`).
pub fn api_key_page() -> &'static str {
    crate::contract::API_KEY_PAGE
        .strip_prefix("https://")
        .unwrap_or(crate::contract::API_KEY_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_key_is_named_with_its_fix_and_no_password() {
        for lang in [Lang::De, Lang::En] {
            let text = key_rejected(Some("Weiß & Söhne GmbH"), lang);
            let lower = text.to_lowercase();
            assert!(text.contains("Weiß & Söhne GmbH"), "{text}");
            assert!(text.contains("--api-key"), "{text}");
            for wrong in [
                "passwort",
                "password",
                "berechtigung",
                "permission",
                "log in",
                "melden sie sich",
            ] {
                assert!(!lower.contains(wrong), "{wrong}: {text}");
            }
        }
        assert!(key_rejected(Some("Demo GmbH"), Lang::De).starts_with(
            "Lexware nimmt den API-Schlüssel nicht mehr an – tragen Sie den neuen ein"
        ));
        assert!(
            key_rejected(Some("Demo GmbH"), Lang::En)
                .starts_with("Lexware no longer accepts the API key – enter the new one")
        );
    }
}
