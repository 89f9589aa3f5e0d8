//! `lexguard doctor`: checks the whole chain once and names the fix for every failure — the
//! configuration, the secret store, the connection itself (the state, a live check at Lexware,
//! the partner app's client secret), DNS/TLS/reachability of Lexware, the clock, the lock, the
//! loopback login port, the webhook addresses, the alert channels and, on a desktop, the
//! notification server and the tray host. It builds its pieces itself instead of relying on an
//! engine: a broken config or store is exactly what it must be able to report. It only looks
//! (no refresh, nothing recorded, no ping: see `connection` and `alerts`). Never prints a secret.

mod alerts;
mod connection;
mod local;
mod net;
mod report;

use crate::config::{Config, Home};
use crate::connections::ConnectionName;
use crate::text::i18n::Lang;
use report::Report;
use std::io::Write;

/// What the person asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub json: bool,
    /// Send a test message to every alert channel (never a success ping).
    pub test_alerts: bool,
}

/// Checks connection `name` (`-c`; its folder, its configuration on top of the top-level one,
/// its entries in the shared store).
pub async fn doctor(lang: Lang, opts: Options, name: &ConnectionName) -> i32 {
    let mut r = Report::new(lang);
    let base = match Home::from_env() {
        Ok(h) => h,
        Err(e) => {
            r.fail("home", e.message(lang), fix_env());
            return finish(&r, opts.json);
        }
    };
    let home = base.connection(name);
    let config = match if name.is_default() {
        Config::load(&base.config_file)
    } else {
        crate::connections::load_config(&base.config_file, &home.config_file)
    } {
        Ok(c) => {
            config_found(&mut r, &base);
            c
        }
        Err(e) => {
            r.fail("config", e.message(lang), (
                "Korrigieren Sie die genannte Zeile in config.toml und starten Sie lexguard doctor erneut.".into(),
                "Correct the named line in config.toml and run lexguard doctor again.".into(),
            ));
            return finish(&r, opts.json);
        }
    };
    let vault = local::store(&mut r, &config, &base, name).await;
    // The status as the core computed it last (no keychain, no network).
    let engine = crate::connections::engine_in(&base, lang, name).ok();
    let status = match engine.as_ref().map(|e| e.status()) {
        Some(Ok(s)) => s,
        _ => {
            let st = crate::state::Persisted::load(&home.state_file()).unwrap_or_default();
            crate::status::Status::build(&st, &config, &config.schedule, chrono::Utc::now(), lang)
        }
    };
    connection::state(&mut r, &status);
    // A store that failed its round trip is reported once, above: no second line about it.
    if let Some(vault) = &vault {
        connection::live(&mut r, &config, &home, vault, &status).await;
        if let Some(engine) = &engine {
            connection::client_secret(&mut r, &config, engine, status.mode).await;
        }
    }
    let client = reqwest::Client::builder()
        .timeout(net::TIMEOUT)
        .connect_timeout(net::TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    net::hosts_and_clock(&mut r, &client, &config).await;
    local::lock(&mut r, &home).await;
    local::loopback_port(&mut r, &config);
    net::callbacks(&mut r, &client, &config).await;
    alerts::alerts(&mut r, &client, &config, &status, opts.test_alerts).await;
    for f in crate::share::doctor::check(&config, &home).await {
        match f.fix {
            None => r.ok(f.check, f.de, f.en),
            Some(fix) => r.fail(f.check, lang.pick(f.de, f.en), fix),
        }
    }
    net::desktop(&mut r).await;
    finish(&r, opts.json)
}

/// A missing config.toml is no parse error (lexguard runs on its defaults), but mostly means
/// doctor looks at another folder than the lexguard that is meant (`LEXGUARD_HOME`, the user).
fn config_found(r: &mut Report, home: &Home) {
    let path = home.config_file.display();
    if home.config_file.is_file() {
        r.ok(
            "config",
            format!("Konfiguration {path} ist in Ordnung."),
            format!("Configuration {path} is fine."),
        );
    } else {
        r.fail(
            "config",
            r.lang.pick(
                format!("Es gibt keine Konfiguration {path}; lexguard läuft hier mit den Voreinstellungen."),
                format!("There is no configuration {path}; lexguard runs on its defaults here."),
            ),
            (
                "Legen Sie config.toml dort an (siehe README, Konfiguration), oder setzen Sie LEXGUARD_HOME auf den Ordner Ihres lexguard und rufen Sie doctor als dessen Benutzer auf.".into(),
                "Create config.toml there (see README, Configuration), or set LEXGUARD_HOME to your lexguard's folder and run doctor as its user.".into(),
            ),
        );
    }
}

fn fix_env() -> (String, String) {
    (
        "Setzen Sie LEXGUARD_HOME auf einen eigenen Ordner.".into(),
        "Set LEXGUARD_HOME to a folder of its own.".into(),
    )
}

fn finish(r: &Report, json: bool) -> i32 {
    let ok = r.all_ok();
    let mut out = std::io::stdout().lock();
    if json {
        let doc = serde_json::json!({ "ok": ok, "checks": r.checks });
        let _ = serde_json::to_writer_pretty(&mut out, &doc);
        let _ = writeln!(out);
    } else {
        for c in &r.checks {
            let _ = writeln!(out, "{} {}", c.mark(), c.message);
            if let Some(fix) = &c.fix {
                let _ = writeln!(out, "  → {}: {fix}", r.lang.pick("Lösung", "Fix"));
            }
        }
    }
    if ok { 0 } else { 1 }
}
