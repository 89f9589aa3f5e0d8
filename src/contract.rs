//! What Lexware promises (its public API and OAuth documentation), written down once.
//!
//! Config validation, the paste parser, the OAuth client and the window's generated data all
//! read these constants, so a fact about Lexware is changed in one place. Numbers that are
//! lexguard's own choices (schedule ranges, input size limits) live in [`crate::limits`].

pub mod loopback;

/// Production OAuth server; `/oauth2/authorize|token|revoke` are appended.
pub const PRODUCTION_AUTH: &str = "https://app.lexware.de";
/// Production API; `/v1/...` is appended.
pub const PRODUCTION_API: &str = "https://api.lexware.io";
/// The API's former host, still answered by Lexware: a config naming it is production too.
pub const LEGACY_PRODUCTION_API: &str = "https://api.lexoffice.io";

/// A partner-app authorization ends this many years after it was granted; the user renews it
/// with a new login while it is still valid (Lexware's help: "Erneuerung der Autorisierung").
pub const AUTHORIZATION_LIFETIME_YEARS: u32 = 2;

/// The lexoffice hosts from before the 2025 gateway change: `api.lexoffice.io` is switched off
/// (kept "until December 2025", reported dead since), `app.lexoffice.de` is the old login.
pub fn is_legacy_host(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|h| h.ends_with("lexoffice.io") || h.ends_with("lexoffice.de"))
}
/// Where the person creates (and extends) a public API key (lexware-api.md, "Two ways to
/// authenticate"). One of the two pages the window may open.
pub const API_KEY_PAGE: &str = "https://app.lexware.de/addons/public-api";
/// Where a partner app is registered (client id, secret, redirect URI). The other page the
/// window may open.
pub const DEVELOPER_PORTAL: &str = "https://developers.lexware.io";

/// Sandbox OAuth server.
pub const SANDBOX_AUTH: &str = "https://app.lexware-sandbox.de";
/// Sandbox API.
pub const SANDBOX_API: &str = "https://api.lexware-sandbox.io";

/// An authorization code dies this many seconds after Lexware issued it (and is single-use):
/// lexware-api.md, "expires 5 minutes after issue". The window counts down from it.
pub const CODE_LIFETIME_SECS: u32 = 5 * 60;
/// How long lexguard keeps a pending login (PKCE verifier and state) open, and how long the
/// loopback listener waits for the browser: a login the person started may take a while
/// (password, 2FA) before the code is issued, whose own life is [`CODE_LIFETIME_SECS`].
pub const LOGIN_LIFETIME_SECS: u32 = 10 * 60;
// A login must outlive the code it waits for.
const _: () = assert!(CODE_LIFETIME_SECS < LOGIN_LIFETIME_SECS);

/// The access token's lifetime Lexware announces (`"expires_in": 14399`, about 4 hours): assumed
/// when a token answer lacks `expires_in` (lexware-api.md, "OAuth 2.1", token response).
pub const ACCESS_TOKEN_LIFETIME_SECS: u32 = 14_399;

/// Longest authorization code the contract allows.
pub const MAX_CODE_CHARS: usize = 128;
/// Longest access token the contract promises.
pub const MAX_ACCESS_TOKEN_CHARS: usize = 4096;
/// Longest refresh token the contract promises.
pub const MAX_REFRESH_TOKEN_CHARS: usize = 128;

/// A public API key lives at most this many months after it was created (lexware-api.md, "Two
/// ways to authenticate"); an end date Lexware shows for the key wins over this assumption.
pub const API_KEY_LIFETIME_MONTHS: u32 = 24;

/// Requests per second per client, across all endpoints; above it Lexware answers 429.
pub const REQUESTS_PER_SECOND: u32 = 2;
/// The spacing that keeps lexguard within [`REQUESTS_PER_SECOND`] without bursts (the client's
/// budget and the local proxy's wait estimate both use it; lexware-api.md, "Rate limits").
pub const REQUEST_SPACING_MS: u64 = 1000 / REQUESTS_PER_SECOND as u64;

/// The official event types (lower case).
pub const EVENT_TYPES: &[&str] = &[
    "article.created",
    "article.changed",
    "article.deleted",
    "contact.created",
    "contact.changed",
    "contact.deleted",
    "credit-note.created",
    "credit-note.changed",
    "credit-note.deleted",
    "credit-note.status.changed",
    "delivery-note.created",
    "delivery-note.changed",
    "delivery-note.deleted",
    "delivery-note.status.changed",
    "down-payment-invoice.created",
    "down-payment-invoice.changed",
    "down-payment-invoice.deleted",
    "down-payment-invoice.status.changed",
    "dunning.created",
    "dunning.changed",
    "dunning.deleted",
    "invoice.created",
    "invoice.changed",
    "invoice.deleted",
    "invoice.status.changed",
    "order-confirmation.created",
    "order-confirmation.changed",
    "order-confirmation.deleted",
    "order-confirmation.status.changed",
    "payment.changed",
    "quotation.created",
    "quotation.changed",
    "quotation.deleted",
    "quotation.status.changed",
    "recurring-template.created",
    "recurring-template.changed",
    "recurring-template.deleted",
    "token.revoked",
    "voucher.created",
    "voucher.changed",
    "voucher.deleted",
    "voucher.status.changed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_list_has_every_family_once() {
        assert_eq!(EVENT_TYPES.len(), 42);
        assert!(EVENT_TYPES.contains(&"token.revoked"));
        assert!(EVENT_TYPES.iter().all(|t| *t == t.to_lowercase()));
        let mut sorted = EVENT_TYPES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), EVENT_TYPES.len(), "no duplicates");
    }
}
