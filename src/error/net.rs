//! Network failures told apart (DNS, unreachable, TLS), so a message can name cause and fix.

/// Why a request never got an answer from Lexware; decides which fix the message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetCause {
    /// The host name could not be resolved (typo in config.toml, no internet, DNS down).
    Dns,
    /// Refused, no route, reset: nothing answers at that address (firewall, proxy, offline).
    Unreachable,
    /// TLS handshake or certificate refused (wrong system clock, intercepting proxy).
    Tls,
    /// Anything else on the way.
    Other,
}

impl NetCause {
    fn tag(self) -> &'static str {
        match self {
            NetCause::Dns => "dns",
            NetCause::Unreachable => "unreachable",
            NetCause::Tls => "tls",
            NetCause::Other => "network",
        }
    }

    /// From the words of an error chain (reqwest, hyper, rustls, the OS), any language of
    /// theirs we know; unknown words are [`NetCause::Other`].
    pub fn classify(text: &str) -> NetCause {
        let t = text.to_ascii_lowercase();
        let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
        if any(&[
            "dns error",
            "failed to lookup address",
            "name or service not known",
            "nodename nor servname",
            "no such host",
            "name resolution",
            "no address associated",
        ]) {
            NetCause::Dns
        } else if any(&[
            "certificate",
            "tls",
            "ssl",
            "handshake",
            "corrupt message",
            "peer misbehaved",
            "unknownissuer",
        ]) {
            NetCause::Tls
        } else if any(&[
            "connection refused",
            "actively refused",
            "unreachable",
            "no route to host",
            "connection reset",
        ]) {
            NetCause::Unreachable
        } else {
            NetCause::Other
        }
    }
}

/// The detail of [`Error::Network`]: `"<cause> <host>: <what the libraries said>"`, so the
/// message can name the cause and the host while the variant stays a plain string.
pub fn network_detail(cause: NetCause, host: Option<&str>, text: &str) -> String {
    format!("{} {}: {text}", cause.tag(), host.unwrap_or("-"))
}

/// Cause and host of an [`Error::Network`] detail; a detail not made by [`network_detail`] is
/// classified by its words and has no host.
pub fn net_cause(detail: &str) -> (NetCause, Option<String>) {
    let causes = [
        NetCause::Dns,
        NetCause::Unreachable,
        NetCause::Tls,
        NetCause::Other,
    ];
    if let Some((head, _)) = detail.split_once(": ")
        && let Some((tag, host)) = head.split_once(' ')
        && let Some(cause) = causes.into_iter().find(|c| c.tag() == tag)
    {
        let host = (host != "-" && !host.is_empty()).then(|| host.to_string());
        return (cause, host);
    }
    (NetCause::classify(detail), None)
}

pub(super) fn network_message(detail: &str) -> (String, String) {
    let (cause, host) = net_cause(detail);
    let at = host.as_deref().unwrap_or("Lexware");
    match cause {
        NetCause::Dns => (
            format!("Die Adresse {at} lässt sich nicht auflösen (Namensauflösung/DNS fehlgeschlagen). Bitte prüfen Sie die Adresse in config.toml (api_url, auth_url) und die Internetverbindung; lexguard versucht es automatisch erneut."),
            format!("The address {at} cannot be resolved (name resolution/DNS failed). Please check the address in config.toml (api_url, auth_url) and the internet connection; lexguard retries on its own."),
        ),
        NetCause::Unreachable => (
            format!("Lexware ist unter {at} nicht erreichbar (die Verbindung wurde abgelehnt oder es gibt keinen Weg dorthin). Bitte prüfen Sie die Internetverbindung, die Firewall oder den Proxy und die Adresse in config.toml; lexguard versucht es automatisch erneut."),
            format!("Lexware is not reachable at {at} (the connection was refused or there is no route). Please check the internet connection, the firewall or proxy, and the address in config.toml; lexguard retries on its own."),
        ),
        NetCause::Tls => (
            format!("Die sichere Verbindung (TLS) zu {at} ist gescheitert, das Zertifikat wurde nicht akzeptiert. Bitte prüfen Sie Datum und Uhrzeit des Computers und ob ein Proxy die Verbindung aufbricht; lexguard versucht es automatisch erneut."),
            format!("The secure connection (TLS) to {at} failed, the certificate was not accepted. Please check the computer's date and time and whether a proxy intercepts the connection; lexguard retries on its own."),
        ),
        NetCause::Other => (
            "Lexware ist gerade nicht erreichbar (Netzwerkfehler). Bitte prüfen Sie die Internetverbindung; lexguard versucht es automatisch erneut.".into(),
            "Lexware cannot be reached right now (network error). Please check the internet connection; lexguard retries on its own.".into(),
        ),
    }
}
