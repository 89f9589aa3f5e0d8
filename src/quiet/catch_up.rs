//! The catch-up: what a quiet channel held back is told once when the quiet ends, if the
//! trouble is still there; a state that healed meanwhile is not told at all.
//!
//! Each channel remembers in its own small file (`quiet-held-<channel>.json` in the data
//! folder) that it held something back, so the app (desktop) and `serve` or a cron `tick`
//! (webhook, command) never overwrite each other's memory, and a one-shot `tick` an hour
//! later still knows.

use super::Channel;
use crate::state::ConnState;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// What a channel does with this status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Send the notice; `catch_up` when it also stands for what quiet held back.
    Send { catch_up: bool },
    /// Quiet: not sent, remembered.
    Hold,
    /// The quiet is over and the trouble is still there: one catch-up with the current state.
    CatchUp,
    /// Nothing to send.
    Nothing,
}

/// Trouble worth a catch-up: anything but healthy (or a deliberate disconnect).
pub fn unhealthy(state: ConnState) -> bool {
    matches!(state, ConnState::Degraded | ConnState::AuthLost)
}

/// The rule, pure: `held` (something was held back before), is the channel `quiet` now, does
/// this status bring a `notice`, is the state `unhealthy`. Returns the delivery and whether
/// something is held back afterwards.
pub fn decide(held: bool, quiet: bool, notice: bool, unhealthy: bool) -> (Delivery, bool) {
    match (quiet, notice, held) {
        (true, true, _) => (Delivery::Hold, true),
        (true, false, held) => (Delivery::Nothing, held),
        (false, true, held) => (
            Delivery::Send {
                catch_up: held && unhealthy,
            },
            false,
        ),
        (false, false, true) if unhealthy => (Delivery::CatchUp, false),
        (false, false, _) => (Delivery::Nothing, false),
    }
}

/// One channel's memory file.
#[derive(Debug, Clone)]
pub struct Held {
    file: PathBuf,
}

impl Held {
    pub fn of(data_dir: &Path, channel: Channel) -> Held {
        Held {
            file: data_dir.join(format!("quiet-held-{}.json", channel.name())),
        }
    }

    pub fn is_set(&self) -> bool {
        self.file.exists()
    }

    /// Applies [`decide`] and remembers the outcome. A memory that cannot be written is
    /// logged: at worst a catch-up is missed, a check never fails for it.
    pub fn pass(
        &self,
        quiet: bool,
        notice: bool,
        state: ConnState,
        now: DateTime<Utc>,
    ) -> Delivery {
        let held = self.is_set();
        let (delivery, still) = decide(held, quiet, notice, unhealthy(state));
        let written = match (held, still) {
            (false, true) => crate::fsutil::write_atomic(
                &self.file,
                format!("{{\"since\":\"{}\"}}\n", now.to_rfc3339()).as_bytes(),
            ),
            (true, false) => std::fs::remove_file(&self.file)
                .or_else(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Ok(()),
                    _ => Err(e),
                })
                .map_err(|e| crate::Error::io(&self.file, e)),
            _ => Ok(()),
        };
        if let Err(e) = written {
            tracing::warn!(error = %e.message(crate::Lang::En), "quiet memory not written");
        }
        delivery
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_back_then_still_in_trouble_catches_up_once() {
        // Lost while quiet: held.
        let (d, held) = decide(false, true, true, true);
        assert_eq!((d, held), (Delivery::Hold, true));
        // Quiet goes on, no new notice: nothing, still held.
        assert_eq!(decide(held, true, false, true), (Delivery::Nothing, true));
        // Quiet over, still lost: one catch-up …
        let (d, held) = decide(held, false, false, true);
        assert_eq!((d, held), (Delivery::CatchUp, false));
        // … and only one.
        assert_eq!(decide(held, false, false, true), (Delivery::Nothing, false));
    }

    #[test]
    fn healed_meanwhile_is_not_told() {
        let (_, held) = decide(false, true, true, true); // lost, held
        let (d, held) = decide(held, true, true, false); // healed, held too
        assert_eq!(d, Delivery::Hold);
        assert_eq!(
            decide(held, false, false, false),
            (Delivery::Nothing, false)
        );
    }

    #[test]
    fn a_notice_at_the_end_of_quiet_is_the_catch_up() {
        let (_, held) = decide(false, true, true, true);
        assert_eq!(
            decide(held, false, true, true),
            (Delivery::Send { catch_up: true }, false)
        );
        // Not quiet, nothing held: ordinary.
        assert_eq!(
            decide(false, false, true, true),
            (Delivery::Send { catch_up: false }, false)
        );
        assert_eq!(
            decide(false, false, false, true),
            (Delivery::Nothing, false)
        );
    }

    #[test]
    fn the_memory_survives_the_process() {
        let dir = tempfile::tempdir().expect("dir");
        let now = Utc::now();
        let webhook = Held::of(dir.path(), Channel::Webhook);
        assert_eq!(
            webhook.pass(true, true, ConnState::AuthLost, now),
            Delivery::Hold
        );
        assert!(Held::of(dir.path(), Channel::Webhook).is_set());
        assert!(
            !Held::of(dir.path(), Channel::Command).is_set(),
            "per channel"
        );
        let later = Held::of(dir.path(), Channel::Webhook);
        assert_eq!(
            later.pass(false, false, ConnState::AuthLost, now),
            Delivery::CatchUp
        );
        assert!(!later.is_set());
    }
}
