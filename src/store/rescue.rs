//! The last resort for a token pair Lexware issued but the keychain refused: a private file in
//! the data folder, so that a process that exits (the CLI, a killed app) does not drop it.
//!
//! The next lexguard run moves it into the keychain and deletes the file. It is the one place a
//! secret touches a file outside the chosen store, and only while the store refuses it: losing
//! the pair would end the connection (the old refresh token is already dead at Lexware).

use super::TokenSet;
use crate::error::Result;
use std::path::Path;

/// The file's name says what it is to a person who finds it.
pub const FILE_NAME: &str = "rescued-lexware-tokens.json";

const NOTE: &str = "Neue Lexware-Zugangsdaten, die der Schlüsselbund nicht angenommen hat. \
lexguard verschiebt sie beim nächsten Lauf in den Schlüsselbund und löscht diese Datei. \
Bitte nicht löschen und nicht weitergeben. / New Lexware credentials the keychain refused; \
lexguard moves them into the keychain at its next run and deletes this file. Do not delete or share.";

/// Writes the pair (0600, atomically, never through a symlink).
pub fn write(path: &Path, tokens: &TokenSet) -> Result<()> {
    let inner: serde_json::Value = serde_json::from_str(&tokens.to_json()).unwrap_or_default();
    let doc = serde_json::json!({ "note": NOTE, "tokens": inner });
    let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    crate::fsutil::write_atomic(path, &bytes)
}

/// The rescued pair, if there is one. A file that cannot be read is left where it is (it may
/// be the only copy) and reported.
pub fn read(path: &Path) -> Option<TokenSet> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "rescue file unreadable");
            return None;
        }
    };
    let doc: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let parsed = TokenSet::from_json(&doc.get("tokens")?.to_string());
    if parsed.is_none() {
        tracing::error!(path = %path.display(), "rescue file not in the expected format; left alone");
    }
    parsed
}

/// Deletes the file once its pair is safe in the keychain (or superseded).
pub fn remove(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => tracing::info!(path = %path.display(), "rescued tokens moved into the keychain"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(path = %path.display(), error = %e, "rescue file not deleted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{AccessToken, RefreshToken};

    #[test]
    fn round_trip_is_private_and_explains_itself() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(FILE_NAME);
        assert!(read(&path).is_none());
        let now = chrono::Utc::now();
        let t = TokenSet {
            access: AccessToken::new("A"),
            refresh: RefreshToken::new("R"),
            expires_at: now,
            issued_at: now,
            connected_at: now,
            scope: None,
        };
        write(&path, &t).expect("write");
        assert_eq!(read(&path), Some(t));
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(text.contains("Schlüsselbund"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        remove(&path);
        assert!(!path.exists());
    }

    #[test]
    fn a_broken_file_is_left_alone() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "{ half").expect("write");
        assert!(read(&path).is_none());
        assert!(path.exists());
    }
}
