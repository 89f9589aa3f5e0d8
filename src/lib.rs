//! lexguard's core: keeps a Lexware Office API connection alive and tells the truth about it.
//!
//! No Tauri here: the tray app (`src-tauri/`) and the `lexguard` CLI (`src/main.rs`, which
//! holds the CLI so the app links none of its terminal crates) are shells around [`Engine`].
//! Time comes from an injected [`Clock`], secrets live behind [`store::SecretStore`] (the OS
//! keychain in production), and everything the engine does is reported as [`Event`]s.
//!
//! # Layout
//!
//! The shells need only the names re-exported at the top of this crate and the few public
//! modules below; everything else is private so it can change without touching a shell.
//!
//! - **Engine**: [`engine`] runs every operation (connect, tick, refresh, webhooks) one at a
//!   time under the operation lock (a private `lock` module: an in-process mutex plus a lock
//!   file) and hands out the status on a watch channel. The OAuth client and the clock are
//!   private helpers it owns.
//! - **State and status**: [`state`] is what is persisted between runs ([`ConnState`],
//!   [`Reason`], the facts); [`status`] is the one [`Status`] every surface shows, computed
//!   from it, with the shared vocabulary ([`Severity`], [`NextAction`]) and the times in
//!   words. [`history`] keeps what happened as lines a person reads.
//! - **Store**: [`store`] keeps the token pair, the API key and the client secret (OS keychain,
//!   or a private file), never dropping a pair Lexware issued.
//! - **Config and connections**: [`config`] reads and edits `config.toml` without losing what
//!   the person wrote; [`connections`] names several connections side by side, each with its
//!   own home and store.
//! - **Share**: [`share`] hands the access token to other local programs (a file, a command,
//!   the local API proxy) only through channels the person configured.
//! - **Alerts and quiet**: [`alerts`] pings off-machine monitors (healthchecks-style
//!   `/fail`, `/ok`); [`quiet`] holds quiet hours and snoozes for the notices.
//! - **Text**: [`text`] holds every sentence for a person, German first, in one place to
//!   review the German: time words, the headline, event sentences, the trouble sentences.
//! - **HTTP, OAuth and the API**: [`api`] talks to Lexware's public API over the one shared,
//!   rate-limited [`api::Http`]; [`webhooks`] plans which webhooks to create or delete. The
//!   token endpoint (`oauth`), the code paste and the webhook signature check stay private.
//! - **Contract**: [`contract`] and [`limits`] are the numbers and names the window, the CLI
//!   and the core share (exported to TypeScript); every check reads them.

// The parts the shells use by path.
pub mod alerts;
pub mod api;
pub mod config;
pub mod connections;
pub mod contract;
pub mod engine;
pub mod history;
mod history_kind;
pub mod limits;
pub mod quiet;
pub mod share;
pub mod state;
pub mod status;
pub mod store;
pub mod text;
pub mod webhooks;

// Inside the core only: the shells reach what they need through the re-exports below.
mod clock;
mod confirmed_ping;
mod error;
mod event;
mod fsutil;
mod http;
mod lock;
mod oauth;
mod paste;
mod secret;
mod signature;
mod status_times;
mod vocabulary;

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use config::{Config, Home};
pub use engine::{ConnectReport, Engine, EngineOptions, TickCause, TickReport};
pub use error::{Error, ErrorKind, KeychainFault, Result};
pub use event::Event;
pub use lock::{FileLock, acquire as acquire_lock};
pub use secret::{AccessToken, ClientSecret, RefreshToken};
pub use state::{ConnState, Mode, Reason};
pub use status::Status;
pub use status_times::StatusTimes;
pub use text::i18n::Lang;
pub use vocabulary::{NextAction, Severity, TELL_AFTER_MINUTES};
