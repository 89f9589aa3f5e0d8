//! Secrets as files, for machines without a keychain (servers, containers, systemd services).
//!
//! Each secret is its own file (0600) in a folder of its own (0700), written atomically
//! (exclusive temp file, fsync, rename; never through a symlink). What protects it is the file
//! permissions, as for SSH keys: anyone who is this user (or root) can read it. The store refuses
//! to work in a folder that others can read or write, or that belongs to someone else, instead
//! of quietly using it.
//!
//! A small store of our own rather than a crate: the needs are four file operations with the
//! checks above; the keyring crates' file backends encrypt with a password a server cannot type.

use super::{SecretStore, StoreError};
use crate::error::{Error, KeychainFault, Result};
use std::path::{Path, PathBuf};

/// One folder of secret files.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Opens (and creates, 0700) the folder, refusing one that is not private to this user.
    pub fn open(dir: impl Into<PathBuf>) -> Result<FileStore> {
        let dir = dir.into();
        refuse_without_unix_permissions()?;
        match std::fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_private(&dir)?,
            Err(e) => return Err(Error::io(&dir, e)),
            Ok(_) => {}
        }
        check_private(&dir)?;
        Ok(FileStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of entry `name`; a named connection's `NAME/entry` is `NAME/entry` below the
    /// folder (a private folder of its own per connection).
    fn path(&self, name: &str) -> std::result::Result<PathBuf, StoreError> {
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        match name.split_once('/') {
            None if valid(name) => Ok(self.dir.join(name)),
            Some((connection, entry)) if valid(connection) && valid(entry) => {
                Ok(self.dir.join(connection).join(entry))
            }
            _ => Err(StoreError {
                fault: KeychainFault::Failed,
                detail: "invalid entry name".into(),
            }),
        }
    }

    /// A connection's folder of `path` (not the store's own), checked like the store's:
    /// `Ok(false)` when it does not exist (and `create` is false).
    fn connection_dir(&self, path: &Path, create: bool) -> std::result::Result<bool, StoreError> {
        let Some(dir) = path.parent().filter(|d| *d != self.dir) else {
            return Ok(true);
        };
        let locked = |e: Error| StoreError {
            fault: KeychainFault::Locked,
            detail: e.message(crate::Lang::En),
        };
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_private(dir).map_err(locked)?;
            }
            Err(e) => return Err(io_fault(&e, "read", dir)),
            Ok(_) => {}
        }
        check_private(dir).map_err(locked)?;
        Ok(true)
    }

    /// Checked at every call: permissions can change while a server runs for months.
    fn still_private(&self) -> std::result::Result<(), StoreError> {
        check_private(&self.dir).map_err(|e| StoreError {
            fault: KeychainFault::Locked,
            detail: e.message(crate::Lang::En),
        })
    }
}

/// The file store's protection is the Unix owner and mode bits. Windows has ACLs instead, and a
/// folder's ACL is inherited from wherever the person puts it: rather than a store that only
/// looks private, it is refused there (the Credential Manager is the store on Windows).
fn refuse_without_unix_permissions() -> Result<()> {
    #[cfg(not(unix))]
    return Err(Error::invalid(
        "Der Datei-Speicher ([store] kind = \"file\") ist unter Windows nicht verfügbar, weil er die Zugangsdaten dort nicht sicher vor anderen Benutzern schützen kann. Bitte entfernen Sie den Abschnitt [store] aus der config.toml: lexguard nutzt dann die Windows-Anmeldeinformationsverwaltung.",
        "The file store ([store] kind = \"file\") is not available on Windows, because it cannot protect the credentials from other users there. Please remove the [store] section from config.toml: lexguard then uses the Windows Credential Manager.",
    ));
    #[cfg(unix)]
    Ok(())
}

fn create_private(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

fn check_private(dir: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
    let shown = dir.display();
    if !meta.is_dir() {
        return Err(Error::invalid(
            format!(
                "{shown} ist kein Ordner (oder ein symbolischer Link). Bitte geben Sie in [store] dir einen eigenen Ordner an."
            ),
            format!(
                "{shown} is not a folder (or is a symbolic link). Please give a folder of its own as [store] dir."
            ),
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return Err(Error::invalid(
                format!(
                    "Der Geheimnis-Ordner {shown} gehört einem anderen Benutzer. lexguard legt Zugangsdaten nur in einem eigenen Ordner ab; bitte wählen Sie einen anderen oder übernehmen Sie ihn (chown)."
                ),
                format!(
                    "The secrets folder {shown} belongs to another user. lexguard keeps credentials only in a folder of its own; please choose another or take it over (chown)."
                ),
            ));
        }
        if meta.mode() & 0o077 != 0 {
            return Err(Error::invalid(
                format!(
                    "Der Geheimnis-Ordner {shown} ist für andere Benutzer zugänglich; sie könnten die Zugangsdaten lesen. Bitte schränken Sie die Rechte ein: chmod 700 {shown}"
                ),
                format!(
                    "The secrets folder {shown} is accessible to other users; they could read the credentials. Please restrict it: chmod 700 {shown}"
                ),
            ));
        }
    }
    Ok(())
}

fn io_fault(e: &std::io::Error, op: &str, path: &Path) -> StoreError {
    let fault = match e.kind() {
        std::io::ErrorKind::PermissionDenied => KeychainFault::Locked,
        _ => KeychainFault::Failed,
    };
    StoreError {
        fault,
        detail: format!("{op} {}: {e}", path.display()),
    }
}

impl SecretStore for FileStore {
    fn get(&self, name: &str) -> std::result::Result<Option<String>, StoreError> {
        self.still_private()?;
        let path = self.path(name)?;
        if !self.connection_dir(&path, false)? {
            return Ok(None);
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NOFOLLOW);
        }
        let file = match opts.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_fault(&e, "read", &path)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = file.metadata().map_err(|e| io_fault(&e, "read", &path))?;
            if meta.mode() & 0o077 != 0 {
                return Err(StoreError {
                    fault: KeychainFault::Locked,
                    detail: format!("{} is readable by others (chmod 600)", path.display()),
                });
            }
        }
        let mut text = String::new();
        use std::io::Read;
        file.take(1024 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| io_fault(&e, "read", &path))?;
        Ok(Some(text))
    }

    fn set(&self, name: &str, value: &str) -> std::result::Result<(), StoreError> {
        self.still_private()?;
        let path = self.path(name)?;
        self.connection_dir(&path, true)?;
        crate::fsutil::write_atomic(&path, value.as_bytes()).map_err(|e| StoreError {
            fault: KeychainFault::Failed,
            detail: e.message(crate::Lang::En),
        })
    }

    fn delete(&self, name: &str) -> std::result::Result<(), StoreError> {
        let path = self.path(name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_fault(&e, "delete", &path)),
        }
    }

    /// Two processes on the same folder take turns; the lock lives with the secrets.
    fn lock_path(&self) -> Option<PathBuf> {
        Some(self.dir.join(".lexguard.lock"))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn secrets_are_private_files_in_a_private_folder() {
        let base = tempfile::tempdir().expect("dir");
        let dir = base.path().join("secrets");
        let store = FileStore::open(&dir).expect("open");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(store.get("tokens").expect("empty"), None);
        store.set("tokens", "{\"a\":1}").expect("set");
        assert_eq!(
            store.get("tokens").expect("get").as_deref(),
            Some("{\"a\":1}")
        );
        assert_eq!(mode(&dir.join("tokens")), 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(leftovers, vec!["tokens".to_string()], "no temp files");
        store.delete("tokens").expect("delete");
        store.delete("tokens").expect("idempotent");
        assert_eq!(store.get("tokens").expect("gone"), None);
    }

    #[test]
    fn a_named_connections_entries_are_in_a_private_folder_of_their_own() {
        let base = tempfile::tempdir().expect("dir");
        let dir = base.path().join("secrets");
        let store = FileStore::open(&dir).expect("open");
        assert_eq!(store.get("b/tokens").expect("none yet"), None);
        assert!(!dir.join("b").exists(), "a read creates nothing");
        store.set("b/tokens", "B").expect("set");
        store.set("tokens", "D").expect("set");
        assert_eq!(store.get("b/tokens").expect("get").as_deref(), Some("B"));
        assert_eq!(store.get("tokens").expect("get").as_deref(), Some("D"));
        assert_eq!(
            (mode(&dir.join("b")), mode(&dir.join("b/tokens"))),
            (0o700, 0o600)
        );
        for bad in ["b/", "/tokens", "b/c/tokens", "../tokens", "B/tokens"] {
            assert!(store.set(bad, "x").is_err(), "{bad}");
        }
        std::fs::set_permissions(dir.join("b"), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        assert!(
            store.get("b/tokens").is_err(),
            "an open connection folder is refused"
        );
        std::fs::set_permissions(dir.join("b"), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        store.delete("b/tokens").expect("delete");
        assert_eq!(store.get("b/tokens").expect("gone"), None);
    }

    #[test]
    fn a_shared_folder_is_refused_with_the_fix() {
        let base = tempfile::tempdir().expect("dir");
        let dir = base.path().join("open");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let e = FileStore::open(&dir).expect_err("refused");
        assert!(e.message(crate::Lang::De).contains("chmod 700"));
        assert_eq!(mode(&dir), 0o777, "never chmod-ed behind the user's back");
        // Opened fine, then opened up: every call checks again.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let store = FileStore::open(&dir).expect("private now");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(store.get("tokens").is_err());
        assert!(store.set("tokens", "x").is_err());
    }

    #[test]
    fn symlinks_are_refused_for_the_folder_and_the_files() {
        let base = tempfile::tempdir().expect("dir");
        let real = base.path().join("real");
        std::fs::create_dir(&real).expect("mkdir");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let link = base.path().join("link");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        assert!(FileStore::open(&link).is_err());

        let store = FileStore::open(&real).expect("open");
        let elsewhere = base.path().join("elsewhere");
        std::fs::write(&elsewhere, "not yours").expect("write");
        std::os::unix::fs::symlink(&elsewhere, real.join("tokens")).expect("symlink");
        assert!(store.get("tokens").is_err(), "not followed on read");
        store
            .set("tokens", "mine")
            .expect("replaces the link itself");
        assert_eq!(
            std::fs::read_to_string(&elsewhere).expect("read"),
            "not yours"
        );
        assert_eq!(store.get("tokens").expect("get").as_deref(), Some("mine"));
    }

    #[test]
    fn a_file_others_can_read_is_refused() {
        let base = tempfile::tempdir().expect("dir");
        let store = FileStore::open(base.path().join("s")).expect("open");
        store.set("api-key", "k").expect("set");
        let file = store.dir().join("api-key");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(store.get("api-key").is_err());
    }
}

#[cfg(all(test, not(unix)))]
mod refused {
    use super::*;

    #[test]
    fn the_file_store_is_refused_with_the_fix() {
        let base = tempfile::tempdir().expect("dir");
        let e = FileStore::open(base.path().join("secrets")).expect_err("refused");
        assert!(
            e.message(crate::Lang::De)
                .contains("Anmeldeinformationsverwaltung")
        );
        assert!(e.message(crate::Lang::En).contains("Credential Manager"));
        assert!(!base.path().join("secrets").exists(), "nothing created");
    }
}
