//! The token folder (Vault Agent's file sink): `access_token` (the bearer and a newline) and
//! `token.json` (the shape of `lexguard token --json`), for programs that run as another user.
//!
//! Every write is a new file beside the old one (created exclusively, never through a
//! symlink, its group and mode set before a byte is written), synced, then renamed over the
//! old: a reader sees the old file or the new one, never an empty or half one. When the
//! connection is lost or ended the files go, so consumers fail fast instead of sending a dead
//! token. The folder is lexguard's alone: owned by it, writable by nobody else.

use super::TokenJson;
use crate::error::{Error, Result};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const ACCESS_TOKEN: &str = "access_token";
pub const TOKEN_JSON: &str = "token.json";

/// Creates the folder (0750 with a group, else 0700; missing parents as the umask says) or
/// checks an existing one: owned by this user and writable by nobody else, else refused with
/// the fix. With a group, the folder gets that group (so its members may enter it).
pub fn prepare(dir: &Path, gid: Option<u32>) -> Result<()> {
    // Who may read the files is a matter of Unix owner, group and mode; lexguard sets no
    // Windows ACLs yet, so it writes no token where it cannot say who reads it.
    #[cfg(not(unix))]
    {
        let _ = gid;
        Err(Error::invalid(
            format!(
                "Token-Dateien ([share] token_dir = {}) gibt es unter Windows noch nicht: lexguard kann dort nicht festlegen, wer sie lesen darf. Bitte nehmen Sie token_dir aus der Konfiguration; andere Programme holen das Token mit „lexguard token --json“.",
                dir.display()
            ),
            format!(
                "Token files ([share] token_dir = {}) are not available on Windows yet: lexguard cannot set who may read them there. Please remove token_dir from the configuration; other programs get the token with \"lexguard token --json\".",
                dir.display()
            ),
        ))
    }
    #[cfg(unix)]
    prepare_unix(dir, gid)
}

#[cfg(unix)]
fn prepare_unix(dir: &Path, gid: Option<u32>) -> Result<()> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(if gid.is_some() { 0o750 } else { 0o700 });
    }
    match builder.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::io(dir, e)),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
        let me = rustix::process::geteuid().as_raw();
        if !meta.is_dir() || meta.uid() != me {
            return Err(refused(dir, Problem::OtherOwner));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(refused(dir, Problem::WritableByOthers));
        }
        if let Some(gid) = gid
            && meta.gid() != gid
        {
            std::os::unix::fs::lchown(dir, None, Some(gid)).map_err(|e| Error::io(dir, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = gid;
    Ok(())
}

/// Puts `token` into both files unless they already hold exactly it. `Ok(true)`: written.
pub fn publish(dir: &Path, gid: Option<u32>, token: &TokenJson) -> Result<bool> {
    prepare(dir, gid)?;
    if read(dir).as_ref() == Some(token)
        && std::fs::read(dir.join(ACCESS_TOKEN))
            .is_ok_and(|b| b == format!("{}\n", token.access_token).as_bytes())
        && modes_fit(dir, gid)
    {
        return Ok(false);
    }
    // token.json first: a reader of either file gets the new token as early as possible, and
    // one that reads both never finds a newer `access_token` beside an older expiry.
    write_shared(&dir.join(TOKEN_JSON), token.to_line().as_bytes(), gid)?;
    write_shared(
        &dir.join(ACCESS_TOKEN),
        format!("{}\n", token.access_token).as_bytes(),
        gid,
    )?;
    Ok(true)
}

/// Removes both files (absent is fine). `Ok(true)`: something was removed.
pub fn withdraw(dir: &Path) -> Result<bool> {
    let mut removed = false;
    for name in [ACCESS_TOKEN, TOKEN_JSON] {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Ok(()) => removed = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(removed)
}

/// What `token.json` holds now (`None`: missing or unreadable).
pub fn read(dir: &Path) -> Option<TokenJson> {
    let bytes = std::fs::read(dir.join(TOKEN_JSON)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Both files have the group and mode they should have (a changed `group` rewrites them).
fn modes_fit(dir: &Path, gid: Option<u32>) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        [ACCESS_TOKEN, TOKEN_JSON].iter().all(|name| {
            std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| {
                let mode = m.mode() & 0o777;
                match gid {
                    Some(g) => m.gid() == g && mode == 0o640,
                    None => mode == 0o600,
                }
            })
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, gid);
        true
    }
}

/// Temp file beside `path` (exclusive, no symlink followed, 0600), then group and 0640 when
/// shared, the bytes, fsync, rename, and the folder synced.
pub fn write_shared(path: &Path, bytes: &[u8], gid: Option<u32>) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .make_in(dir, |p: &Path| {
            let mut o = OpenOptions::new();
            o.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
            }
            o.open(p)
        })
        .map_err(|e| Error::io(dir, e))?;
    #[cfg(unix)]
    if let Some(gid) = gid {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::fchown(tmp.as_file(), None, Some(gid))
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o640))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = gid;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    OtherOwner,
    WritableByOthers,
}

#[cfg(unix)]
fn refused(dir: &Path, problem: Problem) -> Error {
    let d = dir.display();
    match problem {
        Problem::OtherOwner => Error::invalid(
            format!(
                "Der Ordner {d} für die Token-Dateien gehört nicht dem Benutzer, unter dem lexguard läuft (oder ist kein Ordner); lexguard legt dort keinen Zugang ab. Bitte übernehmen Sie ihn (chown) oder tragen Sie unter [share] einen anderen token_dir ein."
            ),
            format!(
                "The token folder {d} does not belong to the user lexguard runs as (or is not a folder); lexguard puts no credential there. Please take it over (chown) or set another token_dir under [share]."
            ),
        ),
        Problem::WritableByOthers => Error::invalid(
            format!(
                "Der Ordner {d} für die Token-Dateien ist auch für andere beschreibbar; sie könnten die Dateien austauschen. Bitte schränken Sie die Rechte ein: chmod 750 {d}"
            ),
            format!(
                "The token folder {d} is writable by others; they could swap the files. Please restrict it: chmod 750 {d}"
            ),
        ),
    }
}

/// The two files' paths, for doctor and the README's examples.
pub fn paths(dir: &Path) -> [PathBuf; 2] {
    [dir.join(ACCESS_TOKEN), dir.join(TOKEN_JSON)]
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn token(t: &str) -> TokenJson {
        TokenJson::new(t, None, "http://127.0.0.1:1", None, None)
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").mode() & 0o777
    }

    #[test]
    fn written_private_replaced_and_withdrawn() {
        let base = tempfile::tempdir().expect("tempdir");
        let dir = base.path().join("run").join("lexguard");
        assert!(publish(&dir, None, &token("A1")).expect("write"));
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(TOKEN_JSON)), 0o600);
        assert_eq!(
            std::fs::read_to_string(dir.join(ACCESS_TOKEN)).expect("read"),
            "A1\n"
        );
        assert!(
            !publish(&dir, None, &token("A1")).expect("same"),
            "no rewrite"
        );
        assert!(publish(&dir, None, &token("A2")).expect("new"));
        assert_eq!(read(&dir).expect("json").access_token, "A2");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(withdraw(&dir).expect("remove"));
        assert!(!dir.join(ACCESS_TOKEN).exists() && !dir.join(TOKEN_JSON).exists());
        assert!(!withdraw(&dir).expect("again"));
    }

    #[test]
    fn a_folder_others_can_write_is_refused_with_the_fix() {
        let base = tempfile::tempdir().expect("tempdir");
        let dir = base.path().join("open");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let e = publish(&dir, None, &token("A1")).expect_err("refused");
        assert!(
            e.message(crate::Lang::De)
                .contains(&format!("chmod 750 {}", dir.display()))
        );
        assert!(!dir.join(TOKEN_JSON).exists());
    }

    #[test]
    fn a_symlink_in_place_of_a_file_is_replaced_not_followed() {
        let base = tempfile::tempdir().expect("tempdir");
        let dir = base.path().join("t");
        prepare(&dir, None).expect("dir");
        let victim = base.path().join("victim");
        std::fs::write(&victim, "keep").expect("victim");
        std::os::unix::fs::symlink(&victim, dir.join(ACCESS_TOKEN)).expect("link");
        publish(&dir, None, &token("A1")).expect("write");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
    }
}
