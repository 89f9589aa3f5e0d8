//! The key pair that signs webhook deliveries: `X-Lxo-Signature` is base64 of an RSA-SHA512
//! PKCS#1 v1.5 signature over the exact body bytes.
//!
//! The default is a fixed 2048-bit test key shipped in `sim/keys/` (not a secret: it signs
//! simulated deliveries only). Generating a 2048-bit key takes 1–2 s in a debug build, which
//! every test starting a simulator would pay; parsing the shipped key takes microseconds.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use sha2::Sha512;

const DEFAULT_KEY_PEM: &str = include_str!("../keys/webhook-test-key.pem");

pub(crate) struct WebhookKey {
    signing: SigningKey<Sha512>,
    public_pem: String,
}

impl WebhookKey {
    /// A private key as PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    pub(crate) fn from_pem(pem: &str) -> Result<Self, String> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| "webhook key: not an RSA private key in PEM (PKCS#8 or PKCS#1)")?;
        let public_pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| format!("webhook key: public key not encodable: {e}"))?;
        Ok(Self {
            signing: SigningKey::<Sha512>::new(key),
            public_pem,
        })
    }

    /// The shipped test key.
    pub(crate) fn default_key() -> Result<Self, String> {
        Self::from_pem(DEFAULT_KEY_PEM)
    }

    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub(crate) fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// The `X-Lxo-Signature` value for these exact bytes.
    pub(crate) fn sign(&self, body: &[u8]) -> String {
        STANDARD.encode(self.signing.sign(body).to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::signature::Verifier as _;

    #[test]
    fn the_shipped_key_signs_verifiably() {
        let k = WebhookKey::default_key().expect("shipped key parses");
        assert!(k.public_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
        let body = br#"{"organizationId":"o","eventType":"token.revoked"}"#;
        let sig = STANDARD.decode(k.sign(body)).expect("base64");
        assert_eq!(sig.len(), 256, "2048-bit key");
        let public = rsa::RsaPublicKey::from_public_key_pem(k.public_pem()).expect("SPKI");
        let verifier = VerifyingKey::<Sha512>::new(public);
        let sig = Signature::try_from(sig.as_slice()).expect("signature");
        verifier.verify(body, &sig).expect("verifies");
        assert!(verifier.verify(b"other bytes", &sig).is_err());
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        assert!(WebhookKey::from_pem("not a key").is_err());
    }
}
