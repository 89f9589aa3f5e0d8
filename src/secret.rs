//! Secret values that cannot leak by accident.
//!
//! Each secret is its own newtype: `Debug` prints `[redacted]`, there is no `Display`, no
//! `Serialize`, and the value comes out only through an explicit `expose()`. The keychain
//! records in [`crate::store`] are the one place that calls `expose()` to persist a value.

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret value itself. Call only where the value must leave the process
            /// (an HTTP header, the keychain, the stdout of `lexguard token`).
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret!(
    /// A Lexware access token (about 4 hours).
    AccessToken
);
secret!(
    /// A rotating Lexware refresh token: one alive per connection.
    RefreshToken
);
secret!(
    /// The partner app's client secret.
    ClientSecret
);
secret!(
    /// A public API key (24 months).
    ApiKey
);
secret!(
    /// A single-use authorization code.
    AuthCode
);
secret!(
    /// The PKCE code verifier of a pending authorization.
    PkceVerifier
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let values = [
            format!("{:?}", AccessToken::new("at-SECRET-1")),
            format!("{:?}", RefreshToken::new("rt-SECRET-2")),
            format!("{:?}", ClientSecret::new("cs-SECRET-3")),
            format!("{:?}", ApiKey::new("ak-SECRET-4")),
            format!("{:?}", AuthCode::new("code-SECRET-5")),
            format!("{:?}", PkceVerifier::new("pkce-SECRET-6")),
        ];
        for shown in values {
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }

    #[test]
    fn expose_gives_the_value_back() {
        assert_eq!(AccessToken::new("abc").expose(), "abc");
    }
}
