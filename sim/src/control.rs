//! In-process control of a running simulator: what a test does to Lexware "from the inside".

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::faults::{After, Failure};
use crate::model::{Counters, LoggedRequest, SubscriptionView};
use crate::state::Shared;
use crate::util::is_pkce_syntax;

/// Cheap, cloneable handle on a running simulator.
#[derive(Clone)]
pub struct Control {
    pub(crate) shared: Arc<Shared>,
}

impl Control {
    /// Lexware-side revocation (password change, "log out sessions", ...): every refresh and
    /// access token of the current connection dies. Later refresh -> 400 `invalid_grant`,
    /// API -> 401. A signed `token.revoked` event goes to the `token.revoked` subscriptions.
    pub fn revoke_connection(&self) {
        let mut inner = self.shared.lock();
        let client_id = inner.cfg.client_id.clone();
        inner.revoke_client_connections(&client_id);
    }

    /// `expires_in` (and lifetime) of access tokens issued from now on.
    pub fn set_access_ttl(&self, secs: i64) {
        self.shared.lock().cfg.access_ttl_secs = secs;
    }

    /// Access tokens issued from now on have `chars` characters (Lexware's may be up to
    /// 4,096), or their natural length (about 900) when that is longer or `chars` is `None`.
    pub fn set_access_token_chars(&self, chars: Option<usize>) {
        self.shared.lock().access_token_chars = chars.map(|c| c.clamp(64, 65_536));
    }

    /// Moves the simulator clock forward (code, access-token and API-key expiry, rate-limit
    /// refill, delivery retries and all dates use it). Retries that fall due happen in the
    /// background; [`Control::settle_deliveries`] waits for them.
    pub fn advance_clock(&self, secs: i64) {
        self.shared.lock().advance_clock(secs);
    }

    /// The simulator clock now.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.lock().now()
    }

    /// The next `n` requests (outside `/_sim/*`) answer `status` with the regular error body
    /// and are not executed.
    pub fn fail_next(&self, n: u32, status: u16) {
        self.fail_next_on("", n, status);
    }

    /// Like [`Control::fail_next`], for requests whose path starts with `path_prefix` only.
    pub fn fail_next_on(&self, path_prefix: &str, n: u32, status: u16) {
        self.shared
            .lock()
            .faults
            .set_fail(path_prefix, n, Failure::Status(status));
    }

    /// The organization's plan allows no API access (a trial that ended): while `inactive`,
    /// every API call (`/v1/*`) answers 402 with the regular error body ("402 (contract)");
    /// the token endpoint keeps working. `false` lets the calls pass again.
    pub fn set_plan_inactive(&self, inactive: bool) {
        let n = if inactive { u32::MAX } else { 0 };
        self.fail_next_on("/v1/", n, 402);
    }

    /// The next `n` requests under `path_prefix` answer 500 with the body
    /// `{"message":"Internal server error or rate limit exceeded"}` (a 429 in disguise) and
    /// are not executed. Checked with the `fail` rules (longest prefix first).
    pub fn disguised_429_next_on(&self, path_prefix: &str, n: u32) {
        self.shared
            .lock()
            .faults
            .set_fail(path_prefix, n, Failure::Disguised429);
    }

    /// The next `n` requests under `path_prefix` that get executed are handled in full (a
    /// subscription is created, a refresh rotates) and then answer 504
    /// `{"message":"Endpoint request timed out"}`, as Lexware's gateway does after 30 s —
    /// here without the wait.
    pub fn gateway_timeout_after_next_on(&self, path_prefix: &str, n: u32) {
        self.shared
            .lock()
            .faults
            .set_after(path_prefix, n, After::GatewayTimeout);
    }

    /// The next `n` requests answer 429 (with `Retry-After` when given), not executed and not
    /// counted in `rate_limited`.
    pub fn rate_limit_next(&self, n: u32, retry_after_secs: Option<u64>) {
        self.shared
            .lock()
            .faults
            .set_rate_limit(n, retry_after_secs);
    }

    /// The next `n` requests wait `millis` before being handled.
    pub fn delay_next(&self, n: u32, millis: u64) {
        self.delay_next_on("", n, millis);
    }

    /// Like [`Control::delay_next`], for requests whose path starts with `path_prefix` only.
    pub fn delay_next_on(&self, path_prefix: &str, n: u32, millis: u64) {
        self.shared.lock().faults.set_delay(path_prefix, n, millis);
    }

    /// The next `n` requests under `path_prefix` that get executed (past every other fault and
    /// the rate limit) are handled normally — a refresh rotates — and then their answer waits
    /// `millis` before it is sent: a client that gives up earlier has lost that answer.
    pub fn delay_after_next_on(&self, path_prefix: &str, n: u32, millis: u64) {
        self.shared
            .lock()
            .faults
            .set_after(path_prefix, n, After::Delay(millis));
    }

    /// Like [`Control::delay_after_next_on`], but the answer is cut: the headers (with the
    /// full `Content-Length`) and part of the body are sent, then the connection closes —
    /// a truncated 200 after the server rotated.
    pub fn truncate_next_on(&self, path_prefix: &str, n: u32) {
        self.shared
            .lock()
            .faults
            .set_after(path_prefix, n, After::Truncate);
    }

    /// Like [`Control::delay_after_next_on`], but the connection is closed without any
    /// answer after the request was executed (logged with status 0).
    pub fn drop_after_next_on(&self, path_prefix: &str, n: u32) {
        self.shared
            .lock()
            .faults
            .set_after(path_prefix, n, After::Drop);
    }

    /// The next `n` requests get their connection closed without any response.
    pub fn drop_next(&self, n: u32) {
        self.shared.lock().faults.set_drop(n);
    }

    /// Lexware deactivated the partner app: the token endpoint answers 400
    /// `unauthorized_client` from now on and the app's tokens stop working.
    pub fn deactivate_client(&self) {
        let mut inner = self.shared.lock();
        inner.client_active = false;
        let client_id = inner.cfg.client_id.clone();
        inner.revoke_client_connections(&client_id);
    }

    /// Current access tokens die before their expiry (401 on the API); the refresh token
    /// still works.
    pub fn invalidate_access_tokens(&self) {
        let mut inner = self.shared.lock();
        for c in inner.connections.values_mut() {
            c.access_token = None;
        }
    }

    /// A public API key (Bearer on the API), valid 24 months of simulator clock from now.
    /// Its subscriptions belong to this key alone.
    pub fn create_api_key(&self) -> String {
        self.shared.lock().create_api_key(false)
    }

    /// Like [`Control::create_api_key`], but without the profile permission:
    /// `GET /v1/profile` answers 403, the event-subscription endpoints work.
    pub fn create_api_key_restricted(&self) -> String {
        self.shared.lock().create_api_key(true)
    }

    /// Lexware's "replace key": returns a new key with the same permissions; `old` answers
    /// 401 from now on and every event subscription made with it is deleted. `None` when
    /// `old` is unknown or already replaced.
    pub fn replace_api_key(&self, old: &str) -> Option<String> {
        self.shared.lock().replace_api_key(old)
    }

    pub fn counters(&self) -> Counters {
        self.shared.lock().counters.clone()
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock().logged()
    }

    /// Every subscription that exists, whoever made it.
    pub fn subscriptions(&self) -> Vec<SubscriptionView> {
        self.shared
            .lock()
            .subscriptions
            .iter()
            .map(|s| s.view())
            .collect()
    }

    /// A subscription made by some other tool of the same organization and client: it shows
    /// up in the client's list and counts for the duplicate check. No HEAD check.
    pub fn add_foreign_subscription(
        &self,
        event_type: &str,
        callback_url: &str,
    ) -> SubscriptionView {
        let mut inner = self.shared.lock();
        let owner = inner.cfg.client_id.clone();
        inner
            .add_subscription(&owner, event_type, callback_url)
            .view()
    }

    /// Lexware-side deletion (e.g. after failed deliveries). True when it existed.
    pub fn delete_subscription(&self, id: &str) -> bool {
        let mut inner = self.shared.lock();
        let before = inner.subscriptions.len();
        inner.subscriptions.retain(|s| s.id != id);
        inner.subscriptions.len() < before
    }

    /// Whether the configured client has a live connection.
    pub fn connection_active(&self) -> bool {
        self.shared.lock().current_connection().is_some()
    }

    /// `connectionId` of the live connection, if any.
    pub fn connection_id(&self) -> Option<String> {
        self.shared
            .lock()
            .current_connection()
            .map(|c| c.id.clone())
    }

    /// What a user's consent yields, without the browser: a code for the configured client
    /// bound to this challenge and redirect URI (all scopes). `state` is the client's business.
    ///
    /// # Panics
    /// When `code_challenge` is not RFC 7636 syntax: a test bug, not a simulated failure.
    pub fn authorize_code(&self, state: &str, code_challenge: &str, redirect_uri: &str) -> String {
        let _ = state;
        assert!(
            is_pkce_syntax(code_challenge),
            "code_challenge must be 43-128 chars of [A-Za-z0-9-._~]"
        );
        let mut inner = self.shared.lock();
        let client_id = inner.cfg.client_id.clone();
        inner.issue_code(
            &client_id,
            redirect_uri,
            code_challenge,
            crate::state::DEFAULT_SCOPE,
            None,
        )
    }

    /// A callback URL on the simulator itself that answers HEAD, GET and POST with 200.
    pub fn hook_url(&self, name: &str) -> String {
        format!("{}/_sim/hook/{name}", self.shared.base_url)
    }
}
