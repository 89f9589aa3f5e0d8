//! `lexguard doctor`: checks the whole chain once and names the fix for every failure — the
//! configuration, the secret store, DNS/TLS/reachability of Lexware, the clock, the lock, the
//! loopback login port, the webhook addresses, the alert channels and, on a desktop, the
//! notification server and the tray host. It builds its pieces itself instead of an engine:
//! a broken config or store is exactly what it must be able to report. Never prints a secret.

mod local;
mod net;
mod report;

use crate::config::{Config, Home};
use crate::i18n::Lang;
use report::Report;
use std::io::Write;

pub async fn doctor(lang: Lang, json: bool) -> i32 {
    let mut r = Report::new(lang);
    let home = match Home::from_env() {
        Ok(h) => h,
        Err(e) => {
            r.fail("home", e.message(lang), fix_env());
            return finish(&r, json);
        }
    };
    let config = match Config::load(&home.config_file) {
        Ok(c) => {
            r.ok(
                "config",
                format!(
                    "Konfiguration {} ist in Ordnung.",
                    home.config_file.display()
                ),
                format!("Configuration {} is fine.", home.config_file.display()),
            );
            c
        }
        Err(e) => {
            r.fail("config", e.message(lang), (
                "Korrigieren Sie die genannte Zeile in config.toml und starten Sie lexguard doctor erneut.".into(),
                "Correct the named line in config.toml and run lexguard doctor again.".into(),
            ));
            return finish(&r, json);
        }
    };
    local::store(&mut r, &config, &home).await;
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
    net::alerts(&mut r, &client, &config).await;
    for f in crate::share::doctor::check(&config, &home).await {
        match f.fix {
            None => r.ok(f.check, f.de, f.en),
            Some(fix) => r.fail(f.check, lang.pick(f.de, f.en), fix),
        }
    }
    net::desktop(&mut r).await;
    finish(&r, json)
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
            let _ = writeln!(out, "{} {}", if c.ok { "✓" } else { "✗" }, c.message);
            if let Some(fix) = &c.fix {
                let _ = writeln!(out, "  → {}: {fix}", r.lang.pick("Lösung", "Fix"));
            }
        }
    }
    if ok { 0 } else { 1 }
}
