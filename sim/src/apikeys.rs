//! Public API keys: each key owns the subscriptions made with it, replacing a key deletes
//! them, and a key may lack the profile permission.

use chrono::{DateTime, Months, Utc};

use crate::model::ApiKey;
use crate::state::{Caller, Inner};
use crate::util::{random_urlsafe, uuid_v4};

impl Inner {
    /// A key valid for 24 months of simulator clock from now.
    pub(crate) fn create_api_key(&mut self, restricted: bool) -> String {
        let expires = self
            .now()
            .checked_add_months(Months::new(24))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let key = random_urlsafe(33);
        self.api_keys.insert(
            key.clone(),
            ApiKey {
                id: uuid_v4(),
                expires,
                active: true,
                restricted,
            },
        );
        key
    }

    /// Lexware's "replace key": a new key with the same permissions, the old one stops
    /// working and every event subscription made with it is deleted. `None` when `old` is
    /// not an active key.
    pub(crate) fn replace_api_key(&mut self, old: &str) -> Option<String> {
        let rec = self.api_keys.get_mut(old).filter(|k| k.active)?;
        rec.active = false;
        let restricted = rec.restricted;
        let owner = rec.owner();
        self.subscriptions.retain(|s| s.owner != owner);
        Some(self.create_api_key(restricted))
    }

    pub(crate) fn api_key_caller(&self, token: &str, now: DateTime<Utc>) -> Option<Caller> {
        let k = self.api_keys.get(token)?;
        (k.active && now < k.expires).then(|| Caller {
            owner: k.owner(),
            connection_id: None,
            restricted: k.restricted,
        })
    }
}
