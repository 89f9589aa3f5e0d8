//! An append-only, size-capped log of what lexguard did: refreshes, gaps, failures, state
//! changes, webhook syncs. One JSON object a line; never a secret (events carry none).

use crate::error::{Error, Result};
use crate::event::Event;
use crate::text::i18n::Lang;
use crate::text::time_fmt::{self, TimeWords, Zone};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::{Read as _, Write};
use std::path::Path;

/// Above this size the oldest half is dropped.
const MAX_BYTES: u64 = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, rename = "HistoryEntry")]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub event: Event,
}

impl Entry {
    pub fn kind(&self) -> &'static str {
        self.event.kind()
    }
}

pub use crate::history_kind::HistoryKind;

/// One history entry as a person reads it, written by the core (the CLI's `history` and the
/// window show the same words): its time in words and its sentence, as of `now`.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HistoryLine {
    pub at: DateTime<Utc>,
    pub at_words: TimeWords,
    /// `Event::history_kind` (`refresh`, `gap`, ...), what the history filter offers.
    pub kind: HistoryKind,
    /// `Event::describe`: one sentence.
    pub text: String,
    /// The event itself, for programs (never shown as is).
    pub event: Event,
}

/// The lines for `entries`, as of `now` (the engine's clock), in the machine's zone.
pub fn lines(entries: &[Entry], now: DateTime<Utc>, lang: Lang) -> Vec<HistoryLine> {
    lines_in(entries, now, lang, Zone::machine())
}

/// [`lines`] in `zone` (tests pin it).
pub fn lines_in(entries: &[Entry], now: DateTime<Utc>, lang: Lang, zone: Zone) -> Vec<HistoryLine> {
    entries
        .iter()
        .map(|e| HistoryLine {
            at: e.at,
            at_words: time_fmt::words_in(e.at, now, lang, zone),
            kind: e.event.history_kind(),
            text: e.event.describe_in(lang, now, zone),
            event: e.event.clone(),
        })
        .collect()
}

pub fn append(path: &Path, at: DateTime<Utc>, events: &[Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        crate::fsutil::ensure_dir(dir)?;
    }
    let mut text = String::new();
    for event in events {
        let line = serde_json::to_string(&Entry {
            at,
            event: event.clone(),
        })
        .map_err(|e| Error::io(path, e))?;
        text.push_str(&line);
        text.push('\n');
    }
    // Never through a symlink (someone could point it at another file of the user's).
    let mut f =
        crate::fsutil::open_private(path, std::fs::OpenOptions::new().create(true).append(true))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    // Closed before the trim renames over it: Windows refuses to replace an open file.
    drop(f);
    if len > MAX_BYTES {
        trim(path)?;
    }
    Ok(())
}

/// Keeps the newer half of the lines. Lines that are not JSON (a torn write, a disk error)
/// are dropped here rather than making every later append fail.
fn trim(path: &Path) -> Result<()> {
    let bytes = read_bytes(path)?;
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| serde_json::from_slice::<serde_json::Value>(l).is_ok())
        .collect();
    let mut keep = Vec::with_capacity(bytes.len() / 2 + 1);
    for line in &lines[lines.len() / 2..] {
        keep.extend_from_slice(line);
        keep.push(b'\n');
    }
    crate::fsutil::write_atomic(path, &keep)
}

/// The whole file (empty when missing), read without following a symlink.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if let Err(e) = std::fs::symlink_metadata(path)
        && e.kind() == std::io::ErrorKind::NotFound
    {
        return Ok(vec![]);
    }
    let mut f = crate::fsutil::open_private(path, std::fs::OpenOptions::new().read(true))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}

/// The newest `n` entries, newest first. Lines that do not decode (a newer version's, a torn
/// write, invalid UTF-8) are skipped: the history is for reading, never a reason to fail.
pub fn read(path: &Path, n: usize) -> Result<Vec<Entry>> {
    Ok(read_bytes(path)?
        .split(|b| *b == b'\n')
        .rev()
        .filter_map(|l| serde_json::from_slice(l).ok())
        .take(n)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ConnState;

    /// Writes `historyKinds.ts` next to the ts-rs bindings, as `limits` does.
    #[test]
    fn export_history_kinds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
        std::fs::create_dir_all(&dir).expect("bindings dir");
        std::fs::write(dir.join("historyKinds.ts"), HistoryKind::typescript()).expect("write");
    }

    /// The stable names are the wire names, each once.
    #[test]
    fn history_kinds_are_named_as_on_the_wire() {
        let mut seen = std::collections::HashSet::new();
        for k in HistoryKind::ALL {
            assert_eq!(serde_json::to_value(k).expect("json"), k.as_str());
            assert!(seen.insert(k.as_str()), "{k:?} twice");
        }
        assert!(HistoryKind::typescript().contains("  \"auth_lost\","));
    }

    #[test]
    fn capped_and_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.jsonl");
        let now = Utc::now();
        for i in 0..6000 {
            append(
                &path,
                now + chrono::Duration::seconds(i),
                &[Event::StateChanged {
                    from: ConnState::Healthy,
                    to: ConnState::Degraded,
                    reason: None,
                }],
            )
            .expect("append");
        }
        assert!(std::fs::metadata(&path).expect("meta").len() <= MAX_BYTES + 200);
        let newest = read(&path, 2).expect("read");
        assert_eq!(newest.len(), 2);
        assert!(newest[0].at > newest[1].at);
        assert_eq!(newest[0].at, now + chrono::Duration::seconds(5999));
    }

    fn entry_line(at: DateTime<Utc>) -> String {
        serde_json::to_string(&Entry {
            at,
            event: Event::StateChanged {
                from: ConnState::Healthy,
                to: ConnState::Degraded,
                reason: None,
            },
        })
        .expect("json")
    }

    #[test]
    fn undecodable_lines_are_skipped_not_fatal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.jsonl");
        let now = Utc::now();
        let mut bytes = entry_line(now).into_bytes();
        bytes.extend_from_slice(b"\n\xff\xfe{not utf8}\n{\"at\": broken\n");
        bytes.extend_from_slice(entry_line(now + chrono::Duration::seconds(1)).as_bytes());
        bytes.push(b'\n');
        std::fs::write(&path, &bytes).expect("write");
        let entries = read(&path, 10).expect("read");
        assert_eq!(entries.len(), 2);
        assert!(entries[0].at > entries[1].at);
    }

    #[test]
    fn trim_survives_undecodable_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.jsonl");
        let now = Utc::now();
        let mut bytes = b"\xff\xfe garbage\n".to_vec();
        while bytes.len() as u64 <= MAX_BYTES {
            bytes.extend_from_slice(entry_line(now).as_bytes());
            bytes.push(b'\n');
        }
        std::fs::write(&path, &bytes).expect("write");
        let later = now + chrono::Duration::seconds(60);
        append(
            &path,
            later,
            &[Event::StateChanged {
                from: ConnState::Degraded,
                to: ConnState::Healthy,
                reason: None,
            }],
        )
        .expect("append trims despite the bad line");
        assert!(std::fs::metadata(&path).expect("meta").len() < MAX_BYTES);
        assert_eq!(read(&path, 1).expect("read")[0].at, later);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_history_is_refused_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").expect("victim");
        let path = dir.path().join("history.jsonl");
        std::os::unix::fs::symlink(&victim, &path).expect("link");
        let e = append(
            &path,
            Utc::now(),
            &[Event::StateChanged {
                from: ConnState::Healthy,
                to: ConnState::Degraded,
                reason: None,
            }],
        )
        .expect_err("refused");
        assert!(
            e.message(crate::Lang::De).contains("symbolischer Link"),
            "{e}"
        );
        assert_eq!(std::fs::read(&victim).expect("victim"), b"keep");
        use std::os::unix::fs::PermissionsExt;
        let fresh = dir.path().join("fresh.jsonl");
        append(
            &fresh,
            Utc::now(),
            &[Event::StateChanged {
                from: ConnState::Healthy,
                to: ConnState::Degraded,
                reason: None,
            }],
        )
        .expect("append");
        assert_eq!(
            std::fs::metadata(&fresh)
                .expect("meta")
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
}
