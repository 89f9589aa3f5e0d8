//! Several Lexware organizations side by side: every connection has a name, its own folder
//! and configuration on top of the shared one, and its own secrets in the same store.
//! `default` is the connection lexguard had before names existed and keeps all of it where
//! it was, so an existing installation needs no migration.

pub(crate) mod config_edit;
mod inherit;
pub(crate) mod layout;
mod name;
mod roster;
mod store;

pub use config_edit::edit as edit_config;
pub use inherit::load as load_config;
pub use layout::{name_of, names};
pub use name::ConnectionName;
pub use roster::{LOOK_EVERY, Look, Roster, label, worst};
pub use store::for_connection as store_for;

use crate::config::{Config, Home};
use crate::engine::{Engine, EngineOptions};
use crate::error::Result;
use crate::text::i18n::Lang;
use std::sync::Arc;

/// The engine of one connection, as the CLI runs it: `LEXGUARD_HOME`, the connection's
/// folder and configuration, the configured store with the connection's entry names, the
/// real clock. Creates nothing.
pub fn engine(lang: Lang, name: &ConnectionName) -> Result<Engine> {
    let base = Home::from_env()?;
    engine_in(&base, lang, name)
}

/// The engine of the `default` connection: `LEXGUARD_HOME`, its config, the configured
/// store, the real clock (the tray app's; [`engine`] for any connection). It lives here, not
/// on `Engine`, because choosing a connection is this module's concept, not the engine's.
pub fn default_engine(lang: Lang) -> Result<Engine> {
    engine(lang, &ConnectionName::default_name())
}

/// [`engine`] for the data folder `base`.
pub fn engine_in(base: &Home, lang: Lang, name: &ConnectionName) -> Result<Engine> {
    let home = base.connection(name);
    let config = if name.is_default() {
        Config::load(&base.config_file)?
    } else {
        inherit::load(&base.config_file, &home.config_file)?
    };
    // The store's place comes from the top-level data folder: one store for all connections.
    let store = store::for_connection(crate::store::open(&config.store, base)?, name);
    let engine = Engine::new(EngineOptions {
        home,
        config,
        store,
        clock: Arc::new(crate::clock::SystemClock),
        lang,
        client_secret: crate::engine::env_client_secret(),
        schedule_override: None,
    });
    if !name.is_default() {
        engine.inherit_config_from(base.config_file.clone());
    }
    Ok(engine)
}

/// Whether connection `name` exists (`default` always does).
pub fn exists(base: &Home, name: &ConnectionName) -> bool {
    name.is_default() || base.connection(name).data_dir.is_dir()
}

/// Whether connection `name` can be removed: every one but `default` (asked before anything
/// is revoked).
pub fn removable(name: &ConnectionName) -> Result<()> {
    if name.is_default() {
        return Err(crate::error::Error::invalid(
            "Die Verbindung „default“ hat keinen eigenen Ordner. Trennen Sie sie mit „lexguard disconnect“.",
            "The connection \"default\" has no folder of its own. Disconnect it with \"lexguard disconnect\".",
        ));
    }
    Ok(())
}

/// The last step of removing connection `name` (after `engine.disconnect`, which revokes at
/// Lexware and deletes the token pair or key): its own client secret, if it had one (the shared
/// one stays), and its folder. `default` has no folder of its own and is never removed. The
/// CLI's `connections remove` and the window's *Verbindung entfernen* both end here.
pub async fn delete(base: &Home, engine: &Engine, name: &ConnectionName) -> Result<()> {
    removable(name)?;
    let store = store::for_connection(crate::store::open(&engine.config().store, base)?, name);
    crate::store::Vault::new(store)
        .delete(crate::store::names::CLIENT_SECRET)
        .await?;
    let dir = base.connection(name).data_dir;
    std::fs::remove_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))
}

/// Makes the folder of a new connection (`login-url` and `connect` create one).
pub fn create(base: &Home, name: &ConnectionName) -> Result<()> {
    let dir = base.connection(name).data_dir;
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))
}
