//! The words of `-c NAME` and `lexguard connections`: kept beside the other commands' words
//! (see the parent) in a file of their own.

use super::{GERMAN, t};
use crate::connections::ConnectionName;
use crate::text::i18n::Lang;
use clap::Subcommand;
use std::sync::atomic::Ordering;

#[derive(Subcommand, Debug)]
pub(in crate::cli) enum ConnectionsCommand {
    #[command(about = t(
        "Eine Verbindung bei Lexware widerrufen und mit Zugangsdaten und Ordner löschen",
        "Revoke a connection at Lexware and delete it with its credentials and folder"
    ))]
    Remove {
        #[arg(value_name = "NAME", value_parser = connection_name, help = t(
            "Name der Verbindung (lexguard connections zeigt sie)",
            "The connection's name (lexguard connections lists them)"
        ))]
        name: ConnectionName,
        #[arg(long, help = t(
            "Hier löschen, auch wenn Lexware nicht erreichbar ist",
            "Delete here even if Lexware cannot be reached"
        ))]
        force: bool,
    },
}

/// A connection name, refused as a usage error (exit 2) in the help's language.
pub(super) fn connection_name(text: &str) -> Result<ConnectionName, String> {
    ConnectionName::parse(text).map_err(|e| {
        let lang = if GERMAN.load(Ordering::Relaxed) {
            Lang::De
        } else {
            Lang::En
        };
        e.message(lang)
    })
}
