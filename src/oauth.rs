//! OAuth 2.1 with Lexware through the `oauth2` crate: authorize URL (PKCE S256 + state),
//! code exchange, refresh, revoke. Client authentication is HTTP Basic, as the contract says.
//!
//! Errors are sorted the way the tick needs them: `invalid_grant` on refresh is
//! [`Error::AuthLost`], on exchange [`Error::CodeRejected`]; `invalid_client` and
//! `unauthorized_client` are [`Error::ClientCredentials`]; 429, 5xx and transport trouble are
//! transient. Response bodies are never kept in an error: a token response holds tokens.

use crate::clock::Clock;
use crate::config::LexwareConfig;
use crate::error::{Error, Result};
use crate::http::{Http, retry_after, transport_error};
use crate::secret::{AuthCode, ClientSecret, PkceVerifier, RefreshToken};
use crate::store::{PendingAuthorization, TokenSet};
use chrono::{DateTime, Utc};
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

mod wire;

use wire::{Grant, Recording, classify};

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

pub struct OAuth<'a> {
    pub config: &'a LexwareConfig,
    pub secret: Option<&'a ClientSecret>,
    pub http: &'a Http,
}

impl OAuth<'_> {
    fn client(&self) -> Result<Client> {
        let base = self.config.auth_url.trim_end_matches('/');
        let bad = |what: &str| {
            Error::invalid(
                format!("auth_url in config.toml ergibt keine gültige {what}-Adresse."),
                format!("auth_url in config.toml does not give a valid {what} address."),
            )
        };
        let id = self.config.client_id.clone().ok_or_else(|| {
            Error::invalid(
                "In config.toml fehlt [lexware] client_id (die Client-ID Ihrer Lexware-App).",
                "config.toml lacks [lexware] client_id (the client id of your Lexware app).",
            )
        })?;
        let redirect = self.config.redirect_uri.clone().ok_or_else(|| {
            Error::invalid(
                "In config.toml fehlt [lexware] redirect_uri (die bei Lexware hinterlegte Weiterleitungsadresse).",
                "config.toml lacks [lexware] redirect_uri (the redirect address registered with Lexware).",
            )
        })?;
        let mut client = BasicClient::new(ClientId::new(id))
            .set_auth_uri(
                AuthUrl::new(format!("{base}/oauth2/authorize")).map_err(|_| bad("Anmelde"))?,
            )
            .set_token_uri(TokenUrl::new(format!("{base}/oauth2/token")).map_err(|_| bad("Token"))?)
            .set_redirect_uri(RedirectUrl::new(redirect).map_err(|_| {
                Error::invalid(
                    "redirect_uri in config.toml ist keine gültige Adresse.",
                    "redirect_uri in config.toml is not a valid address.",
                )
            })?);
        if let Some(secret) = self.secret {
            client =
                client.set_client_secret(oauth2::ClientSecret::new(secret.expose().to_string()));
        }
        Ok(client)
    }

    fn require_secret(&self) -> Result<()> {
        if self.secret.is_none() {
            return Err(Error::invalid(
                "Das Client-Secret Ihrer Lexware-App fehlt. Bitte hinterlegen Sie es: lexguard client-secret set - (oder LEXGUARD_CLIENT_SECRET).",
                "The client secret of your Lexware app is missing. Please store it: lexguard client-secret set - (or LEXGUARD_CLIENT_SECRET).",
            ));
        }
        Ok(())
    }

    /// The login URL and the pending authorization to keep (verifier + state).
    pub fn authorize_url(&self, now: DateTime<Utc>) -> Result<(String, PendingAuthorization)> {
        let client = self.client()?;
        self.require_secret()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge);
        if let Some(scope) = &self.config.scope {
            for s in scope.split_whitespace() {
                req = req.add_scope(Scope::new(s.to_string()));
            }
        }
        if let Some(name) = &self.config.connection_name {
            req = req.add_extra_param("connection_name", name.clone());
        }
        let (url, state) = req.url();
        Ok((
            url.to_string(),
            PendingAuthorization {
                verifier: PkceVerifier::new(verifier.secret().clone()),
                state: state.secret().clone(),
                created_at: now,
            },
        ))
    }

    /// Exchanges a code once (codes are single use: never retried).
    ///
    /// Boxed (like [`OAuth::refresh`]) so the future is `Send` for the desktop app's
    /// multi-threaded runtime: rustc cannot prove that through `oauth2`'s `impl Future`.
    pub fn exchange<'s>(
        &'s self,
        code: &'s AuthCode,
        verifier: &'s PkceVerifier,
        clock: &'s dyn Clock,
    ) -> BoxFuture<'s, Result<TokenSet>> {
        Box::pin(async move { self.exchange_inner(code, verifier, clock).await })
    }

    async fn exchange_inner(
        &self,
        code: &AuthCode,
        verifier: &PkceVerifier,
        clock: &dyn Clock,
    ) -> Result<TokenSet> {
        self.require_secret()?;
        let client = self.client()?;
        let resp = paced(self.http, PERSON_WAITS_RETRIES, || async {
            let http = Recording::new(self.http);
            let resp = client
                .exchange_code(AuthorizationCode::new(code.expose().to_string()))
                .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_string()))
                .request_async(&http)
                .await;
            resp.map_err(|e| classify(e, &http.meta, Grant::Code))
        })
        .await?;
        let now = clock.now();
        token_set(&resp, now, now, None)
    }

    /// One refresh grant. The caller holds the refresh lock and persists the result first.
    pub fn refresh<'s>(
        &'s self,
        current: &'s TokenSet,
        clock: &'s dyn Clock,
    ) -> BoxFuture<'s, Result<TokenSet>> {
        Box::pin(async move { self.refresh_inner(current, clock).await })
    }

    async fn refresh_inner(&self, current: &TokenSet, clock: &dyn Clock) -> Result<TokenSet> {
        self.require_secret()?;
        let client = self.client()?;
        let resp = paced(self.http, SCHEDULED_RETRIES, || async {
            let http = Recording::new(self.http);
            let resp = client
                .exchange_refresh_token(&oauth2::RefreshToken::new(
                    current.refresh.expose().to_string(),
                ))
                .request_async(&http)
                .await;
            resp.map_err(|e| classify(e, &http.meta, Grant::Refresh))
        })
        .await?;
        let now = clock.now();
        // RFC 6749 §6: the server MAY keep the refresh token; then the current one lives on.
        let mut set = token_set(&resp, now, current.connected_at, Some(&current.refresh))?;
        if set.scope.is_none() {
            set.scope = current.scope.clone();
        }
        Ok(set)
    }

    /// Revokes the refresh token (which ends the whole connection at Lexware), RFC 7009.
    ///
    /// Written by hand instead of with `oauth2`'s revocation request: that one refuses
    /// non-HTTPS endpoints, and the simulator and demo run on loopback http.
    pub async fn revoke(&self, refresh: &RefreshToken) -> Result<()> {
        self.require_secret()?;
        let client_id = self.client()?.client_id().to_string();
        let url = format!(
            "{}/oauth2/revoke",
            self.config.auth_url.trim_end_matches('/')
        );
        paced(self.http, PERSON_WAITS_RETRIES, || async {
            let resp = self
                .http
                .client
                .post(&url)
                .basic_auth(
                    form_encode(&client_id),
                    self.secret.map(|s| form_encode(s.expose())),
                )
                .form(&[
                    ("token", refresh.expose()),
                    ("token_type_hint", "refresh_token"),
                ])
                .send()
                .await
                .map_err(|e| transport_error(&e))?;
            let status = resp.status().as_u16();
            match status {
                200..=299 => Ok(()),
                429 => Err(Error::RateLimited {
                    retry_after_secs: retry_after(resp.headers()),
                }),
                500..=599 => Err(Error::Server { status }),
                400 | 401 => {
                    let body: serde_json::Value = resp.json().await.unwrap_or_default();
                    match body.get("error").and_then(|e| e.as_str()) {
                        Some("invalid_client" | "unauthorized_client") => {
                            Err(Error::ClientCredentials("revoke".into()))
                        }
                        // RFC 7009: an unknown or already dead token is not an error for us.
                        Some("invalid_grant" | "invalid_token") => Ok(()),
                        other => Err(Error::Rejected {
                            status,
                            detail: other.unwrap_or("revoke").to_string(),
                        }),
                    }
                }
                _ => Err(Error::Rejected {
                    status,
                    detail: "revoke".into(),
                }),
            }
        })
        .await
    }
}

/// How often a code exchange or a revocation is sent again after a 429 (a person waits for
/// it, and the code runs out in minutes). A refresh is not: it runs on a schedule whose
/// backoff takes over, so a 429 storm costs one token request per tick, never a burst that
/// could get the client blocked.
const PERSON_WAITS_RETRIES: u32 = 3;
const SCHEDULED_RETRIES: u32 = 0;

/// Sends one token request through the shared budget. A 429 means Lexware did not execute it
/// (the code is not burnt, the refresh token not rotated), so it may be sent again up to
/// `retries` times after a short, growing pause (or `Retry-After`, capped): other lexguard
/// processes share the budget at Lexware and a manual command should not fail on their account.
async fn paced<T, F, Fut>(http: &Http, retries: u32, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        http.wait_turn().await;
        match attempt().await {
            // A server that asks for a long wait gets it, through the (clamped) backoff.
            Err(Error::RateLimited { retry_after_secs })
                if tries < retries && retry_after_secs.is_none_or(|s| s <= 10) =>
            {
                let wait = retry_after_secs
                    .map(std::time::Duration::from_secs)
                    .unwrap_or(std::time::Duration::from_millis(700 << tries))
                    .min(std::time::Duration::from_secs(10));
                tracing::debug!(tries, ?wait, "token endpoint: 429, waiting");
                tokio::time::sleep(wait).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// RFC 6749 §2.3.1: client id and secret are form-encoded before Basic auth (as `oauth2`
/// does for the token endpoint).
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The longest token lexguard keeps. The contract promises 4096 / 128 characters, but once
/// Lexware answered a refresh the old pair is dead: refusing a token that is merely longer
/// than promised would throw the connection away, so only absurd sizes are refused.
const MAX_TOKEN_CHARS: usize = 64 * 1024;

fn token_set(
    resp: &BasicTokenResponse,
    now: DateTime<Utc>,
    connected_at: DateTime<Utc>,
    current_refresh: Option<&RefreshToken>,
) -> Result<TokenSet> {
    let refresh = match (resp.refresh_token(), current_refresh) {
        (Some(r), _) => RefreshToken::new(r.secret().clone()),
        (None, Some(current)) => current.clone(),
        (None, None) => {
            return Err(Error::Protocol(
                "token response without refresh_token".into(),
            ));
        }
    };
    let access = resp.access_token().secret();
    if access.is_empty()
        || access.len() > MAX_TOKEN_CHARS
        || refresh.expose().is_empty()
        || refresh.expose().len() > MAX_TOKEN_CHARS
    {
        return Err(Error::Protocol("token sizes outside the contract".into()));
    }
    if access.len() > crate::contract::MAX_ACCESS_TOKEN_CHARS
        || refresh.expose().len() > crate::contract::MAX_REFRESH_TOKEN_CHARS
    {
        tracing::warn!(
            access_chars = access.len(),
            refresh_chars = refresh.expose().len(),
            "token longer than the contract says; kept"
        );
    }
    // Without expires_in, assume the documented ~4 hours. A number from outside is clamped
    // (1 minute to 1 day): a huge one would otherwise overflow the date or stop all refreshes.
    let secs = resp
        .expires_in()
        .map_or(14_399, |d| d.as_secs().clamp(60, 86_400));
    let lifetime = chrono::Duration::seconds(secs as i64);
    Ok(TokenSet {
        access: crate::secret::AccessToken::new(access.clone()),
        refresh,
        expires_at: now + lifetime,
        issued_at: now,
        connected_at,
        scope: resp.scopes().map(|s| {
            s.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(json: serde_json::Value) -> BasicTokenResponse {
        serde_json::from_value(json).expect("token response")
    }

    fn current() -> RefreshToken {
        RefreshToken::new("R-CURRENT")
    }

    #[test]
    fn a_refresh_answer_without_refresh_token_keeps_the_current_one() {
        let now = Utc::now();
        let r = response(serde_json::json!({
            "access_token": "A-NEW", "token_type": "Bearer", "expires_in": 14399
        }));
        let set = token_set(&r, now, now, Some(&current())).expect("kept");
        assert_eq!(set.refresh, current());
        // A code exchange without one cannot keep a connection alive.
        assert!(matches!(
            token_set(&r, now, now, None),
            Err(Error::Protocol(_))
        ));
    }

    #[test]
    fn a_longer_token_than_promised_is_kept_an_absurd_one_refused() {
        let now = Utc::now();
        let long = "a".repeat(6000);
        let r = response(serde_json::json!({
            "access_token": long, "token_type": "Bearer", "refresh_token": "b".repeat(300)
        }));
        let set = token_set(&r, now, now, Some(&current())).expect("kept");
        assert_eq!(set.access.expose().len(), 6000);
        let absurd = response(serde_json::json!({
            "access_token": "a".repeat(70_000), "token_type": "Bearer", "refresh_token": "b"
        }));
        assert!(token_set(&absurd, now, now, Some(&current())).is_err());
    }

    #[test]
    fn expires_in_from_outside_is_clamped() {
        let now = Utc::now();
        for (sent, kept) in [(u64::MAX, 86_400), (0, 60), (14_399, 14_399)] {
            let r = response(serde_json::json!({
                "access_token": "A", "token_type": "Bearer", "refresh_token": "R",
                "expires_in": sent
            }));
            let set = token_set(&r, now, now, None).expect("no panic");
            assert_eq!((set.expires_at - now).num_seconds(), kept, "{sent}");
        }
    }
}
