//! The sentence for a config.toml that does not read or holds a value out of range: where
//! (file, line, setting), what (plain words), and the fix. The parser's own text is never
//! part of it (see `Error::details`).

use std::path::Path;

/// German and English.
pub(super) fn message(
    file: &Path,
    line: Option<u32>,
    key: Option<&str>,
    problem: &(String, String),
) -> (String, String) {
    let file = file.display();
    let key = key.map(|k| format!(" ({k})")).unwrap_or_default();
    let (at_de, at_en) = match line {
        Some(l) => (
            format!("{file}, Zeile {l}{key}"),
            format!("{file}, line {l}{key}"),
        ),
        None => (format!("{file}{key}"), format!("{file}{key}")),
    };
    (
        format!(
            "Fehler in der Konfiguration {at_de}: {} Bitte korrigieren Sie die Datei und versuchen Sie es erneut.",
            problem.0
        ),
        format!(
            "Configuration error in {at_en}: {} Please correct the file and try again.",
            problem.1
        ),
    )
}
