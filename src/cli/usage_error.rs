//! A usage error in German. clap writes its errors in English; from what it found (the kind
//! and the facts it collected) this says the same in German, with the usage line and where
//! to read more. Exit code 2, as clap's own.

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};

pub(super) fn exit_german(e: &Error, cmd: &mut clap::Command) -> ! {
    let mut text = format!("Fehler: {}", sentence(e));
    if let Some(hint) = suggestion(e) {
        text.push_str(&format!("\n  Tipp: Meinten Sie „{hint}“?"));
    }
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim();
    if !usage.is_empty() {
        text.push_str(&format!("\n\nAufruf: {usage}"));
    }
    text.push_str("\n\nMehr dazu: lexguard --help");
    eprintln!("{text}");
    std::process::exit(2)
}

fn sentence(e: &Error) -> String {
    let arg = value(e, ContextKind::InvalidArg);
    let given = value(e, ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "Den Befehl „{}“ gibt es nicht.",
            value(e, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => format!("Das Argument „{arg}“ gibt es hier nicht."),
        ErrorKind::MissingRequiredArgument => format!("Es fehlt: {arg}."),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "Es fehlt ein Befehl.".into()
        }
        // A connection name's rule, already in German (see `args::connection_name`).
        ErrorKind::ValueValidation if arg.contains("NAME") => std::error::Error::source(e)
            .map(ToString::to_string)
            .unwrap_or_else(|| format!("„{given}“ passt nicht zu {arg}.")),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut valid = value(e, ContextKind::ValidValue);
            if valid.is_empty() && arg.starts_with("--lang") {
                valid = "de, en".into();
            }
            if valid.is_empty() {
                format!("„{given}“ passt nicht zu {arg}.")
            } else {
                format!("„{given}“ passt nicht zu {arg}; möglich sind: {valid}.")
            }
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} lässt sich nicht mit {} verbinden.",
            value(e, ContextKind::PriorArg)
        ),
        ErrorKind::NoEquals => format!("{arg} braucht einen Wert mit „=“."),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("Zu viele oder zu wenige Werte für {arg}.")
        }
        _ => "Die Angaben auf der Befehlszeile passen nicht zusammen.".into(),
    }
}

fn suggestion(e: &Error) -> Option<String> {
    [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .map(|k| value(e, k))
    .find(|v| !v.is_empty())
}

/// One fact of the error as text (lists joined with commas).
fn value(e: &Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}
