//! Where a connection's files are: `default` in the data folder itself (as before names
//! existed), every other connection NAME in `connections/NAME/` beneath it. Everything below
//! [`Home`] (state, history, alert memory, lock, rescue file) follows without callers knowing.

use super::name::ConnectionName;
use crate::config::Home;
use std::path::PathBuf;

/// The folder that holds the named connections' folders.
const FOLDER: &str = "connections";

impl Home {
    /// The folder with every named connection's own folder.
    pub fn connections_dir(&self) -> PathBuf {
        self.data_dir.join(FOLDER)
    }

    /// The files of connection `name`: `self` for `default`; else its own folder, with its
    /// own optional `config.toml` (which [`super::inherit`] lays over the top-level one).
    pub fn connection(&self, name: &ConnectionName) -> Home {
        if name.is_default() {
            return self.clone();
        }
        let dir = self.connections_dir().join(name.as_str());
        Home {
            config_file: dir.join("config.toml"),
            data_dir: dir,
        }
    }
}

/// The connection whose data folder `data_dir` is: NAME for `connections/NAME`, else
/// `default` (how parts that only know their folder, like the alerts, name it).
pub fn name_of(data_dir: &std::path::Path) -> ConnectionName {
    let parent = data_dir.parent().and_then(|p| p.file_name());
    match (parent, data_dir.file_name().and_then(|n| n.to_str())) {
        (Some(p), Some(n)) if p == FOLDER => {
            ConnectionName::parse(n).unwrap_or_else(|_| ConnectionName::default_name())
        }
        _ => ConnectionName::default_name(),
    }
}

/// Every connection there is, sorted, `default` first: the folders under `connections/`
/// with a valid name, and `default` when it is connected (or lost: it has a mode) or when
/// it is the only one (an installation without names, or a new one). An unused `default`
/// beside named connections is no connection (it would make every listing "not connected").
pub fn names(home: &Home) -> Vec<ConnectionName> {
    let mut named: Vec<ConnectionName> = std::fs::read_dir(home.connections_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| ConnectionName::parse(n).ok())
        })
        .filter(|n| !n.is_default())
        .collect();
    named.sort();
    let used =
        crate::state::Persisted::load(&home.state_file()).is_ok_and(|st| st.mode().is_some());
    if named.is_empty() || used {
        named.insert(0, ConnectionName::default_name());
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keeps_the_old_places_and_names_get_their_own_folder() {
        let home = Home::at("/h");
        let d = home.connection(&ConnectionName::default_name());
        assert_eq!(d, home);
        assert_eq!(d.state_file(), PathBuf::from("/h/state.json"));
        let b = home.connection(&ConnectionName::parse("b").expect("valid"));
        assert_eq!(b.state_file(), PathBuf::from("/h/connections/b/state.json"));
        assert_eq!(
            b.lock_file(),
            PathBuf::from("/h/connections/b/lexguard.lock")
        );
        assert_eq!(b.config_file, PathBuf::from("/h/connections/b/config.toml"));
        assert_eq!(name_of(&b.data_dir).as_str(), "b");
        assert!(name_of(&home.data_dir).is_default());
        assert!(name_of(std::path::Path::new("/")).is_default());
    }

    #[test]
    fn listing_finds_named_folders_and_default_when_it_is_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = Home::at(dir.path());
        let only = names(&home);
        assert_eq!(only, vec![ConnectionName::default_name()]);
        for n in ["zeta", "alpha", "Not-A-Name"] {
            std::fs::create_dir_all(home.connections_dir().join(n)).expect("mkdir");
        }
        let listed: Vec<String> = names(&home).iter().map(|n| n.to_string()).collect();
        assert_eq!(listed, ["alpha", "zeta"]);
        // Ticked but never connected: not a connection of its own.
        std::fs::write(home.state_file(), "{}").expect("state");
        assert_eq!(names(&home).len(), 2);
        let st = crate::state::sample(serde_json::json!({
            "mode": crate::state::Mode::OAuth,
        }));
        std::fs::write(home.state_file(), serde_json::to_vec(&st).expect("json")).expect("state");
        let listed: Vec<String> = names(&home).iter().map(|n| n.to_string()).collect();
        assert_eq!(listed, ["default", "alpha", "zeta"]);
    }
}
