//! How a token set is laid out in the keychain so that it fits every keychain.
//!
//! Windows' Credential Manager holds at most 2,560 bytes (1,280 UTF-16 units) per credential,
//! and Lexware's access tokens may be 4,096 characters long. So the set is split, the same way
//! on every platform:
//!
//! - `tokens` (the head): the refresh token and the set's facts, plus a reference to the
//!   access token: its slot (`a` or `b`), the number of parts and a random generation.
//! - `tokens-access-<slot>-<i>`: the access token in parts of at most [`PART_UNITS`], each
//!   tagged `<generation>:`.
//!
//! Writing puts the parts into the slot the current head does *not* use, then writes the head
//! (the one write that switches to the new set), then deletes the old slot's parts. A write
//! that stops half-way leaves the old head with its old, untouched parts: whole. Reading takes
//! the parts the head names and accepts them only with the head's generation, so a new access
//! token is never paired with an old refresh token (or the other way round). Parts that do not
//! match even after a re-read (a part deleted by hand) leave the refresh token usable: the set
//! comes back with no access token, already expired, and the next tick refreshes it.
//!
//! A `tokens` entry of the old single-entry layout (the access token inside the head) is read
//! as it is and replaced by the next write in one step (parts first, then the head): it is
//! never deleted before the new set is complete. Readers never write it back themselves: a
//! reader holds no lock, and writing an old pair after another process rotated would lose the
//! new refresh token.

use super::{SecretStore, StoreError, TokenSet, names};
use crate::error::KeychainFault;
use crate::secret::{AccessToken, RefreshToken};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The most UTF-16 units any entry may hold: below Windows' 1,280 with room to spare.
pub const ENTRY_MAX_UNITS: usize = 1200;
/// UTF-16 units of the access token per part (the generation tag comes on top).
pub const PART_UNITS: usize = 1000;
/// Parts per access token: 8,000 units, twice the 4,096 characters Lexware documents. A longer
/// token is refused (the engine then keeps the set in its rescue file).
pub const MAX_PARTS: usize = 8;
const SLOTS: [&str; 2] = ["a", "b"];
/// How often a read is repeated when parts and head disagree (a write in another process).
const READ_TRIES: usize = 3;

/// The name of one part of the access token.
pub fn part_name(slot: &str, index: usize) -> String {
    format!("{}-access-{slot}-{index}", names::TOKENS)
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
struct AccessRef {
    slot: String,
    parts: usize,
    generation: String,
}

#[derive(Serialize, Deserialize)]
struct HeadWire {
    /// Only in the old single-entry layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access: Option<AccessRef>,
    refresh_token: String,
    expires_at: DateTime<Utc>,
    issued_at: DateTime<Utc>,
    connected_at: DateTime<Utc>,
    #[serde(default)]
    scope: Option<String>,
}

/// A parsed head: the set's facts and where its access token is.
struct Head {
    raw: String,
    wire: HeadWire,
}

impl Head {
    fn parse(raw: String) -> Option<Head> {
        let wire: HeadWire = serde_json::from_str(&raw).ok()?;
        if wire.access_token.is_some() == wire.access.is_some() {
            return None;
        }
        if let Some(a) = &wire.access
            && (!SLOTS.contains(&a.slot.as_str()) || a.parts == 0 || a.parts > MAX_PARTS)
        {
            return None;
        }
        Some(Head { raw, wire })
    }

    fn with_access(&self, access: AccessToken, expires_at: DateTime<Utc>) -> TokenSet {
        let w = &self.wire;
        TokenSet {
            access,
            refresh: RefreshToken::new(w.refresh_token.clone()),
            expires_at,
            issued_at: w.issued_at,
            connected_at: w.connected_at,
            scope: w.scope.clone(),
        }
    }
}

fn corrupt(detail: &str) -> StoreError {
    StoreError {
        fault: KeychainFault::Corrupt,
        detail: detail.into(),
    }
}

fn read_head(store: &dyn SecretStore) -> Result<Option<Head>, StoreError> {
    match store.get(names::TOKENS)? {
        None => Ok(None),
        Some(raw) => Head::parse(raw)
            .map(Some)
            .ok_or_else(|| corrupt("entry 'tokens' is not in the expected format")),
    }
}

/// The access token a head points to; `None` when a part is missing or of another generation.
fn read_parts(store: &dyn SecretStore, r: &AccessRef) -> Result<Option<String>, StoreError> {
    let mut access = String::new();
    let tag = format!("{}:", r.generation);
    for i in 0..r.parts {
        match store.get(&part_name(&r.slot, i))? {
            Some(v) if v.starts_with(&tag) => access.push_str(&v[tag.len()..]),
            _ => return Ok(None),
        }
    }
    Ok(Some(access))
}

/// The stored token set, in either layout. Errors are the store's; a head that cannot be
/// parsed is `Corrupt` (never "absent": that would make lexguard think it is not connected).
pub fn read(store: &dyn SecretStore) -> Result<Option<TokenSet>, StoreError> {
    for attempt in 0..READ_TRIES {
        let Some(head) = read_head(store)? else {
            return Ok(None);
        };
        let access_ref = match (&head.wire.access_token, &head.wire.access) {
            (Some(inline), _) => {
                let a = AccessToken::new(inline.clone());
                return Ok(Some(head.with_access(a, head.wire.expires_at)));
            }
            (None, Some(r)) => r.clone(),
            (None, None) => return Err(corrupt("entry 'tokens' has no access token")),
        };
        if let Some(access) = read_parts(store, &access_ref)? {
            let a = AccessToken::new(access);
            return Ok(Some(head.with_access(a, head.wire.expires_at)));
        }
        if attempt + 1 == READ_TRIES {
            tracing::warn!(
                "the access token's parts in the keychain do not match the refresh token; using the refresh token alone"
            );
            // No access token: expired since the refresh token was issued, so the next tick
            // refreshes. The refresh token (the one that matters) is kept.
            let issued = head.wire.issued_at;
            return Ok(Some(
                head.with_access(AccessToken::new(String::new()), issued),
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(None)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The access token cut into parts of at most [`PART_UNITS`] UTF-16 units, on char boundaries.
fn split(access: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in access.char_indices() {
        if units + c.len_utf16() > PART_UNITS {
            parts.push(&access[start..i]);
            (start, units) = (i, 0);
        }
        units += c.len_utf16();
    }
    if start < access.len() || parts.is_empty() {
        parts.push(&access[start..]);
    }
    parts
}

fn too_long(what: &str, units: usize) -> StoreError {
    StoreError {
        fault: KeychainFault::Failed,
        detail: format!("{what} too long for the keychain ({units} UTF-16 units)"),
    }
}

/// Writes `t` so that the old set stays whole until the new head is written (see the module
/// docs). Writing back the set that is already stored rewrites the head alone: one write that
/// shows the keychain takes writes, with the same content.
pub fn write(store: &dyn SecretStore, t: &TokenSet) -> Result<(), StoreError> {
    let old = match read_head(store) {
        Ok(h) => h,
        Err(e) if e.fault == KeychainFault::Corrupt => None,
        Err(e) => return Err(e),
    };
    if let Some(h) = &old
        && h.wire.access.is_some()
        && read(store)?.as_ref() == Some(t)
    {
        return store.set(names::TOKENS, &h.raw);
    }
    let old_ref = old.and_then(|h| h.wire.access);
    let slot = match &old_ref {
        Some(r) if r.slot == SLOTS[0] => SLOTS[1],
        _ => SLOTS[0],
    };
    let parts = split(t.access.expose());
    if parts.len() > MAX_PARTS {
        return Err(too_long("access token", utf16_len(t.access.expose())));
    }
    let new_ref = AccessRef {
        slot: slot.into(),
        parts: parts.len(),
        generation: format!("{:016x}", rand::random::<u64>()),
    };
    let head = serde_json::to_string(&HeadWire {
        access_token: None,
        access: Some(new_ref.clone()),
        refresh_token: t.refresh.expose().into(),
        expires_at: t.expires_at,
        issued_at: t.issued_at,
        connected_at: t.connected_at,
        scope: t.scope.clone(),
    })
    .map_err(|e| corrupt(&format!("token set not serialized: {e}")))?;
    if utf16_len(&head) > ENTRY_MAX_UNITS {
        return Err(too_long("refresh token and facts", utf16_len(&head)));
    }
    for (i, part) in parts.iter().enumerate() {
        store.set(
            &part_name(slot, i),
            &format!("{}:{part}", new_ref.generation),
        )?;
    }
    store.set(names::TOKENS, &head)?;
    if let Some(r) = old_ref {
        // The new set is complete; the old parts are leftovers. Failing here loses nothing.
        for i in 0..r.parts {
            if let Err(e) = store.delete(&part_name(&r.slot, i)) {
                tracing::warn!(detail = %e.detail, "an old part of the access token was not deleted");
            }
        }
    }
    Ok(())
}

/// Deletes the whole set: the head first (from then on there is no set), then every part
/// either slot may hold, also leftovers of an interrupted write.
pub fn delete(store: &dyn SecretStore) -> Result<(), StoreError> {
    store.delete(names::TOKENS)?;
    for slot in SLOTS {
        for i in 0..MAX_PARTS {
            store.delete(&part_name(slot, i))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
