//! The language of the help: `--lang` or the locale picks it before clap builds the commands
//! (each help text is a [`super::t`] pair read at that moment), and what clap writes itself
//! (headings, the help and version flags, usage) is translated here.

use super::{Cli, GERMAN, t};
use crate::text::i18n::Lang;
use clap::builder::StyledStr;
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::sync::atomic::Ordering;

/// The language asked for with `--lang` (before clap has parsed anything).
pub(in crate::cli) fn lang_in(args: &[OsString]) -> Option<Lang> {
    let mut words = args.iter().filter_map(|a| a.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            return None;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(lang) = value.and_then(|v| v.parse().ok()) {
            return Some(lang);
        }
    }
    None
}

/// The whole command in `lang`: the texts above, and clap's own words translated.
pub(in crate::cli) fn localized(lang: Lang) -> clap::Command {
    GERMAN.store(lang == Lang::De, Ordering::Relaxed);
    let mut cmd = Cli::command().arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(t("Version ausgeben", "Print the version")),
    );
    cmd = translate(cmd.disable_version_flag(true), lang);
    cmd.build();
    usages(&mut cmd, lang);
    cmd
}

/// Headings, the help flag and the template of one command and everything below it.
fn translate(cmd: clap::Command, lang: Lang) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t("Diese Hilfe ausgeben", "Print this help")),
        )
        .subcommand_help_heading(t("Befehle", "Commands"))
        .subcommand_value_name(t("BEFEHL", "COMMAND"))
        .help_template(lang.pick(
            "{about-with-newline}\nAufruf: {usage}\n\n{all-args}{after-help}",
            "{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}",
        ))
        .mut_args(|a| {
            let heading = if a.is_positional() {
                t("Argumente", "Arguments")
            } else {
                t("Optionen", "Options")
            };
            a.help_heading(heading)
        });
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| translate(s, lang));
    }
    cmd
}

/// clap writes `[OPTIONS]` into every usage line; in German that is `[OPTIONEN]`.
fn usages(cmd: &mut clap::Command, lang: Lang) {
    if lang == Lang::De {
        let usage = cmd.render_usage().to_string();
        let usage = usage
            .trim_start_matches("Usage:")
            .trim()
            .replace("[OPTIONS]", "[OPTIONEN]");
        *cmd = std::mem::take(cmd).override_usage(StyledStr::from(usage));
    }
    for sub in cmd.get_subcommands_mut() {
        usages(sub, lang);
    }
}

/// Parses the command line in `lang`; help, version and usage errors end the process here
/// (exit 0, or 2 for a usage error, as clap does), in the same language.
pub(in crate::cli) fn parse(args: Vec<OsString>, lang: Lang) -> Cli {
    let args = help_word_as_flag(args);
    let mut cmd = localized(lang);
    let matches = match cmd.try_get_matches_from_mut(args) {
        Ok(m) => m,
        Err(e) if lang == Lang::De && e.use_stderr() => {
            crate::cli::usage_error::exit_german(&e, &mut cmd)
        }
        Err(e) => e.exit(),
    };
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// `lexguard help [COMMAND…]` is `lexguard [COMMAND…] --help` (clap's own help command would
/// answer in English).
fn help_word_as_flag(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while let Some(word) = args.get(i).and_then(|a| a.to_str()) {
        match word {
            "--lang" => i += 2,
            w if w.starts_with('-') => i += 1,
            "help" => {
                args.remove(i);
                args.push("--help".into());
                break;
            }
            _ => break,
        }
    }
    args
}
