//! A save must not rewrite what nobody touched: a duration whose value is unchanged keeps the
//! person's own spelling (`"90s"` stays `"90s"`, not humantime's `"1m 30s"`).

use super::Schedule;
use std::time::Duration;

/// `new_text` (the serialized config) with each unchanged `[schedule]` duration spelled as in
/// `old_text`. An old file that does not parse changes nothing.
pub(super) fn keep_durations(new_text: String, new: &Schedule, old_text: &str) -> String {
    let Ok(old) = toml::from_str::<toml::Table>(old_text) else {
        return new_text;
    };
    let Some(old_schedule) = old.get("schedule").and_then(|s| s.as_table()) else {
        return new_text;
    };
    let fields: [(&str, Duration); 6] = [
        ("check_every", new.check_every),
        ("refresh_before", new.refresh_before),
        ("validate_every", new.validate_every),
        ("gap_after", new.gap_after),
        ("remind_every", new.remind_every),
        ("refresh_token_lifetime", new.refresh_token_lifetime),
    ];
    let kept: Vec<(&str, &str)> = fields
        .iter()
        .filter_map(|(key, value)| {
            let raw = old_schedule.get(*key)?.as_str()?;
            (humantime::parse_duration(raw).ok()? == *value).then_some((*key, raw))
        })
        .collect();
    if kept.is_empty() {
        return new_text;
    }
    let mut in_schedule = false;
    let mut out = String::with_capacity(new_text.len());
    for line in new_text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_schedule = t == "[schedule]";
        }
        let replaced = in_schedule
            .then(|| t.split_once('='))
            .flatten()
            .and_then(|(k, _)| kept.iter().find(|(key, _)| *key == k.trim()))
            .map(|(key, raw)| format!("{key} = {}", toml::Value::from(*raw)));
        out.push_str(replaced.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_values_keep_their_spelling_changed_ones_do_not() {
        let old = "[schedule]\ncheck_every = \"90s\"\nremind_every = \"30m\"\n";
        let mut s = Schedule {
            check_every: Duration::from_secs(90),
            ..Schedule::default()
        };
        let new = "[schedule]\ncheck_every = \"1m 30s\"\nremind_every = \"4h\"\n".to_string();
        assert_eq!(
            keep_durations(new.clone(), &s, old),
            "[schedule]\ncheck_every = \"90s\"\nremind_every = \"4h\"\n"
        );
        s.check_every = Duration::from_secs(120);
        assert_eq!(keep_durations(new.clone(), &s, old), new);
        assert_eq!(keep_durations(new.clone(), &s, "not = toml = at all"), new);
    }
}
