//! The secrets of connection NAME, in the same store as everything else, under entry names
//! prefixed `NAME/` (`NAME/tokens`, `NAME/api-key`, …). Applied here, below [`crate::store::Vault`],
//! so nothing above knows which connection it reads, and however the entries are split the
//! prefix is the same.

use super::ConnectionName;
use crate::store::{SecretStore, StoreError, names};
use std::sync::Arc;

/// Wraps the store for a named connection; `default` gets the store itself (today's names).
pub fn for_connection(inner: Arc<dyn SecretStore>, name: &ConnectionName) -> Arc<dyn SecretStore> {
    if name.is_default() {
        inner
    } else {
        Arc::new(Prefixed {
            inner,
            name: name.clone(),
        })
    }
}

struct Prefixed {
    inner: Arc<dyn SecretStore>,
    name: ConnectionName,
}

impl Prefixed {
    fn entry(&self, name: &str) -> String {
        format!("{}/{name}", self.name)
    }
}

impl SecretStore for Prefixed {
    /// The partner app's client secret is usually one for every connection: a connection
    /// without its own uses the top-level one.
    fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        match self.inner.get(&self.entry(name))? {
            None if name == names::CLIENT_SECRET => self.inner.get(name),
            found => Ok(found),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.inner.set(&self.entry(name), value)
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.inner.delete(&self.entry(name))
    }

    /// Its own lock beside the store's: connections never wait for each other's refresh.
    fn lock_path(&self) -> Option<std::path::PathBuf> {
        let base = self.inner.lock_path()?;
        let file = base.file_name()?.to_string_lossy().into_owned();
        Some(base.with_file_name(format!("{file}.{}", self.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn named_entries_are_prefixed_and_default_keeps_todays_names() {
        let mem = Arc::new(MemoryStore::default());
        let inner: Arc<dyn SecretStore> = mem.clone();
        let b = for_connection(inner.clone(), &ConnectionName::parse("b").expect("valid"));
        b.set("tokens", "B").expect("set");
        assert_eq!(inner.get("b/tokens").expect("get").as_deref(), Some("B"));
        assert_eq!(inner.get("tokens").expect("get"), None);
        let d = for_connection(inner.clone(), &ConnectionName::default_name());
        d.set("tokens", "D").expect("set");
        assert_eq!(inner.get("tokens").expect("get").as_deref(), Some("D"));
        assert_eq!(b.get("tokens").expect("get").as_deref(), Some("B"));
        // The client secret falls back to the top-level one, nothing else does.
        inner.set("client-secret", "S").expect("set");
        assert_eq!(b.get("client-secret").expect("get").as_deref(), Some("S"));
        b.delete("tokens").expect("delete");
        assert_eq!(b.get("tokens").expect("get"), None);
        assert_eq!(d.get("tokens").expect("get").as_deref(), Some("D"));
    }
}
