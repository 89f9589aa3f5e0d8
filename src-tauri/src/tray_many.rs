//! The tray with several connections: the icon shows the worst state of all, the menu has
//! one line per connection ("Verbunden mit Muster GmbH · Verbindung gültig bis …", or the
//! connection's name before the headline when the headline names no company), each a
//! submenu with its own *Neu verbinden…* and, while it can work, *Jetzt erneuern*. The rest
//! of the menu (start at login, mute, quit) is the same items as with one connection.

use crate::TrayState;
use crate::tray::{Many, TrayHandles, icon_bytes, menu_text, offers_refresh};
use lexguard::connections::{ConnectionName, label, worst};
use lexguard::{Lang, Status};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};

/// The menu ids of a connection's items: `reconnect:NAME`, `refresh:NAME`.
pub const RECONNECT: &str = "reconnect:";
pub const REFRESH: &str = "refresh:";

/// One connection's line: its headline, after its company or name unless the headline
/// already names the company.
pub fn line(name: &ConnectionName, status: &Status) -> String {
    const MAX: usize = 160;
    let who = label(name, status.company.as_deref());
    let mut text = if status.company.is_some() && status.headline.contains(&who) {
        status.headline.clone()
    } else {
        format!("{who} · {}", status.headline)
    };
    if text.chars().count() > MAX {
        text = text.chars().take(MAX).collect::<String>() + "…";
    }
    menu_text(&text)
}

/// Icon, tooltip and menu for several connections.
pub fn update<R: Runtime>(
    app: &AppHandle<R>,
    lines: &[(ConnectionName, Status)],
    demo: bool,
    lang: Lang,
) {
    let Some(state) = app.try_state::<TrayState<R>>() else {
        return;
    };
    let mut guard = state.0.lock().unwrap_or_else(|e| e.into_inner());
    let Some(t) = guard.as_mut() else { return };
    let state = worst(lines.iter().map(|(_, s)| s.state));
    if let Ok(img) = Image::from_bytes(icon_bytes(state, demo)) {
        let _ = t.icon.set_icon(Some(img));
        #[cfg(target_os = "macos")]
        let _ = t.icon.set_icon_as_template(true);
    }
    let tip: Vec<String> = lines.iter().map(|(n, s)| line(n, s)).collect();
    let _ = t
        .icon
        .set_tooltip(Some(format!("lexguard\n{}", tip.join("\n"))));
    let layout: Vec<(ConnectionName, String, bool)> = lines
        .iter()
        .map(|(n, s)| (n.clone(), line(n, s), offers_refresh(s)))
        .collect();
    if t.many.as_ref().is_none_or(|m| m.layout != layout) {
        match build(app, t, &layout, lang) {
            Ok(many) => {
                let _ = t.icon.set_menu(Some(many.menu.clone()));
                t.many = Some(many);
            }
            Err(e) => tracing::warn!(error = %e, "tray menu for several connections"),
        }
    }
    let _ = t.open.set_text(lang.pick("Öffnen…", "Open…"));
    let _ = t
        .autostart
        .set_text(lang.pick("Beim Anmelden starten", "Start at login"));
    let _ = t.quit.set_text(lang.pick("Beenden", "Quit"));
    let snoozed = lines
        .iter()
        .map(|(_, s)| s)
        .find(|s| s.snoozed_until.is_some());
    t.mute
        .update(snoozed.or(lines.first().map(|(_, s)| s)), lang);
}

/// A fresh menu: *Öffnen…*, one submenu per connection, then the items every tray has.
fn build<R: Runtime>(
    app: &AppHandle<R>,
    t: &TrayHandles<R>,
    layout: &[(ConnectionName, String, bool)],
    lang: Lang,
) -> tauri::Result<Many<R>> {
    let menu = Menu::with_items(app, &[&t.open, &PredefinedMenuItem::separator(app)?])?;
    for (name, text, refresh_offered) in layout {
        let reconnect = MenuItem::with_id(
            app,
            format!("{RECONNECT}{name}"),
            lang.pick("Neu verbinden…", "Reconnect…"),
            true,
            None::<&str>,
        )?;
        let refresh = MenuItem::with_id(
            app,
            format!("{REFRESH}{name}"),
            lang.pick("Jetzt erneuern", "Refresh now"),
            true,
            None::<&str>,
        )?;
        let sub = Submenu::with_items(app, text, true, &[&reconnect])?;
        if *refresh_offered {
            sub.append(&refresh)?;
        }
        menu.append(&sub)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&t.autostart)?;
    menu.append(&t.mute.submenu)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&t.quit)?;
    Ok(Many {
        menu,
        layout: layout.to_vec(),
    })
}
