//! The OS keychain through `keyring-core` and the platform's native store.

use super::{SecretStore, StoreError};
use crate::error::KeychainFault;
use keyring_core::{CredentialStore, Entry, Error as KError};
use std::sync::{Arc, Mutex};

/// The platform store, opened on first use and again after a failure, so a keychain that
/// comes up after lexguard (login, unlock) is picked up without a restart.
///
/// Process-wide and never dropped on a runtime thread: with zbus's `tokio` feature (which the
/// desktop app's dependencies switch on) dropping or using a blocking connection inside a
/// tokio context panics. [`super::Vault`] calls the store on its own plain threads only.
static PLATFORM: Mutex<Option<Arc<CredentialStore>>> = Mutex::new(None);

/// The real keychain, one service name.
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn store(&self) -> Result<Arc<CredentialStore>, StoreError> {
        let mut slot = PLATFORM.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let s = open_platform_store().map_err(|e| map_error(&e, "open"))?;
        *slot = Some(s.clone());
        Ok(s)
    }

    fn entry(&self, name: &str) -> Result<Entry, StoreError> {
        let store = self.store()?;
        Entry::new_in_store(&store, &self.service, name).map_err(|e| self.fail(&e, "entry"))
    }

    /// Maps the error and forgets the store after connection trouble, so the next call
    /// reconnects.
    fn fail(&self, e: &KError, op: &str) -> StoreError {
        let mapped = map_error(e, op);
        if mapped.fault != KeychainFault::Failed {
            let old = PLATFORM.lock().unwrap_or_else(|p| p.into_inner()).take();
            drop(old);
        }
        mapped
    }
}

impl std::fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeychainStore")
            .field("service", &self.service)
            .finish()
    }
}

#[cfg(target_os = "linux")]
fn open_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(s)
}
#[cfg(target_os = "macos")]
fn open_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
    Ok(s)
}
#[cfg(target_os = "windows")]
fn open_platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    let s: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(s)
}

fn map_error(e: &KError, op: &str) -> StoreError {
    let fault = match e {
        KError::NoStorageAccess(_) => KeychainFault::Locked,
        KError::PlatformFailure(inner) => {
            let text = inner.to_string();
            if text.contains("Failed to connect")
                || text.contains("not provided by any")
                || text.contains("ServiceUnknown")
                || text.contains("No such file")
                || text.contains("DBUS_SESSION_BUS_ADDRESS")
                || text.contains("org.freedesktop.secrets")
            {
                KeychainFault::Unavailable
            } else {
                KeychainFault::Failed
            }
        }
        KError::NoDefaultStore => KeychainFault::Unavailable,
        _ => KeychainFault::Failed,
    };
    // BadEncoding/BadDataFormat carry the raw secret bytes: never format those.
    let detail = match e {
        KError::BadEncoding(_) | KError::BadDataFormat(..) => "bad data format".to_string(),
        KError::Ambiguous(v) => format!("{} ambiguous entries", v.len()),
        other => other.to_string(),
    };
    StoreError {
        fault,
        detail: format!("{op}: {detail}"),
    }
}

impl SecretStore for KeychainStore {
    fn lock_path(&self) -> Option<std::path::PathBuf> {
        crate::lock::scoped_path(&format!("keychain-{}", self.service))
    }

    fn get(&self, name: &str) -> Result<Option<String>, StoreError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(self.fail(&e, "read")),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.entry(name)?
            .set_password(value)
            .map_err(|e| self.fail(&e, "write"))
    }

    fn delete(&self, name: &str) -> Result<(), StoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(KError::NoEntry) => Ok(()),
            Err(e) => Err(self.fail(&e, "delete")),
        }
    }
}
