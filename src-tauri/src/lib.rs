//! The lexguard desktop app: a thin Tauri shell around the core engine. It lives in the tray,
//! runs the tick on its timer, and tells the user when the connection is in danger.

#[cfg(not(test))]
mod actions;
mod autostart;
mod bridge;
mod bridges;
mod commands;
#[cfg(test)]
mod commands_tests;
mod config_trouble;
mod connection_commands;
mod connection_list;
mod demo;
mod engine;
pub mod error;
mod fleet;
pub mod ipc;
mod keeper;
mod lifecycle;
mod loopback;
mod loopback_server;
mod models;
mod notices;
#[cfg(test)]
mod notices_tests;
mod notify;
mod options;
mod quiet;
mod requests;
mod settings;
mod sleep;
mod startup;
mod supervisor;
#[cfg(not(test))]
mod tray;
#[cfg(not(test))]
mod tray_board;
#[cfg(all(target_os = "linux", not(test)))]
mod tray_host;
#[cfg(not(test))]
mod tray_many;
mod window;
#[cfg(windows)]
mod windows_toasts;

pub use options::Options;

use std::sync::Arc;
use tauri::{AppHandle, Manager, RunEvent, Runtime};

/// Everything the shell keeps; no secrets.
pub struct AppState {
    /// Every connection kept alive, and the one the window works on.
    pub fleet: fleet::Fleet,
    pub demo: Option<Arc<demo::Demo>>,
}

impl AppState {
    /// The shell with its first connection, selected.
    pub fn new(
        name: lexguard::connections::ConnectionName,
        handle: requests::EngineHandle,
        demo: Option<Arc<demo::Demo>>,
    ) -> AppState {
        AppState {
            fleet: fleet::Fleet::of(fleet::Member { name, handle }),
            demo,
        }
    }

    /// The handle of the connection the window works on (its commands act on it).
    pub fn handle(&self) -> requests::EngineHandle {
        self.fleet.selected().handle
    }
}

/// The tray's handles, kept to update icon and texts.
#[cfg(not(test))]
pub struct TrayState<R: Runtime>(pub std::sync::Mutex<Option<tray::TrayHandles<R>>>);

/// Entry point of the binary.
pub fn run() {
    init_tracing();
    lexguard::text::i18n::set_surface(lexguard::text::i18n::Surface::App);
    wait_for_predecessor();
    let options = Options::from_args();
    run_app(tauri::Builder::default(), options);
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LEXGUARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,lexguard_app=info"));
    use std::io::IsTerminal as _;
    let ansi = use_ansi(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}

/// Colour codes only for a person at a terminal: not in log files, journals or test output,
/// and never when `NO_COLOR` is set (no-color.org: any non-empty value).
fn use_ansi(stderr_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Builds and runs the app on any runtime: the one single-instance check, then
/// [`app_builder`] with the real launch as its setup.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, options: Options) {
    let system_lang = lexguard::Lang::from_env();
    // First: a second launch hands over to us and exits.
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
        tracing::info!("second launch: focusing the window");
        window::open(app);
    }));
    let app = app_builder(builder, move |app| launch(app, system_lang, &options))
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("lexguard: {e}");
            std::process::exit(1);
        }
    };
    app.run(|_app, event| {
        // Closing the window keeps the app (and the engine) running in the tray.
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            api.prevent_exit();
        }
    });
}

/// What a setup may fail with.
type SetupResult = Result<(), Box<dyn std::error::Error>>;

/// The app's plugins and the window's commands, with `setup` run at start. [`run_app`]
/// passes the real launch; the command tests (`commands_tests.rs`) pass their own engine on
/// the mock runtime, so they call the very handler list the app registers.
fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    setup: impl FnOnce(&mut tauri::App<R>) -> SetupResult + Send + 'static,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(tauri::generate_handler![
            commands::get_status,
            commands::get_history,
            commands::start_login,
            commands::connect,
            commands::connect_api_key,
            commands::list_webhooks,
            commands::sync_webhooks,
            commands::save_webhooks,
            commands::event_types,
            commands::get_settings,
            commands::save_settings,
            commands::set_start_at_login,
            commands::set_client_secret,
            commands::open_data_folder,
            commands::open_link,
            commands::tick_now,
            commands::refresh_now,
            commands::disconnect,
            config_trouble::get_config_problem,
            config_trouble::reload_config,
            config_trouble::open_config_folder,
            connection_commands::list_connections,
            connection_commands::select_connection,
            connection_commands::add_connection,
            connection_commands::remove_connection,
        ])
        .setup(setup)
}

/// The app's start: the engine of the config (or the demo's), or the config error view.
fn launch<R: Runtime>(
    app: &mut tauri::App<R>,
    system_lang: lexguard::Lang,
    options: &Options,
) -> SetupResult {
    // A tray-only app on macOS: no Dock icon, no app menu.
    #[cfg(target_os = "macos")]
    app.set_activation_policy(tauri::ActivationPolicy::Accessory);
    #[cfg(windows)]
    windows_toasts::register(&app.config().identifier, "lexguard");
    let handle = app.handle().clone();
    app.manage(config_trouble::Trouble::new(system_lang));
    lifecycle::watch_signals(&handle);
    // A desktop without a tray host would hide the app: show the window instead.
    #[cfg(all(target_os = "linux", not(test)))]
    tray_host::watch(&handle, system_lang);
    if options.demo {
        let (demo, engine) = tauri::async_runtime::block_on(demo::Demo::start(system_lang))?;
        startup::start(&handle, engine, Some(Arc::new(demo)), options.hidden)?;
        return Ok(());
    }
    match keeper::first_engine(system_lang) {
        Ok((name, engine)) => {
            startup::start_named(&handle, name, engine, None, options.hidden)?;
            keeper::watch(&handle, system_lang);
        }
        // A broken config.toml: start anyway, say what is wrong, wait for a fix.
        Err(e) => {
            let home = lexguard::Home::from_env().ok();
            let problem =
                config_trouble::ConfigProblem::of(&e, home.map(|h| h.config_file), system_lang);
            #[cfg(not(test))]
            let on_menu = actions::on_menu;
            #[cfg(test)]
            let on_menu = |_: &AppHandle<R>, _: &str| {};
            config_trouble::enter(&handle, problem, options.hidden, on_menu);
        }
    }
    Ok(())
}

/// "Beenden": see [`lifecycle`] (the same path as SIGTERM).
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    lifecycle::quit(app, lifecycle::Why::Menu);
}

/// Switches a first-run app to the demo: starts `lexguard-app --demo` and quits. The new
/// process waits for this one to be gone, so the single-instance check does not send it back.
pub fn restart_as_demo<R: Runtime>(app: &AppHandle<R>) {
    let started = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("--demo")
            .env("LEXGUARD_WAIT_PID", std::process::id().to_string())
            .spawn()
    });
    match started {
        Ok(_) => quit(app),
        Err(e) => tracing::error!(error = %e, "demo could not be started"),
    }
}

/// See [`restart_as_demo`]: wait (at most 10 s) until the predecessor process has exited.
fn wait_for_predecessor() {
    let Some(pid) = std::env::var("LEXGUARD_WAIT_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    else {
        return;
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        #[cfg(target_os = "linux")]
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            return;
        }
        // Elsewhere no check without unsafe code: the full 10 s (the demo switch only).
        #[cfg(not(target_os = "linux"))]
        let _ = pid;
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tracing_tests {
    use super::use_ansi;

    #[test]
    fn colours_only_at_a_terminal_without_no_color() {
        assert!(use_ansi(true, None));
        assert!(!use_ansi(false, None));
        assert!(!use_ansi(true, Some("1".into())));
        assert!(!use_ansi(false, Some("1".into())));
        assert!(use_ansi(true, Some("".into())));
    }
}
