//! The keychain store against the real Secret Service (gnome-keyring in a private D-Bus
//! session; run through ./scripts/test).

use lexguard::store::{KeychainStore, SecretStore, Vault};
use std::sync::Arc;

fn service(name: &str) -> String {
    format!("lexguard-test-{name}-{}", std::process::id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run ./scripts/test"]
async fn round_trip_missing_and_idempotent_delete() {
    let store = Arc::new(KeychainStore::new(service("roundtrip")));
    let vault = Vault::new(store.clone());
    assert!(
        vault
            .tokens()
            .await
            .expect("empty keychain answers")
            .is_none()
    );
    let big = "x".repeat(4096);
    let s = store.clone();
    let b = big.clone();
    tokio::task::spawn_blocking(move || s.set("tokens", &b))
        .await
        .expect("join")
        .expect("set 4 KB");
    let s = store.clone();
    let back = tokio::task::spawn_blocking(move || s.get("tokens"))
        .await
        .expect("join")
        .expect("get");
    assert_eq!(back.as_deref(), Some(big.as_str()));
    vault.delete("tokens").await.expect("delete");
    vault.delete("tokens").await.expect("delete again is fine");
    assert!(vault.tokens().await.expect("read").is_none());
}

// An unreachable Secret Service (no bus) is covered through the binary in
// tests/cli.rs: an_unreachable_keychain_is_named_and_nothing_is_lost.
