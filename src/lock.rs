//! One lexguard at a time touches the token pair: an in-process mutex plus a lock file in
//! the data directory, so a `lexguard tick` from cron and the tray app never refresh with the
//! same (rotating) refresh token.

use crate::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::Duration;

/// Held while the guard lives; the OS releases the lock if the process dies.
pub struct FileLock {
    _file: File,
}

/// How long to wait for another process before giving up with [`Error::Busy`]. A holder does
/// at most one token request (90 s) and a few API requests of 30 s each.
pub const WAIT: Duration = Duration::from_secs(180);

/// Where the lock of a secret's scope lives: one folder per user, independent of
/// `LEXGUARD_HOME`, so a tray app with the default folders and a cron job with its own
/// `LEXGUARD_HOME` still take turns on the same keychain entry. `None` without a home folder.
pub fn scoped_path(scope: &str) -> Option<std::path::PathBuf> {
    let name: String = scope
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dirs = directories::BaseDirs::new()?;
    Some(
        dirs.data_local_dir()
            .join("lexguard")
            .join("locks")
            .join(format!("{name}.lock")),
    )
}

pub async fn acquire(path: &Path, wait: Duration) -> Result<FileLock> {
    if let Some(dir) = path.parent() {
        crate::fsutil::ensure_dir(dir)?;
    }
    let file = crate::fsutil::open_private(
        path,
        File::options().create(true).truncate(false).write(true),
    )?;
    // Our own file, maybe from a version that made it 0644: private from now on (via the fd,
    // so nothing can be swapped in between).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(path, e))?;
    }
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(FileLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                if tokio::time::Instant::now() >= deadline {
                    return Err(Error::Busy);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn second_holder_waits_then_gets_busy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.lock");
        let first = acquire(&path, WAIT).await.expect("first");
        let second = acquire(&path, Duration::from_millis(100)).await;
        assert!(matches!(second, Err(Error::Busy)));
        drop(first);
        acquire(&path, Duration::from_millis(100))
            .await
            .expect("free again");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_lock_file_is_private_and_never_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("lexguard.lock");
        std::fs::write(&path, b"").expect("old lock file");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        drop(acquire(&path, WAIT).await.expect("lock"));
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"").expect("victim");
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let link = dir.path().join("link.lock");
        std::os::unix::fs::symlink(&victim, &link).expect("link");
        let e = acquire(&link, WAIT).await.err().expect("refused");
        assert!(
            e.message(crate::Lang::De).contains("symbolischer Link"),
            "{e}"
        );
        let mode = std::fs::metadata(&victim)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "the link target is untouched");
    }
}
