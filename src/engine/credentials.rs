//! The newest credentials: the keychain's, or a token set held in memory because the
//! keychain refused it; writing (persist-or-hold), flushing, and the client secret.

use super::Engine;
use super::op::Operation;
use crate::error::{Error, KeychainFault, Result};
use crate::event::Event;
use crate::secret::ClientSecret;
use crate::state::Mode;
use crate::store::{ApiKeyRecord, TokenSet, rescue};

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

    /// Writes a token set that so far lives only in memory or in the rescue file (the
    /// keychain refused it). `Ok(false)`: nothing was waiting. Before quitting, the app must
    /// not drop such a set.
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
        rescue::remove(&self.inner.home.rescue_file());
        Ok(true)
    }

    /// Whether a client secret is available (keychain or environment); never the value.
    pub async fn client_secret_stored(&self) -> Result<bool> {
        Ok(self.client_secret().await?.is_some())
    }

    pub async fn set_client_secret(&self, secret: ClientSecret) -> Result<()> {
        if secret.expose().trim().is_empty()
            || secret.expose().len() > crate::limits::CLIENT_SECRET_MAX_CHARS as usize
        {
            return Err(Error::invalid(
                "Das Client-Secret ist leer oder zu lang. Bitte fügen Sie das Secret Ihrer Lexware-App ein.",
                "The client secret is empty or too long. Please paste the secret of your Lexware app.",
            ));
        }
        self.inner.vault.save_client_secret(&secret).await
    }

    /// Reads the credentials of the current mode: the newest token set of the keychain, this
    /// process's memory and the rescue file (a set the keychain refused earlier is written
    /// there now). Keychain trouble falls back to a held set and is recorded; it never turns
    /// into "not connected" or "auth lost". Without a known mode (state file missing or
    /// unreadable) the keychain decides: tokens, else an API key.
    pub(super) async fn read_creds(&self, run: &mut Operation) -> Result<Creds> {
        if run.st.mode() == Some(Mode::ApiKey) {
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
        let rescue_file = self.inner.home.rescue_file();
        let held = {
            let m = self.memory();
            newer(
                m.tokens.clone().filter(|_| m.unsaved),
                rescue::read(&rescue_file),
            )
        };
        let stored = match read {
            Ok(stored) => stored,
            Err(e) => {
                run.keychain_fault = keychain_fault(&e);
                let fallback = held.or_else(|| self.memory().tokens.clone());
                return match fallback {
                    Some(t) => {
                        tracing::warn!(error = %e, "keychain unreadable, using the tokens held here");
                        self.adopt_mode(run, &t);
                        Ok(Creds::Tokens(t))
                    }
                    None => Err(e),
                };
            }
        };
        let newest = match (stored, held) {
            (Some(s), Some(h)) if h.issued_at > s.issued_at => {
                self.persist_tokens(run, &h).await;
                Some(h)
            }
            (None, Some(h)) => {
                self.persist_tokens(run, &h).await;
                Some(h)
            }
            (stored, held) => {
                if held.is_some() {
                    // The keychain already holds this set or a newer one (another process).
                    self.memory().unsaved = false;
                    rescue::remove(&rescue_file);
                }
                stored
            }
        };
        self.memory().tokens = newest.clone();
        if let Some(t) = &newest {
            self.adopt_mode(run, t);
            return Ok(Creds::Tokens(t.clone()));
        }
        if run.st.mode().is_none() {
            match self.inner.vault.api_key().await {
                Ok(Some(k)) => {
                    tracing::warn!("state file lost; the keychain holds an API key: API-key mode");
                    run.st.api_key_adopted(k.expires_at());
                    return Ok(Creds::Key(k));
                }
                Ok(None) => {}
                Err(e) => {
                    run.keychain_fault = keychain_fault(&e);
                    return Err(e);
                }
            }
        }
        Ok(Creds::None)
    }

    /// A token set without a known mode (the state file was lost): OAuth, with the facts the
    /// set itself carries. The connection is never "not connected" while its tokens exist.
    fn adopt_mode(&self, run: &mut Operation, t: &TokenSet) {
        if run.st.mode().is_none() {
            tracing::warn!("state file lost; the keychain holds a token pair: OAuth mode");
            run.st
                .tokens_adopted(t.connected_at, t.expires_at, t.issued_at);
        }
    }

    /// Writes a token set Lexware issued. The keychain gets a few quick tries; if it still
    /// refuses, the set goes to the rescue file and stays in memory, the run records the
    /// trouble, and every later run retries. `true`: the keychain has it.
    pub(super) async fn persist_tokens(&self, run: &mut Operation, set: &TokenSet) -> bool {
        run.shared = Some(super::op::Shared::tokens(set));
        let mut result = self.inner.vault.save_tokens(set).await;
        for pause_ms in [200, 800] {
            if result.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
            result = self.inner.vault.save_tokens(set).await;
        }
        let was_unsaved = {
            let mut m = self.memory();
            let was = m.unsaved;
            m.tokens = Some(set.clone());
            m.unsaved = result.is_err();
            was
        };
        let rescue_file = self.inner.home.rescue_file();
        match result {
            Ok(()) => {
                if was_unsaved || rescue_file.exists() {
                    rescue::remove(&rescue_file);
                    run.events.push(Event::KeychainRecovered);
                }
                run.rescued = None;
                true
            }
            Err(e) => {
                let fault = keychain_fault(&e).unwrap_or(KeychainFault::Failed);
                run.keychain_fault = Some(fault);
                run.rescued = Some(match rescue::write(&rescue_file, set) {
                    Ok(()) => {
                        tracing::error!(error = %e, file = %rescue_file.display(), "new tokens refused by the keychain; kept in the rescue file and in memory");
                        Some(rescue_file)
                    }
                    Err(w) => {
                        tracing::error!(error = %e, rescue_error = %w, "new tokens refused by the keychain and the rescue file; held in memory only");
                        None
                    }
                });
                run.events.push(Event::KeychainTrouble {
                    fault,
                    unsaved: true,
                });
                false
            }
        }
    }

    /// Makes sure the keychain takes a write before Lexware issues a pair that must be
    /// written: the current set is written back (a no-op for the keychain's content).
    pub(super) async fn keychain_takes_writes(
        &self,
        run: &mut Operation,
        current: &TokenSet,
    ) -> bool {
        match self.inner.vault.save_tokens(current).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "keychain refuses writes; not refreshing now");
                run.keychain_fault = keychain_fault(&e).or(Some(KeychainFault::Failed));
                false
            }
        }
    }
}

/// The later of two held sets, by issue time.
fn newer(a: Option<TokenSet>, b: Option<TokenSet>) -> Option<TokenSet> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.issued_at > a.issued_at { b } else { a }),
        (a, b) => a.or(b),
    }
}

pub(super) fn keychain_fault(e: &Error) -> Option<KeychainFault> {
    match e {
        Error::Keychain { fault, .. } => Some(*fault),
        _ => None,
    }
}
