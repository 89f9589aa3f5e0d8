//! Which store holds the secrets: `[store]` in config.toml. Chosen explicitly, never a silent
//! fallback: a server without a keychain gets the file store only when the config says so.

use super::{FileStore, KeychainStore, SecretStore};
use crate::config::Home;
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// Where secrets are kept (`[store] kind`); the window's words about the secret follow it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager).
    #[default]
    Keychain,
    /// One file per secret in a private folder: for servers without a keychain.
    File,
}

/// `[store]` in config.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub kind: StoreKind,
    /// The file store's folder (absolute). Default: `$STATE_DIRECTORY/secrets` under systemd,
    /// else `secrets/` in the data folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
}

impl StoreConfig {
    pub fn is_default(&self) -> bool {
        *self == StoreConfig::default()
    }

    /// The file store's folder for this data folder.
    pub fn file_dir(&self, home: &Home) -> PathBuf {
        if let Some(dir) = &self.dir {
            return dir.clone();
        }
        // systemd may list several state directories, separated by colons: the first is ours.
        let state_dir = std::env::var_os("STATE_DIRECTORY")
            .and_then(|v| std::env::split_paths(&v).next())
            .filter(|p| p.is_absolute());
        state_dir
            .unwrap_or_else(|| home.data_dir.clone())
            .join("secrets")
    }
}

/// Opens the configured store (a file store's folder is created private, or refused).
pub fn open(config: &StoreConfig, home: &Home) -> Result<Arc<dyn SecretStore>> {
    Ok(match config.kind {
        StoreKind::Keychain => Arc::new(KeychainStore::new(super::service_name())),
        StoreKind::File => Arc::new(FileStore::open(config.file_dir(home))?),
    })
}
