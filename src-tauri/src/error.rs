//! How an error crosses IPC: `{kind, message, field}`. Its own module so every producer
//! (commands, the loopback listener) shares the one shape without importing each other.

use lexguard::Lang;
use serde::Serialize;

/// An error as the window sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct IpcError {
    /// Stable name: one of the core's `ErrorKind`s, or one of the shell's own.
    pub kind: IpcErrorKind,
    /// For the person, in the chosen language, with the fix.
    pub message: String,
    /// The settings field at fault, for configuration errors (`schedule.check_every`).
    pub field: Option<String>,
}

/// Errors only the shell produces (the core's are [`lexguard::ErrorKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorKind {
    /// The data folder could not be shown in the file manager.
    OpenFailed,
    /// The window asked for something the shell does not do (a link not on its list).
    NotAllowed,
    /// Start at login could not be switched (the system refused).
    AutostartFailed,
    /// Made by the window itself: the call never reached a command (Tauri refused it, or the
    /// page runs outside the app).
    Ipc,
}

/// What `IpcError.kind` names: a core [`lexguard::ErrorKind`] or one of the shell's own. On the
/// wire it is the plain string (`"login_expired"`, `"open_failed"`), so no producer can invent
/// a name the window does not know.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
#[serde(untagged)]
pub enum IpcErrorKind {
    Core(lexguard::ErrorKind),
    Shell(ShellErrorKind),
}

impl From<ShellErrorKind> for IpcErrorKind {
    fn from(kind: ShellErrorKind) -> Self {
        IpcErrorKind::Shell(kind)
    }
}

impl IpcError {
    pub fn from_core(e: &lexguard::Error, lang: Lang) -> Self {
        match e {
            // A value of the form that was refused: next to its field. (A file that does not
            // read has a line: the whole sentence with file and line, below.)
            lexguard::Error::Config {
                key,
                problem,
                line: None,
                ..
            } => Self {
                kind: IpcErrorKind::Core(e.error_kind()),
                message: lang.pick(problem.0.clone(), problem.1.clone()),
                field: key.clone(),
            },
            _ => Self {
                kind: IpcErrorKind::Core(e.error_kind()),
                message: e.message(lang),
                field: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_travel_as_plain_strings() {
        let e = IpcError::from_core(&lexguard::Error::PendingExpired, Lang::En);
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(json["kind"], "login_expired");
        assert_eq!(
            serde_json::to_value(IpcErrorKind::Shell(ShellErrorKind::OpenFailed)).expect("json"),
            "open_failed"
        );
        assert_eq!(
            serde_json::to_value(IpcErrorKind::Core(lexguard::ErrorKind::KeychainCorrupt))
                .expect("json"),
            "keychain_corrupt"
        );
    }
}
