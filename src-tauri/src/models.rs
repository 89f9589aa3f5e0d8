//! The payloads the window receives besides `Status` and settings: shared by the commands and
//! the loopback listener, which therefore need not import each other.

use crate::error::IpcError;
use lexguard::Status;
use lexguard::engine::ConnectReport;
use lexguard::webhooks::Outcome;
use serde::Serialize;

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

/// The outcome of a login completed through the loopback redirect (event `connect-result`).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LoopbackOutcome {
    pub result: Option<ConnectResult>,
    pub error: Option<IpcError>,
}
