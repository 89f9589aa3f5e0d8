//! A connection's configuration: the top-level `config.toml` is the base; a section in the
//! connection's own `config.toml` replaces that whole section (`[lexware]`, `[schedule]`,
//! `[[webhooks]]`, `[alerts]`, …). Whole sections, not keys, so that what a person reads in
//! the connection's file is all there is to that section (no half-inherited webhook lists).
//! Done on the TOML tables before the one validating parser reads the result.

use crate::config::Config;
use crate::error::{Error, Result};
use std::path::Path;

/// The configuration of a connection whose own file is `own` (it may be missing).
pub fn load(base: &Path, own: &Path) -> Result<Config> {
    let own_text = match std::fs::read_to_string(own) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Config::load(base),
        Err(e) => return Err(Error::io(own, e)),
    };
    let base_text = match std::fs::read_to_string(base) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(base, e)),
    };
    merged(&base_text, base, &own_text, own)
}

/// The configuration the texts of the base file `base` and the connection's own file `own`
/// give together.
pub(super) fn merged(base_text: &str, base: &Path, own_text: &str, own: &Path) -> Result<Config> {
    // Each file on its own first: a mistake is named in the file it is in, with its line.
    Config::parse(base_text, base)?;
    Config::parse(own_text, own)?;
    let merged = merge(base_text, own_text).map_err(|e| Error::io(own, e))?;
    Config::parse(&merged, own)
}

/// The base's text with every top-level key of `own` replacing the base's.
fn merge(base: &str, own: &str) -> std::result::Result<String, toml::de::Error> {
    let mut table: toml::Table = toml::from_str(base)?;
    let own: toml::Table = toml::from_str(own)?;
    for (key, value) in own {
        table.insert(key, value);
    }
    Ok(toml::to_string(&table).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[lexware]\nclient_id = \"base-client\"\napi_url = \"http://127.0.0.1:1\"\nauth_url = \"http://127.0.0.1:1\"\n\n[schedule]\ncheck_every = \"2m\"\n\n[[webhooks]]\nevent_type = \"invoice.created\"\ncallback_url = \"https://a.example/h\"\n";

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    #[test]
    fn a_section_of_the_connection_replaces_the_whole_section() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = write(dir.path(), "base.toml", BASE);
        let own = write(
            dir.path(),
            "own.toml",
            "[lexware]\napi_url = \"http://127.0.0.1:2\"\nauth_url = \"http://127.0.0.1:2\"\n\n[[webhooks]]\nevent_type = \"contact.created\"\ncallback_url = \"https://b.example/h\"\n",
        );
        let c = load(&base, &own).expect("merged");
        assert_eq!(c.lexware.api_url, "http://127.0.0.1:2");
        // Replaced as a whole: the base's client id is not half-inherited.
        assert_eq!(c.lexware.client_id, None);
        assert_eq!(c.schedule.check_every, std::time::Duration::from_secs(120));
        assert_eq!(c.webhooks.len(), 1);
        assert_eq!(c.webhooks[0].event_type, "contact.created");
    }

    #[test]
    fn without_an_own_file_the_base_is_the_config_and_errors_name_their_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = write(dir.path(), "base.toml", BASE);
        let c = load(&base, &dir.path().join("missing.toml")).expect("base");
        assert_eq!(c.lexware.client_id.as_deref(), Some("base-client"));
        let own = write(dir.path(), "own.toml", "[schedule]\ncheck_every = \"7m\"\n");
        match load(&base, &own).expect_err("out of range") {
            Error::Config { file, line, .. } => {
                assert_eq!(&*file, own.as_path());
                assert_eq!(line, Some(2));
            }
            other => panic!("{other:?}"),
        }
    }
}
