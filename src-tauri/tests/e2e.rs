//! End-to-end through the real window: the built app in demo mode (an in-process Lexware
//! simulator), driven over WebDriver (tauri-driver + WebKitWebDriver) like a person would:
//! first connect (with the partner app's setup shown), a revoked connection and its repair, a
//! garbage code, settings in range and out of range, and the switch to English; in sessions of
//! their own the first run with a public API key, and a broken config.toml (without `--demo`)
//! that shows the error view until it is fixed and reloaded. Each step saves a screenshot (`$LEXGUARD_SCREENSHOTS`,
//! else `target/screenshots/`); a failure saves `failure.png` and prints what was on screen.
//!
//! Run: `scripts/e2e-setup && scripts/in-session cargo test -p lexguard-app --test e2e -- --include-ignored`

mod common;
mod e2e_support;

use e2e_support::{E2e, Launch};
use futures_util::FutureExt as _;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

const DEMO_COMPANY: &str = "Demo GmbH";
const EVENT_TYPES: [&str; 2] = ["invoice.created", "token.revoked"];

/// The app is a single instance and the sessions share the screenshot folder: the tests of
/// this file take turns.
static SESSION: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus, tauri-driver: run ./scripts/test"]
async fn window_end_to_end() {
    let _turn = SESSION.lock().await;
    // An app of an earlier test binary may still be going away (single instance).
    common::wait_until_no_instance().await;
    drive(E2e::start().await, scenarios).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus, tauri-driver: run ./scripts/test"]
async fn first_run_with_api_key() {
    let _turn = SESSION.lock().await;
    common::wait_until_no_instance().await;
    drive(E2e::start().await, api_key_first_run).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus, tauri-driver: run ./scripts/test"]
async fn broken_config_shows_the_error_view() {
    let _turn = SESSION.lock().await;
    common::wait_until_no_instance().await;
    let home = tempfile::tempdir().expect("home");
    std::fs::write(home.path().join("config.toml"), config_with("7m")).expect("config.toml");
    drive(
        E2e::start_with(Launch::Home(home.path().to_path_buf())).await,
        broken_config,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, D-Bus, tauri-driver: run ./scripts/test"]
async fn saves_keep_hand_written_config_and_autostart() {
    let _turn = SESSION.lock().await;
    common::wait_until_no_instance().await;
    drive(E2e::start().await, hand_written_config_survives).await;
}

/// Runs `scenario` on the session, bounded as a whole (a hung WebDriver call fails with a
/// report instead of hanging); on failure reports what was on screen, then closes.
async fn drive(mut e2e: E2e, scenario: impl AsyncFnOnce(&E2e)) {
    eprintln!(
        "e2e: app pid {:?}, simulator {}, home {}",
        e2e.app_pid(),
        e2e.sim,
        e2e.home.display()
    );
    let run = tokio::time::timeout(
        Duration::from_secs(600),
        AssertUnwindSafe(scenario(&e2e)).catch_unwind(),
    )
    .await;
    let failure = match run {
        Ok(Ok(())) => None,
        Ok(Err(panic)) => Some(panic),
        Err(_) => Some(
            Box::new("the scenarios did not finish within 10 minutes".to_string())
                as Box<dyn std::any::Any + Send>,
        ),
    };
    if let Some(panic) = failure {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let report = e2e.report_failure().await;
        e2e.close().await;
        panic!("{message}{report}");
    }
    e2e.close().await;
}

async fn scenarios(e: &E2e) {
    // The demo's window is up and says it is the demo.
    e.wait_visible("app-title").await;
    e.wait_visible("demo-badge").await;
    e.wait_visible("nav-status").await;

    first_connect(e).await;
    revoked_and_repaired(e).await;
    garbage_code(e).await;
    failing_webhook(e).await;
    check_now_while_lexware_fails(e).await;
    settings_range(e).await;
    english(e).await;
}

/// Step 1: login link → browser → code → paste → connected, webhooks created.
async fn first_connect(e: &E2e) {
    eprintln!("e2e: step 1: first connect");
    e.click("nav-reconnect").await;
    // Not connected: one question, the API key first (recommended), the partner app second.
    e.wait_text(
        "first-run-question",
        "to ask how the system connects",
        |t| t == "Wie verbindet sich Ihr System mit Lexware?",
    )
    .await;
    e.click("tab-apikey").await;
    e.wait_visible("apikey-link").await;
    e.shot_top("00-first-run").await;
    e.click("tab-oauth").await;
    partner_setup_shown(e).await;
    connect_through_window(e).await;
    e.shot_at("01-first-connect", "connect-company", "start")
        .await;
    assert_subscriptions(e).await;
}

/// Step 2: Lexware revokes; the status says so; the subscriptions are gone too; reconnecting
/// through the window repairs both.
async fn revoked_and_repaired(e: &E2e) {
    eprintln!("e2e: step 2: revoked by Lexware, then reconnected");
    e.sim_post("/_sim/revoke").await;
    e.click("nav-status").await;
    wait_state(e, "auth_lost", "Verbindung verloren").await;
    // Lost is valid until nothing: no "gültig bis … (in 14 min)", and the action is named.
    e.wait_text("status-primary", "to offer \"Neu verbinden\"", |t| {
        t == "Neu verbinden"
    })
    .await;
    assert!(
        !e.displayed("status-access-expires").await,
        "a lost connection claims no validity"
    );
    e.shot_top("02-connection-lost").await;

    for sub in e
        .sim_get("/_sim/subscriptions")
        .await
        .as_array()
        .expect("list")
    {
        let id = sub["id"].as_str().expect("id");
        e.sim_delete(&format!("/_sim/subscriptions/{id}")).await;
    }
    assert!(e.subscriptions().await.is_empty(), "subscriptions deleted");

    // The repair, counted as a person's actions: the notification's click opens the window
    // on this state (a unit test holds that it opens Reconnect); in the window "Neu
    // verbinden", then pasting the code. No "Verbinden" click: a pasted code connects.
    let before = e.counters().await["code_exchanges"].as_u64().unwrap_or(0);
    let previous = e.text_content("login-url").await.ok();
    let mut actions = 1; // the notification's click
    e.click("status-primary").await;
    actions += 1;
    let login_url = e
        .until("login-url to hold the new login link", async || {
            let url = e.text_content("login-url").await?;
            if url.starts_with(&format!("{}/oauth2/authorize?", e.sim))
                && Some(&url) != previous.as_ref()
            {
                Ok(url)
            } else {
                Err(format!("login-url is {url:?}"))
            }
        })
        .await;
    // In the browser: log in, copy the code (Lexware's part, not lexguard's window).
    let code = e.code_from_browser(&login_url).await;
    e.paste_into("paste-input", &code).await;
    actions += 1;
    e.wait_text("connect-company", "to show the company", |t| {
        t.contains(DEMO_COMPANY)
    })
    .await;
    eprintln!("e2e: lost -> reconnected in {actions} actions (paste flow)");
    assert!(actions <= 3, "lost -> reconnected took {actions} actions");
    assert_eq!(
        e.counters().await["code_exchanges"].as_u64().unwrap_or(0),
        before + 1,
        "the pasted code was exchanged once, without a click on Verbinden"
    );
    e.shot_at("03-reconnected", "connect-company", "start")
        .await;
    e.click("nav-status").await;
    wait_state(e, "healthy", "Verbunden").await;
    e.shot_top("04-status-healthy").await;
    assert_subscriptions(e).await;
}

/// Step 3: something that is not a code is refused in German, and nothing changes.
async fn garbage_code(e: &E2e) {
    eprintln!("e2e: step 3: a garbage code");
    let before = e.counters().await["code_exchanges"].clone();
    e.click("nav-reconnect").await;
    e.type_into("paste-input", "das ist kein Code").await;
    e.click("connect-button").await;
    let message = e
        .wait_text("connect-error", "to show an error", |t| !t.is_empty())
        .await;
    assert!(
        message.contains("Code"),
        "the error should speak of the code: {message:?}"
    );
    assert_eq!(
        e.attr("connect-error", "role")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("alert"),
        "connect-error is announced (role=alert)"
    );
    e.shot_at("05-garbage-code", "connect-error", "end").await;
    assert_eq!(
        e.counters().await["code_exchanges"],
        before,
        "no code was exchanged"
    );
    e.click("nav-status").await;
    wait_state(e, "healthy", "Verbunden").await;
}

/// Step 3b: "Jetzt prüfen" while Lexware answers 503: the window says the check failed and
/// what lexguard does next, where the button is, never "Geprüft.".
async fn check_now_while_lexware_fails(e: &E2e) {
    eprintln!("e2e: step 3b: check now while Lexware fails");
    e.click("nav-status").await;
    wait_state(e, "healthy", "Verbunden").await;
    e.sim_fault(serde_json::json!({"kind": "fail", "n": 50, "status": 503}))
        .await;
    e.click("status-check-now").await;
    let failure = e
        .wait_text("status-error", "to say the check failed", |t| !t.is_empty())
        .await;
    eprintln!("e2e: check now says {failure:?}");
    assert!(
        failure.contains("nicht erreichbar") || failure.contains("503"),
        "the failure is named: {failure:?}"
    );
    assert!(
        !failure.contains("Geprüft"),
        "a failed check is no success: {failure:?}"
    );
    let note = e.text("status-action-note").await.unwrap_or_default();
    assert!(!note.contains("Geprüft"), "no success note: {note:?}");
    let state = e.attr("status-state", "class").await.ok().flatten();
    assert!(
        !state
            .as_deref()
            .unwrap_or_default()
            .contains("state-healthy"),
        "not shown as healthy: {state:?}"
    );
    e.shot_at("05b-check-now-failed", "status-error", "end")
        .await;
    e.sim_fault(serde_json::json!({"kind": "fail", "n": 0, "status": 503}))
        .await;
}

/// Step 3c: a webhook whose address fails Lexware's HEAD check is a warning with the fix, in
/// the webhooks view and on the status, never a green card; removing it clears the warning.
async fn failing_webhook(e: &E2e) {
    eprintln!("e2e: step 3c: a webhook Lexware cannot reach");
    e.click("nav-webhooks").await;
    e.wait_visible("webhooks-table").await;
    e.click("webhook-add").await;
    e.type_into_last(
        "tr.webhook-row input.callback-url",
        &format!("{}/_sim/nothing", e.sim),
    )
    .await;
    e.click("webhook-save").await;
    e.wait_visible("webhook-offer").await;
    e.click("webhook-save-sync").await;
    let warning = e
        .wait_text("webhook-warning", "to explain the failed webhook", |t| {
            t.contains("Lexware konnte Ihre Adresse nicht erreichen")
        })
        .await;
    eprintln!("e2e: webhook warning says {warning:?}");
    // The raw server text is inside the closed "Details" disclosure, not in the sentences.
    let raw = e
        .text_content("webhook-warning-details")
        .await
        .unwrap_or_default();
    assert!(
        raw.contains("Callback URL check failed"),
        "details: {raw:?}"
    );
    assert_eq!(
        e.attr("webhook-warning-details", "open")
            .await
            .ok()
            .flatten(),
        None,
        "Details is closed"
    );
    let sentences = e
        .client()
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"webhook-warning\"] .why')].map(x => x.textContent).join(' ')",
            vec![],
        )
        .await
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(
        !sentences.contains("Callback URL check failed") && !sentences.is_empty(),
        "the explanation is plain German: {sentences:?}"
    );
    e.shot_at("05c-webhook-warning", "webhook-warning", "center")
        .await;
    e.click("nav-status").await;
    e.wait_text("status-webhook-warning", "to warn on the status too", |t| {
        t.contains("Lexware konnte Ihre Adresse nicht erreichen")
    })
    .await;
    e.shot_top("05d-status-webhook-warning").await;

    // Remove it again and set the list up: the warning goes.
    e.click("nav-webhooks").await;
    e.click_last("tr.webhook-row button.remove").await;
    e.click("webhook-save").await;
    e.click("webhook-save-sync").await;
    e.click("nav-status").await;
    e.until("the status to show no webhook warning", async || {
        if e.displayed("status-webhook-warning").await {
            Err("status-webhook-warning still shown".into())
        } else {
            Ok(())
        }
    })
    .await;
    assert_subscriptions(e).await;
}

/// Step 4: the check interval is accepted within 1–5 minutes and refused outside.
async fn settings_range(e: &E2e) {
    eprintln!("e2e: step 4: check interval in and out of range");
    e.click("nav-settings").await;
    e.type_into("settings-check-every", "2").await;
    e.click("settings-save").await;
    e.wait_visible("settings-saved").await;
    e.until("config.toml to say check_every = \"2m\"", async || {
        let toml = e.config_toml();
        if toml.contains(r#"check_every = "2m""#) {
            Ok(())
        } else {
            Err(toml)
        }
    })
    .await;
    e.shot_at("06-settings-saved", "settings-save", "end").await;

    e.type_into("settings-check-every", "7").await;
    e.click("settings-save").await;
    let message = e
        .wait_text("settings-error", "to show the allowed range", |t| {
            t.contains("1 bis 5")
        })
        .await;
    eprintln!("e2e: settings-error says {message:?}");
    e.shot_at("07-settings-refused", "settings-error", "end")
        .await;
    let toml = e.config_toml();
    assert!(
        toml.contains(r#"check_every = "2m""#),
        "a refused value must not reach config.toml:\n{toml}"
    );
}

/// Step 5: English, at once.
async fn english(e: &E2e) {
    eprintln!("e2e: step 5: English");
    e.click("nav-settings").await;
    // The form may still hold the refused 7 from step 4: put a valid interval back.
    e.type_into("settings-check-every", "2").await;
    e.select("settings-language", "en").await;
    e.click("settings-save").await;
    e.wait_text("nav-settings", "to read \"Settings\"", |t| t == "Settings")
        .await;
    e.wait_text("settings-save", "to read \"Save\"", |t| t == "Save")
        .await;
    e.shot_top("08-english").await;
    e.shot_at("09-english-save", "settings-save", "end").await;
    let toml = e.config_toml();
    assert!(
        toml.contains(r#"language = "en""#),
        "the language is saved:\n{toml}"
    );
}

/// On the reconnect view: start the login, let "the browser" fetch a code, paste it, connect;
/// then the company and the webhook table (both subscriptions created) are shown.
async fn connect_through_window(e: &E2e) {
    // A second login still shows the first link until the new one is there: wait for a new
    // one (each has its own state), or the code would belong to the old PKCE verifier.
    let previous = e.text_content("login-url").await.ok();
    e.click("login-start").await;
    let login_url = e
        .until("login-url to hold a new login link", async || {
            let url = e.text_content("login-url").await?;
            if url.starts_with(&format!("{}/oauth2/authorize?", e.sim))
                && Some(&url) != previous.as_ref()
            {
                Ok(url)
            } else {
                Err(format!("login-url is {url:?}"))
            }
        })
        .await;
    let code = e.code_from_browser(&login_url).await;
    assert!(!code.is_empty(), "the copy-code page shows a code");
    e.type_into("paste-input", &code).await;
    e.click("connect-button").await;
    e.wait_text("connect-company", "to show the company", |t| {
        t.contains(DEMO_COMPANY)
    })
    .await;
    let rows = e
        .until(
            "webhook-results to list both subscriptions as created",
            async || {
                let rows = e.webhook_rows().await?;
                let all_created = EVENT_TYPES.iter().all(|want| {
                    rows.iter()
                        .any(|(event, action)| event == want && action == "created")
                });
                if all_created {
                    Ok(rows)
                } else {
                    Err(format!("rows {rows:?}"))
                }
            },
        )
        .await;
    eprintln!("e2e: webhook results {rows:?}");
    assert!(
        !e.exists("connect-error").await,
        "no error after a good code: {:?}",
        e.text("connect-error").await
    );
}

/// The status view shows `state` (class `state-<state>`) with its German label.
async fn wait_state(e: &E2e, state: &str, label: &str) {
    let class = format!("state-{state}");
    e.until(
        &format!("status-state to show {label:?} ({class})"),
        async || {
            let text = e.text("status-state").await?;
            let classes = e.attr("status-state", "class").await?.unwrap_or_default();
            if text.contains(label) && classes.split_whitespace().any(|c| c == class) {
                Ok(())
            } else {
                Err(format!("text {text:?}, class {classes:?}"))
            }
        },
    )
    .await;
}

/// The simulator holds exactly the two configured subscriptions, on the demo's hook URLs.
async fn assert_subscriptions(e: &E2e) {
    let want: Vec<(String, String)> = vec![
        (
            "invoice.created".into(),
            format!("{}/_sim/hook/invoice-created", e.sim),
        ),
        (
            "token.revoked".into(),
            format!("{}/_sim/hook/token-revoked", e.sim),
        ),
    ];
    assert_eq!(
        e.subscriptions().await,
        want,
        "the simulator's subscriptions"
    );
}

/// The partner answer says where to register the app (the portal link), the exact redirect
/// address with a copy button, and client id and secret. The demo has its client id and
/// redirect saved, so the setup is folded away under "Partner-App" and holds those values.
async fn partner_setup_shown(e: &E2e) {
    e.wait_visible("partner-details").await;
    assert_eq!(
        e.attr("partner-details", "open").await.ok().flatten(),
        None,
        "with a saved client id the setup is folded away"
    );
    e.click_last(&format!("{} > summary", E2e::by_testid("partner-details")))
        .await;
    e.until("the partner setup to unfold", async || {
        match e.attr("partner-details", "open").await? {
            Some(_) => Ok(()),
            None => Err("partner-details is closed".into()),
        }
    })
    .await;
    let portal = e.wait_visible("partner-portal-link").await;
    assert_eq!(
        portal
            .attr("href")
            .await
            .ok()
            .flatten()
            .map(|h| h.trim_end_matches('/').to_string())
            .as_deref(),
        Some("https://developers.lexware.io"),
        "the portal link"
    );
    let value = async |id: &str| {
        e.wait_visible(id)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    assert_eq!(
        value("partner-redirect").await,
        format!("{}/copy-code", e.sim),
        "the exact redirect address to register"
    );
    e.wait_visible("partner-redirect-copy").await;
    let client_id = value("partner-client-id").await;
    assert!(!client_id.is_empty(), "the demo's client id is filled in");
    let toml = e.config_toml();
    assert!(
        toml.contains(&format!("client_id = \"{client_id}\"")),
        "the shown client id is the saved one ({client_id:?}):\n{toml}"
    );
    e.wait_visible("partner-client-secret").await;
    e.shot_at("00b-partner-setup", "partner-setup", "start")
        .await;
}

/// First run with a public API key: the key is created at "Lexware" (the simulator), then in
/// the window "Verbinden", the API-key answer, pasting the key; a pasted key connects at once.
async fn api_key_first_run(e: &E2e) {
    eprintln!("e2e: first run with a public API key");
    e.wait_visible("app-title").await;
    e.wait_visible("demo-badge").await;
    e.click("nav-status").await;
    wait_state(e, "not_connected", "Nicht verbunden").await;
    let created = e.sim_post_for("/_sim/api-key").await;
    let key = created["api_key"].as_str().expect("api_key").to_string();

    let mut actions = 0;
    e.click("status-primary").await;
    actions += 1;
    e.wait_text(
        "first-run-question",
        "to ask how the system connects",
        |t| t == "Wie verbindet sich Ihr System mit Lexware?",
    )
    .await;
    if e.attr("tab-apikey", "aria-selected").await.ok().flatten() != Some("true".into()) {
        e.click("tab-apikey").await;
        actions += 1;
    }
    e.wait_visible("apikey-input").await;
    e.paste_into("apikey-input", &key).await;
    actions += 1;
    let said = e
        .wait_text("connect-company", "to show the company", |t| {
            t.contains(DEMO_COMPANY)
        })
        .await;
    assert_eq!(said, format!("Verbunden mit {DEMO_COMPANY}."));
    eprintln!("e2e: first run -> connected with an API key in {actions} actions (paste flow)");
    assert!(actions <= 3, "first run with a key took {actions} actions");
    e.shot_at("10-api-key-connected", "connect-company", "start")
        .await;
    e.click("nav-status").await;
    wait_state(e, "healthy", "Verbunden").await;
    e.shot_top("11-api-key-status").await;
}

/// `config.toml` with this check interval (on line 6) and unreachable loopback addresses.
fn config_with(check_every: &str) -> String {
    let closed = test_support::ports::unused_port();
    format!(
        "[lexware]\nauth_url = \"http://127.0.0.1:{closed}\"\napi_url = \"http://127.0.0.1:{closed}\"\n\n[schedule]\ncheck_every = \"{check_every}\"\n"
    )
}

/// A check interval out of range: the window explains file, line and setting instead of the
/// app failing; fixed and "Neu laden", it is the normal window.
async fn broken_config(e: &E2e) {
    eprintln!("e2e: a broken config.toml");
    e.wait_visible("view-config-error").await;
    let message = e
        .wait_text("config-error-message", "to explain the problem", |t| {
            !t.is_empty()
        })
        .await;
    eprintln!("e2e: config error says {message:?}");
    let rows = e
        .client()
        .execute(
            "return [...document.querySelectorAll('.config-error-details dd')].map(x => x.textContent)",
            vec![],
        )
        .await
        .expect("the details");
    let rows: Vec<String> = rows
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    let file = e.home.join("config.toml");
    assert_eq!(rows.len(), 3, "file, line and setting: {rows:?}");
    assert_eq!(rows[0], file.display().to_string(), "the file");
    assert_eq!(rows[1], "6", "the line");
    assert!(rows[2].contains("check_every"), "the setting: {rows:?}");
    assert!(
        !e.exists("nav-status").await,
        "no normal window over a broken config"
    );
    e.shot_top("12-config-error").await;

    std::fs::write(&file, config_with("2m")).expect("config.toml fixed");
    e.click("config-error-reload").await;
    e.wait_visible("nav-status").await;
    assert!(
        !e.exists("view-config-error").await,
        "the error view is gone"
    );
    e.click("nav-reconnect").await;
    e.wait_text(
        "first-run-question",
        "to ask how the system connects",
        |t| t == "Wie verbindet sich Ihr System mit Lexware?",
    )
    .await;
    e.shot_top("13-config-fixed").await;
}

/// What a person adds to config.toml by hand while lexguard runs: comments, `[alerts]` and one
/// more `[[webhooks]]` entry (after `[alerts]`, as TOML allows).
fn hand_written(sim: &str, closed: u16) -> String {
    format!(
        "\n# Von Hand: Überwachung (bitte nicht löschen)\n[alerts]\nping_url = \"http://127.0.0.1:{closed}/ping\" # Healthchecks\ncommand = [\"/bin/true\", \"--mail\"]\n\n# Von Hand: Kontakte an das CRM\n[[webhooks]]\nevent_type = \"contact.changed\" # CRM\ncallback_url = \"{sim}/_sim/hook/contact-changed\"\n"
    )
}

/// Every line the person wrote is still there, word for word.
fn assert_kept(e: &E2e, hand: &str, after: &str) {
    let toml = e.config_toml();
    for line in hand.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            toml.lines().any(|l| l == line),
            "after {after}, {line:?} is gone from config.toml:\n{toml}"
        );
    }
}

/// The autostart entry the system keeps (tauri-plugin-autostart on Linux).
fn autostart_entry() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME"))
        .join(".config/autostart/lexguard.desktop")
}

/// Hand-added `[[webhooks]]` and `[alerts]` (with comments) survive "Speichern" in every view
/// that saves (settings, the language, the partner app's setup, the webhooks), and start at
/// login stays as set, also when it was switched outside the window (as the tray does) while
/// the window still showed the old value.
async fn hand_written_config_survives(e: &E2e) {
    eprintln!("e2e: hand-written config.toml survives every save");
    e.wait_visible("nav-status").await;
    let hand = hand_written(&e.sim, test_support::ports::unused_port());
    let path = e.home.join("config.toml");
    let before = e.config_toml();
    assert!(!before.is_empty(), "the demo wrote its config.toml");
    std::fs::write(&path, format!("{before}{hand}")).expect("hand edit");

    // Start at login: on, from the window (at once, no "Speichern").
    let entry = autostart_entry();
    let _ = std::fs::remove_file(&entry);
    e.click("nav-settings").await;
    e.click("settings-start-at-login").await;
    e.until("the autostart entry to be written", async || {
        if entry.exists() {
            Ok(())
        } else {
            Err(format!("no {}", entry.display()))
        }
    })
    .await;

    // 1. Settings: a new check interval.
    e.type_into("settings-check-every", "2").await;
    e.click("settings-save").await;
    e.wait_visible("settings-saved").await;
    e.until("config.toml to say check_every = \"2m\"", async || {
        let toml = e.config_toml();
        if toml.contains(r#"check_every = "2m""#) {
            Ok(())
        } else {
            Err(toml)
        }
    })
    .await;
    assert_kept(e, &hand, "Speichern in the settings");
    assert!(entry.exists(), "saving the settings kept start at login");
    assert_eq!(
        e.find("settings-start-at-login")
            .await
            .expect("checkbox")
            .prop("checked")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("true"),
        "the window shows start at login on"
    );

    // 2. Switched off outside the window (as the tray's item does); the window still shows it
    // on. "Speichern" must not switch it back on.
    std::fs::remove_file(&entry).expect("autostart off from outside");
    e.type_into("settings-remind-every", "2").await;
    e.click("settings-save").await;
    e.until("config.toml to say remind_every = \"2h\"", async || {
        let toml = e.config_toml();
        if toml.contains(r#"remind_every = "2h""#) {
            Ok(())
        } else {
            Err(toml)
        }
    })
    .await;
    assert!(
        !entry.exists(),
        "saving the settings left start at login off"
    );
    assert_kept(e, &hand, "a second Speichern in the settings");

    // 3. The language, saved as soon as it is picked, and back.
    e.select("settings-language", "en").await;
    e.wait_text("nav-settings", "to read \"Settings\"", |t| t == "Settings")
        .await;
    e.until("config.toml to say language = \"en\"", async || {
        let toml = e.config_toml();
        if toml.contains(r#"language = "en""#) {
            Ok(())
        } else {
            Err(toml)
        }
    })
    .await;
    assert_kept(e, &hand, "the language switch");
    e.select("settings-language", "de").await;
    e.wait_text("nav-settings", "to read \"Einstellungen\"", |t| {
        t == "Einstellungen"
    })
    .await;

    // 4. The partner app's setup: "Speichern" there.
    e.click("nav-reconnect").await;
    e.click("tab-oauth").await;
    e.wait_visible("partner-details").await;
    e.click_last(&format!("{} > summary", E2e::by_testid("partner-details")))
        .await;
    e.wait_visible("partner-client-id").await;
    e.click("partner-save").await;
    e.wait_visible("partner-saved").await;
    assert_kept(e, &hand, "Speichern in the partner app's setup");

    // 5. The webhooks: the hand-added entry is listed; adding one more keeps it and its comments.
    e.click("nav-webhooks").await;
    e.wait_visible("webhooks-table").await;
    e.click("webhook-add").await;
    e.type_into_last(
        "tr.webhook-row input.callback-url",
        &format!("{}/_sim/hook/extra", e.sim),
    )
    .await;
    e.click("webhook-save").await;
    e.until("config.toml to hold the new webhook", async || {
        let toml = e.config_toml();
        if toml.contains("/_sim/hook/extra") {
            Ok(())
        } else {
            Err(toml)
        }
    })
    .await;
    assert_kept(e, &hand, "Speichern in the webhooks");
    let config = lexguard::Config::parse(&e.config_toml(), &path).expect("still valid");
    assert_eq!(
        config.webhooks.len(),
        4,
        "demo's two, the hand-added one, the new one"
    );
    assert!(config.alerts.ping_url.is_some(), "[alerts] kept");
    assert!(!entry.exists(), "start at login still as set (off)");
    e.shot_top("14-hand-written-config-kept").await;
    eprintln!("e2e: config.toml after every save:\n{}", e.config_toml());
}
