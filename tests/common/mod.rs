//! The harness of the core's integration tests: a real `lexware-sim` on loopback, the engine
//! with a manual clock (kept in step with the simulator's), an in-memory secret store with
//! fault injection, and a throwaway `LEXGUARD_HOME`.
#![allow(dead_code)]

use chrono::Duration;
use lexguard::config::{Config, WebhookSpec};
use lexguard::store::MemoryStore;
use lexguard::{ConnectReport, Engine, EngineOptions, Home, Lang, ManualClock};
use lexware_sim::{Control, Sim, SimConfig};
use std::sync::Arc;

pub struct Harness {
    pub sim: Sim,
    pub ctl: Control,
    pub clock: ManualClock,
    pub store: MemoryStore,
    pub home: tempfile::TempDir,
    pub engine: Engine,
}

pub fn config_for(sim: &Sim, webhooks: Vec<WebhookSpec>) -> Config {
    let mut c = Config::default();
    c.lexware.auth_url = sim.url();
    c.lexware.api_url = sim.url();
    c.lexware.client_id = Some(SimConfig::default().client_id);
    c.lexware.redirect_uri = Some(format!("{}/callback", sim.url()));
    c.lexware.connection_name = Some("lexguard test".into());
    c.webhooks = webhooks;
    c
}

impl Harness {
    pub async fn new() -> Harness {
        Self::with_webhooks(vec![]).await
    }

    pub async fn with_webhooks(webhooks: Vec<WebhookSpec>) -> Harness {
        Self::with(SimConfig::default(), webhooks).await
    }

    /// A simulator whose organization has this company name.
    pub async fn with_company(name: &str) -> Harness {
        let cfg = SimConfig {
            company_name: name.into(),
            ..SimConfig::default()
        };
        Self::with(cfg, vec![]).await
    }

    async fn with(cfg: SimConfig, webhooks: Vec<WebhookSpec>) -> Harness {
        let sim = Sim::start(cfg).await.expect("simulator starts");
        let ctl = sim.control();
        let clock = ManualClock::new(ctl.now());
        let store = MemoryStore::new();
        let home = tempfile::tempdir().expect("tempdir");
        let config = config_for(&sim, webhooks);
        let engine = Self::engine_over(&home, config, &store, &clock);
        Harness {
            sim,
            ctl,
            clock,
            store,
            home,
            engine,
        }
    }

    /// Another engine over the same home and keychain: what a second process (or the app
    /// after a restart) sees.
    pub fn second_engine(&self) -> Engine {
        Self::engine_over(&self.home, self.engine.config(), &self.store, &self.clock)
    }

    fn engine_over(
        home: &tempfile::TempDir,
        config: Config,
        store: &MemoryStore,
        clock: &ManualClock,
    ) -> Engine {
        Engine::new(EngineOptions {
            home: Home::at(home.path()),
            config,
            store: Arc::new(store.clone()),
            clock: Arc::new(clock.clone()),
            lang: Lang::De,
            client_secret: Some(lexguard::ClientSecret::new(
                SimConfig::default().client_secret,
            )),
            schedule_override: None,
        })
    }

    /// Moves both clocks: the engine's and the simulator's (a suspend moves the world).
    pub fn advance(&self, d: Duration) {
        self.clock.advance(d);
        self.ctl.advance_clock(d.num_seconds());
    }

    /// Opens the login URL as a browser would (auto-consent) and returns the address Lexware
    /// redirects to: `…/callback?code=…&state=…`.
    pub async fn authorize(&self) -> String {
        let url = self.engine.login_url().await.expect("login url");
        authorize_at(&url).await
    }

    /// Just the code of a fresh authorization.
    pub async fn code(&self) -> String {
        code_of(&self.authorize().await)
    }

    pub async fn connect(&self) -> ConnectReport {
        let redirect = self.authorize().await;
        self.engine.connect(&redirect).await.expect("connect")
    }

    /// The stored token set as one JSON object (`access_token`, `refresh_token`, ...),
    /// reassembled from the keychain's entries (see `lexguard::store::token_layout`).
    pub fn stored_tokens(&self) -> Option<String> {
        // A copy without the injected faults; an entry that does not parse comes back raw.
        match lexguard::store::token_layout::read(&self.store.snapshot()) {
            Ok(t) => t.map(|t| t.to_json()),
            Err(_) => self.store.raw("tokens"),
        }
    }

    /// The refresh token currently in the keychain.
    pub fn stored_refresh_token(&self) -> String {
        let raw = self.stored_tokens().expect("tokens stored");
        let v: serde_json::Value = serde_json::from_str(&raw).expect("json");
        v["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_string()
    }

    pub fn stored_access_token(&self) -> String {
        let raw = self.stored_tokens().expect("tokens stored");
        let v: serde_json::Value = serde_json::from_str(&raw).expect("json");
        v["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }
}

/// GET the authorization URL without following the redirect; the Location is what the
/// browser would land on.
pub async fn authorize_at(url: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let resp = client.get(url).send().await.expect("authorize");
    assert_eq!(resp.status().as_u16(), 302, "authorize redirects");
    resp.headers()
        .get("location")
        .expect("location")
        .to_str()
        .expect("ascii")
        .to_string()
}

pub fn code_of(redirect: &str) -> String {
    url::Url::parse(redirect)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code in redirect")
}

/// The token set in a keychain as one JSON object (`access_token`, `refresh_token`, ...),
/// put together from its entries the way `lexguard::store::token_layout` lays them out (written
/// here again, so a test compares against an independent reading): the `tokens` head and the
/// access token's parts, each tagged with the head's generation. `lookup` reads one entry.
pub fn assemble_tokens(lookup: impl Fn(&str) -> Option<String>) -> Option<serde_json::Value> {
    let mut head: serde_json::Value = serde_json::from_str(lookup("tokens")?.trim()).ok()?;
    if head.get("access_token").is_some() {
        return Some(head);
    }
    let access = head.as_object_mut()?.remove("access")?;
    let slot = access["slot"].as_str()?;
    let tag = format!("{}:", access["generation"].as_str()?);
    let mut token = String::new();
    for i in 0..access["parts"].as_u64()? {
        let part = lookup(&format!("tokens-access-{slot}-{i}"))?;
        token.push_str(part.trim_end_matches('\n').strip_prefix(&tag)?);
    }
    head["access_token"] = serde_json::Value::String(token);
    Some(head)
}
