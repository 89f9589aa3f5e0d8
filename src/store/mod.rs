//! Where secrets live: the OS keychain, behind a small trait.
//!
//! The trait is synchronous because the keychains are; [`Vault`] runs every call on the
//! blocking pool with a timeout (a locked Secret Service with a display attached waits forever
//! for an unlock dialog, and zbus on tokio panics when called from inside a task).

mod choice;
mod file;
mod keychain;
mod memory;
mod records;
pub mod rescue;
pub mod token_layout;
mod vault;

pub use choice::{StoreConfig, StoreKind, open};
pub use file::FileStore;
pub use keychain::KeychainStore;
pub use memory::MemoryStore;
pub use records::{ApiKeyRecord, PendingAuthorization, TokenSet};
pub use vault::Vault;

use crate::error::KeychainFault;

/// Entry names (the keychain's "user" under the service name).
pub mod names {
    pub const TOKENS: &str = "tokens";
    pub const PENDING: &str = "pending-authorization";
    pub const CLIENT_SECRET: &str = "client-secret";
    pub const API_KEY: &str = "api-key";
    /// Written, read and deleted by `lexguard doctor`; never holds a secret.
    pub const PROBE: &str = "doctor-probe";
}

/// A keychain failure; `detail` is the store's own description, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub fault: KeychainFault,
    pub detail: String,
}

/// A place for named secret strings. A missing entry is `Ok(None)`; delete is idempotent.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, name: &str) -> Result<Option<String>, StoreError>;
    fn set(&self, name: &str, value: &str) -> Result<(), StoreError>;
    fn delete(&self, name: &str) -> Result<(), StoreError>;

    /// The lock file two processes take turns on before they touch the secrets: it has the
    /// scope of the secret (the keychain service, the secrets folder), not of a data folder.
    /// `None`: the store lives in this process only (tests), and the data folder's lock is
    /// enough.
    fn lock_path(&self) -> Option<std::path::PathBuf> {
        None
    }
}

/// The keychain service name: `LEXGUARD_KEYRING_SERVICE` or `lexguard`. Tests and demo use
/// their own so they never touch a user's real entries.
pub fn service_name() -> String {
    std::env::var("LEXGUARD_KEYRING_SERVICE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "lexguard".into())
}
