//! An append-only, size-capped log of what lexguard did: refreshes, gaps, failures, state
//! changes, webhook syncs. One JSON object a line; never a secret (events carry none).

use crate::error::{Error, Result};
use crate::event::Event;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
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
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    if f.metadata().map(|m| m.len()).unwrap_or(0) > MAX_BYTES {
        trim(path)?;
    }
    Ok(())
}

fn trim(path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let lines: Vec<&str> = text.lines().collect();
    let keep = lines[lines.len() / 2..].join("\n") + "\n";
    crate::fsutil::write_atomic(path, keep.as_bytes())
}

/// The newest `n` entries, newest first. Lines that do not parse (a newer version's) are
/// skipped.
pub fn read(path: &Path, n: usize) -> Result<Vec<Entry>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(Error::io(path, e)),
    };
    Ok(text
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str(l).ok())
        .take(n)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ConnState;

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
}
