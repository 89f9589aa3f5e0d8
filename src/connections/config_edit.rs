//! A settings change of a named connection, written where it belongs. The connection's
//! configuration is the base file with its own file's sections laid over it ([`super::inherit`]:
//! a section there replaces the base's whole section), so:
//!
//! - the base file is never written: it is every connection's, and one connection's change
//!   must not become the others';
//! - a section the connection's own file has is edited there, like any config edit (only the
//!   changed keys; comments and hand-written parts stay);
//! - a section it inherits is copied from the base into its own file (comments included) and
//!   edited there. A partial section would replace the base's whole section and drop the keys
//!   not edited, so the copy is whole;
//! - a section the change removes entirely (the last webhook, `[share]` back to its defaults)
//!   that the base still has is written as an empty one (`webhooks = []`, `[share]`), or the
//!   base's would come back through inheritance.
//!
//! The result is read back through the same inheritance and must give exactly the changed
//! configuration, else nothing is written.

use super::inherit;
use crate::config::Config;
use crate::error::{Error, Result};
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table};

/// Applies `change` to the configuration of the connection whose own file is `own` (created if
/// missing) over the base file `base`; returns the configuration now in force.
pub fn edit(base: &Path, own: &Path, change: impl FnOnce(&mut Config)) -> Result<Config> {
    let base_text = read(base)?;
    let own_text = read(own)?;
    let old = inherit::merged(&base_text, base, &own_text, own)?;
    let mut new = old.clone();
    change(&mut new);
    new.validate().map_err(|p| Error::Config {
        file: own.into(),
        line: None,
        key: Some(p.qualified_key()),
        problem: (p.de, p.en),
        detail: None,
    })?;
    if new == old {
        return Ok(new);
    }
    let written = own_text_for(&base_text, &own_text, &old, &new)
        .filter(|t| inherit::merged(&base_text, base, t, own).ok().as_ref() == Some(&new))
        .ok_or_else(|| {
            Error::io(
                own,
                "the change could not be written as an edit of the file; nothing was changed",
            )
        })?;
    if let Some(dir) = own.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::fsutil::write_atomic(own, written.as_bytes())?;
    Ok(new)
}

fn read(path: &Path) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn table_of(c: &Config) -> Option<toml::Table> {
    match toml::Value::try_from(c).ok()? {
        toml::Value::Table(t) => Some(t),
        _ => None,
    }
}

/// The connection's own file after the change (see the module's rules).
fn own_text_for(base_text: &str, own_text: &str, old: &Config, new: &Config) -> Option<String> {
    let base_doc: DocumentMut = base_text.parse().ok()?;
    let mut own_doc: DocumentMut = own_text.parse().ok()?;
    let (old_t, new_t) = (table_of(old)?, table_of(new)?);
    let mut changed: Vec<&String> = old_t
        .keys()
        .chain(new_t.keys())
        .filter(|k| old_t.get(*k) != new_t.get(*k))
        .collect();
    changed.sort();
    changed.dedup();
    // Copies go after everything the file has, in the order they are copied.
    let mut next = last_position(own_doc.as_table()) + 1;
    let has_text = !own_text.trim().is_empty();
    for key in &changed {
        if own_doc.contains_key(key) {
            continue;
        }
        if let Some(item) = base_doc.get(key) {
            let mut item = item.clone();
            place(&mut item, &mut next, has_text);
            own_doc.insert(key, item);
        }
    }
    // The own file (with the copies) reads as `old` in every changed section: patch it.
    let patched = crate::config::edit::patched(&own_doc.to_string(), old, new)?;
    let mut doc: DocumentMut = patched.parse().ok()?;
    for key in changed {
        if new_t.contains_key(key) || !base_doc.contains_key(key) || doc.contains_key(key) {
            continue;
        }
        let empty = match old_t.get(key) {
            Some(toml::Value::Array(_)) => Item::Value(toml_edit::Array::new().into()),
            _ => Item::Table(Table::new()),
        };
        doc.insert(key, empty);
    }
    let text = doc.to_string();
    // A new file starts with its first line, not the blank line the base had there.
    Some(if has_text {
        text
    } else {
        text.trim_start().to_string()
    })
}

/// The highest position of any table in `table` (0 for none).
fn last_position(table: &Table) -> isize {
    let own = table.position().unwrap_or(0);
    table.iter().fold(own, |max, (_, item)| match item {
        Item::Table(t) => max.max(last_position(t)),
        Item::ArrayOfTables(a) => a.iter().map(last_position).fold(max, isize::max),
        _ => max,
    })
}

/// Gives a copied section (and its sub-tables) the next positions in the document, and a blank
/// line before it when it follows other text and brought none.
fn place(item: &mut Item, next: &mut isize, after_text: bool) {
    let renumber = |t: &mut Table, next: &mut isize| {
        t.set_position(Some(*next));
        *next += 1;
        if after_text && t.decor().prefix().and_then(|p| p.as_str()) == Some("") {
            t.decor_mut().set_prefix("\n");
        }
        for (_, sub) in t.iter_mut() {
            place(sub, next, after_text);
        }
    };
    match item {
        Item::Table(t) => renumber(t, next),
        Item::ArrayOfTables(a) => {
            for t in a.iter_mut() {
                renumber(t, next);
            }
        }
        _ => {}
    }
}

// Unix paths in the fixtures ("/run/lexguard" is not absolute on Windows).
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    const BASE: &str = "# Shared by every connection.\n[lexware]\nclient_id = \"base-client\" # the partner app\napi_url = \"http://127.0.0.1:1\"\nauth_url = \"http://127.0.0.1:1\"\n\n# How often lexguard looks.\n[schedule]\ncheck_every = \"2m\" # two minutes\nvalidate_every = \"10m\"\n\n[share]\ntoken_dir = \"/run/lexguard\"\n";

    const OWN: &str = "# connection b: the second company\n[lexware]\napi_url = \"http://127.0.0.1:2\" # b's host\nauth_url = \"http://127.0.0.1:2\"\n\n# written by hand\n[[webhooks]]\nevent_type = \"invoice.created\"\ncallback_url = \"https://b.example/h\" # keep me\n";

    fn files() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().join("config.toml");
        let own = dir.path().join("connections/b/config.toml");
        std::fs::write(&base, BASE).expect("base");
        std::fs::create_dir_all(own.parent().expect("dir")).expect("mkdir");
        std::fs::write(&own, OWN).expect("own");
        (dir, base, own)
    }

    fn text(p: &Path) -> String {
        std::fs::read_to_string(p).expect("read")
    }

    #[test]
    fn an_own_section_is_edited_in_place_and_the_base_is_never_written() {
        let (_dir, base, own) = files();
        let c = edit(&base, &own, |c| {
            c.lexware.api_url = "http://127.0.0.1:3".into()
        })
        .expect("edit");
        assert_eq!(c.lexware.api_url, "http://127.0.0.1:3");
        assert_eq!(text(&base), BASE, "the base byte for byte");
        assert_eq!(
            text(&own),
            OWN.replace("127.0.0.1:2\" # b's", "127.0.0.1:3\" # b's")
        );
    }

    #[test]
    fn an_inherited_section_is_copied_whole_with_its_comments_and_edited() {
        let (_dir, base, own) = files();
        let c = edit(&base, &own, |c| {
            c.schedule.check_every = std::time::Duration::from_secs(180);
        })
        .expect("edit");
        assert_eq!(text(&base), BASE);
        let own_text = text(&own);
        assert!(
            own_text.starts_with(OWN),
            "hand-written parts stay: {own_text}"
        );
        assert!(
            own_text.contains("# How often lexguard looks.\n[schedule]\ncheck_every = \"3m\" # two minutes\nvalidate_every = \"10m\"\n"),
            "{own_text}"
        );
        // The keys not edited are still the base's (a partial section would drop them).
        assert_eq!(
            c.schedule.validate_every,
            std::time::Duration::from_secs(600)
        );
        let again = inherit::load(&base, &own).expect("reads back");
        assert_eq!(again, c);
        // Other connections (and default) still read the base unchanged.
        let base_only = Config::load(&base).expect("base");
        assert_eq!(
            base_only.schedule.check_every,
            std::time::Duration::from_secs(120)
        );
    }

    #[test]
    fn a_section_removed_entirely_stays_removed_for_this_connection_only() {
        let (_dir, base, own) = files();
        let c = edit(&base, &own, |c| {
            c.share = crate::share::ShareConfig::default();
            c.webhooks.clear();
        })
        .expect("edit");
        assert!(c.share.is_default() && c.webhooks.is_empty());
        assert_eq!(text(&base), BASE);
        assert_eq!(inherit::load(&base, &own).expect("reads back"), c);
        let own_text = text(&own);
        assert!(own_text.contains("[share]"), "{own_text}");
        assert!(own_text.starts_with("# connection b: the second company\n[lexware]\napi_url = \"http://127.0.0.1:2\" # b's host\n"), "{own_text}");
        assert!(!Config::load(&base).expect("base").share.is_default());
    }

    /// Through the engine of connection `b` (as the window's saves go): the base byte for
    /// byte, `b`'s file keeps what was written by hand, `default` still reads the base.
    #[tokio::test]
    async fn the_engine_of_a_named_connection_edits_its_own_file() {
        let (dir, base, own) = files();
        let base_text = format!("{BASE}\n[store]\nkind = \"file\"\n");
        std::fs::write(&base, &base_text).expect("base");
        let home = crate::config::Home::at(dir.path());
        let b = super::super::ConnectionName::parse("b").expect("name");
        let engine = super::super::engine_in(&home, crate::Lang::De, &b).expect("engine");
        let c = engine
            .update_config(|c| c.schedule.check_every = std::time::Duration::from_secs(180))
            .await
            .expect("update");
        assert_eq!(engine.config(), c);
        // What b inherits is still in force, and the inherited schedule's other keys too.
        assert_eq!(
            c.share.token_dir.as_deref(),
            Some(Path::new("/run/lexguard"))
        );
        assert_eq!(c.lexware.client_id, None, "b's own [lexware] has none");
        assert_eq!(
            c.schedule.validate_every,
            std::time::Duration::from_secs(600)
        );
        assert_eq!(inherit::load(&base, &own).expect("reads back"), c);
        assert_eq!(text(&base), base_text, "the base byte for byte");
        let own_text = text(&own);
        assert!(own_text.starts_with(OWN), "{own_text}");
        assert!(
            own_text.contains("[schedule]\ncheck_every = \"3m\""),
            "{own_text}"
        );
        let default = super::super::engine_in(
            &home,
            crate::Lang::De,
            &super::super::ConnectionName::default_name(),
        )
        .expect("default");
        assert_eq!(
            default.config().schedule.check_every,
            std::time::Duration::from_secs(120)
        );
    }

    #[test]
    fn a_connection_without_a_file_gets_one_with_only_what_it_changed() {
        let (_dir, base, own) = files();
        std::fs::remove_file(&own).expect("rm");
        let c = edit(&base, &own, |c| c.share.group = Some("www-data".into())).expect("edit");
        assert_eq!(
            c.share.token_dir.as_deref(),
            Some(Path::new("/run/lexguard"))
        );
        assert_eq!(
            text(&own),
            "[share]\ntoken_dir = \"/run/lexguard\"\ngroup = \"www-data\"\n"
        );
        assert_eq!(text(&base), BASE);
        // Nothing changed: nothing written.
        let before = text(&own);
        edit(&base, &own, |_| {}).expect("no change");
        assert_eq!(text(&own), before);
    }
}
