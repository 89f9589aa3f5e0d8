//! Other programs use the connection lexguard keeps (issue 15): `lexguard token --json`, the
//! token folder (files another user may read) and a local API proxy that adds the bearer.
//!
//! Only access tokens (or the public API key) leave lexguard, and only through what the user
//! configured under `[share]`; the refresh token never does.

mod config;
pub mod doctor;
mod fair_queue;
mod forward;
pub mod local_key;
pub mod proxy;
mod proxy_state;
pub mod stats;
pub mod token_files;
mod token_json;

pub use config::{ProxyAddr, ShareConfig, parse_proxy};
pub use stats::{ShareStats, ShareStatus};
pub use token_json::TokenJson;

use crate::error::Result;

/// The numeric id of `[share] group` (`None`: no group configured).
pub fn group_id(group: Option<&str>) -> Result<Option<u32>> {
    let Some(name) = group else {
        return Ok(None);
    };
    #[cfg(unix)]
    {
        match nix::unistd::Group::from_name(name) {
            Ok(Some(g)) => Ok(Some(g.gid.as_raw())),
            Ok(None) => Err(crate::Error::invalid(
                format!(
                    "Die Gruppe „{name}“ aus [share] group gibt es auf diesem Rechner nicht. Bitte legen Sie sie an (groupadd {name}) oder tragen Sie die Gruppe des Programms ein, das den Zugang lesen soll (z. B. www-data)."
                ),
                format!(
                    "The group '{name}' from [share] group does not exist on this machine. Please create it (groupadd {name}) or set the group of the program that is to read the credential (e.g. www-data)."
                ),
            )),
            Err(e) => Err(crate::Error::io("/etc/group", std::io::Error::from(e))),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = name;
        Ok(None)
    }
}
