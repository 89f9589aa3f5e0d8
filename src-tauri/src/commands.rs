//! The window's commands: a few lines each, all work in the core. Errors cross IPC as
//! `{kind, message, field}`; no secret ever travels to the window (the pasted code, key and
//! client secret travel only the other way).

use crate::AppState;
use crate::engine::Request;
use crate::settings::Settings;
use lexguard::config::WebhookSpec;
use lexguard::engine::{ConnectReport, WebhookListing};
use lexguard::history::HistoryLine;
use lexguard::secret::ClientSecret;
use lexguard::webhooks::Outcome;
use lexguard::{Engine, Lang, Status};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_opener::OpenerExt as _;

/// An error as the window sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    /// Stable name (`code_rejected`, `keychain_locked`, `config`, ...).
    pub kind: String,
    /// For the person, in the chosen language, with the fix.
    pub message: String,
    /// The settings field at fault, for configuration errors (`schedule.check_every`).
    pub field: Option<String>,
}

impl IpcError {
    pub fn from_core(e: &lexguard::Error, lang: Lang) -> Self {
        match e {
            lexguard::Error::Config { key, problem, .. } => Self {
                kind: e.kind().into(),
                message: lang.pick(problem.0.clone(), problem.1.clone()),
                field: key.clone(),
            },
            _ => Self {
                kind: e.kind().into(),
                message: e.message(lang),
                field: None,
            },
        }
    }
}

type Res<T> = Result<T, IpcError>;

fn err(engine: &Engine) -> impl Fn(lexguard::Error) -> IpcError + '_ {
    move |e| IpcError::from_core(&e, engine.lang())
}

/// What a successful connect shows: company and the webhook table.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConnectResult {
    pub status: Status,
    pub company: Option<String>,
    /// `null` when no webhooks are configured.
    pub webhooks: Option<Vec<Outcome>>,
    pub webhooks_error: Option<String>,
}

impl From<ConnectReport> for ConnectResult {
    fn from(r: ConnectReport) -> Self {
        let (webhooks, webhooks_error) = match r.webhooks {
            None => (None, None),
            Some(Ok(o)) => (Some(o), None),
            Some(Err(e)) => (None, Some(e)),
        };
        Self {
            status: r.status,
            company: r.company,
            webhooks,
            webhooks_error,
        }
    }
}

/// Step 1 of reconnecting.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LoginStart {
    /// The Lexware login link (PKCE challenge and state; nothing secret).
    pub url: String,
    /// When the login began: the code Lexware shows dies 5 minutes after it is issued.
    pub started_at: String,
    /// Seconds a code stays valid.
    pub code_valid_secs: u32,
    pub browser_opened: bool,
    /// lexguard listens on the loopback redirect URI and completes the login by itself.
    pub listening: bool,
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
pub async fn connect_api_key(state: State<'_, AppState>, key: String) -> Res<ConnectResult> {
    let e = &state.handle.engine;
    e.connect_api_key(&key)
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

/// Saves the desired subscriptions (validated: official event types, HTTPS callbacks).
#[tauri::command]
pub fn save_webhooks(
    state: State<'_, AppState>,
    webhooks: Vec<WebhookSpec>,
) -> Res<Vec<WebhookSpec>> {
    let e = &state.handle.engine;
    let mut config = e.config();
    config.webhooks = webhooks;
    e.set_config(config).map_err(err(e))?;
    Ok(e.config().webhooks)
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
    let autostart = app.autolaunch().is_enabled().unwrap_or(false);
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

/// Validates and saves to `config.toml`; takes effect at once (language, interval, autostart).
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Res<Settings> {
    let e = &state.handle.engine;
    e.set_config(settings.apply(&e.config())).map_err(err(e))?;
    e.set_lang(settings.language);
    let launch = app.autolaunch();
    if launch.is_enabled().unwrap_or(false) != settings.start_at_login {
        let changed = if settings.start_at_login {
            launch.enable()
        } else {
            launch.disable()
        };
        if let Err(error) = changed {
            tracing::warn!(%error, "autostart not changed");
        }
    }
    // A new interval starts now, and the tray speaks the new language.
    state
        .handle
        .request(Request::Tick(lexguard::TickCause::Manual));
    settings_of(&app, &state).await
}

/// Write-only: the secret goes to the keychain and never comes back.
#[tauri::command]
pub async fn set_client_secret(state: State<'_, AppState>, secret: String) -> Res<()> {
    let e = &state.handle.engine;
    e.set_client_secret(ClientSecret::new(secret.trim()))
        .await
        .map_err(err(e))
}

#[tauri::command]
pub fn open_data_folder<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Res<()> {
    let dir = state.handle.engine.home().data_dir.clone();
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|error| IpcError {
            kind: "open_failed".into(),
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

#[tauri::command]
pub fn tick_now(state: State<'_, AppState>) {
    state
        .handle
        .request(Request::Tick(lexguard::TickCause::Manual));
}

#[tauri::command]
pub async fn refresh_now(state: State<'_, AppState>) -> Res<Status> {
    let e = &state.handle.engine;
    e.refresh_now().await.map_err(err(e))
}

#[tauri::command]
pub async fn disconnect(state: State<'_, AppState>) -> Res<Status> {
    let e = &state.handle.engine;
    e.disconnect(false).await.map_err(err(e))
}
