use super::*;
use crate::store::MemoryStore;

/// Windows' Credential Manager: 2,560 bytes = 1,280 UTF-16 units per credential.
const WINDOWS_UNITS: usize = 1280;

fn set(access: &str, refresh: &str) -> TokenSet {
    let now = Utc::now();
    TokenSet {
        access: AccessToken::new(access),
        refresh: RefreshToken::new(refresh),
        expires_at: now + chrono::Duration::hours(4),
        issued_at: now,
        connected_at: now - chrono::Duration::days(3),
        scope: Some("profile.read".into()),
    }
}

fn windows_like() -> MemoryStore {
    let m = MemoryStore::new();
    m.refuse_longer_than(WINDOWS_UNITS);
    m
}

/// 4,096 characters, each position different, so a part out of order shows.
fn long_token(tag: char) -> String {
    (0..4096)
        .map(|i| {
            if i % 97 == 0 {
                tag
            } else {
                char::from(b'a' + (i % 26) as u8)
            }
        })
        .collect()
}

fn parts_in(m: &MemoryStore) -> Vec<String> {
    m.names()
        .into_iter()
        .filter(|n| n.starts_with("tokens-access-"))
        .collect()
}

#[test]
fn a_4096_character_access_token_fits_windows_and_reads_back_whole() {
    let m = windows_like();
    let t = set(&long_token('X'), "R1");
    write(&m, &t).expect("written within Windows' limit");
    assert_eq!(read(&m).expect("read"), Some(t.clone()));
    for name in m.names() {
        let v = m.raw(&name).expect("value");
        assert!(v.encode_utf16().count() <= ENTRY_MAX_UNITS, "{name}");
    }
    assert_eq!(parts_in(&m).len(), 5, "4,096 units in parts of 1,000");
    let head = m.raw(names::TOKENS).expect("head");
    assert!(
        head.contains("R1") && !head.contains("XaXb"),
        "head holds no access token"
    );
}

#[test]
fn a_rotation_replaces_the_set_and_leaves_no_old_parts() {
    let m = windows_like();
    write(&m, &set(&long_token('X'), "R1")).expect("first");
    let second = set(&long_token('Y'), "R2");
    write(&m, &second).expect("second");
    assert_eq!(read(&m).expect("read"), Some(second.clone()));
    let parts = parts_in(&m);
    assert_eq!(parts.len(), 5, "only the new slot: {parts:?}");
    assert!(parts.iter().all(|p| p.starts_with("tokens-access-b-")));
    let third = set("short", "R3");
    write(&m, &third).expect("third");
    assert_eq!(read(&m).expect("read"), Some(third));
    assert_eq!(parts_in(&m), vec!["tokens-access-a-0".to_string()]);
}

#[test]
fn a_write_cut_short_keeps_the_old_set_whole() {
    let m = windows_like();
    let old = set(&long_token('X'), "R1");
    write(&m, &old).expect("first");
    // Three parts of the new set get written, then the keychain refuses.
    m.fail_writes_after(3, KeychainFault::Locked);
    let e = write(&m, &set(&long_token('Y'), "R2")).expect_err("cut short");
    assert_eq!(e.fault, KeychainFault::Locked);
    m.fail_writes(None);
    assert_eq!(
        read(&m).expect("read"),
        Some(old),
        "old pair, old access token"
    );
}

#[test]
fn a_head_with_parts_of_another_generation_never_pairs_them() {
    let m = MemoryStore::new();
    let old = set(&long_token('X'), "R1");
    write(&m, &old).expect("first");
    // Someone else's parts (another generation) in the head's slot.
    let head: serde_json::Value =
        serde_json::from_str(&m.raw(names::TOKENS).expect("head")).expect("json");
    let slot = head["access"]["slot"].as_str().expect("slot").to_string();
    m.set(&part_name(&slot, 2), "0123456789abcdef:other")
        .expect("set");
    let got = read(&m).expect("read").expect("a set");
    assert_eq!(got.refresh, old.refresh, "the refresh token is kept");
    assert_eq!(got.access.expose(), "", "no access token of another set");
    assert!(
        got.expires_at <= got.issued_at,
        "expired: the next tick refreshes"
    );
}

#[test]
fn the_old_single_entry_is_read_and_replaced_only_by_a_complete_set() {
    let m = MemoryStore::new();
    let old = set(&long_token('X'), "R1");
    m.set(names::TOKENS, &old.to_json()).expect("old layout");
    assert_eq!(read(&m).expect("read old layout"), Some(old.clone()));
    assert_eq!(
        m.names(),
        vec!["tokens".to_string()],
        "reading writes nothing"
    );
    // A write that fails before the head leaves the old entry as it was.
    m.fail_writes_after(1, KeychainFault::Locked);
    write(&m, &set("new", "R2")).expect_err("cut short");
    m.fail_writes(None);
    assert_eq!(m.raw(names::TOKENS), Some(old.to_json()));
    // Writing it back moves it to the new layout.
    write(&m, &old).expect("moved");
    assert_eq!(read(&m).expect("read"), Some(old));
    assert!(!m.raw(names::TOKENS).expect("head").contains("access_token"));
}

#[test]
fn writing_back_the_stored_set_is_one_write_of_the_same_head() {
    let m = MemoryStore::new();
    let t = set(&long_token('X'), "R1");
    write(&m, &t).expect("first");
    let head = m.raw(names::TOKENS);
    m.fail_writes_after(1, KeychainFault::Locked);
    write(&m, &t).expect("one write is enough");
    assert_eq!(m.raw(names::TOKENS), head);
    write(&m, &t).expect_err("the keychain refuses the next write: it was really written");
}

#[test]
fn too_long_tokens_are_refused_before_anything_is_written() {
    let m = MemoryStore::new();
    let huge = "z".repeat(PART_UNITS * MAX_PARTS + 1);
    let e = write(&m, &set(&huge, "R1")).expect_err("too long");
    assert!(e.detail.contains("too long"), "{}", e.detail);
    let e = write(&m, &set("a", &"r".repeat(2000))).expect_err("head too long");
    assert!(e.detail.contains("too long"), "{}", e.detail);
    assert!(m.names().is_empty());
}

#[test]
fn delete_removes_head_and_every_part() {
    let m = MemoryStore::new();
    write(&m, &set(&long_token('X'), "R1")).expect("first");
    write(&m, &set(&long_token('Y'), "R2")).expect("second");
    m.set("client-secret", "keep").expect("set");
    delete(&m).expect("delete");
    delete(&m).expect("again");
    assert_eq!(m.names(), vec!["client-secret".to_string()]);
    assert_eq!(read(&m).expect("read"), None);
}

#[test]
fn parts_split_on_utf16_units_and_char_boundaries() {
    let s = format!("{}{}", "a".repeat(999), "😀".repeat(3));
    let parts = split(&s);
    assert!(parts.iter().all(|p| p.encode_utf16().count() <= PART_UNITS));
    assert_eq!(parts.concat(), s);
    assert_eq!(split(""), vec![""]);
}

#[test]
fn a_head_of_neither_layout_is_corrupt() {
    let m = MemoryStore::new();
    let t = set("a", "r");
    let mut v: serde_json::Value = serde_json::from_str(&t.to_json()).expect("json");
    v["access"] = serde_json::json!({"slot": "a", "parts": 1, "generation": "g"});
    m.set(names::TOKENS, &v.to_string()).expect("set");
    assert_eq!(read(&m).expect_err("both").fault, KeychainFault::Corrupt);
    v.as_object_mut().expect("object").remove("access_token");
    v["access"]["parts"] = serde_json::json!(99);
    m.set(names::TOKENS, &v.to_string()).expect("set");
    assert_eq!(
        read(&m).expect_err("99 parts").fault,
        KeychainFault::Corrupt
    );
}
