//! The window's commands: a few lines each, all work in the core. Errors cross IPC as
//! `{kind, message, field}`; no secret ever travels to the window (the pasted code, key and
//! client secret travel only the other way).

use crate::AppState;
use crate::error::{IpcError, ShellErrorKind};
use crate::models::{ConnectResult, LoginStart};
use crate::requests::{ActionOutcome, Request};
use crate::settings::Settings;
use lexguard::ClientSecret;
use lexguard::config::WebhookSpec;
use lexguard::engine::WebhookListing;
use lexguard::history::HistoryLine;
use lexguard::webhooks::Outcome;
use lexguard::{Engine, Status};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt as _;

type Res<T> = Result<T, IpcError>;

fn err(engine: &Engine) -> impl Fn(lexguard::Error) -> IpcError + '_ {
    move |e| IpcError::from_core(&e, engine.lang())
}

#[tauri::command]
pub fn get_status(state: State<'_, AppState>) -> Res<Status> {
    let e = &state.handle.engine;
    e.status().map_err(err(e))
}

#[tauri::command]
pub fn get_history(state: State<'_, AppState>, limit: u32) -> Res<Vec<HistoryLine>> {
    let e = &state.handle.engine;
    e.history(limit.min(1000) as usize)
        .map(|entries| lexguard::history::lines(&entries, e.now(), e.lang()))
        .map_err(err(e))
}

#[tauri::command]
pub async fn start_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Res<LoginStart> {
    let e = &state.handle.engine;
    // The core refuses a login without a client secret; the window names its own fix.
    if !e.client_secret_stored().await.unwrap_or(true) {
        return Err(IpcError {
            kind: crate::error::IpcErrorKind::Core(lexguard::ErrorKind::InvalidInput),
            message: e.lang().pick(
                "Das Client-Secret Ihrer Partner-App fehlt. Bitte tragen Sie es bei der Partner-App ein und speichern Sie; ohne es schlägt die Anmeldung bei Lexware fehl.".to_string(),
                "Your partner app's client secret is missing. Please enter it with the partner app and save; without it the login at Lexware fails.".to_string(),
            ),
            field: Some("client_secret".into()),
        });
    }
    let url = e.login_url().await.map_err(err(e))?;
    let redirect = e.config().lexware.redirect_uri.unwrap_or_default();
    let listening = crate::loopback::start(app.clone(), e.clone(), &redirect, &url).await;
    let browser_opened = match app.opener().open_url(&url, None::<&str>) {
        Ok(()) => true,
        Err(error) => {
            tracing::info!(%error, "no browser opened; the window shows the link");
            false
        }
    };
    Ok(LoginStart {
        url,
        started_at: e.now().to_rfc3339(),
        code_valid_secs: 300,
        browser_opened,
        listening,
    })
}

#[tauri::command]
pub async fn connect(state: State<'_, AppState>, pasted: String) -> Res<ConnectResult> {
    let e = &state.handle.engine;
    e.connect(&pasted)
        .await
        .map(ConnectResult::from)
        .map_err(err(e))
}

#[tauri::command]
pub async fn connect_api_key(
    state: State<'_, AppState>,
    key: String,
    expires: Option<String>,
) -> Res<ConnectResult> {
    let e = &state.handle.engine;
    let ends_at = match expires.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(lexguard::engine::end_of_day(d).map_err(err(e))?),
        None => None,
    };
    e.connect_api_key_until(&key, ends_at)
        .await
        .map(ConnectResult::from)
        .map_err(err(e))
}

#[tauri::command]
pub async fn list_webhooks(state: State<'_, AppState>) -> Res<WebhookListing> {
    let e = &state.handle.engine;
    e.webhooks_list().await.map_err(err(e))
}

#[tauri::command]
pub async fn sync_webhooks(state: State<'_, AppState>) -> Res<Vec<Outcome>> {
    let e = &state.handle.engine;
    e.webhooks_sync(false).await.map_err(err(e))
}

/// Saves the desired subscriptions (validated: official event types, HTTPS callbacks). Only
/// what the person changed in the list they were shown is written: entries added to
/// config.toml by hand meanwhile stay (see [`lexguard::config::edited_list`]).
#[tauri::command]
pub async fn save_webhooks(
    state: State<'_, AppState>,
    webhooks: Vec<WebhookSpec>,
) -> Res<Vec<WebhookSpec>> {
    let e = &state.handle.engine;
    let shown = e.config().webhooks;
    let config = e
        .update_config(move |c| {
            c.webhooks = lexguard::config::edited_list(&c.webhooks, &shown, &webhooks);
        })
        .await
        .map_err(err(e))?;
    Ok(config.webhooks)
}

#[tauri::command]
pub fn event_types() -> Vec<String> {
    lexguard::webhooks::EVENT_TYPES
        .iter()
        .map(|s| s.to_string())
        .collect()
}

async fn settings_of<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> Res<Settings> {
    let e = &state.handle.engine;
    let secret = e.client_secret_stored().await.unwrap_or(false);
    let autostart = crate::autostart::is_on(app);
    Ok(Settings::from_config(
        &e.config(),
        e.lang(),
        secret,
        autostart,
        state.demo.is_some(),
        e.home().data_dir.display().to_string(),
    ))
}

#[tauri::command]
pub async fn get_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Res<Settings> {
    settings_of(&app, &state).await
}

/// Validates and writes to `config.toml` what the person changed; takes effect at once
/// (language, interval). Start at login is not saved here: it changes at once with its own
/// command ([`set_start_at_login`]), so a save never switches it.
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Res<Settings> {
    let e = &state.handle.engine;
    let shown = Settings::from_config(&e.config(), e.lang(), false, false, false, String::new());
    e.update_config(|c| settings.apply(&shown, c))
        .await
        .map_err(err(e))?;
    e.set_lang(settings.language);
    // A new interval starts now, and the tray speaks the new language.
    state
        .handle
        .request(Request::Tick(lexguard::TickCause::Manual));
    settings_of(&app, &state).await
}

/// "Beim Anmelden starten" in the window: switches at once, like the tray's item, and
/// returns what the system says now (both surfaces show that).
#[tauri::command]
pub fn set_start_at_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on: bool,
) -> Res<bool> {
    let lang = state.handle.engine.lang();
    crate::autostart::set(&app, on).map_err(|error| IpcError {
        kind: ShellErrorKind::AutostartFailed.into(),
        message: lang.pick(
            format!("„Beim Anmelden starten“ ließ sich nicht ändern ({error})."),
            format!("“Start at login” could not be changed ({error})."),
        ),
        field: None,
    })
}

/// Write-only: the secret goes to the keychain and never comes back.
#[tauri::command]
pub async fn set_client_secret(state: State<'_, AppState>, secret: String) -> Res<()> {
    let e = &state.handle.engine;
    e.set_client_secret(ClientSecret::new(secret.trim()))
        .await
        .map_err(err(e))
}

/// The only pages the window may open in the browser: where an API key is created and where a
/// partner app is registered. A fixed list, so the window cannot be used to open anything else.
pub const LINKS: [&str; 2] = [
    "https://app.lexware.de/addons/public-api",
    "https://developers.lexware.io",
];

/// Opens one of [`LINKS`] in the person's browser (a link in the webview would open inside it).
#[tauri::command]
pub fn open_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> Res<()> {
    let lang = state.handle.engine.lang();
    if !LINKS.contains(&url.as_str()) {
        return Err(IpcError {
            kind: ShellErrorKind::NotAllowed.into(),
            message: lang.pick(
                "Diese Adresse öffnet lexguard nicht.".to_string(),
                "lexguard does not open this address.".to_string(),
            ),
            field: None,
        });
    }
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|error| IpcError {
            kind: ShellErrorKind::OpenFailed.into(),
            message: lang.pick(
                format!("Der Browser konnte nicht geöffnet werden ({error}). Öffnen Sie {url} bitte selbst."),
                format!("The browser could not be opened ({error}). Please open {url} yourself."),
            ),
            field: None,
        })
}

#[tauri::command]
pub fn open_data_folder<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Res<()> {
    let dir = state.handle.engine.home().data_dir.clone();
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|error| IpcError {
            kind: ShellErrorKind::OpenFailed.into(),
            message: state.handle.engine.lang().pick(
                format!(
                    "Der Ordner {} konnte nicht geöffnet werden ({error}).",
                    dir.display()
                ),
                format!(
                    "The folder {} could not be opened ({error}).",
                    dir.display()
                ),
            ),
            field: None,
        })
}

/// "Jetzt prüfen": waits for the check (queued behind the work before it) and says how it
/// went; a check that finds Lexware unreachable is a failure with what happens next.
#[tauri::command]
pub async fn tick_now(state: State<'_, AppState>) -> Result<ActionOutcome, IpcError> {
    Ok(state
        .handle
        .ask(Request::Tick(lexguard::TickCause::Manual))
        .await)
}

/// "Jetzt erneuern": success only when the refresh worked and the connection is healthy.
#[tauri::command]
pub async fn refresh_now(state: State<'_, AppState>) -> Result<ActionOutcome, IpcError> {
    let e = &state.handle.engine;
    let result = e.refresh_now().await;
    Ok(ActionOutcome::of(
        result,
        || state.handle.current(),
        e.lang(),
    ))
}

#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>) -> Res<Status> {
    let e = &state.handle.engine;
    e.disconnect(false).await.map_err(err(e))
}
