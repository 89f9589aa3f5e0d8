//! Where lexguard keeps its files: `LEXGUARD_HOME`, or the platform's directories.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// `LEXGUARD_HOME` or the platform's directories: config, state, history, lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Home {
    pub fn at(dir: impl Into<PathBuf>) -> Home {
        let dir = dir.into();
        Home {
            config_file: dir.join("config.toml"),
            data_dir: dir,
        }
    }

    pub fn from_env() -> Result<Home> {
        if let Some(dir) = std::env::var_os("LEXGUARD_HOME").filter(|d| !d.is_empty()) {
            return Ok(Home::at(dir));
        }
        // Windows: one folder a shop owner can find and back up, `%APPDATA%\lexguard`
        // (ProjectDirs would split it into `lexguard\lexguard\config` and `…\data`).
        #[cfg(windows)]
        if let Some(base) = directories::BaseDirs::new() {
            return Ok(Home::at(base.config_dir().join("lexguard")));
        }
        let dirs =
            directories::ProjectDirs::from("de", "lexguard", "lexguard").ok_or_else(|| {
                Error::invalid(
                    "Kein Benutzerverzeichnis gefunden. Bitte setzen Sie LEXGUARD_HOME.",
                    "No home directory found. Please set LEXGUARD_HOME.",
                )
            })?;
        Ok(Home {
            config_file: dirs.config_dir().join("config.toml"),
            data_dir: dirs.data_local_dir().to_path_buf(),
        })
    }

    pub fn state_file(&self) -> PathBuf {
        self.data_dir.join("state.json")
    }
    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join("history.jsonl")
    }
    pub fn lock_file(&self) -> PathBuf {
        self.data_dir.join("lexguard.lock")
    }
    /// See [`crate::store::rescue`].
    pub fn rescue_file(&self) -> PathBuf {
        self.data_dir.join(crate::store::rescue::FILE_NAME)
    }
}
