//! Lexware's event types in a shop owner's words: „Rechnung erstellt“ instead of
//! `invoice.created` (the technical name stays available behind "Details").

use crate::i18n::Lang;

/// The thing an event is about (the part before the first dot).
fn noun(kind: &str, lang: Lang) -> Option<&'static str> {
    Some(match kind {
        "article" => lang.pick("Artikel", "Article"),
        "contact" => lang.pick("Kontakt", "Contact"),
        "credit-note" => lang.pick("Gutschrift", "Credit note"),
        "delivery-note" => lang.pick("Lieferschein", "Delivery note"),
        "down-payment-invoice" => lang.pick("Abschlagsrechnung", "Down-payment invoice"),
        "dunning" => lang.pick("Mahnung", "Dunning"),
        "invoice" => lang.pick("Rechnung", "Invoice"),
        "order-confirmation" => lang.pick("Auftragsbestätigung", "Order confirmation"),
        "payment" => lang.pick("Zahlung", "Payment"),
        "quotation" => lang.pick("Angebot", "Quotation"),
        "recurring-template" => lang.pick("Vorlage für Serienrechnungen", "Recurring template"),
        "token" => lang.pick("Verbindung", "Connection"),
        "voucher" => lang.pick("Beleg", "Voucher"),
        _ => return None,
    })
}

fn verb(what: &str, lang: Lang) -> Option<&'static str> {
    Some(match what {
        "created" => lang.pick("erstellt", "created"),
        "changed" => lang.pick("geändert", "changed"),
        "deleted" => lang.pick("gelöscht", "deleted"),
        "status.changed" => lang.pick("Status geändert", "status changed"),
        "revoked" => lang.pick("widerrufen", "revoked"),
        _ => return None,
    })
}

/// „Rechnung erstellt“; an unknown type stays as Lexware names it.
pub fn event_label(event_type: &str, lang: Lang) -> String {
    let label = event_type
        .split_once('.')
        .and_then(|(kind, what)| Some(format!("{} {}", noun(kind, lang)?, verb(what, lang)?)));
    label.unwrap_or_else(|| event_type.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_event_type_has_plain_words() {
        for t in crate::contract::EVENT_TYPES {
            for lang in [Lang::De, Lang::En] {
                let label = event_label(t, lang);
                assert_ne!(label, *t, "{t} has no words in {lang:?}");
            }
        }
        assert_eq!(
            event_label("invoice.created", Lang::De),
            "Rechnung erstellt"
        );
        assert_eq!(
            event_label("credit-note.status.changed", Lang::De),
            "Gutschrift Status geändert"
        );
        assert_eq!(event_label("something.new", Lang::De), "something.new");
    }
}
