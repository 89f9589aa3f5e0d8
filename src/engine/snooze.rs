//! The snooze as an operation: set or end it for every lexguard process, and show it at once
//! on every surface of this one (the tray line, the window).

use super::Engine;
use crate::error::Result;
use crate::quiet::{Quiet, SnoozeRequest};
use crate::status::Status;
use chrono::{DateTime, Utc};

impl Engine {
    /// The quiet rules of this engine's configuration and data folder.
    pub fn quiet(&self) -> Quiet {
        Quiet::new(&self.config(), &self.inner.home.data_dir)
    }

    /// `snooze 1h`, `snooze until 08:00`, `snooze off`: stores it and publishes the status.
    /// Returns the end (`None`: switched off) and the status with it.
    pub fn snooze(&self, request: SnoozeRequest) -> Result<(Option<DateTime<Utc>>, Status)> {
        let quiet = self.quiet();
        let until = request.until(self.now(), quiet.zone());
        quiet.snooze().set(until)?;
        self.republish();
        Ok((until, self.status()?))
    }
}
