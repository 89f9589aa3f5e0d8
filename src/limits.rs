//! The ranges and sizes lexguard accepts, as one table: `config.toml` validation reads them,
//! and the window gets the same table as generated TypeScript (`ui/src/bindings/limitsData.ts`,
//! written by `cargo test -p lexguard`), so the form can never allow what the core refuses.

use crate::contract;
use serde::Serialize;
use std::time::Duration;

/// An inclusive range of seconds; `max: None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SecsRange {
    pub min: u32,
    pub max: Option<u32>,
}

impl SecsRange {
    pub fn contains(&self, d: Duration) -> bool {
        let s = d.as_secs();
        s >= u64::from(self.min) && self.max.is_none_or(|max| s <= u64::from(max))
    }
}

const MIN: u32 = 60;
const HOUR: u32 = 3600;

/// How often the tick runs: 1 to 5 minutes.
pub const CHECK_EVERY: SecsRange = SecsRange {
    min: MIN,
    max: Some(5 * MIN),
};
/// Refresh this long before the access token expires: 15 minutes to 3 hours.
pub const REFRESH_BEFORE: SecsRange = SecsRange {
    min: 15 * MIN,
    max: Some(3 * HOUR),
};
/// How often `GET /v1/profile` checks the connection: 1 minute to 24 hours.
pub const VALIDATE_EVERY: SecsRange = SecsRange {
    min: MIN,
    max: Some(24 * HOUR),
};
/// A pause longer than this is a gap: more than `check_every` (so at least its minimum plus
/// one second) and at most 12 hours.
pub const GAP_AFTER: SecsRange = SecsRange {
    min: CHECK_EVERY.min + 1,
    max: Some(12 * HOUR),
};
/// While authentication stays lost, remind this often: at least 15 minutes.
pub const REMIND_EVERY: SecsRange = SecsRange {
    min: 15 * MIN,
    max: None,
};
/// The assumed refresh-token lifetime: at least 1 hour.
/// How often the managed webhooks are checked at Lexware (one list call each time).
pub const WEBHOOKS_EVERY: SecsRange = SecsRange {
    min: 5 * MIN,
    max: Some(24 * HOUR),
};
pub const REFRESH_TOKEN_LIFETIME: SecsRange = SecsRange {
    min: HOUR,
    max: None,
};

/// An `expires_in` from Lexware is clamped to this (1 minute to 1 day): a number from outside
/// could otherwise overflow a date (huge) or make lexguard refresh in a loop (zero).
pub const ACCESS_TOKEN_LIFETIME: SecsRange = SecsRange {
    min: MIN,
    max: Some(24 * HOUR),
};

/// A Lexware client id is a UUID: at most 36 characters.
pub const CLIENT_ID_MAX_CHARS: u32 = 36;
/// Longer than any client secret Lexware issues; anything longer is a wrong paste.
pub const CLIENT_SECRET_MAX_CHARS: u32 = 512;
/// Longer than any public API key Lexware issues; anything longer is a wrong paste.
pub const API_KEY_MAX_CHARS: u32 = 512;
/// Anything longer than a long URL is not a paste of a login address.
pub const PASTE_MAX_CHARS: u32 = 4096;

/// The whole table, with the Lexware facts the window shows (sent to it as generated data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Limits {
    pub check_every: SecsRange,
    pub refresh_before: SecsRange,
    pub validate_every: SecsRange,
    /// Must also be longer than `check_every`.
    pub gap_after: SecsRange,
    pub remind_every: SecsRange,
    pub refresh_token_lifetime: SecsRange,
    pub client_id_max_chars: u32,
    pub client_secret_max_chars: u32,
    pub api_key_max_chars: u32,
    pub paste_max_chars: u32,
    pub code_max_chars: u32,
    pub code_lifetime_secs: u32,
    pub login_lifetime_secs: u32,
    pub api_key_lifetime_months: u32,
    pub requests_per_second: u32,
    /// The official Lexware event types, in the contract's order.
    pub event_types: Vec<String>,
    /// `contract::API_KEY_PAGE`: where a public API key is created.
    pub api_key_page: String,
    /// `contract::DEVELOPER_PORTAL`: where a partner app is registered.
    pub developer_portal: String,
}

impl Limits {
    pub fn get() -> Limits {
        Limits {
            check_every: CHECK_EVERY,
            refresh_before: REFRESH_BEFORE,
            validate_every: VALIDATE_EVERY,
            gap_after: GAP_AFTER,
            remind_every: REMIND_EVERY,
            refresh_token_lifetime: REFRESH_TOKEN_LIFETIME,
            client_id_max_chars: CLIENT_ID_MAX_CHARS,
            client_secret_max_chars: CLIENT_SECRET_MAX_CHARS,
            api_key_max_chars: API_KEY_MAX_CHARS,
            paste_max_chars: PASTE_MAX_CHARS,
            code_max_chars: contract::MAX_CODE_CHARS as u32,
            code_lifetime_secs: contract::CODE_LIFETIME_SECS,
            login_lifetime_secs: contract::LOGIN_LIFETIME_SECS,
            api_key_lifetime_months: contract::API_KEY_LIFETIME_MONTHS,
            requests_per_second: contract::REQUESTS_PER_SECOND,
            event_types: contract::EVENT_TYPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            api_key_page: contract::API_KEY_PAGE.to_string(),
            developer_portal: contract::DEVELOPER_PORTAL.to_string(),
        }
    }

    /// The TypeScript module with the values (the type comes from ts-rs as `Limits.ts`).
    pub fn typescript() -> String {
        let json = serde_json::to_string_pretty(&Limits::get()).unwrap_or_default();
        format!(
            "// Generated by `cargo test -p lexguard` from src/limits.rs. Do not edit this file manually.\nimport type {{ Limits }} from \"./Limits\";\n\nexport const LIMITS: Limits = {json};\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Schedule};

    /// Writes `limitsData.ts` next to the ts-rs bindings, as ts-rs does for the types.
    #[test]
    fn export_limits_values() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
        std::fs::create_dir_all(&dir).expect("bindings dir");
        std::fs::write(dir.join("limitsData.ts"), Limits::typescript())
            .expect("write limitsData.ts");
    }

    fn with(f: impl Fn(&mut Schedule)) -> bool {
        let mut c = Config::default();
        f(&mut c.schedule);
        c.validate().is_ok()
    }

    /// The table is the truth `Config::validate` applies: both edges of every range.
    #[test]
    fn config_validation_uses_the_table() {
        let s = Duration::from_secs;
        type Set = fn(&mut Schedule, Duration);
        let cases: [(SecsRange, Set); 5] = [
            (CHECK_EVERY, |c, d| c.check_every = d),
            (REFRESH_BEFORE, |c, d| c.refresh_before = d),
            (VALIDATE_EVERY, |c, d| c.validate_every = d),
            (REMIND_EVERY, |c, d| c.remind_every = d),
            (REFRESH_TOKEN_LIFETIME, |c, d| c.refresh_token_lifetime = d),
        ];
        for (range, set) in cases {
            let min = u64::from(range.min);
            assert!(with(|c| set(c, s(min))), "{range:?} min");
            assert!(!with(|c| set(c, s(min - 1))), "{range:?} below");
            if let Some(max) = range.max.map(u64::from) {
                // gap_after must stay above check_every.
                assert!(
                    with(|c| {
                        set(c, s(max));
                        c.gap_after = s(u64::from(GAP_AFTER.max.unwrap_or(0)));
                    }),
                    "{range:?} max"
                );
                assert!(!with(|c| set(c, s(max + 1))), "{range:?} above");
            }
        }
        let gap_max = u64::from(GAP_AFTER.max.unwrap_or(0));
        assert!(with(|c| c.gap_after = s(gap_max)));
        assert!(!with(|c| c.gap_after = s(gap_max + 1)));
        assert!(with(|c| c.gap_after = s(u64::from(GAP_AFTER.min))));
        assert!(!with(|c| c.gap_after = s(u64::from(CHECK_EVERY.min))));
    }

    #[test]
    fn the_typescript_carries_every_event_type() {
        let ts = Limits::typescript();
        assert!(ts.contains("export const LIMITS: Limits"));
        assert!(ts.contains("\"token.revoked\""));
        assert!(ts.contains("\"check_every\""));
    }
}
