//! Secrets stay secret: not in any file under LEXGUARD_HOME, not in the history, not in
//! `tracing` output (at every level), not in `Debug` of what the engine hands out.

mod common;

use chrono::Duration;
use common::Harness;
use lexguard::TickCause;
use lexguard::config::WebhookSpec;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn all_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).expect("read")));
        }
    }
    out
}

#[tokio::test]
async fn no_secret_in_files_history_logs_or_debug() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = Harness::new().await;
    let mut config = h.engine.config();
    config.webhooks = vec![WebhookSpec {
        event_type: "invoice.created".into(),
        callback_url: h.ctl.hook_url("x"),
    }];
    h.engine
        .update_config(|cfg| *cfg = config.clone())
        .await
        .expect("config");

    let mut secrets: Vec<String> = vec!["sim-secret".into()];
    let redirect = h.authorize().await;
    secrets.push(common::code_of(&redirect));
    let pending = h.store.raw("pending-authorization").expect("pending");
    let v: serde_json::Value = serde_json::from_str(&pending).expect("json");
    secrets.push(v["verifier"].as_str().expect("verifier").into());
    let report = h.engine.connect(&redirect).await.expect("connect");
    secrets.push(h.stored_access_token());
    secrets.push(h.stored_refresh_token());

    // Refresh, a failure, a 401 retry, a keychain fault, a gap: every path that logs.
    h.advance(Duration::seconds(14_399 - 14 * 60));
    h.ctl.fail_next(1, 503);
    let failing = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    h.advance(Duration::minutes(2));
    h.store.fail_writes(Some(lexguard::KeychainFault::Locked));
    let refreshed = h.engine.tick(TickCause::Scheduled).await.expect("tick");
    let in_memory = h.engine.access_token().await.expect("token");
    secrets.push(in_memory);
    h.store.fail_writes(None);
    h.ctl.invalidate_access_tokens();
    h.advance(Duration::hours(1));
    let after_gap = h.engine.tick(TickCause::Resume).await.expect("tick");
    secrets.push(h.stored_access_token());
    secrets.push(h.stored_refresh_token());
    let key = h.ctl.create_api_key();
    h.engine.connect_api_key(&key).await.expect("api key");
    secrets.push(key);
    let status = h.engine.status().expect("status");
    let history = h.engine.history(1000).expect("history");
    assert!(history.len() > 5);

    let mut places: Vec<(String, Vec<u8>)> = all_files(h.home.path())
        .into_iter()
        .map(|(p, b)| (p.display().to_string(), b))
        .collect();
    places.push(("tracing".into(), capture.0.lock().expect("log").clone()));
    places.push((
        "debug".into(),
        format!(
            "{report:?}{failing:?}{refreshed:?}{after_gap:?}{status:?}{history:?}{:?}",
            h.engine.config()
        )
        .into_bytes(),
    ));
    places.push((
        "json".into(),
        serde_json::to_vec(&(&report, &failing, &after_gap, &status, &history)).expect("json"),
    ));
    let log = String::from_utf8_lossy(&places.iter().find(|p| p.0 == "tracing").expect("log").1)
        .to_string();
    assert!(
        log.contains("event"),
        "tracing captured something: {}",
        log.len()
    );
    for (place, bytes) in &places {
        let text = String::from_utf8_lossy(bytes);
        for s in &secrets {
            assert!(s.len() >= 8, "secret too short to search for");
            assert!(!text.contains(s.as_str()), "a secret leaked into {place}");
        }
    }
}
