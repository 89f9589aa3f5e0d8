//! `[share]` in config.toml: how other programs get the connection (token files, a local
//! API proxy). Off unless configured; the proxy listens on loopback or a unix socket only.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// `[share]` in config.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShareConfig {
    /// The folder for `access_token` and `token.json` (absolute). Absent: off, except under
    /// systemd with a `[share]` section, where `$RUNTIME_DIRECTORY` is the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_dir: Option<PathBuf>,
    /// The group that may read the files, the local key and use the socket (0640/0660).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `"unix:/run/lexguard/api.sock"` or `"127.0.0.1:8478"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
}

/// Where the proxy listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyAddr {
    Unix(PathBuf),
    Tcp(SocketAddr),
}

impl std::fmt::Display for ProxyAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyAddr::Unix(p) => write!(f, "unix:{}", p.display()),
            ProxyAddr::Tcp(a) => write!(f, "{a}"),
        }
    }
}

impl ShareConfig {
    pub fn is_default(&self) -> bool {
        *self == ShareConfig::default()
    }

    /// The token folder in force: the configured one, or systemd's runtime folder when a
    /// `[share]` section exists without one.
    pub fn token_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.token_dir {
            return Some(dir.clone());
        }
        if self.is_default() {
            return None;
        }
        std::env::var_os("RUNTIME_DIRECTORY")
            .and_then(|v| std::env::split_paths(&v).next())
            .filter(|p| p.is_absolute())
    }

    /// The token folder of the connection whose data folder is `data_dir`: `token_dir` itself
    /// for `default` (an installation without names keeps its paths), `token_dir/NAME` for
    /// another, so two organizations never overwrite each other's token.
    pub fn token_dir_of(&self, data_dir: &std::path::Path) -> Option<PathBuf> {
        let dir = self.token_dir()?;
        let name = crate::connections::name_of(data_dir);
        Some(if name.is_default() {
            dir
        } else {
            dir.join(name.as_str())
        })
    }

    /// The proxy's address (`None`: no proxy). Validated config never fails here.
    pub fn proxy_addr(&self) -> Option<ProxyAddr> {
        self.proxy.as_deref().and_then(|p| parse_proxy(p).ok())
    }

    /// Where the proxy serves the connection whose data folder is `data_dir`: for `default`
    /// the configured address; for NAME the same TCP address (the request's local key picks
    /// the connection) or the socket `api-NAME.sock` beside the configured one (the socket
    /// picks it: programs on a socket send no key).
    pub fn proxy_addr_of(&self, data_dir: &Path) -> Option<ProxyAddr> {
        let addr = self.proxy_addr()?;
        let name = crate::connections::name_of(data_dir);
        Some(match addr {
            ProxyAddr::Unix(path) if !name.is_default() => {
                ProxyAddr::Unix(path.with_file_name(format!("api-{name}.sock")))
            }
            other => other,
        })
    }

    /// The rules of the section: `(key, German, English)` of the first problem.
    pub fn check(&self) -> Result<(), (&'static str, String, String)> {
        if let Some(dir) = &self.token_dir
            && !dir.is_absolute()
        {
            let d = dir.display();
            return Err((
                "token_dir",
                format!("„{d}“ muss ein absoluter Pfad sein (z. B. /run/lexguard)."),
                format!("'{d}' must be an absolute path (e.g. /run/lexguard)."),
            ));
        }
        if let Some(g) = &self.group
            && (g.is_empty()
                || g.len() > 32
                || !g
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            return Err((
                "group",
                format!("„{g}“ ist kein gültiger Gruppenname (z. B. \"www-data\")."),
                format!("'{g}' is not a valid group name (e.g. \"www-data\")."),
            ));
        }
        if let Some(p) = &self.proxy {
            parse_proxy(p).map_err(|(de, en)| ("proxy", de, en))?;
        }
        Ok(())
    }
}

/// `unix:/absolute/path` or a loopback `IP:PORT`; anything else is refused with the fix.
pub fn parse_proxy(raw: &str) -> Result<ProxyAddr, (String, String)> {
    if let Some(path) = raw.strip_prefix("unix:") {
        let path = Path::new(path);
        if path.is_absolute() && path.file_name().is_some() {
            return Ok(ProxyAddr::Unix(path.to_path_buf()));
        }
        return Err((
            format!(
                "„{raw}“: nach unix: muss ein absoluter Pfad stehen (z. B. \"unix:/run/lexguard/api.sock\")."
            ),
            format!(
                "'{raw}': unix: must be followed by an absolute path (e.g. \"unix:/run/lexguard/api.sock\")."
            ),
        ));
    }
    match raw.parse::<SocketAddr>() {
        Ok(a) if a.ip().is_loopback() && a.port() != 0 => Ok(ProxyAddr::Tcp(a)),
        Ok(_) => Err((
            format!(
                "„{raw}“ ist keine lokale Adresse. Der Proxy gibt die Lexware-Verbindung weiter und lauscht darum nur auf diesem Rechner: bitte \"127.0.0.1:8478\" oder \"unix:/run/lexguard/api.sock\"."
            ),
            format!(
                "'{raw}' is not a local address. The proxy hands on the Lexware connection, so it listens on this machine only: please use \"127.0.0.1:8478\" or \"unix:/run/lexguard/api.sock\"."
            ),
        )),
        Err(_) => Err((
            format!(
                "„{raw}“ ist keine Adresse. Bitte \"127.0.0.1:8478\" oder \"unix:/run/lexguard/api.sock\" eintragen."
            ),
            format!(
                "'{raw}' is not an address. Please use \"127.0.0.1:8478\" or \"unix:/run/lexguard/api.sock\"."
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_addresses_are_loopback_or_a_socket() {
        // "/run/…" is an absolute path on Unix only.
        #[cfg(unix)]
        assert_eq!(
            parse_proxy("unix:/run/lexguard/api.sock"),
            Ok(ProxyAddr::Unix("/run/lexguard/api.sock".into()))
        );
        assert!(matches!(
            parse_proxy("127.0.0.1:8478"),
            Ok(ProxyAddr::Tcp(_))
        ));
        assert!(matches!(parse_proxy("[::1]:8478"), Ok(ProxyAddr::Tcp(_))));
        for bad in [
            "0.0.0.0:8478",
            "192.168.1.5:8478",
            "unix:api.sock",
            "localhost",
            "127.0.0.1:0",
        ] {
            assert!(parse_proxy(bad).is_err(), "{bad}");
        }
        let (de, en) = parse_proxy("0.0.0.0:8478").expect_err("public");
        assert!(
            de.contains("127.0.0.1:8478") && en.contains("local"),
            "{de}"
        );
    }

    #[test]
    fn the_section_rules() {
        let absolute = if cfg!(windows) {
            r"C:\lexguard"
        } else {
            "/run/lexguard"
        };
        let ok = ShareConfig {
            token_dir: Some(absolute.into()),
            group: Some("www-data".into()),
            proxy: Some("127.0.0.1:8478".into()),
        };
        assert!(ok.check().is_ok());
        let rel = ShareConfig {
            token_dir: Some("run".into()),
            ..ShareConfig::default()
        };
        assert_eq!(rel.check().expect_err("relative").0, "token_dir");
        let group = ShareConfig {
            group: Some("www data".into()),
            ..ShareConfig::default()
        };
        assert_eq!(group.check().expect_err("space").0, "group");
        assert_eq!(ShareConfig::default().token_dir(), None);
        let run = ShareConfig {
            token_dir: Some("/run/lexguard".into()),
            ..ShareConfig::default()
        };
        assert_eq!(
            run.token_dir_of(std::path::Path::new("/var/lib/lexguard")),
            Some(PathBuf::from("/run/lexguard"))
        );
        assert_eq!(
            run.token_dir_of(std::path::Path::new("/var/lib/lexguard/connections/muster")),
            Some(PathBuf::from("/run/lexguard/muster"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_named_connection_has_its_socket_beside_the_configured_one_and_shares_tcp() {
        let unix = ShareConfig {
            proxy: Some("unix:/run/lexguard/api.sock".into()),
            ..ShareConfig::default()
        };
        let (default, named) = (
            Path::new("/var/lib/lexguard"),
            Path::new("/var/lib/lexguard/connections/muster"),
        );
        assert_eq!(
            unix.proxy_addr_of(default),
            Some(ProxyAddr::Unix("/run/lexguard/api.sock".into()))
        );
        assert_eq!(
            unix.proxy_addr_of(named),
            Some(ProxyAddr::Unix("/run/lexguard/api-muster.sock".into()))
        );
        let tcp = ShareConfig {
            proxy: Some("127.0.0.1:8478".into()),
            ..ShareConfig::default()
        };
        assert_eq!(tcp.proxy_addr_of(named), tcp.proxy_addr());
        assert_eq!(ShareConfig::default().proxy_addr_of(named), None);
    }
}
