//! `X-Lxo-Signature`: Lexware signs every webhook body with RSA-SHA512 (PKCS#1 v1.5), base64,
//! over the exact body bytes as sent. Verified with Lexware's published public key, so an
//! event that claims "your connection was revoked" cannot be forged by whoever can reach the
//! shop's endpoint.

use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;

/// Where Lexware publishes the key (fetched once, then kept in the data folder).
pub const PUBLIC_KEY_URL: &str =
    "https://developers.lexware.io/webhookSignature/public/public_key.pub";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The key is not a PEM public key (SPKI "PUBLIC KEY").
    BadKey,
    /// The signature is not base64 of an RSA signature.
    BadSignature,
    /// Well-formed, but not Lexware's signature of these bytes.
    Mismatch,
}

/// Checks `signature_b64` over `body` with the PEM public key.
pub fn verify(body: &[u8], signature_b64: &str, public_key_pem: &str) -> Result<(), Refusal> {
    let key = rsa::RsaPublicKey::from_public_key_pem(public_key_pem.trim())
        .map_err(|_| Refusal::BadKey)?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim())
        .map_err(|_| Refusal::BadSignature)?;
    let signature = Signature::try_from(raw.as_slice()).map_err(|_| Refusal::BadSignature)?;
    VerifyingKey::<sha2::Sha512>::new(key)
        .verify(body, &signature)
        .map_err(|_| Refusal::Mismatch)
}
