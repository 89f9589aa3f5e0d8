//! A connection's name: the handle a person types (`-c muster`) and the folder and keychain
//! prefix it stands for, so it must be safe in a path and an entry name.

use crate::error::{Error, Result};

/// `[a-z0-9][a-z0-9-]{0,31}`; `default` is the one connection lexguard had before names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ConnectionName(String);

impl ConnectionName {
    /// The name of the connection an installation without names has.
    pub const DEFAULT: &'static str = "default";

    pub fn default_name() -> ConnectionName {
        ConnectionName(Self::DEFAULT.into())
    }

    /// `default` keeps today's files, config and keychain entry names.
    pub fn is_default(&self) -> bool {
        self.0 == Self::DEFAULT
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn parse(text: &str) -> Result<ConnectionName> {
        let mut chars = text.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if first_ok && rest_ok && text.len() <= 32 {
            Ok(ConnectionName(text.to_string()))
        } else {
            Err(Error::invalid(
                format!(
                    "„{text}“ ist kein gültiger Verbindungsname. Erlaubt sind 1 bis 32 Kleinbuchstaben (a–z), Ziffern und Bindestriche, am Anfang ein Buchstabe oder eine Ziffer, z. B. „muster-gmbh“."
                ),
                format!(
                    "\"{text}\" is not a valid connection name. Use 1 to 32 lowercase letters (a-z), digits and hyphens, starting with a letter or digit, e.g. \"muster-gmbh\"."
                ),
            ))
        }
    }
}

impl std::fmt::Display for ConnectionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ConnectionName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_pattern() {
        for good in ["default", "a", "0", "muster-gmbh", "a-", &"x".repeat(32)] {
            assert!(ConnectionName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-a",
            "Muster",
            "a_b",
            "a/b",
            "..",
            "ä",
            "a b",
            &"x".repeat(33),
        ] {
            assert!(ConnectionName::parse(bad).is_err(), "{bad}");
        }
        assert!(ConnectionName::default_name().is_default());
        assert!(!ConnectionName::parse("b").expect("valid").is_default());
    }
}
