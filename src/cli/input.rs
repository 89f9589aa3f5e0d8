//! One line of input on stdin: a code or address from Lexware, a client secret, an API key.
//! A person at a terminal pasting a secret must not see it echoed (nor leave it in the
//! terminal's scrollback); scripts and tests pipe it in and read plain stdin.

use crate::Error;
use crate::text::i18n::Lang;
use std::io::{BufRead, IsTerminal, Read as _, Write};

/// Longest line taken: more than any code, address or key, and a bound on what a paste costs.
const MAX_LINE: usize = 64 * 1024;

/// What is asked for: a secret is read hidden at a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// A code or redirect address from the Lexware login (shown: the person checks it).
    Code,
    /// A client secret or an API key.
    Secret,
}

/// How the line is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// A pipe or file: plain stdin, no prompt.
    Plain,
    /// A person at a terminal: a prompt on stderr, what is typed is echoed.
    Prompted,
    /// A person at a terminal pasting a secret: a prompt, nothing echoed.
    Hidden,
}

/// The decision alone, so that it can be tested without a terminal.
fn reading(asked: Asked, terminal: bool) -> Reading {
    match (terminal, asked) {
        (false, _) => Reading::Plain,
        (true, Asked::Code) => Reading::Prompted,
        (true, Asked::Secret) => Reading::Hidden,
    }
}

/// One trimmed line from stdin, read as [`reading`] decides. `None`: Ctrl-C while reading
/// hidden (the terminal sends no signal then; the reader raises SIGINT itself, and the
/// command ends as on any Ctrl-C).
pub fn read_line(lang: Lang, asked: Asked) -> Result<Option<String>, Error> {
    let stdin = std::io::stdin();
    let how = reading(asked, stdin.is_terminal());
    match how {
        Reading::Plain => {}
        Reading::Prompted => prompt(lang.pick(
            "Code oder Adresse von Lexware einfügen und Enter drücken: ",
            "Paste the code or address from Lexware and press Enter: ",
        )),
        Reading::Hidden => prompt(lang.pick(
            "Bitte einfügen und Enter drücken (die Eingabe bleibt unsichtbar): ",
            "Please paste and press Enter (what you paste stays hidden): ",
        )),
    }
    let line = if how == Reading::Hidden {
        // Reads the terminal with echo off and puts the terminal back as it was.
        let mut line = match rpassword::read_password() {
            Ok(line) => line,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(Error::io("<stdin>", e)),
        };
        if line.len() > MAX_LINE {
            let mut end = MAX_LINE;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            line.truncate(end);
        }
        line
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .take(MAX_LINE as u64)
            .read_line(&mut line)
            .map_err(|e| Error::io("<stdin>", e))?;
        line
    };
    Ok(Some(line.trim().to_string()))
}

/// [`read_line`]; after Ctrl-C at a hidden prompt the raised SIGINT is left to the
/// signal handler (which prints "Abgebrochen (SIGINT)" and exits 130), as for any Ctrl-C.
pub async fn ask(lang: Lang, asked: Asked) -> Result<String, Error> {
    match read_line(lang, asked)? {
        Some(line) => Ok(line),
        None => {
            // Only reached when no handler took the signal (it could not be installed).
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            Err(Error::invalid("Abgebrochen.", "Cancelled."))
        }
    }
}

fn prompt(text: &str) {
    eprint!("{text}");
    let _ = std::io::stderr().flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_hidden_only_at_a_terminal() {
        assert_eq!(reading(Asked::Secret, true), Reading::Hidden);
        assert_eq!(reading(Asked::Secret, false), Reading::Plain);
        assert_eq!(reading(Asked::Code, true), Reading::Prompted);
        assert_eq!(reading(Asked::Code, false), Reading::Plain);
    }
}
