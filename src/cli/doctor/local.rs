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

pub(super) fn loopback_port(r: &mut Report, config: &Config) {
    let Some(uri) = &config.lexware.redirect_uri else {
        return;
    };
    let Ok(url) = url::Url::parse(uri) else {
        return;
    };
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    let (true, "http", Some(port)) = (loopback, url.scheme(), url.port()) else {
        return;
    };
    // A page of the OAuth server itself (the simulator's copy-code page) is not a port
    // lexguard listens on.
    let auth = url::Url::parse(&config.lexware.auth_url).ok();
    if auth.is_some_and(|a| a.origin() == url.origin()) {
        return;
    }
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => r.ok(
            "loopback_port",
            format!("Port {port} für die Anmeldung ist frei."),
            format!("Port {port} for the login is free."),
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
