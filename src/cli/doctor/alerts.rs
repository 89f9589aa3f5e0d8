//! The alert channels of `[alerts]`. By default doctor only looks at them: any request to
//! `ping_url` could count as "all is well" at a dead-man's switch (at healthchecks.io a plain
//! GET or POST *is* the success signal), and a doctor that reset it would hide a dead
//! keepalive. With `--test-alerts` each channel gets a message marked as a test:
//! `{ping_url}/log` (healthchecks.io's suffix for an event that changes no state, like the
//! `/fail` lexguard already uses), the webhook a JSON with `"test": true`, the command
//! `LEXGUARD_TEST=1` in its environment.

use super::report::Report;
use crate::alerts::{Payload, SEND_TIMEOUT};
use crate::config::Config;
use crate::status::Status;

pub(super) async fn alerts(
    r: &mut Report,
    client: &reqwest::Client,
    config: &Config,
    status: &Status,
    test: bool,
) {
    let a = &config.alerts;
    if let Some(url) = &a.ping_url {
        if !test {
            untested(r, "ping_url", url);
        } else {
            let log = format!("{}/log", url.trim_end_matches('/'));
            let body = r.lang.pick(
                "lexguard doctor: Testnachricht, kein Lebenszeichen.",
                "lexguard doctor: test message, not a sign of life.",
            );
            let sent = client.post(&log).body(body).send().await;
            answered(r, "ping_url", &log, sent);
        }
    }
    if let Some(url) = &a.webhook_url {
        if !test {
            untested(r, "webhook_url", url);
        } else {
            let sent = client.post(url).json(&test_payload(status)).send().await;
            answered(r, "webhook_url", url, sent);
        }
    }
    if let Some(argv) = &a.command {
        command(r, argv, status, test).await;
    }
}

/// What a real alert carries, marked `"test": true`.
fn test_payload(status: &Status) -> serde_json::Value {
    let payload = Payload {
        state: status.state,
        reason: status.reason,
        company: status.company.as_deref(),
        headline: &status.headline,
        message: &status.message,
        at: chrono::Utc::now(),
        reminder: false,
        catch_up: false,
        access_expires_at: status.access_expires_at,
        last_tick_at: status.last_tick_at,
        next_attempt_at: status.next_attempt_at,
    };
    let mut doc = serde_json::to_value(&payload).unwrap_or_default();
    if let Some(map) = doc.as_object_mut() {
        map.insert("test".into(), serde_json::Value::Bool(true));
    }
    doc
}

fn untested(r: &mut Report, check: &str, url: &str) {
    let valid = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if valid {
        r.ok(
            "alerts",
            format!("{check} {url}: eingerichtet; nichts gesendet (testen: lexguard doctor --test-alerts)."),
            format!("{check} {url}: set up; nothing sent (to test: lexguard doctor --test-alerts)."),
        );
    } else {
        r.fail(
            "alerts",
            r.lang.pick(
                format!("{check} „{url}“ ist keine http(s)-Adresse."),
                format!("{check} \"{url}\" is not an http(s) address."),
            ),
            (
                format!(
                    "Tragen Sie in [alerts] {check} eine vollständige Adresse ein (https://…)."
                ),
                format!("Enter a full address for {check} in [alerts] (https://…)."),
            ),
        );
    }
}

fn answered(
    r: &mut Report,
    check: &str,
    url: &str,
    sent: std::result::Result<reqwest::Response, reqwest::Error>,
) {
    match sent {
        Ok(resp) if resp.status().is_success() => r.ok(
            "alerts",
            format!("{check}: Testnachricht an {url} angenommen."),
            format!("{check}: test message to {url} accepted."),
        ),
        other => {
            let why = match other {
                Ok(resp) => format!("HTTP {}", resp.status().as_u16()),
                Err(e) => crate::api::transport_error(&e).message(r.lang),
            };
            r.fail(
                "alerts",
                r.lang.pick(
                    format!("{check}: Testnachricht an {url} nicht angenommen ({why})."),
                    format!("{check}: test message to {url} not accepted ({why})."),
                ),
                (
                    format!("Prüfen Sie {check} in [alerts] und den Dienst dahinter."),
                    format!("Check {check} in [alerts] and the service behind it."),
                ),
            );
        }
    }
}

async fn command(r: &mut Report, argv: &[String], status: &Status, test: bool) {
    let Some((program, args)) = argv.split_first() else {
        return;
    };
    if !program_exists(program) {
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
        return;
    }
    if !test {
        r.ok(
            "alerts",
            format!("command: {program} ist vorhanden; nicht gestartet (testen: lexguard doctor --test-alerts)."),
            format!("command: {program} exists; not started (to test: lexguard doctor --test-alerts)."),
        );
        return;
    }
    let as_text = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .env("LEXGUARD_TEST", "1")
        .env(
            "LEXGUARD_STATE",
            as_text(serde_json::to_value(status.state).unwrap_or_default()),
        )
        .env(
            "LEXGUARD_REASON",
            as_text(serde_json::to_value(status.reason).unwrap_or_default()),
        )
        .env(
            "LEXGUARD_COMPANY",
            status.company.as_deref().unwrap_or_default(),
        )
        .env("LEXGUARD_HEADLINE", &status.headline)
        .env("LEXGUARD_MESSAGE", &status.message)
        .env("LEXGUARD_AT", chrono::Utc::now().to_rfc3339())
        .env("LEXGUARD_REMINDER", "0")
        .env("LEXGUARD_CATCH_UP", "0")
        .env_remove("LEXGUARD_CLIENT_SECRET")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let why = match tokio::time::timeout(SEND_TIMEOUT, cmd.status()).await {
        Ok(Ok(s)) if s.success() => {
            r.ok(
                "alerts",
                format!("command: {program} lief mit LEXGUARD_TEST=1 und meldete Erfolg."),
                format!("command: {program} ran with LEXGUARD_TEST=1 and reported success."),
            );
            return;
        }
        Ok(Ok(s)) => r.lang.pick(
            format!("endete mit Code {}", s.code().unwrap_or(-1)),
            format!("ended with code {}", s.code().unwrap_or(-1)),
        ),
        Ok(Err(e)) => r.lang.pick(
            format!("startete nicht ({e})"),
            format!("did not start ({e})"),
        ),
        Err(_) => r.lang.pick(
            "brauchte länger als 10 s und wurde beendet".to_string(),
            "took longer than 10 s and was stopped".to_string(),
        ),
    };
    r.fail(
        "alerts",
        format!("command: {program} {why}."),
        (
            "Prüfen Sie das Programm in [alerts] command (es bekommt die Fakten in LEXGUARD_*-Variablen).".into(),
            "Check the program in [alerts] command (it gets the facts in LEXGUARD_* variables).".into(),
        ),
    );
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
