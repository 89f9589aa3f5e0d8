//! The window's commands for several connections: the list, which one the window works on
//! (every other command acts on the selected one), and *Verbindung hinzufügen*. A new
//! connection is made, kept alive and selected at once; the window then asks the same
//! first-run question as for the first one. *Verbindung entfernen* ends one.

use crate::AppState;
use crate::error::{IpcError, IpcErrorKind};
use crate::fleet::ConnectionLine;
use lexguard::connections::{self, ConnectionName};
use lexguard::{Home, Lang};
use tauri::{AppHandle, Runtime, State};

type Res<T> = Result<T, IpcError>;

/// A name the app keeps no connection of.
fn unknown(name: &str, lang: Lang) -> IpcError {
    IpcError {
        kind: IpcErrorKind::Core(lexguard::ErrorKind::InvalidInput),
        message: lang.pick(
            format!("Eine Verbindung „{name}“ gibt es nicht."),
            format!("There is no connection \"{name}\"."),
        ),
        field: Some("name".into()),
    }
}

/// Every connection the app keeps, with the selected one marked.
#[tauri::command]
pub fn list_connections(state: State<'_, AppState>) -> Vec<ConnectionLine> {
    crate::fleet::lines(&state.fleet)
}

/// The window works on connection `name` from now on; the tray's lines and the window's list
/// hear of it.
#[tauri::command]
pub fn select_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Res<Vec<ConnectionLine>> {
    let lang = state.handle().engine.lang();
    let parsed = ConnectionName::parse(name.trim()).map_err(|_| unknown(&name, lang))?;
    if !state.fleet.select(&parsed) {
        return Err(unknown(&name, lang));
    }
    crate::connection_list::emit(&app);
    Ok(crate::fleet::lines(&state.fleet))
}

/// *Verbindung entfernen*, as `lexguard connections remove`: revokes connection `name` at
/// Lexware, stops keeping it, deletes its secrets and its folder; the window then works on the
/// first connection. `force`: also when Lexware cannot be reached (then nothing is revoked
/// there, and lexguard forgets the credentials all the same). `default` is never removed.
#[tauri::command]
pub async fn remove_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    force: bool,
) -> Res<Vec<ConnectionLine>> {
    let lang = state.handle().engine.lang();
    let core = |e: lexguard::Error| IpcError::from_core(&e, lang);
    let name = ConnectionName::parse(name.trim()).map_err(|_| unknown(&name, lang))?;
    connections::removable(&name).map_err(core)?;
    let member = state
        .fleet
        .get(&name)
        .ok_or_else(|| unknown(&name.to_string(), lang))?;
    let base = Home::from_env().map_err(core)?;
    member.handle.engine.disconnect(force).await.map_err(core)?;
    crate::startup::remove_now(&app, &name).await;
    connections::delete(&base, &member.handle.engine, &name)
        .await
        .map_err(core)?;
    let first = state.fleet.selected().name;
    state.fleet.select(&first);
    crate::connection_list::emit(&app);
    Ok(crate::fleet::lines(&state.fleet))
}

/// *Verbindung hinzufügen*: `name` by the core's rule (a bad one gets the core's words and
/// creates nothing), not one there is already; made, kept alive and selected.
#[tauri::command]
pub fn add_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Res<Vec<ConnectionLine>> {
    let lang = state.handle().engine.lang();
    let field = |mut e: IpcError| {
        e.field = Some("name".into());
        e
    };
    let name =
        ConnectionName::parse(name.trim()).map_err(|e| field(IpcError::from_core(&e, lang)))?;
    if state.fleet.get(&name).is_some() {
        return Err(IpcError {
            kind: IpcErrorKind::Core(lexguard::ErrorKind::InvalidInput),
            message: lang.pick(
                format!("Eine Verbindung „{name}“ gibt es schon. Wählen Sie einen anderen Namen."),
                format!("A connection \"{name}\" exists already. Choose another name."),
            ),
            field: Some("name".into()),
        });
    }
    crate::keeper::open(&app, &name).map_err(|e| field(IpcError::from_core(&e, lang)))?;
    state.fleet.select(&name);
    crate::connection_list::emit(&app);
    Ok(crate::fleet::lines(&state.fleet))
}
