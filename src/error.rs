//! One error type for the core, with a stable `kind` for programs and a message for people.
//!
//! The line that matters most: *authentication lost* (Lexware said the grant is dead; a person
//! must reconnect) versus everything transient (network, 5xx, 429, timeouts, keychain trouble),
//! after which lexguard simply tries again. Messages are German first, English second, and
//! always say what to do.

use crate::text::i18n::{Lang, connect_hint, login_hint};
use std::path::PathBuf;

mod config_file;
mod kind;
pub(crate) mod net;

pub use kind::ErrorKind;
use net::network_message;
pub use net::{NetCause, network_detail};

/// What went wrong with the OS keychain. Never a reason to think the tokens are invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum KeychainFault {
    /// No Secret Service / keychain reachable (no D-Bus session, no daemon).
    Unavailable,
    /// The keychain is locked or access was refused.
    Locked,
    /// The keychain did not answer in time (often: it waits for an unlock dialog).
    Timeout,
    /// Anything else the keychain reported.
    Failed,
    /// An entry is there but not in lexguard's format (edited or damaged).
    Corrupt,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration error in {}: {}", file.display(), problem.1)]
    Config {
        /// Boxed: a `PathBuf` is 32 bytes on Windows, and every `Result` carries this variant.
        file: Box<std::path::Path>,
        line: Option<u32>,
        key: Option<String>,
        /// German and English description, in plain words.
        problem: (String, String),
        /// The parser's own text, for "Details" only (never inside a German sentence).
        detail: Option<Box<str>>,
    },
    #[error("keychain {fault:?}: {detail}")]
    Keychain {
        fault: KeychainFault,
        /// Which operation (read/write/delete) and the store's own words; never a secret.
        detail: String,
    },
    #[error("not connected")]
    NotConnected,
    #[error("authentication lost")]
    AuthLost,
    #[error("client credentials rejected: {0}")]
    ClientCredentials(String),
    #[error("network: {0}")]
    Network(String),
    #[error("timeout talking to Lexware")]
    Timeout,
    #[error("Lexware answered {status}")]
    Server { status: u16 },
    #[error("rate limited")]
    RateLimited { retry_after_secs: Option<u64> },
    #[error("unauthorized (401)")]
    Unauthorized,
    #[error("the authorization code was rejected: {0}")]
    CodeRejected(String),
    #[error("no login pending")]
    NoPendingLogin,
    #[error("login expired")]
    PendingExpired,
    #[error("state mismatch")]
    StateMismatch,
    #[error("invalid input")]
    InvalidInput {
        /// German and English description with the fix.
        message: (String, String),
    },
    #[error("Lexware rejected the request ({status}): {detail}")]
    Rejected { status: u16, detail: String },
    #[error("unexpected answer from Lexware: {0}")]
    Protocol(String),
    #[error("file {path}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("another lexguard is busy")]
    Busy,
    #[error("lexguard is shutting down")]
    ShuttingDown,
    /// Lexware issued a new token pair, the keychain refused it: it waits in the rescue file
    /// (or, if even that failed, only in this process's memory).
    #[error("new tokens not stored in the keychain")]
    TokensNotStored { rescue: Option<PathBuf> },
    /// Lexware refused a moment ago; asking again before this time would only make it worse.
    #[error("backing off until {at}")]
    RetryLater { at: chrono::DateTime<chrono::Utc> },
    /// `invalid_grant` for a refresh token whose earlier refresh never got its answer.
    #[error("authentication lost after an interrupted refresh")]
    RefreshInterrupted,
    #[error("the API key is no longer accepted")] // refused twice: deleted, replaced, ran out
    KeyRejected,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(de: impl Into<String>, en: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: (de.into(), en.into()),
        }
    }

    pub fn io(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        Error::Io {
            path: path.into(),
            detail: err.to_string(),
        }
    }

    /// Technical text behind "Details" (the config parser's own words), if any.
    pub fn details(&self) -> Option<&str> {
        match self {
            Error::Config { detail, .. } => detail.as_deref(),
            _ => None,
        }
    }

    /// A stable, machine-readable name (`{kind, message}` over IPC, `--json`).
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// [`Error::kind`] as a type.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            Error::Config { .. } => ErrorKind::Config,
            Error::Keychain { fault, .. } => match fault {
                KeychainFault::Unavailable => ErrorKind::KeychainUnavailable,
                KeychainFault::Locked => ErrorKind::KeychainLocked,
                KeychainFault::Timeout => ErrorKind::KeychainTimeout,
                KeychainFault::Failed => ErrorKind::KeychainFailed,
                KeychainFault::Corrupt => ErrorKind::KeychainCorrupt,
            },
            Error::NotConnected => ErrorKind::NotConnected,
            Error::AuthLost => ErrorKind::AuthLost,
            Error::ClientCredentials(_) => ErrorKind::ClientCredentials,
            Error::Network(_) => ErrorKind::Network,
            Error::Timeout => ErrorKind::Timeout,
            Error::Server { .. } => ErrorKind::Server,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Unauthorized => ErrorKind::Unauthorized,
            Error::CodeRejected(_) => ErrorKind::CodeRejected,
            Error::NoPendingLogin => ErrorKind::NoPendingLogin,
            Error::PendingExpired => ErrorKind::LoginExpired,
            Error::StateMismatch => ErrorKind::StateMismatch,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Rejected { .. } => ErrorKind::Rejected,
            Error::Protocol(_) => ErrorKind::Protocol,
            Error::Io { .. } => ErrorKind::Io,
            Error::Busy => ErrorKind::Busy,
            Error::ShuttingDown => ErrorKind::ShuttingDown,
            Error::TokensNotStored { .. } => ErrorKind::TokensNotStored,
            Error::RetryLater { .. } => ErrorKind::RetryLater,
            Error::RefreshInterrupted => ErrorKind::RefreshInterrupted,
            Error::KeyRejected => ErrorKind::KeyRejected,
        }
    }

    /// The message for a person, with the fix.
    pub fn message(&self, lang: Lang) -> String {
        let (de, en): (String, String) = match self {
            Error::Config {
                file,
                line,
                key,
                problem,
                ..
            } => config_file::message(file, *line, key.as_deref(), problem),
            Error::Keychain { fault, .. } => match fault {
                KeychainFault::Unavailable => (
                    "Der Schlüsselbund des Systems ist nicht erreichbar. Bitte melden Sie sich an einer Desktop-Sitzung an oder starten Sie den Schlüsselbund-Dienst (z. B. gnome-keyring); Ihre Zugangsdaten bleiben erhalten.".into(),
                    "The system keychain is not reachable. Please log in to a desktop session or start the keychain service (e.g. gnome-keyring); your credentials are kept.".into(),
                ),
                KeychainFault::Locked => (
                    "Der Schlüsselbund ist gesperrt. Bitte entsperren Sie ihn (z. B. durch Anmelden am Desktop); lexguard versucht es danach automatisch erneut.".into(),
                    "The keychain is locked. Please unlock it (e.g. by logging in to the desktop); lexguard then retries on its own.".into(),
                ),
                KeychainFault::Timeout => (
                    "Der Schlüsselbund antwortet nicht – vermutlich wartet er auf das Entsperren. Bitte entsperren Sie ihn; lexguard versucht es danach erneut.".into(),
                    "The keychain does not answer – it is probably waiting to be unlocked. Please unlock it; lexguard then retries.".into(),
                ),
                KeychainFault::Failed => (
                    "Der Schlüsselbund hat einen Fehler gemeldet. Bitte prüfen Sie den Schlüsselbund-Dienst; lexguard versucht es erneut.".into(),
                    "The keychain reported an error. Please check the keychain service; lexguard retries.".into(),
                ),
                KeychainFault::Corrupt => (
                    format!("Die gespeicherten Zugangsdaten im Schlüsselbund sind beschädigt und nicht lesbar. lexguard hat nichts gelöscht. Bitte verbinden Sie sich neu ({}); der beschädigte Eintrag wird dabei ersetzt.", connect_hint(Lang::De)),
                    format!("The credentials stored in the keychain are damaged and cannot be read. lexguard deleted nothing. Please reconnect ({}); the damaged entry is replaced then.", connect_hint(Lang::En)),
                ),
            },
            Error::NotConnected => (
                format!("Es besteht keine Verbindung zu Lexware Office. Bitte verbinden Sie sich: {}.", connect_hint(Lang::De)),
                format!("Not connected to Lexware Office. Please connect: {}.", connect_hint(Lang::En)),
            ),
            Error::AuthLost => (
                format!("Die Verbindung zu Lexware Office ist verloren (Lexware hat die Anmeldung ungültig gemacht, z. B. nach einer Passwortänderung). Bitte verbinden Sie sich neu: {}.", connect_hint(Lang::De)),
                format!("The connection to Lexware Office is lost (Lexware invalidated the authorization, e.g. after a password change). Please reconnect: {}.", connect_hint(Lang::En)),
            ),
            Error::ClientCredentials(_) => (
                "Lexware lehnt die Zugangsdaten der App ab (Client-ID oder Client-Secret falsch oder die App wurde deaktiviert). Bitte prüfen Sie client_id in config.toml und das Client-Secret (lexguard client-secret set -).".into(),
                "Lexware rejects the app's client credentials (wrong client id or secret, or the app was deactivated). Please check client_id in config.toml and the client secret (lexguard client-secret set -).".into(),
            ),
            Error::Network(detail) => network_message(detail),
            Error::Timeout => (
                "Lexware hat nicht rechtzeitig geantwortet (Zeitüberschreitung). Bitte prüfen Sie die Internetverbindung, wenn das öfter vorkommt; lexguard versucht es automatisch erneut.".into(),
                "Lexware did not answer in time (timeout). Please check the internet connection if this happens often; lexguard retries on its own.".into(),
            ),
            Error::Server { status } => (
                format!("Lexware hat einen Serverfehler gemeldet ({status}). lexguard versucht es automatisch erneut."),
                format!("Lexware reported a server error ({status}). lexguard retries on its own."),
            ),
            Error::RateLimited { .. } => (
                "Lexware bremst gerade die Anfragen (zu viele in kurzer Zeit). lexguard wartet kurz und versucht es dann selbst erneut; Sie müssen nichts tun.".into(),
                "Lexware is slowing down the requests right now (too many in a short time). lexguard waits a little and then tries again on its own; there is nothing for you to do.".into(),
            ),
            Error::Unauthorized => (
                "Lexware lehnt die Abrufe ab (401), obwohl die Anmeldung funktioniert. Meist fehlen der App Berechtigungen, der Tarif erlaubt die Schnittstelle nicht oder die App wurde deaktiviert. Die Verbindung selbst besteht weiter; lexguard prüft regelmäßig, ob es wieder geht.".into(),
                "Lexware rejects the API calls (401) although the login works. Usually the app lacks permissions, the plan does not include the API, or the app was deactivated. The connection itself remains; lexguard checks regularly whether it works again.".into(),
            ),
            Error::CodeRejected(_) => (
                "Lexware hat den Code abgelehnt: Er ist falsch, abgelaufen (nach 5 Minuten) oder wurde schon benutzt. Bitte holen Sie sich über den Anmeldelink einen neuen Code und fügen Sie ihn sofort ein. Ihre bisherige Verbindung ist unverändert.".into(),
                "Lexware rejected the code: it is wrong, expired (after 5 minutes) or was already used. Please get a new code through the login link and paste it at once. Your previous connection is unchanged.".into(),
            ),
            Error::NoPendingLogin => (
                format!("Es ist keine Anmeldung offen. Bitte öffnen Sie zuerst den Anmeldelink ({}) und fügen Sie dann den Code ein.", login_hint(Lang::De)),
                format!("No login is pending. Please open the login link first ({}), then paste the code.", login_hint(Lang::En)),
            ),
            Error::PendingExpired => (
                format!("Die Anmeldung ist abgelaufen (nach 10 Minuten). Bitte öffnen Sie den Anmeldelink erneut ({}).", login_hint(Lang::De)),
                format!("The login expired (after 10 minutes). Please open the login link again ({}).", login_hint(Lang::En)),
            ),
            Error::StateMismatch => (
                "Die eingefügte Adresse gehört nicht zu Ihrer aktuellen Anmeldung (state stimmt nicht). Bitte öffnen Sie den neuesten Anmeldelink und fügen Sie die Adresse von dort ein.".into(),
                "The pasted address does not belong to your current login (state does not match). Please open the latest login link and paste the address from there.".into(),
            ),
            Error::InvalidInput { message } => message.clone(),
            // 402 ("contract"): the plan, not the credentials; Lexware's own text stays out.
            Error::Rejected { status: 402, .. } => (
                "Ihr Lexware-Tarif erlaubt gerade keinen API-Zugriff (402). Bitte prüfen Sie Tarif und Abo in Lexware; die Verbindung selbst bleibt bestehen.".into(),
                "Your Lexware plan does not allow API access right now (402). Please check the plan and subscription in Lexware; the connection itself is kept.".into(),
            ),
            Error::Rejected { status, detail } => (
                format!("Lexware hat die Anfrage abgelehnt ({status}): {detail}"),
                format!("Lexware rejected the request ({status}): {detail}"),
            ),
            Error::Protocol(_) => (
                "Lexware hat unerwartet geantwortet. lexguard versucht es erneut; bleibt der Fehler, prüfen Sie api_url und auth_url in config.toml.".into(),
                "Lexware answered unexpectedly. lexguard retries; if it persists, check api_url and auth_url in config.toml.".into(),
            ),
            Error::Io { path, detail } => (
                format!("Die Datei {} konnte nicht gelesen oder geschrieben werden ({detail}). Bitte prüfen Sie Rechte und freien Speicherplatz.", path.display()),
                format!("Could not read or write {} ({detail}). Please check permissions and free disk space.", path.display()),
            ),
            Error::Busy => (
                "Ein anderer lexguard-Vorgang läuft gerade zu lange. Bitte versuchen Sie es gleich noch einmal.".into(),
                "Another lexguard operation is taking too long. Please try again in a moment.".into(),
            ),
            Error::TokensNotStored { rescue } => match rescue {
                Some(path) => (
                    format!("Lexware hat neue Zugangsdaten ausgegeben, aber der Schlüsselbund hat sie nicht angenommen. Sie liegen vorübergehend in {} (nur für Sie lesbar); der nächste lexguard-Lauf verschiebt sie in den Schlüsselbund. Bitte entsperren Sie den Schlüsselbund und löschen Sie die Datei nicht.", path.display()),
                    format!("Lexware issued new credentials, but the keychain did not take them. They are kept in {} for now (readable only by you); the next lexguard run moves them into the keychain. Please unlock the keychain and do not delete the file.", path.display()),
                ),
                None => (
                    "Lexware hat neue Zugangsdaten ausgegeben, aber weder der Schlüsselbund noch der Datenordner hat sie angenommen; sie sind nur im laufenden lexguard. Bitte entsperren Sie den Schlüsselbund und prüfen Sie den Datenordner, bevor Sie lexguard beenden.".into(),
                    "Lexware issued new credentials, but neither the keychain nor the data folder took them; they exist only in the running lexguard. Please unlock the keychain and check the data folder before you quit lexguard.".into(),
                ),
            },
            Error::RetryLater { at } => {
                // Absolute time only: a message is built without a clock.
                let when = crate::text::time_fmt::local_time(*at, *at, Lang::De);
                let when_en = crate::text::time_fmt::local_time(*at, *at, Lang::En);
                (
                    format!("Lexware hat eben erst abgelehnt; lexguard fragt frühestens um {when} wieder, damit Lexware nicht noch stärker bremst. Das Zugriffstoken ist abgelaufen; bitte versuchen Sie es dann erneut."),
                    format!("Lexware refused a moment ago; lexguard asks again at {when_en} at the earliest so Lexware does not throttle harder. The access token has expired; please try again then."),
                )
            }
            Error::RefreshInterrupted => (
                format!("Die Verbindung zu Lexware Office ist verloren, weil eine Erneuerung unterbrochen wurde (keine oder eine abgebrochene Antwort, oder lexguard wurde mittendrin beendet): Lexware hatte schon neue Zugangsdaten ausgegeben, die nie ankamen. Sie haben nichts falsch gemacht. Bitte verbinden Sie sich neu: {}.", connect_hint(Lang::De)),
                format!("The connection to Lexware Office is lost because a refresh was interrupted (no or a cut answer, or lexguard was stopped midway): Lexware had already issued new credentials that never arrived. You did nothing wrong. Please reconnect: {}.", connect_hint(Lang::En)),
            ),
            Error::KeyRejected => crate::text::key_words::key_rejected_pair(),
            Error::ShuttingDown => (
                "lexguard wird gerade beendet und nimmt keine neuen Aufträge an. Bitte starten Sie lexguard erneut.".into(),
                "lexguard is shutting down and takes no new work. Please start lexguard again.".into(),
            ),
        };
        lang.pick(de, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_and_differs() {
        let errors = [
            Error::NotConnected,
            Error::AuthLost,
            Error::CodeRejected("invalid_grant".into()),
            Error::Keychain {
                fault: KeychainFault::Locked,
                detail: "x".into(),
            },
            Error::Network("refused".into()),
        ];
        for e in errors {
            let de = e.message(Lang::De);
            let en = e.message(Lang::En);
            assert_ne!(de, en);
            assert!(de.contains("Sie") || de.contains("lexguard"), "{de}");
        }
    }

    #[test]
    fn network_causes_are_told_apart() {
        let cases = [
            (
                "client error (Connect): dns error: failed to lookup address information: Name or service not known",
                NetCause::Dns,
            ),
            ("No such host is known. (os error 11001)", NetCause::Dns),
            (
                "tcp connect error: Connection refused (os error 111)",
                NetCause::Unreachable,
            ),
            (
                "Network is unreachable (os error 101)",
                NetCause::Unreachable,
            ),
            ("No route to host (os error 113)", NetCause::Unreachable),
            ("invalid peer certificate: UnknownIssuer", NetCause::Tls),
            (
                "received corrupt message of type InvalidContentType",
                NetCause::Tls,
            ),
            (
                "connection closed before message completed",
                NetCause::Other,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(NetCause::classify(text), want, "{text}");
            let detail = network_detail(want, Some("api.example"), text);
            assert_eq!(net::net_cause(&detail), (want, Some("api.example".into())));
        }
        assert_eq!(net::net_cause("refused"), (NetCause::Other, None));
        assert_eq!(
            net::net_cause("Connection refused"),
            (NetCause::Unreachable, None)
        );
    }

    #[test]
    fn network_messages_name_cause_host_and_fix() {
        let msg = |cause, host| {
            let e = Error::Network(network_detail(cause, host, "x"));
            (e.message(Lang::De), e.message(Lang::En))
        };
        let (de, en) = msg(NetCause::Dns, Some("api.lexwar.io"));
        assert!(
            de.contains("Adresse api.lexwar.io") && de.contains("config.toml"),
            "{de}"
        );
        assert!(en.contains("api.lexwar.io") && en.contains("DNS"), "{en}");
        let (de, en) = msg(NetCause::Unreachable, Some("127.0.0.1:9"));
        assert!(
            de.contains("127.0.0.1:9 nicht erreichbar") && de.contains("Firewall"),
            "{de}"
        );
        assert!(en.contains("not reachable at 127.0.0.1:9"), "{en}");
        let (de, en) = msg(NetCause::Tls, Some("api.lexware.io"));
        assert!(
            de.contains("TLS") && de.contains("Uhrzeit") && de.contains("Proxy"),
            "{de}"
        );
        assert!(en.contains("certificate") && en.contains("time"), "{en}");
        let (de, _) = msg(NetCause::Other, None);
        assert!(de.contains("Netzwerkfehler"), "{de}");
        assert!(
            Error::Timeout
                .message(Lang::De)
                .contains("Zeitüberschreitung")
        );
        assert_eq!(Error::Network("x".into()).kind(), "network");
    }
}
