//! `lexguard doctor`: checks the whole chain once and names the fix for every failure — the
//! configuration, the secret store, DNS/TLS/reachability of Lexware, the clock, the lock, the
//! loopback login port, the webhook addresses, the alert channels and, on a desktop, the
//! notification server and the tray host. It builds its pieces itself instead of an engine:
//! a broken config or store is exactly what it must be able to report. Never prints a secret.

use crate::config::{Config, Home};
use crate::i18n::Lang;
use serde::Serialize;
use std::io::Write;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
/// More clock difference than this against Lexware's `Date` makes expiry times wrong.
const MAX_SKEW_SECS: i64 = 60;

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    ok: bool,
    message: String,
    fix: Option<String>,
}

struct Report {
    lang: Lang,
    checks: Vec<Check>,
}

impl Report {
    fn ok(&mut self, check: &'static str, de: String, en: String) {
        let message = self.lang.pick(de, en);
        self.checks.push(Check {
            check,
            ok: true,
            message,
            fix: None,
        });
    }

    fn fail(&mut self, check: &'static str, message: String, fix: (String, String)) {
        let fix = self.lang.pick(fix.0, fix.1);
        self.checks.push(Check {
            check,
            ok: false,
            message,
            fix: Some(fix),
        });
    }
}

pub async fn doctor(lang: Lang, json: bool) -> i32 {
    let mut r = Report {
        lang,
        checks: Vec::new(),
    };
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
    legacy_hosts(&mut r, &config);
    store(&mut r, &config, &home).await;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    hosts_and_clock(&mut r, &client, &config).await;
    lock(&mut r, &home).await;
    loopback_port(&mut r, &config);
    callbacks(&mut r, &client, &config).await;
    alerts(&mut r, &client, &config).await;
    desktop(&mut r).await;
    finish(&r, json)
}

fn fix_env() -> (String, String) {
    (
        "Setzen Sie LEXGUARD_HOME auf einen eigenen Ordner.".into(),
        "Set LEXGUARD_HOME to a folder of its own.".into(),
    )
}

fn finish(r: &Report, json: bool) -> i32 {
    let ok = r.checks.iter().all(|c| c.ok);
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

/// The gateway moved in 2025: `api.lexoffice.io` is switched off.
fn legacy_hosts(r: &mut Report, config: &Config) {
    let l = &config.lexware;
    for (key, url, new) in [
        ("api_url", &l.api_url, "https://api.lexware.io"),
        ("auth_url", &l.auth_url, "https://app.lexware.de"),
    ] {
        if url.contains("lexoffice.io") || url.contains("lexoffice.de") {
            r.fail(
                "legacy_host",
                r.lang.pick(
                    format!("{key} = {url} ist die alte lexoffice-Adresse; sie ist abgeschaltet."),
                    format!("{key} = {url} is the old lexoffice address; it is switched off."),
                ),
                (
                    format!("Tragen Sie in config.toml {key} = \"{new}\" ein."),
                    format!("Set {key} = \"{new}\" in config.toml."),
                ),
            );
        }
    }
}

async fn store(r: &mut Report, config: &Config, home: &Home) {
    let kind = match config.store.kind {
        crate::store::StoreKind::Keychain => r.lang.pick("Schlüsselbund", "keychain"),
        crate::store::StoreKind::File => r.lang.pick("Geheimnis-Ordner", "secrets folder"),
    };
    let store = match crate::store::open(&config.store, home) {
        Ok(s) => s,
        Err(e) => {
            r.fail("store", e.message(r.lang), (
                "Beheben Sie das genannte Problem oder wählen Sie in [store] einen anderen Speicher.".into(),
                "Fix the named problem or choose another store in [store].".into(),
            ));
            return;
        }
    };
    let vault = crate::store::Vault::new(store);
    match vault.round_trip().await {
        Ok(()) => r.ok(
            "store",
            format!("{kind}: Schreiben, Lesen und Löschen klappen."),
            format!("{kind}: writing, reading and deleting work."),
        ),
        Err(e) => r.fail("store", e.message(r.lang), match config.store.kind {
            crate::store::StoreKind::Keychain => (
                "Ohne Desktop-Sitzung gibt es keinen Schlüsselbund: Tragen Sie in config.toml [store] kind = \"file\" ein (siehe README, Server).".into(),
                "Without a desktop session there is no keychain: set [store] kind = \"file\" in config.toml (see README, Server).".into(),
            ),
            crate::store::StoreKind::File => (
                "Prüfen Sie Rechte und freien Platz des Geheimnis-Ordners.".into(),
                "Check the permissions and free space of the secrets folder.".into(),
            ),
        }),
    }
}

async fn hosts_and_clock(r: &mut Report, client: &reqwest::Client, config: &Config) {
    let l = &config.lexware;
    let mut skew_checked = false;
    for (label, url) in [
        (
            "auth_url",
            format!("{}/oauth2/token", l.auth_url.trim_end_matches('/')),
        ),
        (
            "api_url",
            format!("{}/v1/profile", l.api_url.trim_end_matches('/')),
        ),
    ] {
        match client.get(&url).send().await {
            Ok(resp) => {
                r.ok(
                    "reachable",
                    format!("{label}: Lexware antwortet (DNS, TLS und Verbindung in Ordnung)."),
                    format!("{label}: Lexware answers (DNS, TLS and connection fine)."),
                );
                if !skew_checked
                    && let Some(date) = resp
                        .headers()
                        .get(reqwest::header::DATE)
                        .and_then(|d| d.to_str().ok())
                        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
                {
                    skew_checked = true;
                    clock(r, date.with_timezone(&chrono::Utc));
                }
            }
            Err(e) => {
                let e = crate::http::transport_error(&e);
                r.fail("reachable", format!("{label}: {}", e.message(r.lang)), (
                    format!("Prüfen Sie {label} in config.toml, die Internetverbindung, DNS und einen Proxy."),
                    format!("Check {label} in config.toml, the internet connection, DNS and any proxy."),
                ));
            }
        }
    }
}

fn clock(r: &mut Report, server: chrono::DateTime<chrono::Utc>) {
    let skew = (chrono::Utc::now() - server).num_seconds();
    if skew.abs() <= MAX_SKEW_SECS {
        r.ok(
            "clock",
            format!("Die Uhr stimmt (Abweichung zu Lexware {skew} s)."),
            format!("The clock is right ({skew} s off Lexware's)."),
        );
    } else {
        let d = crate::time_fmt::duration(chrono::Duration::seconds(skew.abs()));
        let dir = if skew > 0 {
            r.lang.pick("vor", "ahead")
        } else {
            r.lang.pick("nach", "behind")
        };
        r.fail(
            "clock",
            r.lang.pick(
                format!(
                    "Die Uhr dieses Computers geht um {d} {dir}; Ablaufzeiten stimmen dann nicht."
                ),
                format!("This computer's clock is {d} {dir}; expiry times are then wrong."),
            ),
            (
                "Schalten Sie die Zeitsynchronisation ein (z. B. timedatectl set-ntp true).".into(),
                "Turn on time synchronisation (e.g. timedatectl set-ntp true).".into(),
            ),
        );
    }
}

async fn lock(r: &mut Report, home: &Home) {
    match crate::lock::acquire(&home.lock_file(), Duration::from_secs(2)).await {
        Ok(_held) => r.ok(
            "lock",
            format!("Sperrdatei {} ist benutzbar.", home.lock_file().display()),
            format!("Lock file {} is usable.", home.lock_file().display()),
        ),
        Err(crate::Error::Busy) => r.ok(
            "lock",
            "Ein anderer lexguard arbeitet gerade (die Sperre ist belegt); das ist in Ordnung."
                .into(),
            "Another lexguard is working right now (the lock is taken); that is fine.".into(),
        ),
        Err(e) => r.fail(
            "lock",
            e.message(r.lang),
            (
                "Prüfen Sie die Rechte des Datenordners.".into(),
                "Check the permissions of the data folder.".into(),
            ),
        ),
    }
}

fn loopback_port(r: &mut Report, config: &Config) {
    let Some(uri) = &config.lexware.redirect_uri else {
        return;
    };
    let Ok(url) = url::Url::parse(uri) else {
        return;
    };
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    let (true, "http", Some(port)) = (loopback, url.scheme(), url.port()) else {
        return;
    };
    // A page of the OAuth server itself (the simulator's copy-code page) is not a port
    // lexguard listens on.
    let auth = url::Url::parse(&config.lexware.auth_url).ok();
    if auth.is_some_and(|a| a.origin() == url.origin()) {
        return;
    }
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(_) => r.ok(
            "loopback_port",
            format!("Port {port} für die Anmeldung ist frei."),
            format!("Port {port} for the login is free."),
        ),
        Err(e) => r.fail(
            "loopback_port",
            r.lang.pick(
                format!("Port {port} der redirect_uri ist belegt ({e})."),
                format!("Port {port} of the redirect_uri is taken ({e})."),
            ),
            (
                "Beenden Sie das Programm, das den Port nutzt, oder registrieren Sie bei Lexware eine redirect_uri mit einem freien Port.".into(),
                "Stop the program using the port, or register a redirect_uri with a free port at Lexware.".into(),
            ),
        ),
    }
}

async fn callbacks(r: &mut Report, client: &reqwest::Client, config: &Config) {
    for w in &config.webhooks {
        let result = client.head(&w.callback_url).send().await;
        match result {
            Ok(resp) if resp.status().is_success() => r.ok(
                "webhook",
                format!("{} → {}: erreichbar.", w.event_type, w.callback_url),
                format!("{} → {}: reachable.", w.event_type, w.callback_url),
            ),
            other => {
                let why = match other {
                    Ok(resp) => format!("HTTP {}", resp.status().as_u16()),
                    Err(e) => crate::http::transport_error(&e).message(r.lang),
                };
                r.fail(
                    "webhook",
                    r.lang.pick(
                        format!("{} → {}: antwortet nicht mit 2xx auf HEAD ({why}); Lexware lehnt das Abo dann ab (406).", w.event_type, w.callback_url),
                        format!("{} → {}: does not answer HEAD with 2xx ({why}); Lexware then refuses the subscription (406).", w.event_type, w.callback_url),
                    ),
                    (
                        "Sorgen Sie dafür, dass die Adresse öffentlich per HTTPS erreichbar ist und HEAD mit 200 beantwortet.".into(),
                        "Make sure the address is publicly reachable over HTTPS and answers HEAD with 200.".into(),
                    ),
                );
            }
        }
    }
}

async fn alerts(r: &mut Report, client: &reqwest::Client, config: &Config) {
    let a = &config.alerts;
    let test = serde_json::json!({ "test": true, "message": "lexguard doctor" });
    for (check, url, req) in [
        (
            "ping_url",
            &a.ping_url,
            a.ping_url.as_ref().map(|u| client.get(u)),
        ),
        (
            "webhook_url",
            &a.webhook_url,
            a.webhook_url.as_ref().map(|u| client.post(u).json(&test)),
        ),
    ] {
        let (Some(url), Some(req)) = (url, req) else {
            continue;
        };
        match req.send().await {
            Ok(resp) if resp.status().is_success() => r.ok(
                "alerts",
                format!("{check}: Testnachricht an {url} angenommen."),
                format!("{check}: test message to {url} accepted."),
            ),
            other => {
                let why = match other {
                    Ok(resp) => format!("HTTP {}", resp.status().as_u16()),
                    Err(e) => crate::http::transport_error(&e).message(r.lang),
                };
                r.fail(
                    "alerts",
                    format!("{check}: {url}: {why}"),
                    (
                        format!("Prüfen Sie {check} in [alerts]."),
                        format!("Check {check} in [alerts]."),
                    ),
                );
            }
        }
    }
    if let Some(program) = a.command.as_ref().and_then(|c| c.first()) {
        if program_exists(program) {
            r.ok(
                "alerts",
                format!("command: {program} ist vorhanden."),
                format!("command: {program} exists."),
            );
        } else {
            r.fail(
                "alerts",
                r.lang.pick(
                    format!("command: {program} wurde nicht gefunden."),
                    format!("command: {program} was not found."),
                ),
                (
                    "Geben Sie in [alerts] command den vollständigen Pfad eines ausführbaren Programms an.".into(),
                    "Give the full path of an executable program in [alerts] command.".into(),
                ),
            );
        }
    }
}

fn program_exists(program: &str) -> bool {
    let path = std::path::Path::new(program);
    if path.components().count() > 1 {
        return path.is_file();
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

/// On a desktop: who shows the notifications and hosts the tray icon.
async fn desktop(r: &mut Report) {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return;
    }
    for (name, de, en, fix) in [
        (
            "org.freedesktop.Notifications",
            "Benachrichtigungen werden angezeigt (Benachrichtigungsdienst vorhanden).",
            "Notifications are shown (a notification server is there).",
            (
                "Starten Sie einen Benachrichtigungsdienst (die meisten Desktops haben einen; sonst z. B. dunst).",
                "Start a notification server (most desktops have one; else e.g. dunst).",
            ),
        ),
        (
            "org.kde.StatusNotifierWatcher",
            "Der Infobereich kann das lexguard-Symbol zeigen.",
            "The system tray can show the lexguard icon.",
            (
                "Unter GNOME: Installieren Sie die Erweiterung „AppIndicator and KStatusNotifierItem Support“.",
                "On GNOME: install the extension \"AppIndicator and KStatusNotifierItem Support\".",
            ),
        ),
    ] {
        match has_owner(name).await {
            Some(true) => r.ok("desktop", de.into(), en.into()),
            Some(false) => r.fail(
                "desktop",
                r.lang.pick(
                    format!("{name} fehlt auf dem Sitzungsbus."),
                    format!("{name} is missing on the session bus."),
                ),
                (fix.0.into(), fix.1.into()),
            ),
            None => {}
        }
    }
}

/// `None`: could not ask (no session bus, no dbus-send).
async fn has_owner(name: &str) -> Option<bool> {
    let out = tokio::time::timeout(
        TIMEOUT,
        tokio::process::Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .kill_on_drop(true)
            .output(),
    )
    .await
    .ok()?
    .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}
