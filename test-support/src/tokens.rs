//! The keychain's token layout, read independently of the core.

/// The token set in a keychain as one JSON object (`access_token`, `refresh_token`, ...),
/// put together from its entries the way `lexguard::store::token_layout` lays them out (written
/// here again, so a test compares against an independent reading): the `tokens` head and the
/// access token's parts, each tagged with the head's generation. `lookup` reads one entry.
pub fn assemble_tokens(lookup: impl Fn(&str) -> Option<String>) -> Option<serde_json::Value> {
    let mut head: serde_json::Value = serde_json::from_str(lookup("tokens")?.trim()).ok()?;
    if head.get("access_token").is_some() {
        return Some(head);
    }
    let access = head.as_object_mut()?.remove("access")?;
    let slot = access["slot"].as_str()?;
    let tag = format!("{}:", access["generation"].as_str()?);
    let mut token = String::new();
    for i in 0..access["parts"].as_u64()? {
        let part = lookup(&format!("tokens-access-{slot}-{i}"))?;
        token.push_str(part.trim_end_matches('\n').strip_prefix(&tag)?);
    }
    head["access_token"] = serde_json::Value::String(token);
    Some(head)
}
