//! The `lexguard` command: the CLI lives in this binary, not in the library, so the tray app
//! links none of its terminal crates (spinner, hidden input, colours, systemd notify).

mod cli;

// The library's modules under their own names, so the CLI's `crate::…` paths read as before.
use lexguard::{
    Error, Event, Lang, Result, alerts, api, config, connections, engine, error, history, http,
    lock, secret, share, state, status, store, text, vocabulary, webhooks,
};

fn main() -> std::process::ExitCode {
    cli::main()
}
