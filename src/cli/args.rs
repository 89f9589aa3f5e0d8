//! The command line's words: commands, arguments and their help, in German or in English.
//!
//! The help speaks the user's language like the rest of the CLI (`--lang`, else the locale):
//! [`parse`] picks it before clap builds the commands, each text below is a `t(de, en)` pair
//! read at that moment, and [`localized`] translates what clap writes itself (headings, the
//! help and version flags, usage). Completions and the man page come from the same command.

use crate::connections::ConnectionName;
use crate::text::i18n::Lang;
use clap::{Parser, Subcommand};
pub(super) use connection_args::ConnectionsCommand;
use connection_args::connection_name;
use std::sync::atomic::{AtomicBool, Ordering};

mod connection_args;
mod localize;

pub(super) use localize::{lang_in, localized, parse};

/// The language of the texts [`t`] returns (set by [`localized`] before clap reads them).
pub(super) static GERMAN: AtomicBool = AtomicBool::new(false);

/// One help text in the language [`localized`] chose.
fn t(de: &'static str, en: &'static str) -> &'static str {
    if GERMAN.load(Ordering::Relaxed) {
        de
    } else {
        en
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "lexguard",
    version,
    about = t(
        "Hält die Lexware-Office-Verbindung am Leben und sagt ehrlich, wie es um sie steht.",
        "Keeps the Lexware Office connection alive and tells the truth about it."
    )
)]
pub struct Cli {
    #[arg(
        long,
        global = true,
        value_name = t("SPRACHE", "LANG"),
        help = t(
            "Sprache der Ausgabe: de oder en (Standard: aus LANG)",
            "Language of the output: de or en (default: from LANG)"
        )
    )]
    pub(super) lang: Option<Lang>,
    #[arg(
        short = 'c',
        long,
        global = true,
        env = "LEXGUARD_CONNECTION",
        value_name = "NAME",
        value_parser = connection_name,
        help = t(
            "Die Verbindung, um die es geht (Standard: default; tick ohne -c: alle)",
            "The connection to act on (default: default; tick without -c: all)"
        )
    )]
    pub(super) connection: Option<ConnectionName>,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    #[command(about = t(
        "Anmeldelink für die Partner-App ausgeben (PKCE)",
        "Print the login link for the partner app (PKCE)"
    ))]
    LoginUrl,
    #[command(about = t(
        "Code oder Weiterleitungsadresse einlösen, oder einen API-Schlüssel speichern",
        "Exchange a code or redirect address, or store an API key"
    ))]
    Connect {
        #[arg(
            value_name = t("EINGABE", "INPUT"),
            help = t(
                "Code, Weiterleitungsadresse oder „-“ (Standardeingabe, nicht in der Prozessliste sichtbar)",
                "Code, redirect address or \"-\" (standard input, not visible in the process list)"
            )
        )]
        input: Option<String>,
        #[arg(long, help = t(
            "Einen öffentlichen API-Schlüssel von der Standardeingabe speichern",
            "Store a public API key from standard input"
        ))]
        api_key: bool,
        #[arg(
            long,
            requires = "api_key",
            value_name = t("DATUM", "DATE"),
            help = t(
                "Ablaufdatum des Schlüssels, wie Lexware es zeigt (JJJJ-MM-TT); ohne: 24 Monate angenommen",
                "The key's end date as Lexware shows it (YYYY-MM-DD); without: 24 months assumed"
            )
        )]
        expires: Option<String>,
        #[arg(long, help = t(
            "Erlauben, dass die Verbindung jetzt zu einer anderen Lexware-Organisation gehört",
            "Allow the connection to belong to another Lexware organization from now on"
        ))]
        new_organization: bool,
    },
    #[command(about = t("Öffentlicher API-Schlüssel", "Public API key"))]
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyCommand,
    },
    #[command(about = t(
        "Zustand anzeigen (fragt weder den Schlüsselbund noch Lexware)",
        "Show the state (asks neither the keychain nor Lexware)"
    ))]
    Status {
        #[arg(long, help = json_help())]
        json: bool,
    },
    #[command(about = t(
        "Dauerbetrieb für Server (systemd Type=notify)",
        "Keep the connection alive as a service (systemd Type=notify)"
    ))]
    Serve,
    #[command(about = t(
        "Die ganze Kette und die Verbindung prüfen und die Lösungen nennen",
        "Check the whole chain and the connection, and name the fixes"
    ))]
    Doctor {
        #[arg(long, help = json_help())]
        json: bool,
        #[arg(long, help = t(
            "Eine Testnachricht an jeden Alarmkanal senden (nie ein Erfolgs-Ping)",
            "Send a test message to every alert channel (never a success ping)"
        ))]
        test_alerts: bool,
    },
    #[command(about = t(
        "Eine Prüfung (für cron oder einen systemd-Timer)",
        "One check (for cron or a systemd timer)"
    ))]
    Tick {
        #[arg(long, help = json_help())]
        json: bool,
    },
    #[command(about = t(
        "Ein gültiges Zugriffstoken ausgeben (vorher erneuert, wenn fällig)",
        "Print a valid access token (refreshed first when due)"
    ))]
    Token {
        #[arg(long, help = t(
            "Als JSON mit Ablaufzeit, API-Adresse und Organisation",
            "As JSON with expiry, API address and organization"
        ))]
        json: bool,
        #[arg(long, value_name = t("DAUER", "DURATION"), requires = "json", help = t(
            "Vorher erneuern, wenn es früher abläuft (z. B. 30m, höchstens 3h)",
            "Refresh first when it would expire sooner (e.g. 30m, at most 3h)"
        ))]
        min_valid: Option<humantime::Duration>,
    },
    #[command(about = t("Jetzt erneuern", "Refresh now"))]
    Refresh,
    #[command(about = t(
        "Die Verbindung mit anderen Programmen teilen",
        "Share the connection with other programs"
    ))]
    Share {
        #[command(subcommand)]
        action: ShareCommand,
    },
    #[command(about = t(
        "Webhooks (Ereignis-Abos bei Lexware)",
        "Webhooks (event subscriptions at Lexware)"
    ))]
    Webhooks {
        #[command(subcommand)]
        action: WebhookCommand,
    },
    #[command(about = t(
        "Ein Ereignis, das Lexware geschickt hat, prüfen und verarbeiten (Standardeingabe)",
        "Check and handle an event Lexware sent (standard input)"
    ))]
    Event {
        #[arg(
            long,
            value_name = t("SIGNATUR", "SIGNATURE"),
            help = t("Der Header X-Lxo-Signature", "The X-Lxo-Signature header")
        )]
        signature: String,
        #[arg(value_name = t("EINGABE", "INPUT"), help = stdin_help())]
        input: String,
    },
    #[command(about = t(
        "Verlauf: was lexguard getan hat, Neuestes zuerst",
        "History: what lexguard did, newest first"
    ))]
    History {
        #[arg(
            short = 'n',
            default_value_t = 20,
            hide_default_value = true,
            help = t("So viele Einträge (Standard: 20)", "This many entries (default: 20)")
        )]
        n: usize,
        #[arg(long, help = json_help())]
        json: bool,
    },
    #[command(about = t(
        "Bei Lexware widerrufen und die Zugangsdaten hier löschen",
        "Revoke at Lexware and delete the credentials here"
    ))]
    Disconnect {
        #[arg(long, help = t(
            "Hier löschen, auch wenn Lexware nicht erreichbar ist",
            "Delete here even if Lexware cannot be reached"
        ))]
        force: bool,
    },
    #[command(about = t(
        "Benachrichtigungen stumm schalten: 1h · until 08:00 · off (ping_url bleibt aktiv, die Prüfungen laufen weiter)",
        "Mute notifications: 1h · until 08:00 · off (ping_url stays on, checks go on)"
    ))]
    Snooze {
        #[arg(
            required = true,
            num_args = 1..=2,
            value_name = t("WANN", "WHEN"),
            help = t("1h, 30m, \"until 08:00\" oder off", "1h, 30m, \"until 08:00\" or off")
        )]
        when: Vec<String>,
    },
    #[command(about = t("Client-Secret der Partner-App", "The partner app's client secret"))]
    ClientSecret {
        #[command(subcommand)]
        action: SecretCommand,
    },
    #[command(about = t(
        "Vervollständigung für die Shell ausgeben (bash, zsh, fish, powershell)",
        "Print the shell's completions (bash, zsh, fish, powershell)"
    ))]
    Completions {
        #[arg(
            value_name = "SHELL",
            hide_possible_values = true,
            help = t(
                "bash, zsh, fish oder powershell; z. B. source <(lexguard completions bash)",
                "bash, zsh, fish or powershell; e.g. source <(lexguard completions bash)"
            )
        )]
        shell: clap_complete::Shell,
    },
    #[command(about = t(
        "Alle Verbindungen mit Zustand, Firma und Organisation",
        "Every connection with its state, company and organization"
    ))]
    Connections {
        #[arg(long, help = json_help())]
        json: bool,
        #[command(subcommand)]
        action: Option<ConnectionsCommand>,
    },
    #[command(about = t(
        "Die Handbuchseite ausgeben (roff; lexguard man > lexguard.1)",
        "Print the manual page (roff; lexguard man > lexguard.1)"
    ))]
    Man,
}

fn json_help() -> &'static str {
    t(
        "Ausgabe als JSON für Programme",
        "Output as JSON for programs",
    )
}

fn stdin_help() -> &'static str {
    t(
        "Muss „-“ sein (der Text kommt über die Standardeingabe)",
        "Must be \"-\" (the text comes on standard input)",
    )
}

#[derive(Subcommand, Debug)]
pub(super) enum WebhookCommand {
    #[command(about = t(
        "Bestehende und gewünschte Abos zeigen",
        "Show the existing and the wanted subscriptions"
    ))]
    List {
        #[arg(long, help = json_help())]
        json: bool,
    },
    #[command(about = t(
        "Die Abos an die Konfiguration angleichen",
        "Make the subscriptions match the configuration"
    ))]
    Sync {
        #[arg(long, help = t(
            "Abos löschen, die nicht in der Konfiguration stehen",
            "Delete subscriptions that are not in the configuration"
        ))]
        prune: bool,
        #[arg(long, help = json_help())]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum ShareCommand {
    #[command(about = t(
        "Den lokalen Schlüssel des API-Proxys ausgeben",
        "Print the API proxy's local key"
    ))]
    Key,
}

#[derive(Subcommand, Debug)]
pub(super) enum ApiKeyCommand {
    #[command(about = t(
        "Das Ablaufdatum eintragen, das Lexware zeigt",
        "Record the end date Lexware shows"
    ))]
    Expires {
        #[arg(value_name = t("DATUM", "DATE"), help = t("JJJJ-MM-TT", "YYYY-MM-DD"))]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum SecretCommand {
    #[command(about = t(
        "Von der Standardeingabe lesen und im Speicher ablegen",
        "Read from standard input and keep it in the store"
    ))]
    Set {
        #[arg(value_name = t("EINGABE", "INPUT"), help = stdin_help())]
        input: String,
    },
}

impl Command {
    /// `--json` was asked for: failures are JSON on stdout too.
    pub(super) fn wants_json(&self) -> bool {
        match self {
            Command::Status { json }
            | Command::Tick { json }
            | Command::Doctor { json, .. }
            | Command::History { json, .. }
            | Command::Connections { json, .. } => *json,
            Command::Webhooks {
                action: WebhookCommand::List { json } | WebhookCommand::Sync { json, .. },
            } => *json,
            _ => false,
        }
    }
}
