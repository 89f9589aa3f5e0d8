//! lexguard's core: keeps a Lexware Office API connection alive and tells the truth about it.
//!
//! No Tauri here: the tray app (`src-tauri/`) and the `lexguard` CLI are shells around
//! [`Engine`]. Time comes from an injected [`Clock`], secrets live behind [`store::SecretStore`]
//! (the OS keychain in production), and everything the engine does is reported as [`Event`]s.

pub mod alerts;
pub mod api;
pub mod clock;
pub mod config;
mod confirmed_ping;
pub mod connections;
pub mod contract;
pub mod engine;
pub mod error;
pub mod event;
pub mod fsutil;
pub mod history;
pub mod http;
pub mod limits;
pub mod lock;
pub mod oauth;
pub mod paste;
pub mod quiet;
pub mod secret;
pub mod share;
pub mod signature;
pub mod state;
pub mod status;
pub mod status_times;
pub mod store;
pub mod text;
pub mod vocabulary;
pub mod webhooks;

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use config::{Config, Home};
pub use engine::{ConnectReport, Engine, EngineOptions, TickCause, TickReport};
pub use error::{Error, ErrorKind, KeychainFault, Result};
pub use event::Event;
pub use state::{ConnState, Mode, Reason};
pub use status::Status;
pub use text::i18n::Lang;
pub use vocabulary::{NextAction, Severity};
