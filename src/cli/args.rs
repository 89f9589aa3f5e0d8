//! The command line's words: commands, arguments and their help (German / English).

use crate::i18n::Lang;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "lexguard",
    version,
    about = "Hält die Lexware-Office-Verbindung am Leben / keeps the Lexware Office connection alive"
)]
pub struct Cli {
    /// Sprache / language (de, en); Standard: LANG
    #[arg(long, global = true)]
    pub(super) lang: Option<Lang>,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// Anmeldelink ausgeben / print the login URL (PKCE)
    LoginUrl,
    /// Code oder Weiterleitungsadresse einlösen / exchange a code or redirect URL ("-" = stdin)
    Connect {
        /// Code, Weiterleitungsadresse oder "-" (stdin, nicht in `ps` sichtbar)
        input: Option<String>,
        /// Öffentlichen API-Schlüssel von stdin speichern / store a public API key from stdin
        #[arg(long)]
        api_key: bool,
        /// Ablaufdatum des Schlüssels, wie Lexware es zeigt (JJJJ-MM-TT) / the key's end date
        /// as Lexware shows it (YYYY-MM-DD); ohne: 24 Monate angenommen / default: 24 months
        #[arg(long, requires = "api_key")]
        expires: Option<String>,
    },
    /// Öffentlicher API-Schlüssel / public API key
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyCommand,
    },
    /// Zustand anzeigen / show the state
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Dauerbetrieb für Server (systemd Type=notify) / keep the connection alive as a service
    Serve,
    /// Die ganze Kette prüfen und Lösungen nennen / check the whole chain and name the fixes
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Eine Prüfung (für cron/systemd) / one tick (for cron/systemd)
    Tick {
        #[arg(long)]
        json: bool,
    },
    /// Gültiges Zugriffstoken ausgeben / print a valid access token
    Token {
        /// Als JSON mit Ablaufzeit, API-Adresse und Organisation / as JSON with expiry, API
        /// address and organization
        #[arg(long)]
        json: bool,
        /// Vorher erneuern, wenn es früher abläuft (z. B. 30m, höchstens 3h) / refresh first
        /// when it would expire sooner (e.g. 30m, at most 3h)
        #[arg(long, value_name = "DURATION", requires = "json")]
        min_valid: Option<humantime::Duration>,
    },
    /// Jetzt erneuern / refresh now
    Refresh,
    /// Die Verbindung mit anderen Programmen teilen / share the connection with other programs
    Share {
        #[command(subcommand)]
        action: ShareCommand,
    },
    /// Webhooks (Event-Abos) / webhooks (event subscriptions)
    Webhooks {
        #[command(subcommand)]
        action: WebhookCommand,
    },
    /// Ein Lexware-Ereignis prüfen (stdin) / hand over one event Lexware sent (stdin)
    Event {
        /// Der Header X-Lxo-Signature / the X-Lxo-Signature header
        #[arg(long)]
        signature: String,
        /// muss "-" sein (der Text kommt über stdin) / must be "-" (the body comes on stdin)
        input: String,
    },
    /// Verlauf / history
    History {
        #[arg(short = 'n', default_value_t = 20)]
        n: usize,
        #[arg(long)]
        json: bool,
    },
    /// Bei Lexware widerrufen und lokal löschen / revoke at Lexware and delete local secrets
    Disconnect {
        /// Lokal löschen, auch wenn Lexware nicht erreichbar ist
        #[arg(long)]
        force: bool,
    },
    /// Client-Secret der Lexware-App / the Lexware app's client secret
    ClientSecret {
        #[command(subcommand)]
        action: SecretCommand,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum WebhookCommand {
    /// Bestehende und gewünschte Abos / existing and desired subscriptions
    List {
        #[arg(long)]
        json: bool,
    },
    /// Abos an die Konfiguration angleichen / make subscriptions match the config
    Sync {
        /// Nicht konfigurierte Abos löschen / delete subscriptions not in the config
        #[arg(long)]
        prune: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum ShareCommand {
    /// Lokalen Schlüssel des API-Proxys ausgeben / print the API proxy's local key
    Key,
}

#[derive(Subcommand, Debug)]
pub(super) enum ApiKeyCommand {
    /// Ablaufdatum eintragen, wie Lexware es zeigt / record the end date Lexware shows
    Expires {
        /// JJJJ-MM-TT / YYYY-MM-DD
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum SecretCommand {
    /// Von stdin lesen und im Schlüsselbund speichern / read from stdin into the keychain
    Set {
        /// muss "-" sein / must be "-"
        input: String,
    },
}

impl Command {
    /// `--json` was asked for: failures are JSON on stdout too.
    pub(super) fn wants_json(&self) -> bool {
        match self {
            Command::Status { json }
            | Command::Tick { json }
            | Command::Doctor { json }
            | Command::History { json, .. } => *json,
            Command::Webhooks {
                action: WebhookCommand::List { json } | WebhookCommand::Sync { json, .. },
            } => *json,
            _ => false,
        }
    }
}
