//! Making and ending a connection: the login URL, the code exchange, a public API key,
//! and disconnect (revoke at Lexware, delete locally).

use super::op::Operation;
use super::{ConnectReport, Engine};
use crate::api::Bearer;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::secret::ApiKey;
use crate::state::Mode;
use crate::status::Status;
use crate::store::{ApiKeyRecord, names};
use chrono::Duration;

impl Engine {
    /// The authorization URL; keeps verifier and state pending in the keychain
    /// ([`crate::contract::LOGIN_LIFETIME_SECS`]).
    /// Refused without a client secret: the code a person brings back from Lexware (after
    /// e-mail, password and 2FA) could not be exchanged without it.
    pub async fn login_url(&self) -> Result<String> {
        let config = self.config();
        let secret = self.client_secret().await?;
        let (url, pending) = self
            .oauth(&config, secret.as_ref())
            .authorize_url(self.inner.clock.now())?;
        self.inner.vault.save_pending(&pending).await?;
        Ok(url)
    }

    /// Exchanges a pasted code or redirect URL, validates, syncs webhooks. On any failure
    /// before Lexware issued new tokens, the old tokens stay untouched.
    pub async fn connect(&self, pasted: &str) -> Result<ConnectReport> {
        self.connect_organization(pasted, false).await
    }

    /// [`Engine::connect`]; `new_organization` allows a login to another organization than
    /// the one this connection belonged to (see `org_guard`).
    pub async fn connect_organization(
        &self,
        pasted: &str,
        new_organization: bool,
    ) -> Result<ConnectReport> {
        let pasted = crate::paste::parse(pasted)?;
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let pending = self
            .inner
            .vault
            .pending()
            .await?
            .ok_or(Error::NoPendingLogin)?;
        if run.now - pending.created_at
            > Duration::seconds(i64::from(crate::contract::LOGIN_LIFETIME_SECS))
        {
            let _ = self.inner.vault.delete(names::PENDING).await;
            return Err(Error::PendingExpired);
        }
        if pasted.state.as_ref().is_some_and(|s| *s != pending.state) {
            return Err(Error::StateMismatch);
        }
        // The code is single use: make sure the keychain takes a write before Lexware issues
        // a pair that must be written (writing the pending login back changes nothing).
        self.inner.vault.save_pending(&pending).await?;
        let config = self.config();
        let secret = self.client_secret().await?;
        let tokens = self
            .oauth(&config, secret.as_ref())
            .exchange(&pasted.code, &pending.verifier, self.inner.clock.as_ref())
            .await?;
        self.guard_organization(&config, &tokens, &run.st, new_organization)
            .await?;
        // Lexware has issued new tokens: from here on they must never be dropped.
        self.persist_tokens(&mut run, &tokens).await;
        let _ = self.inner.vault.delete(names::PENDING).await;
        let _ = self.inner.vault.delete(names::API_KEY).await;
        self.reset_for(&mut run, Mode::OAuth);
        run.st
            .tokens_connected(tokens.connected_at, tokens.expires_at, tokens.issued_at);
        let bearer = tokens.access.expose().to_string();
        self.after_connect(run, &config, &bearer).await
    }

    /// Stores a public API key after Lexware accepted it; its end is assumed (24 months).
    pub async fn connect_api_key(&self, input: &str) -> Result<ConnectReport> {
        self.connect_api_key_until(input, None).await
    }

    /// Stores a public API key after Lexware accepted it, with the end date Lexware shows for
    /// it (`None`: 24 months from now, labelled as an assumption).
    pub async fn connect_api_key_until(
        &self,
        input: &str,
        ends_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<ConnectReport> {
        self.connect_api_key_organization(input, ends_at, false)
            .await
    }

    /// [`Engine::connect_api_key_until`]; `new_organization` allows a key of another
    /// organization than the one this connection belonged to (see `org_guard`).
    pub async fn connect_api_key_organization(
        &self,
        input: &str,
        ends_at: Option<chrono::DateTime<chrono::Utc>>,
        new_organization: bool,
    ) -> Result<ConnectReport> {
        if let Some(end) = ends_at {
            super::api_key::check_end(end, self.now())?;
        }
        let key = input.trim();
        if key.is_empty()
            || key.len() > crate::limits::API_KEY_MAX_CHARS as usize
            || key.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            let page = crate::text::key_words::api_key_page();
            return Err(Error::invalid(
                format!(
                    "Das ist kein API-Schlüssel von Lexware. Bitte kopieren Sie den Schlüssel aus {page} ohne Leerzeichen."
                ),
                format!(
                    "That is not a Lexware API key. Please copy the key from {page} without spaces."
                ),
            ));
        }
        let key = ApiKey::new(key);
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        let mut limited = false;
        match self.api(&config).profile(&Bearer(key.expose())).await {
            // A key with "individuelle Berechtigungen" but without "Allgemeine
            // Profilinformationen abrufen": valid if it can do what lexguard needs.
            Err(Error::Rejected { status: 403, .. }) => {
                self.api(&config)
                    .subscriptions(&Bearer(key.expose()))
                    .await?;
                limited = true;
            }
            Err(Error::Unauthorized) => {
                let page = crate::text::key_words::api_key_page();
                return Err(Error::invalid(
                    format!(
                        "Lexware kennt diesen API-Schlüssel nicht (abgelaufen, gelöscht oder falsch kopiert). Bitte erstellen Sie unter {page} einen neuen Schlüssel."
                    ),
                    format!(
                        "Lexware does not accept this API key (expired, deleted or copied wrongly). Please create a new key at {page}."
                    ),
                ));
            }
            Err(e) => return Err(e),
            Ok(profile) => Self::guard_key_organization(&profile, &run.st, new_organization)?,
        }
        let record = ApiKeyRecord {
            key: key.clone(),
            stored_at: run.now,
            ends_at,
        };
        self.inner.vault.save_api_key(&record).await?;
        let _ = self.inner.vault.delete(names::TOKENS).await;
        self.memory().tokens = None;
        self.reset_for(&mut run, Mode::ApiKey);
        run.st
            .api_key_connected(record.expires_at(), record.end_is_assumed(), limited);
        run.shared = Some(super::op::Shared::key(&record));
        self.after_connect(run, &config, key.expose()).await
    }

    /// A fresh start in `mode`; the connect's own check follows in [`Engine::after_connect`].
    pub(super) fn reset_for(&self, run: &mut Operation, mode: Mode) {
        run.st.connected(mode);
    }

    pub(super) async fn after_connect(
        &self,
        mut run: Operation,
        config: &Config,
        bearer: &str,
    ) -> Result<ConnectReport> {
        let profile = if run.st.key_limited() {
            // Already checked through the subscriptions: there is no profile to read.
            Ok(crate::api::Profile::default())
        } else {
            self.api(config).profile(&Bearer(bearer)).await
        };
        let ok = self.after_validation(&mut run, profile);
        let company = run.st.company().map(str::to_owned);
        run.events.push(Event::Connected {
            company: company.clone(),
            mode: run.st.mode().unwrap_or(Mode::OAuth),
        });
        let webhooks = if config.webhooks.is_empty() || !ok {
            None
        } else {
            Some(
                self.sync_with(&mut run, config, bearer, false)
                    .await
                    .map_err(|e| e.message(self.lang())),
            )
        };
        let rescued = run.rescued.clone();
        let (status, _) = self.finish(run)?;
        // Never "connected" for tokens the keychain did not take.
        if let Some(rescue) = rescued {
            return Err(Error::TokensNotStored { rescue });
        }
        Ok(ConnectReport {
            status,
            company,
            webhooks,
        })
    }

    /// Revokes at Lexware and deletes the local secrets. With `force`, local secrets go even
    /// when Lexware cannot be reached.
    pub async fn disconnect(&self, force: bool) -> Result<Status> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        if run.st.mode() == Some(Mode::OAuth) || run.st.mode().is_none() {
            let tokens = self.inner.vault.tokens().await;
            let tokens = match tokens {
                Ok(t) => t.or_else(|| self.memory().tokens.clone()),
                Err(e) if !force => return Err(e),
                Err(_) => None,
            };
            if let Some(t) = tokens {
                let config = self.config();
                let secret = self.client_secret().await?;
                if let Err(e) = self
                    .oauth(&config, secret.as_ref())
                    .revoke(&t.refresh)
                    .await
                {
                    if !force {
                        return Err(e);
                    }
                    tracing::warn!(
                        kind = e.kind(),
                        "revoke failed; deleting local secrets anyway"
                    );
                }
            }
        }
        for name in [names::TOKENS, names::API_KEY, names::PENDING] {
            self.inner.vault.delete(name).await?;
        }
        {
            let mut m = self.memory();
            m.tokens = None;
            m.unsaved = false;
        }
        crate::store::rescue::remove(&self.inner.home.rescue_file());
        run.st.disconnected();
        run.events.push(Event::Disconnected);
        let (status, _) = self.finish(run)?;
        Ok(status)
    }
}
