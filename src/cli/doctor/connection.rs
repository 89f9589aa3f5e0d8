//! The connection itself: the state the core last computed, a live `GET /v1/profile` with the
//! stored credentials, and the partner app's client secret.
//!
//! Doctor only looks. It never refreshes: a refresh rotates the refresh token (the one secret
//! that cannot be got back), belongs to the keepalive under its lock and bookkeeping, and would
//! hide exactly what an expired access token tells — that nothing is keeping the connection
//! alive. Nor does it record what it saw: `lexguard tick` is the check that does.

use super::report::Report;
use crate::Error;
use crate::api::{Api, Bearer};
use crate::config::{Config, Home};
use crate::engine::Engine;
use crate::state::{ConnState, Mode, Persisted};
use crate::status::Status;
use crate::store::Vault;

/// The state line: ✓ healthy, ⚠ degraded (lexguard works around it), ✗ not connected or lost.
pub(super) fn state(r: &mut Report, status: &Status) {
    let lang = r.lang;
    match status.state {
        ConnState::Healthy => r.ok(
            "connection",
            format!("Zustand (letzte Prüfung): {}", status.headline),
            format!("State (last check): {}", status.headline),
        ),
        ConnState::NotConnected => r.fail(
            "connection",
            lang.pick(
                "Nicht verbunden: lexguard hat keine Zugangsdaten zu Lexware.",
                "Not connected: lexguard holds no credentials for Lexware.",
            )
            .into(),
            (
                format!(
                    "Verbinden Sie lexguard: {} (Partner-App) oder lexguard connect --api-key - (öffentlicher API-Schlüssel).",
                    crate::text::i18n::connect_hint(lang)
                ),
                format!(
                    "Connect lexguard: {} (partner app) or lexguard connect --api-key - (public API key).",
                    crate::text::i18n::connect_hint(lang)
                ),
            ),
        ),
        ConnState::AuthLost => r.fail(
            "connection",
            lang.pick(
                format!("Zustand (letzte Prüfung): {}", status.headline),
                format!("State (last check): {}", status.headline),
            ),
            (status.message.clone(), status.message.clone()),
        ),
        ConnState::Degraded => r.warn(
            "connection",
            lang.pick(
                format!("Zustand (letzte Prüfung): {}", status.headline),
                format!("State (last check): {}", status.headline),
            ),
            (status.message.clone(), status.message.clone()),
        ),
    }
}

/// The partner app needs its client secret for every refresh; without it the connection dies
/// when the access token runs out. An API key needs none.
pub(super) async fn client_secret(
    r: &mut Report,
    config: &Config,
    engine: &Engine,
    mode: Option<Mode>,
) {
    let Some(client_id) = &config.lexware.client_id else {
        return;
    };
    if mode == Some(Mode::ApiKey) {
        return;
    }
    match engine.client_secret_stored().await {
        Ok(true) => r.ok(
            "client_secret",
            format!("Das Client-Secret der Partner-App {client_id} ist hinterlegt."),
            format!("The client secret of the partner app {client_id} is stored."),
        ),
        Ok(false) => r.fail(
            "client_secret",
            r.lang.pick(
                format!("Für die Partner-App {client_id} ist kein Client-Secret hinterlegt: ohne es gehen weder Anmelden noch Erneuern."),
                format!("No client secret is stored for the partner app {client_id}: without it neither login nor refresh works."),
            ),
            (
                "Hinterlegen Sie das Secret aus dem Lexware-Entwicklerportal: lexguard client-secret set - (einfügen, Enter).".into(),
                "Store the secret from Lexware's developer portal: lexguard client-secret set - (paste, Enter).".into(),
            ),
        ),
        Err(e) => r.fail("client_secret", e.message(r.lang), store_fix()),
    }
}

/// Asks Lexware now, with the stored access token or API key, whether it takes them.
pub(super) async fn live(
    r: &mut Report,
    config: &Config,
    home: &Home,
    vault: &Vault,
    status: &Status,
) {
    // Nothing to ask with, or already known dead: the state line says it.
    if matches!(status.state, ConnState::NotConnected | ConnState::AuthLost) {
        return;
    }
    let st = Persisted::load(&home.state_file()).unwrap_or_default();
    let http = crate::api::Http::new();
    let api = Api {
        base: &config.lexware.api_url,
        http: &http,
    };
    let now = chrono::Utc::now();
    if status.mode == Some(Mode::ApiKey) {
        match vault.api_key().await {
            Ok(Some(key)) => {
                let bearer = Bearer(key.key.expose());
                // A restricted key may not read the profile: its check is the subscriptions.
                let result = if st.key_limited() {
                    api.subscriptions(&bearer).await.map(|_| None)
                } else {
                    api.profile(&bearer).await.map(|p| p.company_name)
                };
                answer(r, result, Mode::ApiKey);
            }
            Ok(None) => missing(r),
            Err(e) => r.fail("lexware_check", e.message(r.lang), store_fix()),
        }
        return;
    }
    match vault.tokens().await {
        Ok(Some(tokens)) if tokens.expires_at <= now => {
            let when = crate::text::time_fmt::local_and_relative(tokens.expires_at, now, r.lang);
            r.warn(
                "lexware_check",
                r.lang.pick(
                    format!("Das gespeicherte Zugriffstoken ist abgelaufen ({when}); doctor erneuert es nicht, eine Prüfung bei Lexware ist so nicht möglich."),
                    format!("The stored access token has expired ({when}); doctor does not refresh it, so Lexware cannot be asked."),
                ),
                (
                    "Das Erneuern ist Sache der Dauerprüfung (die lexguard-App, lexguard serve oder ein Timer mit lexguard tick): Läuft keine, starten Sie eine; sofort und einmalig: lexguard tick.".into(),
                    "Refreshing is the keepalive's job (the lexguard app, lexguard serve or a timer running lexguard tick): if none runs, start one; at once, one time: lexguard tick.".into(),
                ),
            );
        }
        Ok(Some(tokens)) => {
            let result = api
                .profile(&Bearer(tokens.access.expose()))
                .await
                .map(|p| p.company_name);
            answer(r, result, Mode::OAuth);
        }
        Ok(None) => missing(r),
        Err(e) => r.fail("lexware_check", e.message(r.lang), store_fix()),
    }
}

fn answer(r: &mut Report, result: crate::Result<Option<String>>, mode: Mode) {
    let lang = r.lang;
    match result {
        Ok(company) => {
            let company = company.map(|c| format!(" ({c})")).unwrap_or_default();
            r.ok(
                "lexware_check",
                format!("Lexware bestätigt die Verbindung gerade eben{company}."),
                format!("Lexware confirms the connection just now{company}."),
            );
        }
        Err(Error::Unauthorized) if mode == Mode::ApiKey => r.fail(
            "lexware_check",
            lang.pick(
                "Lexware nimmt den gespeicherten API-Schlüssel nicht an (401): er wurde ersetzt, gelöscht oder ist abgelaufen.",
                "Lexware does not accept the stored API key (401): it was replaced, deleted or has run out.",
            )
            .into(),
            (
                format!("Erstellen Sie unter {} einen neuen Schlüssel und tragen Sie ihn ein: lexguard connect --api-key -", crate::text::key_words::api_key_page()),
                format!("Create a new key at {} and enter it: lexguard connect --api-key -", crate::text::key_words::api_key_page()),
            ),
        ),
        Err(Error::Unauthorized) => r.fail(
            "lexware_check",
            lang.pick(
                "Lexware lehnt das gespeicherte Zugriffstoken ab (401): die Verbindung wurde wahrscheinlich bei Lexware beendet.",
                "Lexware refuses the stored access token (401): the connection was probably ended at Lexware.",
            )
            .into(),
            (
                format!(
                    "lexguard tick prüft es mit einer Erneuerung und zeigt das Ergebnis überall; ist die Verbindung verloren: {}.",
                    crate::text::i18n::connect_hint(lang)
                ),
                format!(
                    "lexguard tick checks it with a refresh and shows the outcome everywhere; if the connection is lost: {}.",
                    crate::text::i18n::connect_hint(lang)
                ),
            ),
        ),
        Err(e) => r.fail(
            "lexware_check",
            lang.pick(
                format!("Die Prüfung bei Lexware klappt gerade nicht: {}", e.message(lang)),
                format!("Checking at Lexware fails right now: {}", e.message(lang)),
            ),
            (
                "Prüfen Sie die Internetverbindung; lexguard versucht es von selbst weiter, lexguard tick prüft sofort.".into(),
                "Check the internet connection; lexguard keeps trying by itself, lexguard tick checks at once.".into(),
            ),
        ),
    }
}

/// The state says connected, the store holds nothing: the two disagree.
fn missing(r: &mut Report) {
    r.fail(
        "lexware_check",
        r.lang
            .pick(
                "Der Zustand sagt „verbunden“, aber der Speicher enthält keine Zugangsdaten.",
                "The state says connected, but the store holds no credentials.",
            )
            .into(),
        (
            format!(
                "Prüfen Sie, ob LEXGUARD_HOME, LEXGUARD_KEYRING_SERVICE und [store] zu Ihrer Verbindung passen; sonst neu verbinden: {}.",
                crate::text::i18n::connect_hint(crate::Lang::De)
            ),
            format!(
                "Check that LEXGUARD_HOME, LEXGUARD_KEYRING_SERVICE and [store] match your connection; else connect again: {}.",
                crate::text::i18n::connect_hint(crate::Lang::En)
            ),
        ),
    );
}

fn store_fix() -> (String, String) {
    (
        "Sehen Sie sich die Zeile zum Speicher oben an.".into(),
        "See the line about the store above.".into(),
    )
}
