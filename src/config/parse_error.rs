//! A config.toml that does not read, in plain words. The person reading this edits a text
//! file by hand and may never have heard of TOML or serde: "Text muss in Anführungszeichen
//! stehen", not "string values must be quoted, expected literal string". The parser's own
//! text is kept for "Details" only.
//!
//! The words are chosen from the kind of error (the parser's and serde's messages are stable
//! enough for that); anything not recognized gets a general sentence, never the raw text.

/// What the parser said, in plain words: German, English, and the setting at fault when the
/// error names one (an unknown or missing key).
pub(super) struct Plain {
    pub de: String,
    pub en: String,
    pub key: Option<String>,
}

const DURATION_EXAMPLE: &str = "\"90s\", \"5m\", \"4h\", \"7d\"";

/// `raw`: the parser's message (`toml::de::Error::message`); `found`: the text at fault.
pub(super) fn plain(raw: &str, found: &str) -> Plain {
    let words = |de: &str, en: &str| Plain {
        de: de.to_string(),
        en: en.to_string(),
        key: None,
    };
    let has = |part: &str| raw.contains(part);
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        return unknown_field(rest);
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (value, known) = name_and_known(rest);
        return Plain {
            de: format!("„{value}“ ist hier kein erlaubter Wert. Erlaubt: {known}."),
            en: format!("'{value}' is not allowed here. Allowed: {known}."),
            key: None,
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        return Plain {
            de: format!("Die Einstellung „{key}“ fehlt in diesem Abschnitt."),
            en: format!("The setting '{key}' is missing in this section."),
            key: Some(key),
        };
    }
    if has("missing value") || (has("must be quoted") && found.trim().is_empty()) {
        return words(
            "Nach dem „=“ fehlt der Wert.",
            "the value after the '=' is missing.",
        );
    }
    if has("must be quoted") || has("missing opening quote") {
        return words(
            "Text muss in Anführungszeichen stehen, z. B. check_every = \"2m\".",
            "text must be in quotes, e.g. check_every = \"2m\".",
        );
    }
    if has("duplicate key") {
        return words(
            "Diese Einstellung (oder dieser Abschnitt) steht zweimal in der Datei. Bitte löschen Sie eine der beiden Zeilen.",
            "this setting (or section) is in the file twice. Please delete one of the two lines.",
        );
    }
    if has("time unit")
        || has("expected number at")
        || has("invalid character at")
        || has("value was empty")
    {
        return Plain {
            de: format!("Das ist keine gültige Dauer. Schreiben Sie z. B. {DURATION_EXAMPLE}."),
            en: format!("this is not a valid duration. Write e.g. {DURATION_EXAMPLE}."),
            key: None,
        };
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        return if rest.contains("duration") {
            Plain {
                de: format!("Das ist keine gültige Dauer. Schreiben Sie z. B. {DURATION_EXAMPLE}."),
                en: format!("this is not a valid duration. Write e.g. {DURATION_EXAMPLE}."),
                key: None,
            }
        } else {
            words(
                "Dieser Wert ist hier nicht erlaubt.",
                "this value is not allowed here.",
            )
        };
    }
    if has("number is too large") {
        return words("Diese Dauer ist zu lang.", "this duration is too long.");
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        return wrong_type(rest);
    }
    if has("unclosed table")
        || has("unclosed array table")
        || has("invalid table")
        || has("missing table open")
    {
        return words(
            "Die Abschnittsüberschrift ist nicht richtig geschrieben, z. B. [schedule] oder [[webhooks]].",
            "the section heading is not written correctly, e.g. [schedule] or [[webhooks]].",
        );
    }
    if has("array") && (has("comma") || has("unclosed") || has("missing array")) {
        return words(
            "Die Liste ist nicht richtig geschrieben: Einträge in [ ] durch Kommas trennen, z. B. [\"/usr/bin/melden\", \"--mail\"].",
            "the list is not written correctly: entries in [ ] separated by commas, e.g. [\"/usr/bin/notify\", \"--mail\"].",
        );
    }
    if has("escaped") || has("escape") {
        return words(
            "Ein \\ im Text muss verdoppelt werden (\\\\), oder Sie setzen den Text in einfache Anführungszeichen ('…').",
            "a \\ in text must be doubled (\\\\), or put the text in single quotes ('…').",
        );
    }
    if has("string") && (has("invalid") || has("unclosed")) {
        return words(
            "Der Text ist nicht richtig abgeschlossen: Am Ende fehlt das Anführungszeichen.",
            "the text is not closed: the closing quote is missing.",
        );
    }
    if has("assignment")
        || has("key-value")
        || has("invalid key")
        || has("unquoted key")
        || has("key with no value")
        || has("expected `=`")
    {
        return words(
            "Jede Zeile braucht die Form name = wert (oder ist eine Abschnittsüberschrift wie [schedule] oder ein Kommentar mit #).",
            "every line needs the form name = value (or is a section heading like [schedule], or a comment with #).",
        );
    }
    if has("number")
        || has("integer")
        || has("float")
        || has("mantissa")
        || has("exponent")
        || has("fraction")
    {
        return words("Das ist keine gültige Zahl.", "this is not a valid number.");
    }
    if has("inline table") {
        return words(
            "Die Angabe in { } ist nicht richtig geschrieben, z. B. { name = \"wert\" }.",
            "the value in { } is not written correctly, e.g. { name = \"value\" }.",
        );
    }
    words(
        "Diese Stelle ist so nicht lesbar. Bitte vergleichen Sie sie mit dem Beispiel in der Anleitung (README).",
        "this part cannot be read as written. Please compare it with the example in the README.",
    )
}

/// serde: "unknown field `check_evry`, expected one of `check_every`, `refresh_before`".
fn unknown_field(rest: &str) -> Plain {
    let (key, known) = name_and_known(rest);
    Plain {
        de: format!(
            "Die Einstellung „{key}“ gibt es hier nicht (Tippfehler?). Möglich sind: {known}."
        ),
        en: format!("there is no setting '{key}' here (a typo?). Possible: {known}."),
        key: Some(key),
    }
}

/// The name before the first closing backtick and the backticked names after "expected".
fn name_and_known(rest: &str) -> (String, String) {
    let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let known: Vec<&str> = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect();
    let known = if known.is_empty() {
        "—".to_string()
    } else {
        known.join(", ")
    };
    (name.to_string(), known)
}

/// serde: "invalid type: integer `5`, expected a string".
fn wrong_type(rest: &str) -> Plain {
    let expected = rest.split_once("expected ").map(|(_, e)| e).unwrap_or("");
    let (de, en) = if expected.contains("duration") {
        return Plain {
            de: format!(
                "Hier gehört eine Dauer in Anführungszeichen hin, z. B. {DURATION_EXAMPLE}."
            ),
            en: format!("this needs a duration in quotes, e.g. {DURATION_EXAMPLE}."),
            key: None,
        };
    } else if expected.contains("string") || expected.contains("path") {
        (
            "Hier gehört Text in Anführungszeichen hin, z. B. \"2m\" oder \"https://…\".",
            "this needs text in quotes, e.g. \"2m\" or \"https://…\".",
        )
    } else if expected.contains("bool") {
        (
            "Hier gehört true oder false hin.",
            "this needs true or false.",
        )
    } else if expected.contains("sequence") || expected.contains("array") {
        (
            "Hier gehört eine Liste in [ ] hin, z. B. [\"/usr/bin/melden\", \"--mail\"].",
            "this needs a list in [ ], e.g. [\"/usr/bin/notify\", \"--mail\"].",
        )
    } else if expected.contains("struct") || expected.contains("map") || expected.contains("table")
    {
        (
            "Hier gehört ein Abschnitt hin (eine Überschrift in [ ] mit Einstellungen darunter), kein einzelner Wert.",
            "this needs a section (a heading in [ ] with settings below it), not a single value.",
        )
    } else if expected.contains("integer") || expected.contains("number") {
        ("Hier gehört eine Zahl hin.", "this needs a number.")
    } else {
        (
            "Diese Art von Wert passt hier nicht.",
            "this kind of value does not fit here.",
        )
    };
    Plain {
        de: de.into(),
        en: en.into(),
        key: None,
    }
}

#[cfg(test)]
mod tests;
