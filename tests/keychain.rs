//! The token set in the real platform keychain: the Secret Service on Linux (gnome-keyring in a
//! private D-Bus session: `scripts/in-session`, run by ./scripts/test) and Windows' Credential
//! Manager (under Wine: `scripts/test-windows`). Lexware's access tokens may be 4,096
//! characters; Windows holds at most 2,560 bytes per credential.

use chrono::{Duration, Utc};
use lexguard::store::token_layout::{ENTRY_MAX_UNITS, MAX_PARTS, part_name};
use lexguard::store::{KeychainStore, SecretStore, TokenSet, Vault};
use lexguard::{AccessToken, RefreshToken};
use std::sync::Arc;

fn service(name: &str) -> String {
    format!("lexguard-test-{name}-{}", std::process::id())
}

fn token_set(access: String, refresh: &str) -> TokenSet {
    let now = Utc::now();
    TokenSet {
        access: AccessToken::new(access),
        refresh: RefreshToken::new(refresh),
        expires_at: now + Duration::hours(4),
        issued_at: now,
        connected_at: now - Duration::days(2),
        scope: Some("profile.read event-subscriptions.read".into()),
    }
}

/// 4,096 characters with a marker every 100, so a part out of place or missing shows.
fn long_access(marker: char) -> String {
    (0..4096)
        .map(|i| {
            if i % 100 == 0 {
                marker
            } else {
                char::from(b'a' + (i % 26) as u8)
            }
        })
        .collect()
}

/// A blocking store call off the runtime (the Secret Service's client panics inside one).
async fn blocking<T: Send + 'static>(
    store: &Arc<KeychainStore>,
    f: impl FnOnce(&KeychainStore) -> T + Send + 'static,
) -> T {
    let s = store.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .expect("join")
}

/// Every entry the layout may use, with its value.
async fn entries(store: &Arc<KeychainStore>) -> Vec<(String, String)> {
    blocking(store, |s| {
        let mut names = vec!["tokens".to_string()];
        for slot in ["a", "b"] {
            names.extend((0..MAX_PARTS).map(|i| part_name(slot, i)));
        }
        names
            .into_iter()
            .filter_map(|n| s.get(&n).expect("read").map(|v| (n, v)))
            .collect()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(windows),
    ignore = "needs a Secret Service session: run ./scripts/test"
)]
async fn a_4096_character_access_token_is_stored_whole_and_a_rotation_replaces_it() {
    let store = Arc::new(KeychainStore::new(service("long")));
    let vault = Vault::new(store.clone());
    assert!(
        vault
            .tokens()
            .await
            .expect("empty keychain answers")
            .is_none()
    );

    let first = token_set(long_access('X'), "refresh-1");
    vault
        .save_tokens(&first)
        .await
        .expect("4,096 characters stored");
    assert_eq!(vault.tokens().await.expect("read"), Some(first.clone()));
    let stored = entries(&store).await;
    for (name, value) in &stored {
        assert!(
            value.encode_utf16().count() <= ENTRY_MAX_UNITS,
            "{name} fits Windows' 1,280 UTF-16 units"
        );
    }
    assert!(stored.len() >= 5, "head and parts: {}", stored.len());

    let second = token_set(long_access('Y'), "refresh-2");
    vault.save_tokens(&second).await.expect("rotation stored");
    let back = vault.tokens().await.expect("read").expect("a set");
    assert_eq!(back, second, "the new pair, whole");
    assert_ne!(back.access, first.access);
    let after = entries(&store).await;
    assert!(
        !after
            .iter()
            .any(|(_, v)| v.contains("refresh-1") || v.contains("aXb")),
        "nothing of the first set is left"
    );

    vault.delete("tokens").await.expect("delete");
    vault.delete("tokens").await.expect("delete again is fine");
    assert!(vault.tokens().await.expect("read").is_none());
    assert!(entries(&store).await.is_empty(), "every part deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(windows),
    ignore = "needs a Secret Service session: run ./scripts/test"
)]
async fn an_old_single_tokens_entry_is_read_and_moved_over() {
    let store = Arc::new(KeychainStore::new(service("old-layout")));
    let vault = Vault::new(store.clone());
    // The old layout: the whole set as one JSON entry (small enough for Windows too).
    let old = token_set("a".repeat(800), "refresh-old");
    let json = old.to_json();
    blocking(&store, move |s| s.set("tokens", &json))
        .await
        .expect("old entry written");
    assert_eq!(vault.tokens().await.expect("read"), Some(old.clone()));

    vault.save_tokens(&old).await.expect("moved over");
    let head = blocking(&store, |s| s.get("tokens")).await.expect("read");
    assert!(
        !head.expect("head").contains("access_token"),
        "the head no longer holds the access token"
    );
    assert_eq!(vault.tokens().await.expect("read"), Some(old));
    vault.delete("tokens").await.expect("delete");
    assert!(entries(&store).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(windows),
    ignore = "needs a Secret Service session: run ./scripts/test"
)]
async fn round_trip_missing_and_idempotent_delete() {
    let store = Arc::new(KeychainStore::new(service("roundtrip")));
    let value = "x".repeat(1000);
    let v = value.clone();
    blocking(&store, move |s| s.set("client-secret", &v))
        .await
        .expect("set");
    let back = blocking(&store, |s| s.get("client-secret"))
        .await
        .expect("get");
    assert_eq!(back.as_deref(), Some(value.as_str()));
    blocking(&store, |s| s.delete("client-secret"))
        .await
        .expect("delete");
    blocking(&store, |s| s.delete("client-secret"))
        .await
        .expect("delete again is fine");
    assert_eq!(
        blocking(&store, |s| s.get("client-secret"))
            .await
            .expect("get"),
        None
    );
}

// An unreachable Secret Service (no bus) is covered through the binary in
// tests/cli.rs: an_unreachable_keychain_is_named_and_nothing_is_lost.
