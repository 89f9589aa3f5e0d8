//! In-process control of webhook deliveries and of the simulator's own callback targets.

use crate::control::Control;
use crate::delivery;
use crate::hooks::HookCall;
use crate::model::DeliveryRecord;

impl Control {
    /// Lexware has an event: queues a signed POST of
    /// `{organizationId, eventType, resourceId, eventDate}` to every subscription of
    /// `event_type` (whoever owns it) and returns how many. The first attempts run at once in
    /// the background; [`Control::settle_deliveries`] waits for them. Failed attempts are
    /// retried on the simulator clock (see the README).
    pub fn deliver(&self, event_type: &str, resource_id: &str) -> usize {
        self.shared.lock().queue_event(event_type, resource_id)
    }

    /// Waits until no delivery attempt is running and none is due on the simulator clock.
    /// Each attempt has its 5 s timeout, so this ends.
    pub async fn settle_deliveries(&self) {
        delivery::settle(&self.shared).await;
    }

    /// Every attempt so far, oldest first (the simulator's record; Lexware has none).
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.lock().deliveries.iter().cloned().collect()
    }

    /// Attempts still scheduled (retries waiting for the simulator clock) for subscriptions
    /// that still exist.
    pub fn pending_deliveries(&self) -> usize {
        self.shared.lock().pending_jobs()
    }

    /// The key that verifies `X-Lxo-Signature`, as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn webhook_public_key_pem(&self) -> String {
        self.shared.key.public_pem().to_owned()
    }

    /// From now on `{url}/_sim/hook/{name}` answers `status` to every method (HEAD included;
    /// the default is 200). For a 3xx it sends `Location` pointing at itself.
    pub fn set_hook_status(&self, name: &str, status: u16) {
        let mut inner = self.shared.lock();
        let hook = inner.hooks.entry(name.to_owned()).or_default();
        hook.status = status;
        hook.location = None;
    }

    /// From now on the hook answers 307 with `Location: location`.
    pub fn set_hook_redirect(&self, name: &str, location: &str) {
        let mut inner = self.shared.lock();
        let hook = inner.hooks.entry(name.to_owned()).or_default();
        hook.status = 307;
        hook.location = Some(location.to_owned());
    }

    /// What the hook received so far (last 1000), oldest first.
    pub fn hook_calls(&self, name: &str) -> Vec<HookCall> {
        self.shared
            .lock()
            .hooks
            .get(name)
            .map(|h| h.calls.clone())
            .unwrap_or_default()
    }
}
