//! Start-up settings of the simulator.

use std::fmt;

/// How the simulated Lexware behaves. Defaults follow the contract.
#[derive(Clone)]
pub struct SimConfig {
    /// The one registered partner app. Default `lexguard-test-client`.
    pub client_id: String,
    /// Its secret, checked through HTTP Basic only. Default `sim-secret`.
    pub client_secret: String,
    /// `companyName` in `GET /v1/profile`. Default `Demo GmbH`.
    pub company_name: String,
    /// `expires_in` of issued access tokens. Default 14399 as in the contract.
    pub access_ttl_secs: i64,
    /// 2 requests per second per client across all endpoints (token bucket, capacity 2,
    /// refill 2/s); above it 429 and the call is not executed. Default on.
    pub rate_limit: bool,
    /// Accept `http://` callback URLs on loopback hosts (tests). `https://` is always accepted.
    /// Default on.
    pub allow_http_callbacks: bool,
    /// Stricter than the contract: a second subscription of the same `eventType` by the same
    /// owner answers 409 even with another callback URL. Default off: as in the contract, 409
    /// only for an identical subscription (same event type and callback URL).
    pub reject_duplicate_event_types: bool,
    /// The RSA private key (PEM, PKCS#8 or PKCS#1) that signs webhook deliveries
    /// (`X-Lxo-Signature`). Default `None`: the fixed 2048-bit test key shipped in
    /// `sim/keys/`. A key that does not parse makes `Sim::start` fail.
    pub webhook_key_pem: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            client_id: "lexguard-test-client".to_owned(),
            client_secret: "sim-secret".to_owned(),
            company_name: "Demo GmbH".to_owned(),
            access_ttl_secs: 14399,
            rate_limit: true,
            allow_http_callbacks: true,
            reject_duplicate_event_types: false,
            webhook_key_pem: None,
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("company_name", &self.company_name)
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("rate_limit", &self.rate_limit)
            .field("allow_http_callbacks", &self.allow_http_callbacks)
            .field(
                "reject_duplicate_event_types",
                &self.reject_duplicate_event_types,
            )
            .field(
                "webhook_key_pem",
                &self.webhook_key_pem.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret() {
        let cfg = SimConfig {
            webhook_key_pem: Some("-----BEGIN PRIVATE KEY-----".into()),
            ..SimConfig::default()
        };
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("sim-secret"));
        assert!(!dbg.contains("BEGIN"));
        assert!(dbg.contains("[redacted]"));
    }
}
