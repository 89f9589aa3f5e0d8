//! Typed, async access to the secret store, every call off the runtime and with a timeout.

use super::{
    ApiKeyRecord, PendingAuthorization, SecretStore, StoreError, TokenSet, names, token_layout,
};
use crate::error::{Error, KeychainFault, Result};
use crate::secret::ClientSecret;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    timeout: Duration,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Vault {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            timeout: Duration::from_secs(10),
        }
    }

    /// See [`SecretStore::lock_path`].
    pub fn lock_path(&self) -> Option<std::path::PathBuf> {
        self.store.lock_path()
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs one store call on a plain thread of its own: off the async runtime (it blocks)
    /// and outside any tokio context (zbus's blocking API panics inside one). A call that
    /// hangs (a locked keychain waiting for an unlock dialog) is abandoned after the timeout.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn SecretStore) -> std::result::Result<T, StoreError> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("lexguard-keychain".into())
            .spawn(move || {
                let _ = tx.send(f(store.as_ref()));
            });
        if let Err(e) = spawned {
            return Err(Error::Keychain {
                fault: KeychainFault::Failed,
                detail: format!("keychain thread not started: {e}"),
            });
        }
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(e))) => Err(Error::Keychain {
                fault: e.fault,
                detail: e.detail,
            }),
            Ok(Err(_)) => Err(Error::Keychain {
                fault: KeychainFault::Failed,
                detail: "keychain call ended without an answer".into(),
            }),
            Err(_) => Err(Error::Keychain {
                fault: KeychainFault::Timeout,
                detail: format!("no answer within {} s", self.timeout.as_secs()),
            }),
        }
    }

    async fn get(&self, name: &'static str) -> Result<Option<String>> {
        self.run(move |s| s.get(name)).await
    }

    async fn set(&self, name: &'static str, value: String) -> Result<()> {
        self.run(move |s| s.set(name, &value)).await
    }

    /// Deletes one entry; `tokens` deletes the whole token set (its access token's parts too).
    pub async fn delete(&self, name: &'static str) -> Result<()> {
        if name == names::TOKENS {
            return self.run(token_layout::delete).await;
        }
        self.run(move |s| s.delete(name)).await
    }

    /// Reads a record; an unreadable record is an error, never "absent" (absent would make
    /// lexguard think it is not connected and a person might throw the credential away).
    async fn get_record<T>(
        &self,
        name: &'static str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<T>> {
        match self.get(name).await? {
            None => Ok(None),
            Some(raw) => parse(&raw).map(Some).ok_or_else(|| Error::Keychain {
                fault: KeychainFault::Corrupt,
                detail: format!("entry '{name}' is not in the expected format"),
            }),
        }
    }

    /// Writes, reads back and deletes a probe entry: the store works end to end.
    pub async fn round_trip(&self) -> Result<()> {
        let value = format!("probe-{}", rand::random::<u64>());
        self.set(names::PROBE, value.clone()).await?;
        let read = self.get(names::PROBE).await;
        self.delete(names::PROBE).await?;
        match read? {
            Some(v) if v == value => Ok(()),
            _ => Err(Error::Keychain {
                fault: KeychainFault::Failed,
                detail: "the probe entry did not read back".into(),
            }),
        }
    }

    /// The token set, laid out over several entries (see [`token_layout`]).
    pub async fn tokens(&self) -> Result<Option<TokenSet>> {
        self.run(token_layout::read).await
    }
    pub async fn save_tokens(&self, t: &TokenSet) -> Result<()> {
        let t = t.clone();
        self.run(move |s| token_layout::write(s, &t)).await
    }

    pub async fn pending(&self) -> Result<Option<PendingAuthorization>> {
        self.get_record(names::PENDING, PendingAuthorization::from_json)
            .await
    }
    pub async fn save_pending(&self, p: &PendingAuthorization) -> Result<()> {
        self.set(names::PENDING, p.to_json()).await
    }

    pub async fn api_key(&self) -> Result<Option<ApiKeyRecord>> {
        self.get_record(names::API_KEY, ApiKeyRecord::from_json)
            .await
    }
    pub async fn save_api_key(&self, k: &ApiKeyRecord) -> Result<()> {
        self.set(names::API_KEY, k.to_json()).await
    }

    pub async fn client_secret(&self) -> Result<Option<ClientSecret>> {
        Ok(self.get(names::CLIENT_SECRET).await?.map(ClientSecret::new))
    }
    pub async fn save_client_secret(&self, s: &ClientSecret) -> Result<()> {
        self.set(names::CLIENT_SECRET, s.expose().to_string()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[tokio::test]
    async fn faults_are_errors_never_absence() {
        let mem = MemoryStore::new();
        let vault = Vault::new(Arc::new(mem.clone()));
        assert!(vault.tokens().await.expect("empty store").is_none());
        mem.fail_reads(Some(KeychainFault::Locked));
        let e = vault.tokens().await.expect_err("locked");
        assert_eq!(e.kind(), "keychain_locked");
    }

    #[tokio::test]
    async fn a_hanging_keychain_times_out() {
        struct Hang;
        impl SecretStore for Hang {
            fn get(&self, _: &str) -> std::result::Result<Option<String>, StoreError> {
                std::thread::sleep(Duration::from_millis(300));
                Ok(None)
            }
            fn set(&self, _: &str, _: &str) -> std::result::Result<(), StoreError> {
                Ok(())
            }
            fn delete(&self, _: &str) -> std::result::Result<(), StoreError> {
                Ok(())
            }
        }
        let vault = Vault::new(Arc::new(Hang)).with_timeout(Duration::from_millis(20));
        let e = vault.tokens().await.expect_err("times out");
        assert_eq!(e.kind(), "keychain_timeout");
    }

    #[tokio::test]
    async fn garbage_entry_is_an_error() {
        let mem = MemoryStore::new();
        mem.set(names::TOKENS, "not json").expect("set");
        let vault = Vault::new(Arc::new(mem));
        let e = vault.tokens().await.expect_err("garbage");
        assert_eq!(e.kind(), "keychain_corrupt", "not reported as locked");
    }
}
