use crate::config::Config;
use crate::{Error, Lang};
use std::path::Path;

/// The German and English message and the details of a file that does not read.
fn broken(text: &str) -> (String, String, String, Option<u32>) {
    let e = Config::parse(text, Path::new("/x/config.toml")).expect_err("broken");
    let line = match &e {
        Error::Config { line, .. } => *line,
        other => panic!("{other:?}"),
    };
    (
        e.message(Lang::De),
        e.message(Lang::En),
        e.details().unwrap_or_default().to_string(),
        line,
    )
}

/// No parser words in a German sentence.
fn plain_german(de: &str) {
    for raw in [
        "expected",
        "invalid",
        "quoted",
        "literal",
        "field",
        "unknown",
        "duplicate",
        "serde",
        "TOML parse",
    ] {
        assert!(!de.contains(raw), "{raw:?} in {de}");
    }
}

#[test]
fn an_unquoted_string_says_quotes() {
    let (de, en, details, line) =
        broken("[lexware]\nclient_id = \"abc\"\n\n[schedule]\ncheck_every = 2m\n");
    assert_eq!(line, Some(5));
    assert!(
        de.contains("/x/config.toml, Zeile 5: Text muss in Anführungszeichen stehen"),
        "{de}"
    );
    assert!(
        en.contains("/x/config.toml, line 5: text must be in quotes"),
        "{en}"
    );
    assert!(
        details.contains("quoted"),
        "the parser's words stay for Details: {details}"
    );
    plain_german(&de);
}

#[test]
fn an_unknown_key_names_the_known_ones() {
    let (de, en, _, line) = broken("[schedule]\ncheck_evry = \"2m\"\n");
    assert_eq!(line, Some(2));
    assert!(de.contains("„check_evry“ gibt es hier nicht"), "{de}");
    assert!(de.contains("check_every, refresh_before"), "{de}");
    assert!(en.contains("no setting 'check_evry'"), "{en}");
    plain_german(&de);
}

#[test]
fn a_wrong_type_says_what_belongs_there() {
    let (de, en, _, line) = broken("[schedule]\ncheck_every = 5\n");
    assert_eq!(line, Some(2));
    assert!(de.contains("Dauer in Anführungszeichen"), "{de}");
    assert!(en.contains("duration in quotes"), "{en}");
    let (de, _, _, _) = broken("[lexware]\nclient_id = 5\n");
    assert!(de.contains("Text in Anführungszeichen"), "{de}");
    plain_german(&de);
    let (de, _, _, _) = broken("[alerts]\ncommand = \"/usr/bin/melden\"\n");
    assert!(de.contains("Liste in [ ]"), "{de}");
    plain_german(&de);
    let (de, _, _, _) = broken("schedule = 5\n");
    assert!(de.contains("Abschnitt"), "{de}");
    plain_german(&de);
}

#[test]
fn a_bad_duration_gives_examples() {
    let (de, en, details, line) = broken("[schedule]\ncheck_every = \"2 Minuten\"\n");
    assert_eq!(line, Some(2));
    assert!(
        de.contains("keine gültige Dauer") && de.contains("\"5m\""),
        "{de}"
    );
    assert!(en.contains("not a valid duration"), "{en}");
    assert!(!details.is_empty());
    plain_german(&de);
}

#[test]
fn a_duplicate_key_says_twice() {
    let (de, en, _, line) = broken("[schedule]\ncheck_every = \"2m\"\ncheck_every = \"3m\"\n");
    assert_eq!(line, Some(3));
    assert!(de.contains("zweimal"), "{de}");
    assert!(en.contains("twice"), "{en}");
    plain_german(&de);
    let (de, _, _, _) =
        broken("[schedule]\ncheck_every = \"2m\"\n[schedule]\ngap_after = \"5m\"\n");
    assert!(de.contains("zweimal"), "{de}");
}

#[test]
fn other_syntax_errors_are_plain_too() {
    for (text, words) in [
        ("[lexware\nclient_id = \"a\"\n", "Abschnittsüberschrift"),
        ("[lexware]\nclient_id = \"abc\n", "Anführungszeichen"),
        ("[lexware]\nclient_id\n", "name = wert"),
        ("[lexware]\nclient_id =\n", "Wert"),
        ("[alerts]\ncommand = [\"a\" \"b\"]\n", "Liste"),
        ("[app]\nlanguage = \"fr\"\n", "de, en"),
    ] {
        let (de, _, details, line) = broken(text);
        assert!(de.contains(words), "{text:?}: {de} ({details})");
        assert!(line.is_some(), "{text:?}");
        assert!(!details.is_empty(), "{text:?}");
        plain_german(&de);
    }
}
