//! The window's commands: a few lines each, all work in the core. Errors cross IPC as
//! `{kind, message}`; no secret ever does.

use crate::AppState;
use lexguard::Status;
use serde::Serialize;
use tauri::State;

/// An error as the window sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IpcError {
    pub kind: String,
    pub message: String,
}

impl IpcError {
    pub fn from_core(e: &lexguard::Error, lang: lexguard::Lang) -> Self {
        Self {
            kind: e.kind().into(),
            message: e.message(lang),
        }
    }
}

#[tauri::command]
pub fn get_status(state: State<'_, AppState>) -> Result<Status, IpcError> {
    let engine = &state.handle.engine;
    engine
        .status()
        .map_err(|e| IpcError::from_core(&e, engine.lang()))
}

#[tauri::command]
pub fn tick_now(state: State<'_, AppState>) {
    state
        .handle
        .request(crate::engine::Request::Tick(lexguard::TickCause::Manual));
}
