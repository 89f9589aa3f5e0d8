//! Demo mode: the whole story without a Lexware account. An in-process `lexware-sim` on
//! loopback, a throwaway home and keychain service, short token lifetimes, and shortcuts to
//! play the events a real connection suffers (revocation, suspend).

use lexguard::config::{Config, WebhookSpec};
use lexguard::store::{KeychainStore, Vault, names};
use lexguard::{Engine, EngineOptions, Home, Lang, OffsetClock};
use lexware_sim::{Control, Sim, SimConfig};
use std::sync::Arc;

/// Access tokens of the demo live 20 minutes, so a refresh comes 5 minutes after connecting.
const DEMO_ACCESS_TTL_SECS: i64 = 20 * 60;

pub struct Demo {
    _sim: Sim,
    pub ctl: Control,
    pub clock: OffsetClock,
    home: tempfile::TempDir,
    pub keyring_service: String,
    /// The demo's own keychain entries, for the clean-up (the engine is closed by then).
    vault: Vault,
}

/// Demo homes are `$TMPDIR/lexguard-demo-<pid>-<random>`, keychain services `lexguard-demo-<pid>`.
const HOME_PREFIX: &str = "lexguard-demo-";

/// `LEXGUARD_DEMO_KEEP=1`: leave the throwaway home and keychain entries after quitting, so
/// tests can look inside afterwards.
const KEEP_VAR: &str = "LEXGUARD_DEMO_KEEP";

impl Demo {
    /// Starts the simulator (`LEXGUARD_DEMO_SIM_PORT` fixes its port, for tests) and builds
    /// the demo engine on a throwaway home (`$TMPDIR/lexguard-demo-*`) and the keychain service
    /// `lexguard-demo-<pid>`, always: `LEXGUARD_HOME` and `LEXGUARD_KEYRING_SERVICE` may point
    /// at a real installation and are never used here. Both are written to the log.
    pub async fn start(lang: Lang) -> std::io::Result<(Demo, Engine)> {
        let cfg = SimConfig {
            access_ttl_secs: DEMO_ACCESS_TTL_SECS,
            company_name: "Demo GmbH".into(),
            ..SimConfig::default()
        };
        let sim = match std::env::var("LEXGUARD_DEMO_SIM_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
        {
            Some(port) => Sim::start_on(cfg.clone(), port).await?,
            None => Sim::start(cfg.clone()).await?,
        };
        let ctl = sim.control();
        for var in ["LEXGUARD_HOME", "LEXGUARD_KEYRING_SERVICE"] {
            if std::env::var_os(var).is_some() {
                tracing::info!(
                    var,
                    "ignored by the demo: it never touches a real installation"
                );
            }
        }
        clean_leftovers(&std::env::temp_dir()).await;
        // The pid in the name lets a later start recognise the home of a demo that was killed.
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{HOME_PREFIX}{}-", std::process::id()))
            .tempdir()?;
        let home = Home::at(tmp.path());
        let keyring_service = format!("lexguard-demo-{}", std::process::id());
        let store = Arc::new(KeychainStore::new(keyring_service.clone()));
        tracing::info!(home = %tmp.path().display(), service = %keyring_service, "demo home and keychain service");
        let mut config = Config::default();
        config.lexware.auth_url = sim.url();
        config.lexware.api_url = sim.url();
        config.lexware.client_id = Some(cfg.client_id.clone());
        config.lexware.redirect_uri = Some(format!("{}/copy-code", sim.url()));
        config.lexware.connection_name = Some("lexguard Demo".into());
        config.webhooks = vec![
            WebhookSpec {
                event_type: "invoice.created".into(),
                callback_url: ctl.hook_url("invoice-created"),
            },
            WebhookSpec {
                event_type: "token.revoked".into(),
                callback_url: ctl.hook_url("token-revoked"),
            },
        ];
        // Written below, once the client secret is stored: a CLI that finds config.toml finds
        // everything a login needs.
        let to_write = config.clone();
        // Tests: check every 2 s and validate at every check (below the user minimums,
        // deliberately possible only in the demo, and never written to config.toml).
        let schedule_override = std::env::var("LEXGUARD_DEMO_FAST")
            .is_ok_and(|v| v == "1")
            .then(|| lexguard::config::Schedule {
                check_every: std::time::Duration::from_secs(2),
                validate_every: std::time::Duration::from_secs(1),
                gap_after: std::time::Duration::from_secs(60),
                ..config.schedule
            });
        let clock = OffsetClock::new();
        let engine = Engine::new(EngineOptions {
            home,
            config,
            store: store.clone(),
            clock: Arc::new(clock.clone()),
            lang,
            client_secret: Some(lexguard::ClientSecret::new(cfg.client_secret.clone())),
            schedule_override,
        });
        // The demo app's secret is the simulator's, not a real one: keep it in the demo's
        // keychain service too, so the CLI works on the demo home.
        if let Err(e) = engine
            .set_client_secret(lexguard::ClientSecret::new(cfg.client_secret.clone()))
            .await
        {
            tracing::warn!(kind = e.kind(), "demo client secret not stored");
        }
        // The CLI works on the demo too (`LEXGUARD_HOME=<demo home>
        // LEXGUARD_KEYRING_SERVICE=lexguard-demo-<pid> lexguard status`).
        if let Err(e) = to_write.save(&engine.home().config_file) {
            tracing::warn!(kind = e.kind(), "demo config not written");
        }
        tracing::info!(url = %sim.url(), "demo simulator running");
        Ok((
            Demo {
                _sim: sim,
                ctl,
                clock,
                home: tmp,
                keyring_service,
                vault: Vault::new(store),
            },
            engine,
        ))
    }

    /// What a person does in the browser: open the login link, consent, land on the page with
    /// the code. Returns the address to paste.
    pub async fn consent(&self, login_url: &str) -> Result<String, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let resp = client
            .get(login_url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| format!("simulator answered {}", resp.status()))
    }

    /// At quit: the demo's keychain entries and its home go (unless `LEXGUARD_DEMO_KEEP=1`).
    /// The process exits without running destructors, so the folder is removed here.
    pub async fn clean_up(&self) {
        if std::env::var(KEEP_VAR).is_ok_and(|v| v == "1") {
            tracing::info!(home = %self.home.path().display(), service = %self.keyring_service, "demo kept");
            return;
        }
        delete_entries(&self.vault).await;
        if let Err(e) = std::fs::remove_dir_all(self.home.path()) {
            tracing::warn!(error = %e, "demo home not removed");
        }
        tracing::info!(service = %self.keyring_service, "demo cleaned up");
    }

    /// A suspend of `hours`: the wall clock (engine and simulator) jumps forwards.
    pub fn suspend(&self, hours: i64) {
        self.clock.advance(chrono::Duration::hours(hours));
        self.ctl.advance_clock(hours * 3600);
    }
}

/// Every keychain entry a demo may have written.
async fn delete_entries(vault: &Vault) {
    for name in [
        names::TOKENS,
        names::PENDING,
        names::CLIENT_SECRET,
        names::API_KEY,
    ] {
        if let Err(e) = vault.delete(name).await {
            tracing::warn!(kind = e.kind(), "demo keychain entry not deleted");
        }
    }
}

/// The pid in a demo home's folder name (`lexguard-demo-<pid>-<random>`).
fn pid_of_home(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(HOME_PREFIX)?;
    let (pid, random) = rest.split_once('-')?;
    (!random.is_empty()).then_some(())?;
    pid.parse().ok()
}

/// Whether the demo app with this pid still runs: a process with that pid whose program is
/// `lexguard-app` (a pid reused by another program counts as gone). When its program cannot
/// be read (another user's process), it counts as alive: nothing of it is removed.
#[cfg(target_os = "linux")]
fn demo_alive(pid: u32) -> bool {
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
    if !proc_dir.exists() {
        return false;
    }
    match std::fs::read_to_string(proc_dir.join("comm")) {
        Ok(comm) => comm.trim().starts_with("lexguard-app"),
        Err(_) => true,
    }
}

#[cfg(not(target_os = "linux"))]
fn demo_alive(_pid: u32) -> bool {
    true
}

/// At the start of a demo: removes what demos that were killed (no clean-up ran) left behind
/// in `tmp`: their home folders and the keychain entries of their services. Folders of a demo
/// that still runs, and anything not named like a demo home, stay.
pub async fn clean_leftovers(tmp: &std::path::Path) {
    let Ok(dir) = std::fs::read_dir(tmp) else {
        return;
    };
    let own = std::process::id();
    for entry in dir.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = pid_of_home(&name) else {
            continue;
        };
        if pid == own || demo_alive(pid) || !entry.path().is_dir() {
            continue;
        }
        let service = format!("{HOME_PREFIX}{pid}");
        delete_entries(&Vault::new(Arc::new(KeychainStore::new(service.clone())))).await;
        match std::fs::remove_dir_all(entry.path()) {
            Ok(()) => tracing::info!(%service, "left-over demo cleaned up"),
            Err(e) => tracing::warn!(error = %e, "left-over demo home not removed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_demo_homes_name_a_pid() {
        assert_eq!(pid_of_home("lexguard-demo-4242-a1B2c3"), Some(4242));
        assert_eq!(pid_of_home("lexguard-demo-4242-"), None);
        assert_eq!(pid_of_home("lexguard-demo-abc-x"), None);
        assert_eq!(pid_of_home("lexguard-demo-Xy12ab"), None);
        assert_eq!(pid_of_home("other-4242-x"), None);
    }

    #[test]
    fn this_process_is_no_demo_app_and_a_free_pid_is_gone() {
        // The test binary is not lexguard-app; pid 0 has no /proc entry.
        assert!(!demo_alive(std::process::id()) || cfg!(not(target_os = "linux")));
        assert!(!demo_alive(u32::MAX) || cfg!(not(target_os = "linux")));
    }
}
