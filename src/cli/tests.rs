use super::*;
use args::Cli;
use clap::Parser;

#[test]
fn colours_only_at_a_terminal_without_no_color() {
    assert!(use_colour(true, None));
    assert!(use_colour(true, Some("".into())));
    assert!(!use_colour(true, Some("1".into())));
    assert!(!use_colour(false, None));
}

#[test]
fn the_help_language_comes_from_lang_before_parsing() {
    let lang = |words: &[&str]| {
        let argv: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
        args::lang_in(&argv)
    };
    assert_eq!(
        lang(&["lexguard", "--lang", "en", "--help"]),
        Some(Lang::En)
    );
    assert_eq!(lang(&["lexguard", "status", "--lang=de"]), Some(Lang::De));
    assert_eq!(lang(&["lexguard", "--help"]), None);
    assert_eq!(lang(&["lexguard", "--lang", "xx"]), None);
    assert_eq!(lang(&["lexguard", "connect", "--", "--lang", "en"]), None);
}

#[test]
fn which_commands_answer_failures_in_json() {
    let json = |args: &[&str]| {
        Cli::try_parse_from(std::iter::once("lexguard").chain(args.iter().copied()))
            .expect("parses")
            .command
            .wants_json()
    };
    assert!(json(&["status", "--json"]));
    assert!(json(&["tick", "--json"]));
    assert!(json(&["history", "--json"]));
    assert!(json(&["webhooks", "list", "--json"]));
    assert!(json(&["webhooks", "sync", "--prune", "--json"]));
    assert!(!json(&["status"]));
    assert!(!json(&["token"]));
}
