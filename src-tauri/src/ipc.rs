//! The names that cross IPC, once: the commands the window may invoke and the events it
//! listens to. Both are exported to TypeScript as string unions (`Command.ts`,
//! `IpcEvent.ts`), so a name the shell does not know is a type error in the window, and a
//! test holds [`Command::ALL`] against the handler list in `lib.rs`.

use serde::Serialize;

/// Every command of `tauri::generate_handler!` in `lib.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    GetStatus,
    GetHistory,
    StartLogin,
    Connect,
    ConnectApiKey,
    ListWebhooks,
    SyncWebhooks,
    SaveWebhooks,
    EventTypes,
    GetSettings,
    SaveSettings,
    SetStartAtLogin,
    SetClientSecret,
    OpenDataFolder,
    OpenLink,
    TickNow,
    RefreshNow,
    Disconnect,
    GetConfigProblem,
    ReloadConfig,
    OpenConfigFolder,
    ListConnections,
    SelectConnection,
    AddConnection,
    RemoveConnection,
}

impl Command {
    pub const ALL: [Command; 25] = [
        Command::GetStatus,
        Command::GetHistory,
        Command::StartLogin,
        Command::Connect,
        Command::ConnectApiKey,
        Command::ListWebhooks,
        Command::SyncWebhooks,
        Command::SaveWebhooks,
        Command::EventTypes,
        Command::GetSettings,
        Command::SaveSettings,
        Command::SetStartAtLogin,
        Command::SetClientSecret,
        Command::OpenDataFolder,
        Command::OpenLink,
        Command::TickNow,
        Command::RefreshNow,
        Command::Disconnect,
        Command::GetConfigProblem,
        Command::ReloadConfig,
        Command::OpenConfigFolder,
        Command::ListConnections,
        Command::SelectConnection,
        Command::AddConnection,
        Command::RemoveConnection,
    ];

    /// The name Tauri registers (the function's name in `commands.rs`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// Emitted after every engine operation, payload `Status`.
pub const STATUS_EVENT: &str = "lexguard://status";
/// Emitted when the loopback redirect completed (or failed) a login, payload `LoopbackOutcome`.
pub const CONNECT_EVENT: &str = "lexguard://connect-result";

/// Every event the shell emits to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub enum IpcEvent {
    #[serde(rename = "lexguard://status")]
    Status,
    #[serde(rename = "lexguard://connect-result")]
    ConnectResult,
    #[serde(rename = "lexguard://autostart")]
    Autostart,
    #[serde(rename = "lexguard://connections")]
    Connections,
}

impl IpcEvent {
    pub fn name(self) -> &'static str {
        match self {
            IpcEvent::Status => STATUS_EVENT,
            IpcEvent::ConnectResult => CONNECT_EVENT,
            IpcEvent::Autostart => crate::autostart::AUTOSTART_EVENT,
            IpcEvent::Connections => crate::connection_list::CONNECTIONS_EVENT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The `commands::…` and `config_trouble::…` entries of the app's `generate_handler!`
    /// (outside test modules).
    fn registered() -> BTreeSet<String> {
        let lib = include_str!("lib.rs");
        let open = "generate_handler![";
        let start = lib.find(open).expect("handler list in lib.rs") + open.len();
        let list = &lib[start..];
        let list = &list[..list.find(']').expect("end of the handler list")];
        list.split(',')
            .filter_map(|item| {
                let item = item.trim();
                item.strip_prefix("commands::")
                    .or_else(|| item.strip_prefix("config_trouble::"))
                    .or_else(|| item.strip_prefix("connection_commands::"))
            })
            .map(|name| name.trim().to_string())
            .collect()
    }

    #[test]
    fn every_registered_command_is_named_and_no_other() {
        let named: BTreeSet<String> = Command::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(named.len(), Command::ALL.len(), "names are unique");
        assert_eq!(named, registered());
    }

    #[test]
    fn event_names_are_the_emitted_ones() {
        for e in [
            IpcEvent::Status,
            IpcEvent::ConnectResult,
            IpcEvent::Autostart,
            IpcEvent::Connections,
        ] {
            assert_eq!(
                serde_json::to_value(e).expect("json"),
                serde_json::Value::String(e.name().into())
            );
        }
        assert_eq!(crate::bridge::STATUS_EVENT, IpcEvent::Status.name());
    }
}
