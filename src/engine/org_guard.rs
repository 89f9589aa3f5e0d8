//! The wrong-organization guard (gh's "received credentials for another account"): a
//! reconnect of a connection that belonged to organization X which logs in to organization Y
//! is refused before anything is stored, and the grant just issued is revoked so nothing
//! dangles at Lexware. `connect --new-organization` switches on purpose.

use super::Engine;
use crate::api::Bearer;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::state::Persisted;
use crate::store::TokenSet;

impl Engine {
    /// `Ok` when `tokens` (just issued, not yet stored) belong to the organization `old`
    /// was connected to, when there was none, or when `allow` says a switch is wanted.
    pub(super) async fn guard_organization(
        &self,
        config: &Config,
        tokens: &TokenSet,
        old: &Persisted,
        allow: bool,
    ) -> Result<()> {
        let Some(old_org) = old.organization_id().filter(|_| !allow) else {
            return Ok(());
        };
        // Without an answer the connect goes on and validates as always: a refusal needs proof.
        let Ok(profile) = self
            .api(config)
            .profile(&Bearer(tokens.access.expose()))
            .await
        else {
            return Ok(());
        };
        let Some(new_org) = profile.organization_id.as_deref() else {
            return Ok(());
        };
        if new_org == old_org {
            return Ok(());
        }
        let secret = self.client_secret().await.ok().flatten();
        if let Err(e) = self
            .oauth(config, secret.as_ref())
            .revoke(&tokens.refresh)
            .await
        {
            tracing::warn!(
                kind = e.kind(),
                "revoking the wrong organization's grant failed"
            );
        }
        let was = old
            .company()
            .map(str::to_owned)
            .unwrap_or_else(|| old_org.to_string());
        let now = profile.company_name.unwrap_or_else(|| new_org.to_string());
        Err(refusal(&was, &now, true))
    }
}

impl Engine {
    /// The guard for a public API key: a key is the user's, not a grant, so there is nothing
    /// to revoke; it is just not stored.
    pub(super) fn guard_key_organization(
        profile: &crate::api::Profile,
        old: &Persisted,
        allow: bool,
    ) -> Result<()> {
        match (old.organization_id(), profile.organization_id.as_deref()) {
            (Some(was), Some(now)) if was != now && !allow => {
                let was = old
                    .company()
                    .map(str::to_owned)
                    .unwrap_or_else(|| was.to_string());
                let now = profile
                    .company_name
                    .clone()
                    .unwrap_or_else(|| now.to_string());
                Err(refusal(&was, &now, false))
            }
            _ => Ok(()),
        }
    }
}

/// Names both companies and the two ways out; `revoked`: a grant was issued and taken back.
fn refusal(was: &str, now: &str, revoked: bool) -> Error {
    let (de, en) = if revoked {
        (
            " Die neue Anmeldung wurde bei Lexware wieder zurückgezogen.",
            " The new login was revoked at Lexware.",
        )
    } else {
        ("", "")
    };
    Error::invalid(
        format!(
            "Diese Anmeldung gehört zu „{now}“, die Verbindung aber zu „{was}“. Nichts wurde geändert.{de} Bitte melden Sie sich bei Lexware als „{was}“ an und verbinden Sie erneut, oder legen Sie für „{now}“ eine eigene Verbindung an (lexguard login-url -c NAME). Wer die Verbindung absichtlich umstellen will: lexguard connect --new-organization."
        ),
        format!(
            "This login belongs to \"{now}\", but the connection belongs to \"{was}\". Nothing was changed.{en} Please log in to Lexware as \"{was}\" and connect again, or make a connection of its own for \"{now}\" (lexguard login-url -c NAME). To switch the connection on purpose: lexguard connect --new-organization."
        ),
    )
}
