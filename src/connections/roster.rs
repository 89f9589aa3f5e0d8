//! The connections a long-running keeper (`serve`, the tray app) keeps alive: which ones
//! there are now, which are new since the last look (the CLI made them while it ran) and
//! which went (`connections remove`). One place for this, so `serve` and the app pick up and
//! drop connections by the same rule.

use super::{ConnectionName, engine_in, exists, names};
use crate::config::Home;
use crate::engine::Engine;
use crate::error::Error;
use crate::state::ConnState;
use crate::text::i18n::Lang;
use std::collections::BTreeSet;
use std::time::Duration;

/// How often a keeper looks for new and removed connections.
pub const LOOK_EVERY: Duration = Duration::from_secs(15);

/// What changed since the last look.
#[derive(Default)]
pub struct Look {
    /// New connections, each with its engine (opened, nothing started).
    pub added: Vec<(ConnectionName, Engine)>,
    /// Connections whose engine could not be opened (a broken `config.toml` of their own);
    /// tried again at the next look.
    pub failed: Vec<(ConnectionName, Error)>,
    /// Connections whose folder is gone: their keeper stops.
    pub removed: Vec<ConnectionName>,
}

/// The connections one keeper runs.
pub struct Roster {
    base: Home,
    lang: Lang,
    kept: BTreeSet<ConnectionName>,
}

impl Roster {
    pub fn new(base: Home, lang: Lang) -> Roster {
        Roster {
            base,
            lang,
            kept: BTreeSet::new(),
        }
    }

    /// The data folder the connections live in.
    pub fn base(&self) -> &Home {
        &self.base
    }

    /// Marks `name` as kept by the caller already (it opened that engine itself).
    pub fn keep(&mut self, name: ConnectionName) {
        self.kept.insert(name);
    }

    /// Whether `name` is kept now.
    pub fn is_kept(&self, name: &ConnectionName) -> bool {
        self.kept.contains(name)
    }

    /// Opens connection `name` (creating its folder) and keeps it: a connection added in
    /// the app, which must run before it is connected (an unused `default` beside named
    /// connections is not listed by [`names`]).
    pub fn open(&mut self, name: &ConnectionName) -> Result<Engine, Error> {
        super::create(&self.base, name)?;
        let engine = engine_in(&self.base, self.lang, name)?;
        self.kept.insert(name.clone());
        Ok(engine)
    }

    /// Looks at the folder: connections new since the last look (opened) and the ones
    /// whose folder is gone. `default` is never removed (it has no folder of its own).
    pub fn look(&mut self) -> Look {
        let mut look = Look::default();
        for name in names(&self.base) {
            if self.kept.contains(&name) {
                continue;
            }
            match engine_in(&self.base, self.lang, &name) {
                Ok(engine) => {
                    self.kept.insert(name.clone());
                    look.added.push((name, engine));
                }
                Err(e) => look.failed.push((name, e)),
            }
        }
        let gone: Vec<ConnectionName> = self
            .kept
            .iter()
            .filter(|n| !exists(&self.base, n))
            .cloned()
            .collect();
        for name in gone {
            self.kept.remove(&name);
            look.removed.push(name);
        }
        look
    }
}

/// The worst of several connections' states (what one icon for all of them shows): lost,
/// then not connected, then degraded, then healthy. `NotConnected` for none.
pub fn worst(states: impl IntoIterator<Item = ConnState>) -> ConnState {
    let rank = |s: ConnState| match s {
        ConnState::Healthy => 0,
        ConnState::Degraded => 1,
        ConnState::NotConnected => 2,
        ConnState::AuthLost => 3,
    };
    states
        .into_iter()
        .max_by_key(|s| rank(*s))
        .unwrap_or(ConnState::NotConnected)
}

/// How a person tells connections apart: the company Lexware named, else the name.
pub fn label(name: &ConnectionName, company: Option<&str>) -> String {
    company
        .filter(|c| !c.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_finds_new_connections_once_and_removed_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = Home::at(dir.path());
        let mut roster = Roster::new(home.clone(), Lang::De);
        roster.keep(ConnectionName::default_name());
        let first = roster.look();
        assert!(first.added.is_empty() && first.removed.is_empty());
        std::fs::create_dir_all(home.connections_dir().join("b")).expect("mkdir");
        let look = roster.look();
        let added: Vec<String> = look.added.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(added, ["b"]);
        assert!(roster.look().added.is_empty(), "only once");
        // A broken file of its own: said, and tried again next time.
        std::fs::create_dir_all(home.connections_dir().join("c")).expect("mkdir");
        std::fs::write(home.connections_dir().join("c/config.toml"), "[schedule\n").expect("w");
        assert_eq!(roster.look().failed.len(), 1);
        assert_eq!(roster.look().failed.len(), 1);
        std::fs::remove_dir_all(home.connections_dir().join("b")).expect("rm");
        let look = roster.look();
        let removed: Vec<String> = look.removed.iter().map(|n| n.to_string()).collect();
        assert_eq!(removed, ["b"]);
        assert!(roster.is_kept(&ConnectionName::default_name()));
        let d = roster.open(&ConnectionName::parse("d").expect("valid"));
        assert!(d.is_ok() && home.connections_dir().join("d").is_dir());
        assert!(
            roster.look().added.is_empty(),
            "opened ones are kept already"
        );
    }

    #[test]
    fn the_worst_state_and_the_label() {
        use ConnState::*;
        assert_eq!(worst([Healthy, Degraded]), Degraded);
        assert_eq!(worst([Healthy, AuthLost, Degraded]), AuthLost);
        assert_eq!(worst([Healthy, NotConnected]), NotConnected);
        assert_eq!(worst([Healthy]), Healthy);
        assert_eq!(worst([]), NotConnected);
        let b = ConnectionName::parse("b").expect("valid");
        assert_eq!(label(&b, Some("Muster GmbH")), "Muster GmbH");
        assert_eq!(label(&b, None), "b");
        assert_eq!(label(&b, Some(" ")), "b");
    }
}
