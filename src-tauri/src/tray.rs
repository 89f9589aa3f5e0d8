//! Tray icon and menu. Linux delivers no left clicks to a StatusNotifierItem and shows no
//! tooltips, so the first menu item opens the window and a disabled second line says the state.

use crate::TrayState;
use lexguard::connections::ConnectionName;
use lexguard::{ConnState, Lang, Mode, NextAction, Status};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

/// The several-connections menu as built (by `tray_many`), kept to change its texts without rebuilding.
pub struct Many<R: Runtime> {
    pub menu: Menu<R>,
    /// Each connection's line and whether it offers "Jetzt erneuern": a change rebuilds (a
    /// submenu's label set later does not reach every desktop's menu).
    pub layout: Vec<(ConnectionName, String, bool)>,
}

pub struct TrayHandles<R: Runtime> {
    pub icon: TrayIcon<R>,
    pub menu: Menu<R>,
    /// Whether "Jetzt erneuern" and "Webhooks neu einrichten" are in the menu now (only while
    /// the connection can use them).
    pub offered: (bool, bool),
    pub open: MenuItem<R>,
    pub status: MenuItem<R>,
    pub autostart: CheckMenuItem<R>,
    pub refresh: MenuItem<R>,
    pub webhooks: MenuItem<R>,
    pub quit: MenuItem<R>,
    pub mute: crate::quiet::MuteMenu<R>,
    /// The menu for several connections while there are several (built by `tray_many`).
    pub many: Option<Many<R>>,
}

pub fn icon_bytes(state: ConnState, demo: bool) -> &'static [u8] {
    // macOS: template images (black glyph, the menu bar tints them); the glyph tells the
    // state, the demo shows in the tooltip and menu.
    #[cfg(target_os = "macos")]
    let _ = demo;
    #[cfg(target_os = "macos")]
    return match state {
        ConnState::Healthy => include_bytes!("../../icons/tray/macos/healthy-template.png"),
        ConnState::Degraded => include_bytes!("../../icons/tray/macos/degraded-template.png"),
        ConnState::AuthLost => include_bytes!("../../icons/tray/macos/auth_lost-template.png"),
        ConnState::NotConnected => {
            include_bytes!("../../icons/tray/macos/not_connected-template.png")
        }
    };
    #[cfg(not(target_os = "macos"))]
    match (state, demo) {
        (ConnState::Healthy, false) => include_bytes!("../../icons/tray/healthy.png"),
        (ConnState::Degraded, false) => include_bytes!("../../icons/tray/degraded.png"),
        (ConnState::AuthLost, false) => include_bytes!("../../icons/tray/auth_lost.png"),
        (ConnState::NotConnected, false) => include_bytes!("../../icons/tray/not_connected.png"),
        (ConnState::Healthy, true) => include_bytes!("../../icons/tray/healthy-demo.png"),
        (ConnState::Degraded, true) => include_bytes!("../../icons/tray/degraded-demo.png"),
        (ConnState::AuthLost, true) => include_bytes!("../../icons/tray/auth_lost-demo.png"),
        (ConnState::NotConnected, true) => {
            include_bytes!("../../icons/tray/not_connected-demo.png")
        }
    }
}

/// The first item: the core's next step, or simply "Öffnen…".
fn open_label(next: NextAction, lang: Lang) -> &'static str {
    match next {
        NextAction::Connect | NextAction::Reconnect => lang.pick("Neu verbinden…", "Reconnect…"),
        NextAction::EnterNewApiKey => {
            lang.pick("Neuen API-Schlüssel eintragen…", "Enter a new API key…")
        }
        NextAction::Reauthorize => lang.pick("Neu anmelden…", "Log in again…"),
        NextAction::None
        | NextAction::Wait
        | NextAction::CheckClientSecret
        | NextAction::UnlockKeychain
        | NextAction::FixWebhooks
        | NextAction::StartKeepalive
        | NextAction::CheckPlan => lang.pick("Öffnen…", "Open…"),
    }
}

/// Every menu label goes through here: muda reads `&` as a mnemonic marker (GTK shows it as
/// `_`, Windows underlines the next letter), so "Weiß & Söhne GmbH & Co. KG" needs `&&` to
/// stay whole. muda escapes `_` for GTK itself.
pub fn menu_text(text: &str) -> String {
    text.replace('&', "&&")
}

/// Renewing and setting up webhooks are offered only while the connection can do them.
fn offers_actions(status: &Status) -> bool {
    status.connection_usable
}

/// "Jetzt erneuern" only for a login: an API key has nothing to renew.
pub fn offers_refresh(status: &Status) -> bool {
    offers_actions(status) && status.mode != Some(Mode::ApiKey)
}

/// "lexguard: Verbunden mit Muster GmbH · Verbindung gültig bis 14:32 MEZ (in 2 h 10 min)".
pub fn tooltip(status: &Status, demo: bool) -> String {
    let prefix = if demo { "lexguard DEMO" } else { "lexguard" };
    format!("{prefix}: {}", status.message)
}

/// The status line of the menu: the core's headline, built from facts (never cut out of the
/// message: company names are full of periods). Only an absurd length is shortened.
fn status_line(status: &Status) -> String {
    const MAX: usize = 160;
    let mut line: String = status.headline.chars().take(MAX).collect();
    if status.headline.chars().count() > MAX {
        line.push('…');
    }
    if let Some(quiet) = &status.quiet_line {
        line = format!("{line} · {quiet}");
    }
    menu_text(&line)
}

/// Builds icon and menu; a click on an item goes to `on_menu` with the item's id (the tray
/// only renders, what an item does lives elsewhere). `autostart_on` is what the system says
/// now (`autostart::is_on`), handed in so the tray only shows it.
pub fn build<R: Runtime>(
    app: &AppHandle<R>,
    demo: bool,
    unconfigured: bool,
    autostart_on: bool,
    lang: Lang,
    on_menu: fn(&AppHandle<R>, &str),
) -> tauri::Result<TrayHandles<R>> {
    let open = MenuItem::with_id(
        app,
        "open",
        open_label(NextAction::Connect, lang),
        true,
        None::<&str>,
    )?;
    let status = MenuItem::with_id(
        app,
        "status",
        lang.pick("Wird geprüft…", "Checking…"),
        false,
        None::<&str>,
    )?;
    let refresh = MenuItem::with_id(
        app,
        "refresh",
        lang.pick("Jetzt erneuern", "Refresh now"),
        true,
        None::<&str>,
    )?;
    let webhooks = MenuItem::with_id(
        app,
        "webhooks",
        lang.pick("Webhooks neu einrichten", "Set up webhooks again"),
        true,
        None::<&str>,
    )?;
    let autostart = CheckMenuItem::with_id(
        app,
        "autostart",
        lang.pick("Beim Anmelden starten", "Start at login"),
        true,
        autostart_on,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        "quit",
        lang.pick("Beenden", "Quit"),
        true,
        None::<&str>,
    )?;
    let sep = || PredefinedMenuItem::separator(app);
    // Nothing is connected before the first status: no renewing, no webhooks yet.
    let menu = Menu::with_items(app, &[&open, &status, &sep()?, &autostart])?;
    let mute = crate::quiet::MuteMenu::build(app, lang)?;
    menu.append(&mute.submenu)?;
    if demo {
        let items = [
            MenuItem::with_id(
                app,
                "demo-connect",
                lang.pick("Demo: bei Lexware anmelden", "Demo: log in at Lexware"),
                true,
                None::<&str>,
            )?,
            MenuItem::with_id(
                app,
                "demo-revoke",
                lang.pick(
                    "Demo: Lexware beendet die Verbindung",
                    "Demo: Lexware ends the connection",
                ),
                true,
                None::<&str>,
            )?,
            MenuItem::with_id(
                app,
                "demo-suspend",
                lang.pick("Demo: 3 Stunden Ruhezustand", "Demo: 3 hours of sleep"),
                true,
                None::<&str>,
            )?,
        ];
        menu.append(&sep()?)?;
        for i in &items {
            menu.append(i)?;
        }
    }
    if unconfigured {
        // First run: nothing to guard yet. Offer the demo next to setting up.
        menu.append(&sep()?)?;
        menu.append(&MenuItem::with_id(
            app,
            "demo-start",
            lang.pick(
                "Demo ansehen (ohne Lexware-Konto)",
                "Try the demo (no Lexware account)",
            ),
            true,
            None::<&str>,
        )?)?;
    }
    menu.append(&sep()?)?;
    menu.append(&quit)?;
    let image = Image::from_bytes(icon_bytes(ConnState::NotConnected, demo))?;
    let tip = if demo { "lexguard DEMO" } else { "lexguard" };
    let icon = show(app, menu.clone(), image, tip, on_menu)?;
    Ok(TrayHandles {
        icon,
        menu,
        offered: (false, false),
        open,
        status,
        autostart,
        refresh,
        webhooks,
        quit,
        mute,
        many: None,
    })
}

/// The one icon: built on first use; later (a reload after a broken config.toml) the same
/// icon gets the new menu, so the desktop sees one item throughout.
fn show<R: Runtime>(
    app: &AppHandle<R>,
    menu: Menu<R>,
    image: Image<'_>,
    tooltip: &str,
    on_menu: fn(&AppHandle<R>, &str),
) -> tauri::Result<TrayIcon<R>> {
    if let Some(icon) = app.tray_by_id(ID) {
        icon.set_menu(Some(menu))?;
        icon.set_icon(Some(image))?;
        #[cfg(target_os = "macos")]
        icon.set_icon_as_template(true)?;
        icon.set_tooltip(Some(tooltip))?;
        return Ok(icon);
    }
    TrayIconBuilder::with_id(ID)
        .icon(image)
        .icon_as_template(cfg!(target_os = "macos"))
        .tooltip(tooltip)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(move |app, event| on_menu(app, event.id.as_ref()))
        .build(app)
}

/// The icon's id.
const ID: &str = "lexguard";

/// Keeps the handles for [`update`].
pub fn keep<R: Runtime>(app: &AppHandle<R>, tray: TrayHandles<R>) {
    match app.try_state::<TrayState<R>>() {
        Some(state) => *state.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(tray),
        None => {
            app.manage(TrayState(std::sync::Mutex::new(Some(tray))));
        }
    }
}

/// The tray while config.toml cannot be read: the error look, what is wrong, "Neu laden".
pub fn build_trouble<R: Runtime>(
    app: &AppHandle<R>,
    lang: Lang,
    line: &str,
    on_menu: fn(&AppHandle<R>, &str),
) {
    let built = (|| -> tauri::Result<TrayIcon<R>> {
        let menu = Menu::with_items(
            app,
            &[
                &MenuItem::with_id(
                    app,
                    "open",
                    lang.pick("Öffnen…", "Open…"),
                    true,
                    None::<&str>,
                )?,
                &MenuItem::with_id(app, "status", menu_text(line), false, None::<&str>)?,
                &PredefinedMenuItem::separator(app)?,
                &MenuItem::with_id(
                    app,
                    "reload",
                    lang.pick("Einstellungen neu laden", "Reload settings"),
                    true,
                    None::<&str>,
                )?,
                &PredefinedMenuItem::separator(app)?,
                &MenuItem::with_id(
                    app,
                    "quit",
                    lang.pick("Beenden", "Quit"),
                    true,
                    None::<&str>,
                )?,
            ],
        )?;
        let image = Image::from_bytes(icon_bytes(ConnState::AuthLost, false))?;
        let tip = format!("lexguard: {line}");
        show(app, menu, image, &tip, on_menu)
    })();
    if let Err(e) = built {
        tracing::error!(error = %e, "tray icon not shown");
    }
}

/// Icon, tooltip and menu texts for a status (the bridge calls this only when they change).
pub fn update<R: Runtime>(app: &AppHandle<R>, status: &Status, demo: bool, lang: Lang) {
    let Some(state) = app.try_state::<TrayState<R>>() else {
        return;
    };
    let mut guard = state.0.lock().unwrap_or_else(|e| e.into_inner());
    let Some(t) = guard.as_mut() else { return };
    // Back to one connection: the one-connection menu again.
    if t.many.take().is_some() {
        let _ = t.icon.set_menu(Some(t.menu.clone()));
    }
    let line = status_line(status);
    match Image::from_bytes(icon_bytes(status.state, demo)) {
        Ok(img) => {
            let _ = t.icon.set_icon(Some(img));
            #[cfg(target_os = "macos")]
            let _ = t.icon.set_icon_as_template(true);
        }
        Err(e) => tracing::warn!(error = %e, "tray icon"),
    }
    let _ = t.icon.set_tooltip(Some(tooltip(status, demo)));
    // The offers first: whoever reads the new status line finds the menu that fits it.
    offer_actions(t, status);
    let _ = t.open.set_text(open_label(status.next_action, lang));
    let _ = t.status.set_text(line);
    // The language can change in the settings at any time.
    let _ = t
        .refresh
        .set_text(lang.pick("Jetzt erneuern", "Refresh now"));
    let _ = t
        .webhooks
        .set_text(lang.pick("Webhooks neu einrichten", "Set up webhooks again"));
    let _ = t
        .autostart
        .set_text(lang.pick("Beim Anmelden starten", "Start at login"));
    let _ = t.quit.set_text(lang.pick("Beenden", "Quit"));
    t.mute.update(Some(status), lang);
}

/// Puts "Jetzt erneuern" and "Webhooks neu einrichten" in the menu (after the separator below
/// the status line) or takes them out, as the status allows.
fn offer_actions<R: Runtime>(t: &mut TrayHandles<R>, status: &Status) {
    const AFTER_SEPARATOR: usize = 3;
    let wanted = (offers_refresh(status), offers_actions(status));
    if wanted == t.offered {
        return;
    }
    let _ = t.menu.remove(&t.refresh);
    let _ = t.menu.remove(&t.webhooks);
    let mut at = AFTER_SEPARATOR;
    if wanted.0 {
        let _ = t.menu.insert(&t.refresh, at);
        at += 1;
    }
    if wanted.1 {
        let _ = t.menu.insert(&t.webhooks, at);
    }
    t.offered = wanted;
}

/// The autostart check mark follows the system's answer.
pub fn set_autostart<R: Runtime>(app: &AppHandle<R>, on: bool) {
    let Some(state) = app.try_state::<TrayState<R>>() else {
        return;
    };
    if let Some(t) = state.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        let _ = t.autostart.set_checked(on);
    }
}
