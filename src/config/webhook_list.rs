//! The desired webhooks after a person edited the list a window showed them. config.toml may
//! have changed since (an entry added by hand, another window): only what the person changed
//! is applied; everything else in the file stays. An entry is known by its event type
//! (Lexware allows one subscription per type).

use super::WebhookSpec;

/// `current` (what config.toml holds now) with the entries the person removed from `shown`
/// taken out and the ones they added or changed in `sent` put in (in place, or at the end).
pub fn edited_list(
    current: &[WebhookSpec],
    shown: &[WebhookSpec],
    sent: &[WebhookSpec],
) -> Vec<WebhookSpec> {
    let mut list: Vec<WebhookSpec> = current
        .iter()
        .filter(|w| {
            let removed = shown.iter().any(|s| s.event_type == w.event_type)
                && !sent.iter().any(|s| s.event_type == w.event_type);
            !removed
        })
        .cloned()
        .collect();
    for w in sent.iter().filter(|w| !shown.contains(w)) {
        match list.iter_mut().find(|c| c.event_type == w.event_type) {
            Some(slot) => *slot = w.clone(),
            None => list.push(w.clone()),
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(event_type: &str, url: &str) -> WebhookSpec {
        WebhookSpec {
            event_type: event_type.into(),
            callback_url: format!("https://shop.example/{url}"),
        }
    }

    #[test]
    fn entries_added_to_the_file_meanwhile_stay() {
        let shown = vec![hook("invoice.created", "a")];
        let by_hand = hook("contact.changed", "by-hand");
        let current = vec![hook("invoice.created", "a"), by_hand.clone()];
        let added = hook("voucher.created", "v");
        let sent = vec![hook("invoice.created", "a"), added.clone()];
        assert_eq!(
            edited_list(&current, &shown, &sent),
            vec![hook("invoice.created", "a"), by_hand.clone(), added]
        );
        // Removing the shown entry keeps the hand-written one.
        assert_eq!(edited_list(&current, &shown, &[]), vec![by_hand.clone()]);
        // A changed entry changes in place.
        let changed = hook("invoice.created", "b");
        assert_eq!(
            edited_list(&current, &shown, std::slice::from_ref(&changed)),
            vec![changed, by_hand]
        );
    }

    #[test]
    fn an_untouched_entry_removed_from_the_file_meanwhile_stays_removed() {
        let shown = vec![hook("invoice.created", "a"), hook("contact.changed", "c")];
        let current = vec![hook("contact.changed", "c")];
        assert_eq!(edited_list(&current, &shown, &shown), current);
    }
}
