//! Checks on this machine: the secret store, the lock file and the
//! loopback login port.

use super::report::Report;
use crate::config::{Config, Home};
use std::time::Duration;

/// The store's round trip; the vault when it works (a broken store is reported once, here).
pub(super) async fn store(
    r: &mut Report,
    config: &Config,
    home: &Home,
    name: &crate::connections::ConnectionName,
) -> Option<crate::store::Vault> {
    let kind = match config.store.kind {
        crate::store::StoreKind::Keychain => r.lang.pick("Schlüsselbund", "keychain"),
        crate::store::StoreKind::File => r.lang.pick("Geheimnis-Ordner", "secrets folder"),
    };
    let store = match crate::store::open(&config.store, home) {
        Ok(s) => s,
        Err(e) => {
            r.fail("store", e.message(r.lang), (
                "Beheben Sie das genannte Problem oder wählen Sie in [store] einen anderen Speicher.".into(),
                "Fix the named problem or choose another store in [store].".into(),
            ));
            return None;
        }
    };
    let vault = crate::store::Vault::new(crate::connections::store_for(store, name));
    match vault.round_trip().await {
        Ok(()) => {
            r.ok(
                "store",
                format!("{kind}: Schreiben, Lesen und Löschen klappen."),
                format!("{kind}: writing, reading and deleting work."),
            );
            Some(vault)
        }
        Err(e) => {
            r.fail("store", e.message(r.lang), match config.store.kind {
            crate::store::StoreKind::Keychain => (
                "Ohne Desktop-Sitzung gibt es keinen Schlüsselbund: Tragen Sie in config.toml [store] kind = \"file\" ein (siehe README, Server).".into(),
                "Without a desktop session there is no keychain: set [store] kind = \"file\" in config.toml (see README, Server).".into(),
            ),
            crate::store::StoreKind::File => (
                "Prüfen Sie Rechte und freien Platz des Geheimnis-Ordners.".into(),
                "Check the permissions and free space of the secrets folder.".into(),
            ),
        });
            None
        }
    }
}

pub(super) async fn lock(r: &mut Report, home: &Home) {
    match crate::acquire_lock(&home.lock_file(), Duration::from_secs(2)).await {
        Ok(_held) => r.ok(
            "lock",
            format!("Sperrdatei {} ist benutzbar.", home.lock_file().display()),
            format!("Lock file {} is usable.", home.lock_file().display()),
        ),
        Err(crate::Error::Busy) => r.ok(
            "lock",
            "Ein anderer lexguard arbeitet gerade (die Sperre ist belegt); das ist in Ordnung."
                .into(),
            "Another lexguard is working right now (the lock is taken); that is fine.".into(),
        ),
        Err(e) => r.fail(
            "lock",
            e.message(r.lang),
            (
                "Prüfen Sie die Rechte des Datenordners.".into(),
                "Check the permissions of the data folder.".into(),
            ),
        ),
    }
}

/// The port the app would listen on for a loopback redirect URI: the core's rule
/// ([`lexguard::contract::loopback::redirect_target`]), the very address the app binds.
pub(super) fn loopback_port(r: &mut Report, config: &Config) {
    let Some(uri) = &config.lexware.redirect_uri else {
        return;
    };
    let Some(target) = lexguard::contract::loopback::redirect_target(uri) else {
        return;
    };
    // A page of the OAuth server itself (the simulator's copy-code page) is not a port
    // lexguard listens on.
    let origin = |u: &str| url::Url::parse(u).ok().map(|u| u.origin());
    if origin(&config.lexware.auth_url).is_some_and(|a| Some(a) == origin(uri)) {
        return;
    }
    let port = target.addr.port();
    match std::net::TcpListener::bind(target.addr) {
        Ok(_) => r.ok(
            "loopback_port",
            format!("Port {port} für die Anmeldung ist frei."),
            format!("Port {port} for the login is free."),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => r.fail(
            "loopback_port",
            r.lang.pick(
                format!("Port {port} der redirect_uri darf lexguard nicht öffnen ({e})."),
                format!("lexguard may not open port {port} of the redirect_uri ({e})."),
            ),
            (
                "Ports unter 1024 brauchen Administratorrechte: Registrieren Sie bei Lexware eine redirect_uri mit einem Port ab 1024, z. B. http://127.0.0.1:8477/callback.".into(),
                "Ports below 1024 need administrator rights: register a redirect_uri with a port from 1024 up at Lexware, e.g. http://127.0.0.1:8477/callback.".into(),
            ),
        ),
        Err(e) => r.fail(
            "loopback_port",
            r.lang.pick(
                format!("Port {port} der redirect_uri ist belegt ({e})."),
                format!("Port {port} of the redirect_uri is taken ({e})."),
            ),
            (
                "Beenden Sie das Programm, das den Port nutzt, oder registrieren Sie bei Lexware eine redirect_uri mit einem freien Port.".into(),
                "Stop the program using the port, or register a redirect_uri with a free port at Lexware.".into(),
            ),
        ),
    }
}
