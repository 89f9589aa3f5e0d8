//! The sentences for the newer kinds of trouble (webhooks, the authorization's end, missing
//! permissions): what happened, then what to do. Kept apart from `status` so that file stays
//! about the status itself. The refused API key has its sentence in `key_words` (the error
//! says it too).

use crate::state::Persisted;
use crate::text::i18n::{Lang, connect_hint};
use crate::text::webhook_words::event_label;

/// A managed webhook is failing (or missing, with `repair = "ask"`).
pub fn webhooks(st: &Persisted, lang: Lang) -> String {
    let h = st.webhook_health();
    if let Some(p) = h.failing.first() {
        let name = event_label(&p.event_type, lang);
        return lang.pick(
            format!("Die Verbindung steht, aber der Webhook „{name}“ funktioniert nicht: {} lexguard versucht es bei der nächsten Webhook-Prüfung erneut.", p.reason),
            format!("The connection stands, but the webhook \"{name}\" does not work: {} lexguard tries again at the next webhook check.", p.reason),
        );
    }
    // Only a webhook that was set up can have been removed by Lexware; one just added to
    // config.toml (with `repair = "ask"`) is simply not set up yet.
    let set_up = crate::webhooks::set_up_in(
        st.last_webhook_sync()
            .map_or(&[], |s| s.outcomes.as_slice()),
    );
    let (removed, new): (Vec<&String>, Vec<&String>) = h
        .missing
        .iter()
        .partition(|t| set_up.iter().any(|(e, _)| e == *t));
    let names = |list: &[&String]| {
        list.iter()
            .map(|t| event_label(t, lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if removed.is_empty() {
        let names = names(&new);
        return lang.pick(
            format!("Der Webhook „{names}“ ist noch nicht eingerichtet. Bitte richten Sie ihn ein (lexguard webhooks sync, oder „Webhooks neu einrichten“ im Menü)."),
            format!("The webhook \"{names}\" is not set up yet. Please set it up (lexguard webhooks sync, or \"Set up webhooks again\" in the menu)."),
        );
    }
    let names = names(&removed);
    lang.pick(
        format!("Lexware hat den Webhook „{names}“ entfernt. Bitte richten Sie ihn neu ein (lexguard webhooks sync, oder „Webhooks neu einrichten“ im Menü)."),
        format!("Lexware removed the webhook \"{names}\". Please set it up again (lexguard webhooks sync, or \"Set up webhooks again\" in the menu)."),
    )
}

/// The partner-app authorization ends within 30 days.
pub fn authorization(until: &str, lang: Lang) -> String {
    lang.pick(
        format!("Die Freigabe für lexguard bei Lexware endet {until} (Lexware verlangt alle zwei Jahre eine neue Anmeldung). Bitte melden Sie sich rechtzeitig neu an ({}); die Webhooks bleiben erhalten.", connect_hint(Lang::De)),
        format!("lexguard's authorization at Lexware ends {until} (Lexware asks for a new login every two years). Please log in again in time ({}); the webhooks stay.", connect_hint(Lang::En)),
    )
}

/// The configured scopes ask for more than the connection was granted.
pub fn scopes(missing: &str, lang: Lang) -> String {
    lang.pick(
        format!("Die App verlangt inzwischen mehr Berechtigungen, als Sie bei Lexware freigegeben haben ({missing}). Bitte melden Sie sich neu an ({}), damit Lexware sie freigibt.", connect_hint(Lang::De)),
        format!("The app now asks for more permissions than you granted at Lexware ({missing}). Please log in again ({}) so Lexware grants them.", connect_hint(Lang::En)),
    )
}

/// The scopes `wanted` (space separated) that `granted` lacks; `None` when nothing is missing
/// or nothing is known (no configured scope means "all scopes of the app").
pub fn missing_scopes(wanted: Option<&str>, granted: Option<&str>) -> Option<String> {
    let (wanted, granted) = (wanted?, granted?);
    let have: Vec<&str> = granted.split_whitespace().collect();
    let missing: Vec<&str> = wanted
        .split_whitespace()
        .filter(|s| !have.contains(s))
        .collect();
    (!missing.is_empty()).then(|| missing.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `repair = "ask"`, a webhook Lexware had and lost is "entfernt"; one only just
    /// added to config.toml was never there and is "noch nicht eingerichtet".
    #[test]
    fn only_a_webhook_that_was_set_up_was_removed() {
        let st = |missing: &str| {
            crate::state::sample(serde_json::json!({
                "last_webhook_sync": { "at": "2026-12-07T10:00:00Z", "outcomes": [{
                    "event_type": "invoice.created", "callback_url": "https://shop.example/h",
                    "action": "created", "subscription_id": "s1", "error": null,
                    "status": null, "error_kind": null
                }] },
                "webhook_health": {
                    "checked_at": null, "failing": [], "missing": [missing],
                    "repaired": [], "repaired_at": null
                }
            }))
        };
        let removed = webhooks(&st("invoice.created"), Lang::De);
        assert!(removed.contains("entfernt"), "{removed}");
        let new = webhooks(&st("contact.changed"), Lang::De);
        assert!(new.contains("noch nicht eingerichtet"), "{new}");
        assert!(!new.contains("entfernt"), "{new}");
        let en = webhooks(&st("contact.changed"), Lang::En);
        assert!(en.contains("not set up yet"), "{en}");
    }

    #[test]
    fn scopes_that_grew_are_named() {
        assert_eq!(missing_scopes(Some("a b c"), Some("b a")), Some("c".into()));
        assert_eq!(missing_scopes(Some("a"), Some("a b")), None);
        assert_eq!(missing_scopes(None, Some("a")), None);
        assert_eq!(missing_scopes(Some("a"), None), None);
    }
}
