//! The proxy's local key (aws-vault's per-consumer key): on TCP every request must carry
//! `Authorization: Bearer <local key>` — exactly what a Lexware library sends as its "API key",
//! so a program needs no change but its base URL and key. Created on first use (`lexguard
//! share key` or the proxy's start), 0600 in the data folder, 0640 with `[share] group`.
//! It opens only the proxy on this machine; it is never a Lexware credential.

use crate::error::{Error, Result};
use base64::Engine as _;
use std::path::{Path, PathBuf};

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("share-key")
}

/// The key, created (32 random bytes, base64url) when there is none yet.
pub fn get_or_create(data_dir: &Path, gid: Option<u32>) -> Result<String> {
    let file = path(data_dir);
    match std::fs::read_to_string(&file) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&file, e)),
    }
    crate::fsutil::ensure_dir(data_dir)?;
    let mut bytes = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    let key = format!(
        "lgk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    super::token_files::write_shared(&file, format!("{key}\n").as_bytes(), gid)?;
    Ok(key)
}

/// Whether `header` (the request's `Authorization`) is `Bearer <key>`; compared by digest, so
/// the time taken says nothing about how much of the key was right.
pub fn matches(header: Option<&str>, key: &str) -> bool {
    use sha2::Digest;
    let Some(given) = header.and_then(|h| {
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
    }) else {
        return false;
    };
    sha2::Sha256::digest(given.trim().as_bytes()) == sha2::Sha256::digest(key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_private_and_compared_exactly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = get_or_create(dir.path(), None).expect("create");
        assert!(key.starts_with("lgk_") && key.len() > 40, "{key}");
        assert_eq!(get_or_create(dir.path(), None).expect("again"), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let mode = std::fs::metadata(path(dir.path())).expect("meta").mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches(Some(&format!("Bearer {key}")), &key));
        assert!(!matches(Some(&format!("Bearer {key}x")), &key));
        assert!(!matches(Some(&key), &key));
        assert!(!matches(None, &key));
    }
}
