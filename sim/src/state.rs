//! Everything the simulated Lexware remembers, behind one std mutex that is never held
//! across an `.await`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

use crate::config::SimConfig;
use crate::faults::Faults;
use crate::hooks::Hook;
use crate::model::{ApiKey, Counters, DeliveryRecord, Job, LoggedRequest, SubscriptionView};
use crate::ratelimit::TokenBucket;
use crate::signing::WebhookKey;
use crate::util::{add_secs, random_urlsafe, uuid_v4};

/// Scopes a client gets when the authorization request names none. The contract does not
/// list Lexware's scope names; these stand in for "all scopes of the client".
pub(crate) const DEFAULT_SCOPE: &str =
    "profile.read event-subscriptions.read event-subscriptions.write";

/// An authorization code lives this long after issue (contract: 5 minutes).
pub(crate) const CODE_TTL_SECS: i64 = 300;

/// Request log entries kept; older ones are forgotten so a long demo run stays small.
const LOG_CAP: usize = 10_000;

pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT`, the one origin for OAuth and API paths.
    pub(crate) base_url: String,
    /// For the HEAD check of callback URLs and for deliveries (no redirects followed by
    /// itself, no proxy).
    pub(crate) http: reqwest::Client,
    /// Signs deliveries.
    pub(crate) key: WebhookKey,
    /// Wakes the delivery worker (an event was queued, the clock moved).
    pub(crate) wake: Arc<tokio::sync::Notify>,
    /// Bumped by the delivery worker after every step, for `settle`.
    pub(crate) progress: tokio::sync::watch::Sender<u64>,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(
        cfg: SimConfig,
        base_url: String,
        http: reqwest::Client,
        key: WebhookKey,
    ) -> Self {
        let wake = Arc::new(tokio::sync::Notify::new());
        Self {
            inner: Mutex::new(Inner::new(cfg, base_url.clone(), wake.clone())),
            base_url,
            http,
            key,
            wake,
            progress: tokio::sync::watch::Sender::new(0),
        }
    }

    /// A panic while locked leaves the state usable; the simulator keeps answering.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) scope: String,
    pub(crate) connection_name: Option<String>,
    pub(crate) issued_at: DateTime<Utc>,
    pub(crate) used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Connection {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) scope: String,
    pub(crate) name: Option<String>,
    pub(crate) active: bool,
    /// The one live access token, if any.
    pub(crate) access_token: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshRecord {
    pub(crate) connection_id: String,
    /// False once rotated: presenting it again is a replay.
    pub(crate) current: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessRecord {
    pub(crate) connection_id: String,
    pub(crate) expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct Subscription {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) event_type: String,
    pub(crate) callback_url: String,
    pub(crate) created: DateTime<Utc>,
}

impl Subscription {
    pub(crate) fn view(&self) -> SubscriptionView {
        SubscriptionView {
            id: self.id.clone(),
            event_type: self.event_type.clone(),
            callback_url: self.callback_url.clone(),
        }
    }
}

/// Who is calling the API.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// Client id, or `api-key:{key id}` for a public API key (see `apikeys.rs`).
    pub(crate) owner: String,
    pub(crate) connection_id: Option<String>,
    /// A public API key without the profile permission (403 on `/v1/profile`).
    pub(crate) restricted: bool,
}

/// What a successful token request hands out.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_in: i64,
    pub(crate) scope: String,
}

pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) created: DateTime<Utc>,
}

pub(crate) struct Inner {
    pub(crate) cfg: SimConfig,
    pub(crate) issuer: String,
    pub(crate) client_active: bool,
    clock_offset: TimeDelta,
    pub(crate) organization_id: String,
    pub(crate) user: User,
    pub(crate) codes: HashMap<String, AuthCode>,
    pub(crate) connections: HashMap<String, Connection>,
    pub(crate) refresh_tokens: HashMap<String, RefreshRecord>,
    pub(crate) access_tokens: HashMap<String, AccessRecord>,
    /// API key (the secret) -> its record.
    pub(crate) api_keys: HashMap<String, ApiKey>,
    pub(crate) subscriptions: Vec<Subscription>,
    pub(crate) buckets: HashMap<String, TokenBucket>,
    pub(crate) faults: Faults,
    pub(crate) counters: Counters,
    log: VecDeque<LoggedRequest>,
    /// Delivery attempts waiting for their time (simulator clock).
    pub(crate) jobs: Vec<Job>,
    /// An attempt is under way (the lock is not held meanwhile).
    pub(crate) in_flight: bool,
    pub(crate) deliveries: VecDeque<DeliveryRecord>,
    /// `/_sim/hook/{name}` targets by name.
    pub(crate) hooks: HashMap<String, Hook>,
    pub(crate) wake: Arc<tokio::sync::Notify>,
    /// What `POST /v1/files` received.
    pub(crate) files: Vec<crate::model::Upload>,
    /// Issued access tokens are padded to this many characters (Lexware's may be up to
    /// 4,096); `None`: their natural length.
    pub(crate) access_token_chars: Option<usize>,
}

impl Inner {
    fn new(cfg: SimConfig, issuer: String, wake: Arc<tokio::sync::Notify>) -> Self {
        let now = Utc::now();
        Self {
            cfg,
            issuer,
            client_active: true,
            clock_offset: TimeDelta::zero(),
            organization_id: uuid_v4(),
            user: User {
                id: uuid_v4(),
                name: "Erika Musterfrau".to_owned(),
                email: "erika.musterfrau@example.com".to_owned(),
                created: add_secs(now, -400 * 86_400),
            },
            codes: HashMap::new(),
            connections: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            api_keys: HashMap::new(),
            subscriptions: Vec::new(),
            buckets: HashMap::new(),
            faults: Faults::default(),
            counters: Counters::default(),
            log: VecDeque::new(),
            access_token_chars: None,
            jobs: Vec::new(),
            in_flight: false,
            deliveries: VecDeque::new(),
            hooks: HashMap::new(),
            wake,
            files: Vec::new(),
        }
    }

    /// Simulator clock: real UTC now shifted by every `advance_clock` so far.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        Utc::now()
            .checked_add_signed(self.clock_offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Retries that fall due by this happen (the delivery worker is woken).
    pub(crate) fn advance_clock(&mut self, secs: i64) {
        let delta = TimeDelta::try_seconds(secs).unwrap_or(TimeDelta::zero());
        self.clock_offset = self
            .clock_offset
            .checked_add(&delta)
            .unwrap_or(self.clock_offset);
        self.wake.notify_one();
    }

    pub(crate) fn log_request(&mut self, method: &str, path: &str, status: u16) {
        if self.log.len() >= LOG_CAP {
            self.log.pop_front();
        }
        let at = self.now();
        self.log.push_back(LoggedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            at,
        });
    }

    pub(crate) fn logged(&self) -> Vec<LoggedRequest> {
        self.log.iter().cloned().collect()
    }

    pub(crate) fn issue_code(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        challenge: &str,
        scope: &str,
        connection_name: Option<String>,
    ) -> String {
        let now = self.now();
        // Codes long past their expiry answer "unknown" instead of "expired": same error.
        self.codes
            .retain(|_, c| now - c.issued_at < TimeDelta::hours(1));
        let code = random_urlsafe(30);
        self.codes.insert(
            code.clone(),
            AuthCode {
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge: challenge.to_owned(),
                scope: scope.to_owned(),
                connection_name,
                issued_at: now,
                used: false,
            },
        );
        code
    }

    /// Resolves a Bearer credential to a live caller, or `None` (-> 401).
    pub(crate) fn api_caller(&self, token: &str) -> Option<Caller> {
        let now = self.now();
        if let Some(rec) = self.access_tokens.get(token) {
            let conn = self.connections.get(&rec.connection_id)?;
            let live = conn.active
                && self.client_active
                && conn.access_token.as_deref() == Some(token)
                && now < rec.expires_at;
            return live.then(|| Caller {
                owner: conn.client_id.clone(),
                connection_id: Some(conn.id.clone()),
                restricted: false,
            });
        }
        self.api_key_caller(token, now)
    }

    /// Rate-limit bucket key of a Bearer credential, dead or alive: the client behind an
    /// access token, the key itself for an API key.
    pub(crate) fn bearer_bucket(&self, token: &str) -> Option<String> {
        if let Some(rec) = self.access_tokens.get(token) {
            let conn = self.connections.get(&rec.connection_id)?;
            return Some(format!("client:{}", conn.client_id));
        }
        self.api_keys
            .get(token)
            .map(|k| format!("api-key:{}", k.id))
    }

    pub(crate) fn add_subscription(
        &mut self,
        owner: &str,
        event_type: &str,
        callback_url: &str,
    ) -> Subscription {
        let sub = Subscription {
            id: uuid_v4(),
            owner: owner.to_owned(),
            event_type: event_type.to_owned(),
            callback_url: callback_url.to_owned(),
            created: self.now(),
        };
        self.subscriptions.push(sub.clone());
        sub
    }
}
