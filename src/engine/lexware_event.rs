//! Events Lexware sent to the shop, handed to lexguard (`lexguard event -`): a verified
//! `token.revoked` for this connection ends it at once, instead of at the next validation.

use super::Engine;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::state::Reason;
use crate::status::Status;

/// A body longer than this is no Lexware event.
const MAX_BODY: usize = 64 * 1024;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Incoming {
    event_type: String,
    #[serde(default)]
    resource_id: Option<String>,
    #[serde(default)]
    organization_id: Option<String>,
}

/// What an incoming event did.
#[derive(Debug, Clone, PartialEq)]
pub enum EventOutcome {
    /// `token.revoked` of this connection: authentication is lost now.
    ConnectionEnded(Box<Status>),
    /// A genuine event lexguard has nothing to do for (another type).
    Ignored(String),
}

impl Engine {
    /// Verifies `X-Lxo-Signature` over the exact body bytes, then acts on the event. An
    /// unsigned, wrongly signed or foreign (another connection's) event is refused.
    pub async fn lexware_event(&self, body: &[u8], signature: &str) -> Result<EventOutcome> {
        if body.len() > MAX_BODY {
            return Err(refused(
                "Der Text ist zu lang für ein Lexware-Ereignis.",
                "The text is too long for a Lexware event.",
            ));
        }
        if signature.trim().is_empty() {
            return Err(refused(
                "Das Ereignis hat keine Signatur (X-Lxo-Signature). lexguard nimmt nur von Lexware signierte Ereignisse an.",
                "The event has no signature (X-Lxo-Signature). lexguard only accepts events signed by Lexware.",
            ));
        }
        let key = self.webhook_key().await?;
        if let Err(why) = crate::signature::verify(body, signature, &key) {
            tracing::warn!(?why, "event signature refused");
            return Err(refused(
                "Die Signatur passt nicht zu diesem Ereignis: Es stammt nicht von Lexware oder wurde unterwegs verändert. lexguard hat nichts geändert.",
                "The signature does not match this event: it does not come from Lexware or was changed on the way. lexguard changed nothing.",
            ));
        }
        let event: Incoming = serde_json::from_slice(body).map_err(|_| {
            refused(
                "Das Ereignis ist kein JSON von Lexware.",
                "The event is not Lexware JSON.",
            )
        })?;
        if event.event_type != "token.revoked" {
            return Ok(EventOutcome::Ignored(event.event_type));
        }
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let ours = run.st.connection_id().is_some()
            && run.st.connection_id() == event.resource_id.as_deref();
        let same_org = event.organization_id.is_none()
            || run.st.organization_id().is_none()
            || run.st.organization_id() == event.organization_id.as_deref();
        if !ours || !same_org {
            return Err(refused(
                "Dieses „token.revoked“ gehört zu einer anderen Verbindung; die Verbindung von lexguard ist davon nicht betroffen.",
                "This \"token.revoked\" belongs to another connection; lexguard's connection is not affected.",
            ));
        }
        if run.st.lost(run.now, Reason::InvalidGrant) {
            run.events.push(Event::AuthLost {
                reason: Reason::InvalidGrant,
            });
        }
        let (status, _) = self.finish(run)?;
        Ok(EventOutcome::ConnectionEnded(Box::new(status)))
    }

    /// Lexware's public key: the configured file, else the copy in the data folder, else the
    /// published one, fetched once (bounded) and kept.
    async fn webhook_key(&self) -> Result<String> {
        let config = self.config();
        if let Some(path) = &config.lexware.webhook_public_key {
            return std::fs::read_to_string(path).map_err(|e| Error::io(path, e));
        }
        let cached = self.inner.home.data_dir.join("lexware-webhook-key.pem");
        if let Ok(text) = std::fs::read_to_string(&cached) {
            return Ok(text);
        }
        let resp = self
            .inner
            .http
            .client
            .get(crate::signature::PUBLIC_KEY_URL)
            .send()
            .await
            .map_err(|e| crate::http::transport_error(&e))?;
        if !resp.status().is_success() {
            return Err(Error::Server {
                status: resp.status().as_u16(),
            });
        }
        let text = resp
            .text()
            .await
            .map_err(|e| crate::http::transport_error(&e))?;
        crate::fsutil::write_atomic(&cached, text.as_bytes())?;
        Ok(text)
    }
}

fn refused(de: &str, en: &str) -> Error {
    Error::invalid(de, en)
}
