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
