//! The engine: one object that owns config, clock, keychain, HTTP and the persisted state,
//! and does everything lexguard does — tick, connect, refresh, sync webhooks, disconnect.
//!
//! Every operation that can touch the token pair runs under [`Engine::exclusive`] (an
//! in-process mutex and the cross-process lock file) and re-reads the keychain after taking
//! it, because another lexguard may have rotated the refresh token meanwhile.

use crate::api::Api;
use crate::clock::Clock;
use crate::config::{Config, Home, Schedule};
use crate::error::Result;
use crate::event::Event;
use crate::history;
use crate::http::Http;
use crate::oauth::OAuth;
use crate::secret::ClientSecret;
use crate::state::{Gap, Persisted};
use crate::status::Status;
use crate::store::{SecretStore, TokenSet, Vault};
use crate::text::i18n::Lang;
use crate::webhooks::Outcome;
use chrono::{DateTime, Utc};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

mod api_key;
mod backoff;
mod connect;
mod credentials;
mod lexware_event;
mod op;
mod org_guard;
mod probe;
mod refresh;
mod share;
mod snooze;
mod tick;
mod validate;
mod webhooks_sync;

pub use api_key::end_of_day;
pub use lexware_event::EventOutcome;
pub use share::MAX_MIN_VALID;
pub use webhooks_sync::WebhookListing;

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
    /// Set by [`Engine::close`]: no new operation starts.
    closing: std::sync::atomic::AtomicBool,
    memory: Mutex<Memory>,
    events: broadcast::Sender<Event>,
    /// The status the last operation computed, whichever door it came through (timer, window,
    /// tray, demo): the one truth every surface renders.
    status: tokio::sync::watch::Sender<Status>,
    /// A named connection's base `config.toml` (its own file lies over it); unset for
    /// `default`, whose file is the base.
    base_config: std::sync::OnceLock<std::path::PathBuf>,
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

/// The client secret systemd hands over (`LoadCredential=lexguard-client-secret:…` or
/// `LoadCredentialEncrypted=`): a file in `$CREDENTIALS_DIRECTORY` only this service can read.
fn systemd_credential() -> Option<ClientSecret> {
    let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
    let path = std::path::Path::new(&dir).join("lexguard-client-secret");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(ClientSecret::new),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "systemd credential unreadable");
            None
        }
    }
}

/// The client secret given from outside the store: `LEXGUARD_CLIENT_SECRET`, else systemd's
/// credential (see [`crate::connections::default_engine`]).
pub(crate) fn env_client_secret() -> Option<ClientSecret> {
    std::env::var("LEXGUARD_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .map(ClientSecret::new)
        .or_else(systemd_credential)
}

impl Engine {
    pub fn new(opts: EngineOptions) -> Engine {
        let (events, _) = broadcast::channel(64);
        let initial = {
            let st = Persisted::load(&opts.home.state_file()).unwrap_or_default();
            let schedule = opts.schedule_override.unwrap_or(opts.config.schedule);
            let now = opts.clock.now();
            Status::build(&st, &opts.config, &schedule, now, opts.lang).with_quiet(
                &crate::quiet::Quiet::new(&opts.config, &opts.home.data_dir),
                now,
                opts.lang,
            )
        };
        let (status, _) = tokio::sync::watch::channel(initial);
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
                closing: std::sync::atomic::AtomicBool::new(false),
                memory: Mutex::new(Memory::default()),
                events,
                status,
                base_config: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The status after every operation, from any door (the shell's bridge renders it to
    /// tray, window and notifications). Holds the persisted status until the first operation.
    pub fn status_watch(&self) -> tokio::sync::watch::Receiver<Status> {
        self.inner.status.subscribe()
    }

    /// Hands a freshly computed status to every surface.
    fn publish(&self, status: &Status) {
        self.inner.status.send_replace(status.clone());
    }

    /// Rebuilds the status from the persisted state (settings or language changed: words,
    /// schedule and next check change with them) and publishes it.
    fn republish(&self) {
        if let Ok(s) = self.status() {
            self.publish(&s);
        }
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
        self.republish();
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Makes this engine a named connection's: its `config.toml` lies over `base` (see
    /// [`crate::connections::config_edit::edit`] for where its edits go). Set once, at building.
    pub fn inherit_config_from(&self, base: std::path::PathBuf) {
        let _ = self.inner.base_config.set(base);
    }

    /// Changes `config.toml` under the operation lock (no other lexguard writes it, or acts
    /// on half of it, meanwhile): `change` gets what the file holds now (hand edits since the
    /// start included), and only the keys it changes are written, as an edit of the
    /// document ([`Config::edit`]). Validated; takes effect at once. Returns the new
    /// configuration.
    pub async fn update_config(&self, change: impl FnOnce(&mut Config) + Send) -> Result<Config> {
        let _lock = self.exclusive().await?;
        let file = &self.inner.home.config_file;
        if let Some(base) = self.inner.base_config.get() {
            // A named connection: the edit goes to its own file, never into the base.
            let config = crate::connections::config_edit::edit(base, file, change)?;
            *self.inner.config.write().unwrap_or_else(|e| e.into_inner()) = config.clone();
            self.republish();
            return Ok(config);
        }
        if !file.exists() {
            // No file yet (an engine built from a configuration in memory): that one is the
            // starting point, not the defaults.
            let current = self.config();
            Config::edit(file, |c| *c = current)?;
        }
        let config = Config::edit(file, change)?;
        *self.inner.config.write().unwrap_or_else(|e| e.into_inner()) = config.clone();
        self.republish();
        Ok(config)
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state as last persisted; no keychain, no network.
    pub fn status(&self) -> Result<Status> {
        let st = Persisted::load(&self.inner.home.state_file())?;
        Ok(self.status_of(&st, self.inner.clock.now()))
    }

    /// The alert channels of this configuration (`None`: none configured).
    pub fn alerts(&self) -> Option<crate::alerts::Alerts> {
        let config = self.config();
        let remind = chrono::Duration::from_std(self.schedule().remind_every)
            .unwrap_or(chrono::Duration::hours(4));
        crate::alerts::Alerts::new(&config.alerts, &self.inner.home.data_dir, remind)
            .map(|a| a.with_quiet(crate::quiet::Quiet::new(&config, &self.inner.home.data_dir)))
    }

    /// Sends the alerts for every status this engine publishes, in order, for as long as the
    /// engine lives (`serve`, the tray app). Off the operations: a hanging receiver delays the
    /// next alert, never a check. Follows changes of `[alerts]` in the settings.
    pub async fn follow_alerts(self) {
        let mut statuses = self.status_watch();
        type Wanted = (
            crate::alerts::AlertsConfig,
            Option<crate::config::QuietHoursConfig>,
        );
        let mut current: Option<(Wanted, crate::alerts::Alerts)> = None;
        while statuses.changed().await.is_ok() {
            let status = statuses.borrow_and_update().clone();
            let config = self.config();
            let wanted = (config.alerts, config.quiet_hours);
            if current.as_ref().is_none_or(|(cfg, _)| *cfg != wanted) {
                current = self.alerts().map(|a| (wanted, a));
            }
            if let Some((_, alerts)) = &current {
                alerts.handle(&status, self.now()).await;
            }
        }
    }

    /// Records something the shell saw (e.g. its keepalive restarted) like an operation's
    /// events: into the history and to every subscriber.
    pub fn note(&self, event: Event) {
        if let Err(e) = history::append(
            &self.inner.home.history_file(),
            self.inner.clock.now(),
            std::slice::from_ref(&event),
        ) {
            tracing::warn!(error = %e, "history not written");
        }
        let _ = self.inner.events.send(event);
    }

    pub fn history(&self, n: usize) -> Result<Vec<history::Entry>> {
        history::read(&self.inner.home.history_file(), n)
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
        is_send(e.update_config(|_| {}));
    }
}
