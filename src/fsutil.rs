//! Small file helpers: atomic, private writes into folders only this user can change.
//!
//! lexguard's files hold no secret, but the state file decides when a refresh is due and the
//! lock file keeps two processes from spending the same refresh token. So nobody else may be
//! able to swap them: folders must be the user's own and not writable by others, files are
//! created exclusively (never through a planted symlink) and are private (0600).

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to a fresh temp file beside `path` (`.NAME.<random>.tmp`, created
/// exclusively, never through a symlink, mode 0600), syncs it, then renames it over `path`,
/// so a crash never leaves half a file. A symlink at `path` is replaced, not written through.
/// On any failure the temp file is removed (`tempfile` deletes it when dropped).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    ensure_dir(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .make_in(dir, open_new)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    // The rename itself must survive a power cut too; a folder that cannot be synced (some
    // network file systems) still got the complete file.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `O_CREAT | O_EXCL | O_NOFOLLOW`, mode 0600: fails if anything (a file, a symlink) exists.
fn open_new(path: &Path) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    private(&mut opts);
    opts.open(path)
}

/// Mode 0600 for a new file and `O_NOFOLLOW`: a symlink at the path is an error, not followed.
fn private(opts: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = opts;
}

/// Opens one of lexguard's own files (history, lock) with `opts`, private (0600 when
/// created) and never through a symlink: a symlink there gets an error that says what to do.
pub fn open_private(path: &Path, opts: &mut OpenOptions) -> Result<File> {
    private(opts);
    opts.open(path).map_err(|e| {
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            symlink_refused(path)
        } else {
            Error::io(path, e)
        }
    })
}

fn symlink_refused(path: &Path) -> Error {
    let p = path.display();
    Error::invalid(
        format!(
            "{p} ist ein symbolischer Link. lexguard folgt dort keinen Links, damit niemand seine Dateien umleiten kann. Bitte löschen Sie den Link (rm {p}); lexguard legt die Datei dann neu an."
        ),
        format!(
            "{p} is a symbolic link. lexguard follows no links there, so nobody can redirect its files. Please delete the link (rm {p}); lexguard then creates the file anew."
        ),
    )
}

/// Creates missing folders (0700 on Unix). A folder that already exists is never changed
/// (it may be shared on purpose), but it is refused when another user could swap lexguard's
/// files in it: owned by someone else, or writable by group or world.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Error::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
        let me = rustix::process::geteuid().as_raw();
        if let Some(problem) = unsafe_folder(meta.mode(), meta.uid(), me) {
            return Err(folder_refused(dir, problem));
        }
    }
    Ok(())
}

/// Why a folder is not safe for lexguard's files.
#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FolderProblem {
    OtherOwner,
    WritableByOthers,
}

/// The rule of [`ensure_dir`] on the folder's mode and owner (root may use any folder it
/// owns; nobody a folder owned by someone else).
#[cfg(unix)]
fn unsafe_folder(mode: u32, owner: u32, me: u32) -> Option<FolderProblem> {
    if owner != me {
        Some(FolderProblem::OtherOwner)
    } else if mode & 0o022 != 0 {
        Some(FolderProblem::WritableByOthers)
    } else {
        None
    }
}

#[cfg(unix)]
fn folder_refused(dir: &Path, problem: FolderProblem) -> Error {
    let d = dir.display();
    match problem {
        FolderProblem::OtherOwner => Error::invalid(
            format!(
                "Der Ordner {d} gehört einem anderen Benutzer; lexguard legt seine Dateien dort nicht ab. Bitte wählen Sie mit LEXGUARD_HOME einen eigenen Ordner oder übernehmen Sie diesen (chown)."
            ),
            format!(
                "The folder {d} belongs to another user; lexguard keeps no files there. Please choose a folder of your own with LEXGUARD_HOME or take this one over (chown)."
            ),
        ),
        FolderProblem::WritableByOthers => Error::invalid(
            format!(
                "Der Ordner {d} ist auch für andere Benutzer beschreibbar; sie könnten lexguards Dateien austauschen. Bitte schränken Sie die Rechte ein (chmod 700 {d}) oder wählen Sie mit LEXGUARD_HOME einen anderen Ordner."
            ),
            format!(
                "The folder {d} is writable by other users; they could swap lexguard's files. Please restrict it (chmod 700 {d}) or choose another folder with LEXGUARD_HOME."
            ),
        ),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::Lang;
    use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").mode() & 0o777
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect()
    }

    #[test]
    fn writes_privately_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        write_atomic(&path, b"one").expect("write");
        write_atomic(&path, b"two").expect("overwrite");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        assert_eq!(mode(&path), 0o600);
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }

    #[test]
    fn a_planted_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").expect("victim");
        let path = dir.path().join("state.json");
        // The temp name the old code used (predictable) and the target itself.
        symlink(
            &victim,
            path.with_extension(format!("tmp{}", std::process::id())),
        )
        .expect("link");
        let target_link = dir.path().join("config.toml");
        symlink(&victim, &target_link).expect("link");
        write_atomic(&path, b"new").expect("write");
        write_atomic(&target_link, b"new").expect("write over link");
        assert_eq!(std::fs::read(&victim).expect("victim"), b"keep");
        assert!(
            !std::fs::symlink_metadata(&target_link)
                .expect("meta")
                .file_type()
                .is_symlink(),
            "the link itself was replaced"
        );
    }

    #[test]
    fn a_failed_write_removes_its_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::create_dir(&path).expect("a folder in the way");
        std::fs::write(path.join("x"), b"x").expect("non-empty");
        assert!(write_atomic(&path, b"data").is_err());
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }

    #[test]
    fn new_folders_are_private_existing_ones_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let nested = dir.path().join("a").join("b");
        ensure_dir(&nested).expect("create");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&nested), 0o700);
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        ensure_dir(&shared).expect("0755 is fine");
        assert_eq!(mode(&shared), 0o755, "never chmod an existing folder");
    }

    #[test]
    fn a_folder_others_can_write_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let open = dir.path().join("open");
        std::fs::create_dir(&open).expect("mkdir");
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o770)).expect("chmod");
        let e = ensure_dir(&open).expect_err("group-writable");
        let de = e.message(Lang::De);
        assert!(
            de.contains(&format!("chmod 700 {}", open.display())),
            "{de}"
        );
        assert!(de.contains("LEXGUARD_HOME"), "{de}");
        assert_eq!(mode(&open), 0o770, "left as it was");
        let e = write_atomic(&open.join("state.json"), b"x").expect_err("not written");
        assert!(e.message(Lang::En).contains("writable by other users"));
        assert!(!open.join("state.json").exists());
    }

    #[test]
    fn the_folder_rule() {
        assert_eq!(unsafe_folder(0o40700, 1000, 1000), None);
        assert_eq!(unsafe_folder(0o40755, 1000, 1000), None);
        assert_eq!(
            unsafe_folder(0o40700, 0, 1000),
            Some(FolderProblem::OtherOwner)
        );
        assert_eq!(
            unsafe_folder(0o41777, 1000, 1000),
            Some(FolderProblem::WritableByOthers)
        );
        assert_eq!(
            unsafe_folder(0o40720, 1000, 1000),
            Some(FolderProblem::WritableByOthers)
        );
        let msg = folder_refused(Path::new("/srv/x"), FolderProblem::OtherOwner).message(Lang::De);
        assert!(
            msg.contains("/srv/x") && msg.contains("LEXGUARD_HOME"),
            "{msg}"
        );
    }

    #[test]
    fn open_private_refuses_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").expect("victim");
        let link = dir.path().join("history.jsonl");
        symlink(&victim, &link).expect("link");
        let e =
            open_private(&link, OpenOptions::new().append(true).create(true)).expect_err("refused");
        assert!(e.message(Lang::De).contains("symbolischer Link"));
        assert_eq!(std::fs::read(&victim).expect("victim"), b"keep");
    }
}
