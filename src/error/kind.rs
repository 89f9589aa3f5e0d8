//! The stable names of [`super::Error`], as a type: `--json` output and the window's
//! `IpcError.kind` carry these strings, and the window gets the list as generated TypeScript.

use serde::{Deserialize, Serialize};

/// Every name [`super::Error::kind`] can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    KeychainUnavailable,
    KeychainLocked,
    KeychainTimeout,
    KeychainFailed,
    KeychainCorrupt,
    NotConnected,
    AuthLost,
    ClientCredentials,
    Network,
    Timeout,
    Server,
    RateLimited,
    Unauthorized,
    CodeRejected,
    NoPendingLogin,
    LoginExpired,
    StateMismatch,
    InvalidInput,
    Rejected,
    Protocol,
    Io,
    Busy,
    ShuttingDown,
    TokensNotStored,
    RetryLater,
    RefreshInterrupted,
    KeyRejected,
}

impl ErrorKind {
    /// All kinds, in declaration order.
    pub const ALL: [ErrorKind; 28] = [
        ErrorKind::Config,
        ErrorKind::KeychainUnavailable,
        ErrorKind::KeychainLocked,
        ErrorKind::KeychainTimeout,
        ErrorKind::KeychainFailed,
        ErrorKind::KeychainCorrupt,
        ErrorKind::NotConnected,
        ErrorKind::AuthLost,
        ErrorKind::ClientCredentials,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Server,
        ErrorKind::RateLimited,
        ErrorKind::Unauthorized,
        ErrorKind::CodeRejected,
        ErrorKind::NoPendingLogin,
        ErrorKind::LoginExpired,
        ErrorKind::StateMismatch,
        ErrorKind::InvalidInput,
        ErrorKind::Rejected,
        ErrorKind::Protocol,
        ErrorKind::Io,
        ErrorKind::Busy,
        ErrorKind::ShuttingDown,
        ErrorKind::TokensNotStored,
        ErrorKind::RetryLater,
        ErrorKind::RefreshInterrupted,
        ErrorKind::KeyRejected,
    ];

    /// The wire name (the same string serde writes).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::KeychainUnavailable => "keychain_unavailable",
            ErrorKind::KeychainLocked => "keychain_locked",
            ErrorKind::KeychainTimeout => "keychain_timeout",
            ErrorKind::KeychainFailed => "keychain_failed",
            ErrorKind::KeychainCorrupt => "keychain_corrupt",
            ErrorKind::NotConnected => "not_connected",
            ErrorKind::AuthLost => "auth_lost",
            ErrorKind::ClientCredentials => "client_credentials",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Server => "server",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::CodeRejected => "code_rejected",
            ErrorKind::NoPendingLogin => "no_pending_login",
            ErrorKind::LoginExpired => "login_expired",
            ErrorKind::StateMismatch => "state_mismatch",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Rejected => "rejected",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Io => "io",
            ErrorKind::Busy => "busy",
            ErrorKind::ShuttingDown => "shutting_down",
            ErrorKind::TokensNotStored => "tokens_not_stored",
            ErrorKind::RetryLater => "retry_later",
            ErrorKind::RefreshInterrupted => "refresh_interrupted",
            ErrorKind::KeyRejected => "key_rejected",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, KeychainFault};

    #[test]
    fn wire_names_are_serde_names_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert_eq!(
                serde_json::to_value(k).expect("json"),
                serde_json::Value::String(k.as_str().into())
            );
            assert!(seen.insert(k.as_str()), "{k}");
        }
    }

    /// The strings programs already rely on stay exactly as they were.
    #[test]
    fn error_kind_strings_are_stable() {
        let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let cases = [
            (Error::PendingExpired, "login_expired"),
            (
                Error::Keychain {
                    fault: KeychainFault::Corrupt,
                    detail: String::new(),
                },
                "keychain_corrupt",
            ),
            (Error::TokensNotStored { rescue: None }, "tokens_not_stored"),
            (Error::RetryLater { at: now }, "retry_later"),
            (Error::RefreshInterrupted, "refresh_interrupted"),
            (Error::ShuttingDown, "shutting_down"),
            (Error::invalid("a", "b"), "invalid_input"),
        ];
        for (e, want) in cases {
            assert_eq!(e.kind(), want);
            assert_eq!(e.error_kind().as_str(), want);
        }
    }
}
