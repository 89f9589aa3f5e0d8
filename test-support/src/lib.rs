//! Test support shared by the core's tests (`tests/`) and the app's (`src-tauri/`), which
//! cannot include each other's `tests/common` modules.
//!
//! * [`browser`] does what a person's browser does with a login link: the simulator consents at
//!   once and redirects to the registered address (a copy-code page or lexguard's loopback
//!   listener).
//! * [`assemble_tokens`] reads the token set from the keychain's entries, written here
//!   independently of `lexguard::store::token_layout` so a test compares against a second
//!   reading.
//! * [`ports`]: loopback ports for servers another process binds, outside the range the kernel
//!   hands out by itself.

pub mod browser;
pub mod ports;
mod tokens;

pub use tokens::assemble_tokens;
