//! The engine: one object that owns config, clock, keychain, HTTP and the persisted state,
//! and does everything lexguard does — tick, connect, refresh, sync webhooks, disconnect.
//!
//! Every operation that can touch the token pair runs under [`Engine::exclusive`] (an
//! in-process mutex and the cross-process lock file) and re-reads the keychain after taking
//! it, because another lexguard may have rotated the refresh token meanwhile.

use crate::api::{Api, Bearer, Profile};
use crate::clock::Clock;
use crate::config::{Config, Home, Schedule};
use crate::error::{Error, KeychainFault, Result};
use crate::event::Event;
use crate::http::Http;
use crate::i18n::Lang;
use crate::oauth::OAuth;
use crate::secret::{ApiKey, ClientSecret};
use crate::state::{ConnState, Gap, Mode, Persisted, Reason, WebhookSync};
use crate::status::Status;
use crate::store::{ApiKeyRecord, SecretStore, TokenSet, Vault, names};
use crate::webhooks::{Action, Outcome, Step};
use crate::{history, lock};
use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

/// A pending login is kept this long.
const PENDING_TTL_MIN: i64 = 10;
/// Consecutive 401s after a successful refresh before the connection counts as lost.
const UNAUTHORIZED_LIMIT: u32 = 3;
/// API-key warning levels, days before the 24 months run out.
const KEY_WARN_DAYS: [i64; 3] = [30, 7, 1];

/// Why a tick runs; decides how a gap is described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TickCause {
    /// The timer (or a cron job) fired.
    Scheduled,
    /// The machine just woke up.
    Resume,
    /// A person asked.
    Manual,
}

pub struct EngineOptions {
    pub home: Home,
    pub config: Config,
    pub store: Arc<dyn SecretStore>,
    pub clock: Arc<dyn Clock>,
    pub lang: Lang,
    /// Overrides the keychain's client secret (`LEXGUARD_CLIENT_SECRET`).
    pub client_secret: Option<ClientSecret>,
    /// A schedule below the user minimums, for the fast demo that tests drive; never from
    /// `config.toml` (which stays valid and saveable).
    pub schedule_override: Option<Schedule>,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    home: Home,
    config: RwLock<Config>,
    clock: Arc<dyn Clock>,
    vault: Vault,
    http: Http,
    lang: RwLock<Lang>,
    env_secret: Option<ClientSecret>,
    schedule_override: Option<Schedule>,
    flight: tokio::sync::Mutex<()>,
    memory: Mutex<Memory>,
    events: broadcast::Sender<Event>,
}

/// What only this process knows.
#[derive(Default)]
struct Memory {
    /// The newest token set this process has seen (fallback when the keychain cannot be read).
    tokens: Option<TokenSet>,
    /// `tokens` is newer than the keychain: a write failed and must be retried.
    unsaved: bool,
    /// This process has ticked before (a gap is then "while running").
    ticked: bool,
}

/// What one tick did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TickReport {
    pub status: Status,
    pub gap: Option<Gap>,
    pub refreshed: bool,
    pub validated: bool,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectReport {
    pub status: Status,
    pub company: Option<String>,
    /// `None` when no webhooks are configured.
    pub webhooks: Option<std::result::Result<Vec<Outcome>, String>>,
}

/// Existing subscriptions and what the config wants.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WebhookListing {
    pub existing: Vec<crate::api::Subscription>,
    pub desired: Vec<crate::config::WebhookSpec>,
}

/// The credentials of this tick.
enum Creds {
    None,
    Tokens(TokenSet),
    Key(ApiKeyRecord),
}

/// Everything a running operation accumulates before it is persisted.
struct Run {
    now: DateTime<Utc>,
    st: Persisted,
    before: (ConnState, Option<Reason>),
    events: Vec<Event>,
    keychain_fault: Option<KeychainFault>,
    gap: bool,
}

impl Engine {
    pub fn new(opts: EngineOptions) -> Engine {
        let (events, _) = broadcast::channel(64);
        Engine {
            inner: Arc::new(Inner {
                home: opts.home,
                config: RwLock::new(opts.config),
                clock: opts.clock,
                vault: Vault::new(opts.store),
                http: Http::new(),
                lang: RwLock::new(opts.lang),
                env_secret: opts.client_secret,
                schedule_override: opts.schedule_override,
                flight: tokio::sync::Mutex::new(()),
                memory: Mutex::new(Memory::default()),
                events,
            }),
        }
    }

    /// The CLI's engine: `LEXGUARD_HOME`, its config, the OS keychain, the real clock.
    pub fn from_env(lang: Lang) -> Result<Engine> {
        let home = Home::from_env()?;
        let config = Config::load(&home.config_file)?;
        Ok(Engine::new(EngineOptions {
            home,
            config,
            store: Arc::new(crate::store::KeychainStore::new(
                crate::store::service_name(),
            )),
            clock: Arc::new(crate::clock::SystemClock),
            lang,
            client_secret: std::env::var("LEXGUARD_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty())
                .map(ClientSecret::new),
            schedule_override: None,
        }))
    }

    /// Events as they happen (the tray and the window listen here).
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    pub fn config(&self) -> Config {
        self.inner
            .config
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn home(&self) -> &Home {
        &self.inner.home
    }

    /// The schedule in force: the configuration's, or the fast demo's.
    pub fn schedule(&self) -> Schedule {
        self.inner
            .schedule_override
            .unwrap_or_else(|| self.config().schedule)
    }

    pub fn lang(&self) -> Lang {
        *self.inner.lang.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_lang(&self, lang: Lang) {
        *self.inner.lang.write().unwrap_or_else(|e| e.into_inner()) = lang;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Validates, saves to `config.toml` and takes effect at once.
    pub fn set_config(&self, config: Config) -> Result<()> {
        config.save(&self.inner.home.config_file)?;
        *self.inner.config.write().unwrap_or_else(|e| e.into_inner()) = config;
        Ok(())
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the in-process and the cross-process lock, in that order.
    async fn exclusive(&self) -> Result<(tokio::sync::MutexGuard<'_, ()>, lock::FileLock)> {
        let guard = self.inner.flight.lock().await;
        let file = lock::acquire(&self.inner.home.lock_file(), lock::WAIT).await?;
        Ok((guard, file))
    }

    fn begin(&self) -> Result<Run> {
        let st = Persisted::load(&self.inner.home.state_file())?;
        Ok(Run {
            now: self.inner.clock.now(),
            before: (st.state, st.reason),
            st,
            events: Vec::new(),
            keychain_fault: None,
            gap: false,
        })
    }

    /// Derives the state, persists it, appends history, broadcasts the events.
    fn finish(&self, mut run: Run) -> Result<(Status, Vec<Event>)> {
        let unsaved = self.memory().unsaved;
        let (state, reason) = derive_state(&run, unsaved);
        run.st.state = state;
        run.st.reason = reason;
        if (state, reason) != run.before {
            run.events.push(Event::StateChanged {
                from: run.before.0,
                to: state,
                reason,
            });
        }
        run.st.save(&self.inner.home.state_file())?;
        if let Err(e) = history::append(&self.inner.home.history_file(), run.now, &run.events) {
            tracing::warn!(error = %e, "history not written");
        }
        for e in &run.events {
            tracing::info!(kind = e.kind(), event = ?e, "event");
            let _ = self.inner.events.send(e.clone());
        }
        Ok((self.status_of(&run.st, run.now), run.events))
    }

    fn status_of(&self, st: &Persisted, now: DateTime<Utc>) -> Status {
        Status::build(st, &self.config(), &self.schedule(), now, self.lang())
    }

    /// The state as last persisted; no keychain, no network.
    pub fn status(&self) -> Result<Status> {
        let st = Persisted::load(&self.inner.home.state_file())?;
        Ok(self.status_of(&st, self.inner.clock.now()))
    }

    pub fn history(&self, n: usize) -> Result<Vec<history::Entry>> {
        history::read(&self.inner.home.history_file(), n)
    }

    async fn client_secret(&self) -> Result<Option<ClientSecret>> {
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
    async fn load_creds(&self, run: &mut Run) -> Result<Creds> {
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
    async fn persist_tokens(&self, run: &mut Run, set: &TokenSet) {
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

    fn oauth<'a>(&'a self, config: &'a Config, secret: Option<&'a ClientSecret>) -> OAuth<'a> {
        OAuth {
            config: &config.lexware,
            secret,
            http: &self.inner.http,
        }
    }

    fn api<'a>(&'a self, config: &'a Config) -> Api<'a> {
        Api {
            base: &config.lexware.api_url,
            http: &self.inner.http,
        }
    }

    /// One refresh grant; the result is persisted before anything uses it.
    async fn refresh_in(&self, run: &mut Run, current: &TokenSet) -> Result<TokenSet> {
        let config = self.config();
        let secret = self.client_secret().await?;
        let result = self
            .oauth(&config, secret.as_ref())
            .refresh(current, self.inner.clock.as_ref())
            .await;
        match result {
            Ok(new) => {
                self.persist_tokens(run, &new).await;
                run.st.access_expires_at = Some(new.expires_at);
                run.st.refresh_issued_at = Some(new.issued_at);
                run.st.last_refresh_at = Some(run.now);
                run.st.failures = 0;
                run.st.next_attempt_at = None;
                if matches!(
                    run.st.problem,
                    Some(Reason::RefreshFailing | Reason::ClientCredentials)
                ) {
                    run.st.problem = None;
                }
                run.events.push(Event::Refreshed {
                    expires_at: new.expires_at,
                });
                Ok(new)
            }
            Err(e) => {
                self.record_failure(run, &e, Reason::RefreshFailing, Some(current.expires_at));
                Err(e)
            }
        }
    }

    /// Sorts a failure into auth lost, configuration trouble or transient with backoff.
    fn record_failure(
        &self,
        run: &mut Run,
        e: &Error,
        transient_reason: Reason,
        expires_at: Option<DateTime<Utc>>,
    ) {
        match e {
            Error::AuthLost => {
                if run.st.auth_lost_at.is_none() {
                    run.st.auth_lost_at = Some(run.now);
                    run.events.push(Event::AuthLost {
                        reason: Reason::InvalidGrant,
                    });
                }
            }
            Error::Keychain { .. } => {
                run.keychain_fault = keychain_fault(e);
            }
            other => {
                run.st.failures = run.st.failures.saturating_add(1);
                let retry_after = match other {
                    Error::RateLimited { retry_after_secs } => *retry_after_secs,
                    _ => None,
                };
                let retry_at = run.now + backoff(run.st.failures, retry_after);
                run.st.next_attempt_at = Some(retry_at);
                run.st.problem = Some(if matches!(other, Error::ClientCredentials(_)) {
                    Reason::ClientCredentials
                } else {
                    transient_reason
                });
                if transient_reason == Reason::RefreshFailing {
                    run.events.push(Event::RefreshFailing {
                        error: other.kind().into(),
                        retry_at,
                        expires_at,
                    });
                }
                tracing::warn!(kind = other.kind(), %retry_at, "operation failed, backing off");
            }
        }
    }

    /// One tick: gap → refresh if due → validate if due → state, history, events.
    pub async fn tick(&self, cause: TickCause) -> Result<TickReport> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let schedule = self.schedule();
        let now = run.now;

        // 1. A gap is judged by wall-clock time against the persisted last tick.
        let while_running = std::mem::replace(&mut self.memory().ticked, true);
        let mut gap = None;
        if let Some(last) = run.st.last_tick_at {
            let pause = now - last;
            if pause > dur(schedule.gap_after) {
                gap = Some(Gap {
                    from: last,
                    to: now,
                    seconds: pause.num_seconds(),
                    while_running: while_running || cause == TickCause::Resume,
                });
            }
        }
        run.st.last_tick_at = Some(now);
        run.gap = gap.is_some();

        let mut refreshed = false;
        let mut validated = false;
        let creds = if run.st.auth_lost_at.is_some() {
            Creds::None
        } else {
            match self.load_creds(&mut run).await {
                Ok(c) => c,
                Err(Error::Keychain { .. }) => Creds::None,
                Err(e) => return Err(e),
            }
        };
        if matches!(creds, Creds::None)
            && run.keychain_fault.is_none()
            && run.st.auth_lost_at.is_none()
        {
            if run.st.mode.is_some() {
                tracing::warn!("no credentials in the keychain any more; not connected");
            }
            run.st = Persisted {
                last_tick_at: run.st.last_tick_at,
                last_gap: run.st.last_gap.clone(),
                last_webhook_sync: run.st.last_webhook_sync.clone(),
                ..Persisted::default()
            };
        }
        let in_backoff = run.st.next_attempt_at.is_some_and(|t| now < t);

        match creds {
            Creds::Tokens(mut tokens) => {
                // 2. Refresh when due (or already expired).
                let due = tokens.expires_at - now <= dur(schedule.refresh_before);
                if due
                    && !in_backoff
                    && let Ok(new) = self.refresh_in(&mut run, &tokens).await
                {
                    tokens = new;
                    refreshed = true;
                }
                // 3. Validate when due, after a gap and after a refresh; not while backing off.
                let in_backoff = run.st.next_attempt_at.is_some_and(|t| now < t);
                let validate_due = run
                    .st
                    .last_validated_at
                    .is_none_or(|t| now - t >= dur(schedule.validate_every));
                if run.st.auth_lost_at.is_none()
                    && (refreshed || ((validate_due || gap.is_some()) && !in_backoff))
                {
                    validated = self
                        .validate_oauth(&mut run, &mut tokens, &mut refreshed)
                        .await;
                }
                run.st.access_expires_at = Some(tokens.expires_at);
                run.st.refresh_issued_at = Some(tokens.issued_at);
            }
            Creds::Key(key) => {
                let validate_due = run
                    .st
                    .last_validated_at
                    .is_none_or(|t| now - t >= dur(schedule.validate_every));
                if (validate_due || gap.is_some()) && !in_backoff {
                    validated = self.validate_key(&mut run, &key.key).await;
                }
                self.check_key_expiry(&mut run, &key);
            }
            Creds::None => {}
        }

        if let Some(g) = &gap {
            let tokens_survived = run.st.auth_lost_at.is_none()
                && run
                    .st
                    .access_expires_at
                    .is_none_or(|t| t > now || refreshed);
            run.st.last_gap = Some(g.clone());
            run.events.insert(
                0,
                Event::GapDetected {
                    gap: g.clone(),
                    tokens_survived,
                },
            );
        }
        let (status, events) = self.finish(run)?;
        Ok(TickReport {
            status,
            gap,
            refreshed,
            validated,
            events,
        })
    }

    /// `GET /v1/profile`; on 401 refresh once and retry once.
    async fn validate_oauth(
        &self,
        run: &mut Run,
        tokens: &mut TokenSet,
        refreshed: &mut bool,
    ) -> bool {
        let config = self.config();
        let api = self.api(&config);
        let mut result = api.profile(&Bearer(tokens.access.expose())).await;
        if matches!(result, Err(Error::Unauthorized)) && !*refreshed {
            tracing::info!("401 with an unexpired token: refreshing once");
            match self.refresh_in(run, tokens).await {
                Ok(new) => {
                    *tokens = new;
                    *refreshed = true;
                    result = api.profile(&Bearer(tokens.access.expose())).await;
                }
                Err(_) => return false,
            }
        }
        self.after_validation(run, result, Reason::Unauthorized)
    }

    async fn validate_key(&self, run: &mut Run, key: &ApiKey) -> bool {
        let config = self.config();
        let result = self.api(&config).profile(&Bearer(key.expose())).await;
        self.after_validation(run, result, Reason::KeyRejected)
    }

    fn after_validation(
        &self,
        run: &mut Run,
        result: Result<Profile>,
        lost_reason: Reason,
    ) -> bool {
        match result {
            Ok(p) => {
                run.st.last_validated_at = Some(run.now);
                run.st.unauthorized_streak = 0;
                if matches!(
                    run.st.problem,
                    Some(Reason::ValidationFailing | Reason::Unauthorized | Reason::RefreshFailing)
                ) {
                    run.st.problem = None;
                }
                run.st.failures = 0;
                run.st.next_attempt_at = None;
                if p.company_name.is_some() {
                    run.st.company = p.company_name.clone();
                }
                run.st.organization_id = p.organization_id.or(run.st.organization_id.take());
                run.st.connection_id = p.connection_id.or(run.st.connection_id.take());
                run.events.push(Event::Validated {
                    company: run.st.company.clone(),
                });
                true
            }
            Err(Error::Unauthorized) => {
                // A 401 can be a short outage at Lexware: only a streak means loss.
                run.st.unauthorized_streak += 1;
                if run.st.unauthorized_streak >= UNAUTHORIZED_LIMIT {
                    run.st.auth_lost_at = Some(run.now);
                    run.events.push(Event::AuthLost {
                        reason: lost_reason,
                    });
                } else {
                    self.record_failure(run, &Error::Unauthorized, Reason::Unauthorized, None);
                }
                false
            }
            Err(e) => {
                self.record_failure(run, &e, Reason::ValidationFailing, None);
                false
            }
        }
    }

    fn check_key_expiry(&self, run: &mut Run, key: &ApiKeyRecord) {
        let expires = key.expires_at();
        run.st.api_key_expires_at = Some(expires);
        let days_left = (expires - run.now).num_days();
        if let Some(level) = KEY_WARN_DAYS
            .iter()
            .copied()
            .filter(|d| days_left < *d)
            .min()
            && run.st.api_key_warned_days.is_none_or(|w| level < w)
        {
            run.st.api_key_warned_days = Some(level);
            run.events.push(Event::ApiKeyExpiring {
                days: days_left.max(0),
                expires_at: expires,
            });
        }
    }

    /// The authorization URL; keeps verifier and state pending in the keychain (10 min).
    pub async fn login_url(&self) -> Result<String> {
        let config = self.config();
        let (url, pending) = self
            .oauth(&config, None)
            .authorize_url(self.inner.clock.now())?;
        self.inner.vault.save_pending(&pending).await?;
        Ok(url)
    }

    /// Exchanges a pasted code or redirect URL, validates, syncs webhooks. On any failure
    /// before Lexware issued new tokens, the old tokens stay untouched.
    pub async fn connect(&self, pasted: &str) -> Result<ConnectReport> {
        let pasted = crate::paste::parse(pasted)?;
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let pending = self
            .inner
            .vault
            .pending()
            .await?
            .ok_or(Error::NoPendingLogin)?;
        if run.now - pending.created_at > Duration::minutes(PENDING_TTL_MIN) {
            let _ = self.inner.vault.delete(names::PENDING).await;
            return Err(Error::PendingExpired);
        }
        if pasted.state.as_ref().is_some_and(|s| *s != pending.state) {
            return Err(Error::StateMismatch);
        }
        let config = self.config();
        let secret = self.client_secret().await?;
        let tokens = self
            .oauth(&config, secret.as_ref())
            .exchange(&pasted.code, &pending.verifier, self.inner.clock.as_ref())
            .await?;
        // Lexware has issued new tokens: from here on they must never be dropped.
        self.persist_tokens(&mut run, &tokens).await;
        let _ = self.inner.vault.delete(names::PENDING).await;
        let _ = self.inner.vault.delete(names::API_KEY).await;
        self.reset_for(&mut run, Mode::OAuth);
        run.st.connected_at = Some(tokens.connected_at);
        run.st.access_expires_at = Some(tokens.expires_at);
        run.st.refresh_issued_at = Some(tokens.issued_at);
        let bearer = tokens.access.expose().to_string();
        self.after_connect(run, &config, &bearer).await
    }

    /// Stores a public API key after Lexware accepted it.
    pub async fn connect_api_key(&self, input: &str) -> Result<ConnectReport> {
        let key = input.trim();
        if key.is_empty()
            || key.len() > 512
            || key.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::invalid(
                "Das ist kein API-Schlüssel von Lexware. Bitte kopieren Sie den Schlüssel aus app.lexware.de/addons/public-api ohne Leerzeichen.",
                "That is not a Lexware API key. Please copy the key from app.lexware.de/addons/public-api without spaces.",
            ));
        }
        let key = ApiKey::new(key);
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        match self.api(&config).profile(&Bearer(key.expose())).await {
            Err(Error::Unauthorized) => {
                return Err(Error::invalid(
                    "Lexware kennt diesen API-Schlüssel nicht (abgelaufen, gelöscht oder falsch kopiert). Bitte erstellen Sie unter app.lexware.de/addons/public-api einen neuen Schlüssel.",
                    "Lexware does not accept this API key (expired, deleted or copied wrongly). Please create a new key at app.lexware.de/addons/public-api.",
                ));
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let record = ApiKeyRecord {
            key: key.clone(),
            stored_at: run.now,
        };
        self.inner.vault.save_api_key(&record).await?;
        let _ = self.inner.vault.delete(names::TOKENS).await;
        self.memory().tokens = None;
        self.reset_for(&mut run, Mode::ApiKey);
        run.st.api_key_expires_at = Some(record.expires_at());
        self.after_connect(run, &config, key.expose()).await
    }

    fn reset_for(&self, run: &mut Run, mode: Mode) {
        run.st = Persisted {
            mode: Some(mode),
            last_tick_at: run.st.last_tick_at,
            last_gap: run.st.last_gap.clone(),
            last_webhook_sync: run.st.last_webhook_sync.clone(),
            ..Persisted::default()
        };
    }

    async fn after_connect(
        &self,
        mut run: Run,
        config: &Config,
        bearer: &str,
    ) -> Result<ConnectReport> {
        let profile = self.api(config).profile(&Bearer(bearer)).await;
        let ok = self.after_validation(&mut run, profile, Reason::Unauthorized);
        let company = run.st.company.clone();
        run.events.push(Event::Connected {
            company: company.clone(),
            mode: run.st.mode.unwrap_or(Mode::OAuth),
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
        let (status, _) = self.finish(run)?;
        Ok(ConnectReport {
            status,
            company,
            webhooks,
        })
    }

    /// A valid bearer for API calls: refreshes first when due. For `lexguard token`.
    pub async fn access_token(&self) -> Result<String> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, false).await;
        self.finish(run)?;
        result
    }

    /// Refresh now, whatever the schedule says.
    pub async fn refresh_now(&self) -> Result<Status> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let result = self.bearer_in(&mut run, true).await;
        let (status, _) = self.finish(run)?;
        result.map(|_| status)
    }

    async fn bearer_in(&self, run: &mut Run, force: bool) -> Result<String> {
        if run.st.auth_lost_at.is_some() {
            return Err(Error::AuthLost);
        }
        match self.load_creds(run).await? {
            Creds::None => Err(Error::NotConnected),
            Creds::Key(k) => Ok(k.key.expose().to_string()),
            Creds::Tokens(t) => {
                let due = t.expires_at - run.now <= dur(self.schedule().refresh_before);
                if force || due {
                    match self.refresh_in(run, &t).await {
                        Ok(new) => return Ok(new.access.expose().to_string()),
                        // A still valid token is better than none.
                        Err(e)
                            if !force
                                && !matches!(e, Error::AuthLost)
                                && t.expires_at > run.now =>
                        {
                            tracing::warn!(kind = e.kind(), "refresh failed, token still valid");
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(t.access.expose().to_string())
            }
        }
    }

    /// Lists existing subscriptions and the desired ones.
    pub async fn webhooks_list(&self) -> Result<WebhookListing> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        let bearer = self.bearer_in(&mut run, false).await;
        let result = match bearer {
            Ok(b) => self.api(&config).subscriptions(&Bearer(&b)).await,
            Err(e) => Err(e),
        };
        self.finish(run)?;
        Ok(WebhookListing {
            existing: result?,
            desired: config.webhooks,
        })
    }

    /// Makes Lexware's subscriptions match the config.
    pub async fn webhooks_sync(&self, prune: bool) -> Result<Vec<Outcome>> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let config = self.config();
        let result = match self.bearer_in(&mut run, false).await {
            Ok(bearer) => self.sync_with(&mut run, &config, &bearer, prune).await,
            Err(e) => Err(e),
        };
        self.finish(run)?;
        result
    }

    async fn sync_with(
        &self,
        run: &mut Run,
        config: &Config,
        bearer: &str,
        prune: bool,
    ) -> Result<Vec<Outcome>> {
        let api = self.api(config);
        let b = Bearer(bearer);
        let existing = api.subscriptions(&b).await?;
        let mut outcomes = Vec::new();
        for step in crate::webhooks::plan(&config.webhooks, &existing, prune) {
            let outcome = match step {
                Step::Keep(s) => outcome(
                    &s.event_type,
                    &s.callback_url,
                    Action::Kept,
                    Some(s.subscription_id),
                    None,
                ),
                Step::LeaveAlone(s) => outcome(
                    &s.event_type,
                    &s.callback_url,
                    Action::Unmanaged,
                    Some(s.subscription_id),
                    None,
                ),
                Step::Create(w) => match api.subscribe(&b, &w.event_type, &w.callback_url).await {
                    Ok(id) => outcome(
                        &w.event_type,
                        &w.callback_url,
                        Action::Created,
                        Some(id),
                        None,
                    ),
                    Err(e) => failed(&w.event_type, &w.callback_url, &e, self.lang()),
                },
                Step::Replace { old, new } => {
                    let done = match api.unsubscribe(&b, &old.subscription_id).await {
                        Ok(()) => api.subscribe(&b, &new.event_type, &new.callback_url).await,
                        Err(e) => Err(e),
                    };
                    match done {
                        Ok(id) => outcome(
                            &new.event_type,
                            &new.callback_url,
                            Action::Repaired,
                            Some(id),
                            None,
                        ),
                        Err(e) => failed(&new.event_type, &new.callback_url, &e, self.lang()),
                    }
                }
                Step::Remove(s) => match api.unsubscribe(&b, &s.subscription_id).await {
                    Ok(()) => outcome(
                        &s.event_type,
                        &s.callback_url,
                        Action::Removed,
                        Some(s.subscription_id),
                        None,
                    ),
                    Err(e) => failed(&s.event_type, &s.callback_url, &e, self.lang()),
                },
            };
            outcomes.push(outcome);
        }
        run.st.last_webhook_sync = Some(WebhookSync {
            at: run.now,
            outcomes: outcomes.clone(),
        });
        run.events.push(Event::WebhooksSynced {
            outcomes: outcomes.clone(),
        });
        Ok(outcomes)
    }

    /// Revokes at Lexware and deletes the local secrets. With `force`, local secrets go even
    /// when Lexware cannot be reached.
    pub async fn disconnect(&self, force: bool) -> Result<Status> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        if run.st.mode == Some(Mode::OAuth) || run.st.mode.is_none() {
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
        run.st = Persisted {
            last_tick_at: run.st.last_tick_at,
            ..Persisted::default()
        };
        run.events.push(Event::Disconnected);
        let (status, _) = self.finish(run)?;
        Ok(status)
    }
}

fn outcome(t: &str, u: &str, action: Action, id: Option<String>, error: Option<String>) -> Outcome {
    Outcome {
        event_type: t.into(),
        callback_url: u.into(),
        action,
        subscription_id: id,
        error,
    }
}

fn failed(t: &str, u: &str, e: &Error, lang: Lang) -> Outcome {
    outcome(t, u, Action::Failed, None, Some(e.message(lang)))
}

fn keychain_fault(e: &Error) -> Option<KeychainFault> {
    match e {
        Error::Keychain { fault, .. } => Some(*fault),
        _ => None,
    }
}

fn dur(d: std::time::Duration) -> Duration {
    Duration::from_std(d).unwrap_or(Duration::MAX)
}

/// 30 s, 1, 2, 4 … min up to 15 min, ±20 % jitter; at least `Retry-After`.
fn backoff(failures: u32, retry_after: Option<u64>) -> Duration {
    use rand::Rng;
    let base = 30i64 << failures.saturating_sub(1).min(5);
    let capped = base.min(15 * 60) as f64;
    let jittered = capped * rand::rng().random_range(0.8..1.2);
    let secs = (jittered as i64).max(retry_after.unwrap_or(0) as i64);
    Duration::seconds(secs)
}

/// The state follows from the facts of this run; the first reason wins.
fn derive_state(run: &Run, unsaved: bool) -> (ConnState, Option<Reason>) {
    let st = &run.st;
    if st.auth_lost_at.is_some() {
        let reason = if st.mode == Some(Mode::ApiKey) {
            Reason::KeyRejected
        } else if st.unauthorized_streak >= UNAUTHORIZED_LIMIT {
            Reason::Unauthorized
        } else {
            Reason::InvalidGrant
        };
        return (ConnState::AuthLost, Some(reason));
    }
    if st.mode.is_none() {
        return (ConnState::NotConnected, None);
    }
    let key_expiring = st
        .api_key_expires_at
        .is_some_and(|t| (t - run.now).num_days() < 30 && st.mode == Some(Mode::ApiKey));
    let reason = if unsaved {
        Some(Reason::KeychainUnsaved)
    } else if run.keychain_fault.is_some() {
        Some(Reason::KeychainUnavailable)
    } else if let Some(p) = st.problem {
        Some(p)
    } else if key_expiring {
        Some(Reason::ApiKeyExpiring)
    } else if run.gap {
        Some(Reason::GapSeen)
    } else {
        None
    };
    match reason {
        Some(r) => (ConnState::Degraded, Some(r)),
        None => (ConnState::Healthy, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop app runs these on a multi-threaded runtime.
    #[allow(dead_code)]
    fn futures_are_send(e: &Engine) {
        fn is_send<T: Send>(_: T) {}
        is_send(e.tick(TickCause::Scheduled));
        is_send(e.connect(""));
        is_send(e.connect_api_key(""));
        is_send(e.refresh_now());
        is_send(e.webhooks_sync(false));
        is_send(e.disconnect(false));
        is_send(e.login_url());
    }

    #[test]
    fn backoff_grows_and_caps() {
        for _ in 0..50 {
            let first = backoff(1, None).num_seconds();
            assert!((24..=36).contains(&first), "{first}");
            let many = backoff(30, None).num_seconds();
            assert!((720..=1080).contains(&many), "{many}");
            assert!(backoff(1, Some(120)).num_seconds() >= 120);
        }
    }
}
