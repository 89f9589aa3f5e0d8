//! The shape of `lexguard token --json` and of `token.json` in the token folder: the bearer
//! with what a program needs to use it well — when it ends (so a long-running worker renews
//! in time, like `az account get-access-token`'s `expiresOn`), the API host (the old lexoffice
//! host is switched off), and which organization it reaches.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One bearer for other programs. Only access tokens and API keys: never a refresh token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenJson {
    pub access_token: String,
    /// Always `"Bearer"`.
    pub token_type: String,
    /// RFC 3339, whole seconds, UTC; an API key's end date; `null` when unknown.
    #[serde(serialize_with = "rfc3339", deserialize_with = "from_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The configured API base, without a trailing slash.
    pub api_url: String,
    pub organization_id: Option<String>,
    pub company: Option<String>,
}

impl std::fmt::Debug for TokenJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenJson")
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

impl TokenJson {
    pub fn new(
        bearer: &str,
        expires_at: Option<DateTime<Utc>>,
        api_url: &str,
        organization_id: Option<String>,
        company: Option<String>,
    ) -> TokenJson {
        TokenJson {
            access_token: bearer.to_string(),
            token_type: "Bearer".into(),
            expires_at,
            api_url: api_url.trim_end_matches('/').to_string(),
            organization_id,
            company,
        }
    }

    /// One line of JSON (what `token --json` prints and `token.json` holds, with a newline).
    pub fn to_line(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn rfc3339<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

fn from_rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<DateTime<Utc>>::deserialize(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_shape() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T17:30:00.123Z")
            .expect("time")
            .with_timezone(&Utc);
        let t = TokenJson::new(
            "AT-SECRET",
            Some(at),
            "https://api.lexware.io/",
            Some("org".into()),
            Some("Demo GmbH".into()),
        );
        let v: serde_json::Value = serde_json::from_str(&t.to_line()).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "access_token": "AT-SECRET",
                "token_type": "Bearer",
                "expires_at": "2026-12-07T17:30:00Z",
                "api_url": "https://api.lexware.io",
                "organization_id": "org",
                "company": "Demo GmbH",
            })
        );
        let back: TokenJson = serde_json::from_str(&t.to_line()).expect("parse");
        assert_eq!(back.expires_at.map(|t| t.timestamp()), Some(at.timestamp()));
        assert!(!format!("{t:?}").contains("SECRET"));
    }
}
