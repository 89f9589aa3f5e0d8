//! The `lexguard` command: the CLI lives in this binary, not in the library, so the tray app
//! links none of its terminal crates (spinner, hidden input, colours, systemd notify).

mod cli;

// The library's public modules and top-level names, so the CLI's `crate::…` paths read as in
// the library.
use lexguard::{
    ClientSecret, Error, Event, Lang, NextAction, Result, acquire_lock, alerts, api, config,
    connections, engine, history, share, state, status, store, text, webhooks,
};

fn main() -> std::process::ExitCode {
    cli::main()
}
