//! `lexware-sim`: a loopback stand-in for the Lexware Office API and its OAuth 2.1 server.
//!
//! Written from the API contract alone and sharing no code with the client, so a misread
//! field cannot agree with itself. One origin serves the OAuth paths (`/oauth2/...`), the API
//! paths (`/v1/...`) and the control API (`/_sim/...`); [`Control`] offers the same control
//! in process.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = lexware_sim::Sim::start(lexware_sim::SimConfig::default()).await?;
//! let key = sim.control().create_api_key();
//! println!("{} with Bearer {key}", sim.url());
//! # Ok(()) }
//! ```

mod api;
mod apikeys;
mod config;
mod connections;
mod control;
mod control_http;
mod control_webhooks;
mod delivery;
mod faults;
mod files;
mod guard;
mod hooks;
mod model;
mod oauth;
mod oauth_token;
mod ratelimit;
mod responses;
mod server;
mod signing;
mod state;
mod util;

pub use config::SimConfig;
pub use control::Control;
pub use delivery::RETRY_GAPS_SECS;
pub use hooks::HookCall;
pub use model::{
    Counters, DeliveryOutcome, DeliveryRecord, DeliveryResult, LoggedRequest, SubscriptionView,
    Upload,
};
pub use server::Sim;
