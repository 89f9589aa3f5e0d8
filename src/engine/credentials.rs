//! The newest credentials: the keychain's, or a token set held in memory because the
//! keychain refused it; writing (persist-or-hold), flushing, and the client secret.

use super::Engine;
use super::op::Run;
use crate::error::{Error, KeychainFault, Result};
use crate::event::Event;
use crate::secret::ClientSecret;
use crate::state::Mode;
use crate::store::{ApiKeyRecord, TokenSet};

/// The credentials of this tick.
pub(super) enum Creds {
    None,
    Tokens(TokenSet),
    Key(ApiKeyRecord),
}

impl Engine {
    pub(super) async fn client_secret(&self) -> Result<Option<ClientSecret>> {
        if let Some(s) = &self.inner.env_secret {
            return Ok(Some(s.clone()));
        }
        self.inner.vault.client_secret().await
    }

    /// Writes a token set that so far lives only in memory (the keychain refused it).
    /// `Ok(false)`: nothing was waiting. Before quitting, the app must not drop such a set.
    pub async fn flush_unsaved(&self) -> Result<bool> {
        let pending = {
            let m = self.memory();
            m.unsaved.then(|| m.tokens.clone()).flatten()
        };
        let Some(tokens) = pending else {
            return Ok(false);
        };
        self.inner.vault.save_tokens(&tokens).await?;
        self.memory().unsaved = false;
        Ok(true)
    }

    /// Whether a client secret is available (keychain or environment); never the value.
    pub async fn client_secret_stored(&self) -> Result<bool> {
        Ok(self.client_secret().await?.is_some())
    }

    pub async fn set_client_secret(&self, secret: ClientSecret) -> Result<()> {
        if secret.expose().trim().is_empty() || secret.expose().len() > 512 {
            return Err(Error::invalid(
                "Das Client-Secret ist leer oder zu lang. Bitte fügen Sie das Secret Ihrer Lexware-App ein.",
                "The client secret is empty or too long. Please paste the secret of your Lexware app.",
            ));
        }
        self.inner.vault.save_client_secret(&secret).await
    }

    /// Reads the credentials of the current mode. Keychain trouble falls back to the tokens in
    /// memory and is recorded; it never turns into "not connected" or "auth lost".
    pub(super) async fn load_creds(&self, run: &mut Run) -> Result<Creds> {
        if run.st.mode == Some(Mode::ApiKey) {
            return match self.inner.vault.api_key().await {
                Ok(Some(k)) => Ok(Creds::Key(k)),
                Ok(None) => Ok(Creds::None),
                Err(e) => {
                    run.keychain_fault = keychain_fault(&e);
                    Err(e)
                }
            };
        }
        let read = self.inner.vault.tokens().await;
        let (memory_tokens, unsaved) = {
            let m = self.memory();
            (m.tokens.clone(), m.unsaved)
        };
        match read {
            Ok(stored) => {
                let newest = match (stored, memory_tokens) {
                    (Some(s), Some(m)) if unsaved && m.issued_at > s.issued_at => {
                        self.persist_tokens(run, &m).await;
                        Some(m)
                    }
                    (None, Some(m)) if unsaved => {
                        self.persist_tokens(run, &m).await;
                        Some(m)
                    }
                    (stored, _) => {
                        if unsaved {
                            // The keychain already holds something newer (another process).
                            self.memory().unsaved = false;
                        }
                        stored
                    }
                };
                self.memory().tokens = newest.clone();
                Ok(newest.map_or(Creds::None, Creds::Tokens))
            }
            Err(e) => {
                run.keychain_fault = keychain_fault(&e);
                match memory_tokens {
                    Some(m) => {
                        tracing::warn!(error = %e, "keychain unreadable, using the tokens in memory");
                        Ok(Creds::Tokens(m))
                    }
                    None => Err(e),
                }
            }
        }
    }

    /// Writes a token set; on failure keeps it in memory, says so loudly, retries next tick.
    pub(super) async fn persist_tokens(&self, run: &mut Run, set: &TokenSet) {
        let result = self.inner.vault.save_tokens(set).await;
        let was_unsaved = {
            let mut m = self.memory();
            let was = m.unsaved;
            m.tokens = Some(set.clone());
            m.unsaved = result.is_err();
            was
        };
        match result {
            Ok(()) => {
                if was_unsaved {
                    run.events.push(Event::KeychainRecovered);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "refreshed tokens could not be written to the keychain; holding them in memory");
                let fault = keychain_fault(&e).unwrap_or(KeychainFault::Failed);
                run.keychain_fault = Some(fault);
                run.events.push(Event::KeychainTrouble {
                    fault,
                    unsaved: true,
                });
            }
        }
    }
}

pub(super) fn keychain_fault(e: &Error) -> Option<KeychainFault> {
    match e {
        Error::Keychain { fault, .. } => Some(*fault),
        _ => None,
    }
}
