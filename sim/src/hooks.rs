//! Callback targets on the simulator itself (`/_sim/hook/{name}`): they record what they get
//! and answer what a test told them to, so delivery tests need no receiver of their own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Calls kept per hook; older ones are forgotten.
const CALLS_CAP: usize = 1000;

/// One request a hook received.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HookCall {
    pub method: String,
    /// The body as received (deliveries are JSON, so UTF-8; anything else lossily decoded).
    pub body: String,
    /// The `X-Lxo-Signature` header, if any.
    pub signature: Option<String>,
    /// Simulator clock.
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct Hook {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) calls: Vec<HookCall>,
}

impl Default for Hook {
    fn default() -> Self {
        Self {
            status: 200,
            location: None,
            calls: Vec::new(),
        }
    }
}

impl Hook {
    pub(crate) fn record(&mut self, call: HookCall) {
        if self.calls.len() >= CALLS_CAP {
            self.calls.remove(0);
        }
        self.calls.push(call);
    }
}
