//! What sharing did since the serving process started, for `status --json` (another
//! process): counted in memory by the proxy and written to `share.json` in the data folder at
//! most once a second, off the requests' path (a synced write per request would cost more
//! than forwarding it).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `status --json`'s `share`: counts since the serving process (serve, the app) started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ShareStatus {
    /// The token folder in force, if any.
    pub token_dir: Option<String>,
    /// The proxy's address, if any (`unix:/…` or `127.0.0.1:PORT`).
    pub proxy: Option<String>,
    /// Requests the proxy answered.
    #[ts(type = "number")]
    pub requests: u64,
    /// Requests that had to wait for the shared 2 requests/second.
    #[ts(type = "number")]
    pub waited: u64,
    /// Requests answered 429 (the proxy's own queue was too long, or Lexware's after retries).
    #[ts(type = "number")]
    pub rate_limited: u64,
    /// The last thing that went wrong in sharing (never a token), in English.
    pub last_error: Option<String>,
}

/// The counters of this process, written to `share.json` within a second of a change.
pub struct ShareStats {
    path: PathBuf,
    now: Mutex<ShareStatus>,
    dirty: std::sync::atomic::AtomicBool,
}

impl ShareStats {
    /// Starts from zero (counts are "since start") and keeps `share.json` current for as
    /// long as the returned handle lives (needs a tokio runtime).
    pub fn start(
        data_dir: &Path,
        token_dir: Option<String>,
        proxy: Option<String>,
    ) -> std::sync::Arc<ShareStats> {
        let stats = std::sync::Arc::new(ShareStats {
            path: file(data_dir),
            now: Mutex::new(ShareStatus {
                token_dir,
                proxy,
                ..ShareStatus::default()
            }),
            dirty: Default::default(),
        });
        stats.save();
        let weak = std::sync::Arc::downgrade(&stats);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
            while let Some(stats) = {
                every.tick().await;
                weak.upgrade()
            } {
                if stats.dirty.swap(false, std::sync::atomic::Ordering::SeqCst) {
                    stats.save();
                }
            }
        });
        stats
    }

    pub fn update(&self, f: impl FnOnce(&mut ShareStatus)) {
        f(&mut self.now.lock().unwrap_or_else(|e| e.into_inner()));
        self.dirty.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn snapshot(&self) -> ShareStatus {
        self.now.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn save(&self) {
        let snapshot = self.snapshot();
        if let Ok(bytes) = serde_json::to_vec(&snapshot)
            && let Err(e) = crate::fsutil::write_atomic(&self.path, &bytes)
        {
            tracing::debug!(error = %e, "share.json not written");
        }
    }
}

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("share.json")
}

/// The last counts a serving process wrote; `None` without `[share]`.
pub fn read(data_dir: &Path) -> Option<ShareStatus> {
    let bytes = std::fs::read(file(data_dir)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A failure of a token file write (no proxy running) goes into `share.json` too.
pub fn note_error(data_dir: &Path, error: &str) {
    let mut s = read(data_dir).unwrap_or_default();
    if s.last_error.as_deref() == Some(error) {
        return;
    }
    s.last_error = Some(error.to_string());
    if let Ok(bytes) = serde_json::to_vec(&s) {
        let _ = crate::fsutil::write_atomic(&file(data_dir), &bytes);
    }
}
