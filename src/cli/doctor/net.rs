//! Checks over the network: Lexware's hosts (DNS, TLS, reachability), the clock against their
//! `Date`, the webhook addresses, and the desktop's session services.

use super::report::Report;
use crate::config::Config;
use std::time::Duration;

pub(super) const TIMEOUT: Duration = Duration::from_secs(10);
/// More clock difference than this against Lexware's `Date` makes expiry times wrong.
const MAX_SKEW_SECS: i64 = 60;

pub(super) async fn hosts_and_clock(r: &mut Report, client: &reqwest::Client, config: &Config) {
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
                let e = crate::api::transport_error(&e);
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
        let d = crate::text::time_fmt::duration(chrono::Duration::seconds(skew.abs()));
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

pub(super) async fn callbacks(r: &mut Report, client: &reqwest::Client, config: &Config) {
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
                    Err(e) => crate::api::transport_error(&e).message(r.lang),
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

/// On a desktop: who shows the notifications and hosts the tray icon.
pub(super) async fn desktop(r: &mut Report) {
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
