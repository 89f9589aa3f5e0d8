//! What is kept in the keychain, as JSON. The only place secrets are serialized.

use crate::secret::{AccessToken, ApiKey, PkceVerifier, RefreshToken};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The token pair of one OAuth connection.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    pub access: AccessToken,
    pub refresh: RefreshToken,
    /// Receive time + `expires_in`.
    pub expires_at: DateTime<Utc>,
    /// When this refresh token was issued (rotation resets it).
    pub issued_at: DateTime<Utc>,
    /// When the connection was authorized (survives rotation).
    pub connected_at: DateTime<Utc>,
    pub scope: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct TokenSetWire {
    access_token: String,
    refresh_token: String,
    expires_at: DateTime<Utc>,
    issued_at: DateTime<Utc>,
    connected_at: DateTime<Utc>,
    #[serde(default)]
    scope: Option<String>,
}

impl TokenSet {
    pub fn to_json(&self) -> String {
        serde_json::to_string(&TokenSetWire {
            access_token: self.access.expose().into(),
            refresh_token: self.refresh.expose().into(),
            expires_at: self.expires_at,
            issued_at: self.issued_at,
            connected_at: self.connected_at,
            scope: self.scope.clone(),
        })
        .unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Self> {
        let w: TokenSetWire = serde_json::from_str(s).ok()?;
        Some(Self {
            access: AccessToken::new(w.access_token),
            refresh: RefreshToken::new(w.refresh_token),
            expires_at: w.expires_at,
            issued_at: w.issued_at,
            connected_at: w.connected_at,
            scope: w.scope,
        })
    }
}

/// A login in progress: PKCE verifier and CSRF state, kept 10 minutes.
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    pub verifier: PkceVerifier,
    /// CSRF state; not a secret on its own but useless without the verifier.
    pub state: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct PendingWire {
    verifier: String,
    state: String,
    created_at: DateTime<Utc>,
}

impl PendingAuthorization {
    pub fn to_json(&self) -> String {
        serde_json::to_string(&PendingWire {
            verifier: self.verifier.expose().into(),
            state: self.state.clone(),
            created_at: self.created_at,
        })
        .unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Self> {
        let w: PendingWire = serde_json::from_str(s).ok()?;
        Some(Self {
            verifier: PkceVerifier::new(w.verifier),
            state: w.state,
            created_at: w.created_at,
        })
    }
}

/// A public API key, when it was stored, and its end as Lexware shows it (if the person said):
/// keys live *at most* 24 months and can be extended in Lexware, so "24 months after it was
/// entered" is only the assumption when no date was given.
#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub key: ApiKey,
    pub stored_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize)]
struct ApiKeyWire {
    api_key: String,
    stored_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ends_at: Option<DateTime<Utc>>,
}

impl ApiKeyRecord {
    pub fn to_json(&self) -> String {
        serde_json::to_string(&ApiKeyWire {
            api_key: self.key.expose().into(),
            stored_at: self.stored_at,
            ends_at: self.ends_at,
        })
        .unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Self> {
        let w: ApiKeyWire = serde_json::from_str(s).ok()?;
        Some(Self {
            key: ApiKey::new(w.api_key),
            stored_at: w.stored_at,
            ends_at: w.ends_at,
        })
    }

    /// The date the person gave, else [`crate::contract::API_KEY_LIFETIME_MONTHS`] after it was
    /// stored (an assumption).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.ends_at.unwrap_or_else(|| {
            self.stored_at
                .checked_add_months(chrono::Months::new(
                    crate::contract::API_KEY_LIFETIME_MONTHS,
                ))
                .unwrap_or(self.stored_at)
        })
    }

    pub fn end_is_assumed(&self) -> bool {
        self.ends_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_set_round_trips_and_debug_is_redacted() {
        let now = Utc::now();
        let t = TokenSet {
            access: AccessToken::new("A-SECRET"),
            refresh: RefreshToken::new("R-SECRET"),
            expires_at: now,
            issued_at: now,
            connected_at: now,
            scope: Some("profile".into()),
        };
        assert_eq!(TokenSet::from_json(&t.to_json()), Some(t.clone()));
        assert!(!format!("{t:?}").contains("SECRET"));
        let p = PendingAuthorization {
            verifier: PkceVerifier::new("V-SECRET"),
            state: "s".into(),
            created_at: now,
        };
        assert!(!format!("{p:?}").contains("SECRET"));
        let k = ApiKeyRecord {
            key: ApiKey::new("K-SECRET"),
            stored_at: now,
            ends_at: None,
        };
        assert!(!format!("{k:?}").contains("SECRET"));
    }
}
