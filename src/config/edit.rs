//! A save of config.toml is an edit of the person's document, never a rewrite: only the keys
//! whose value changed are changed, added or removed; comments, blank lines, key order, the
//! spelling of every untouched value (`"90s"` stays `"90s"`) and whole sections nobody touched
//! (`[alerts]`, `[[webhooks]]` written by hand) stay byte for byte.
//!
//! How: both configurations are serialized to TOML values; where they differ, the document
//! (`toml_edit`) is patched. Entries of an array of tables (`[[webhooks]]`) are matched by
//! their content first, so removing one entry keeps the others' comments with them.

use super::Config;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

/// `text` (which reads as `old`) changed so that it reads as `new`. `None` when a
/// configuration cannot be expressed as TOML (not for any [`Config`] lexguard builds).
pub(crate) fn patched(text: &str, old: &Config, new: &Config) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    // `new` as lexguard would write it whole: added keys follow its order of the settings.
    let order: Option<DocumentMut> = toml::to_string_pretty(new)
        .ok()
        .and_then(|t| t.parse().ok());
    let old = table_of(old)?;
    let new = table_of(new)?;
    let order = order.as_ref().map(DocumentMut::as_table);
    patch(doc.as_table_mut(), &old, &new, order);
    Some(doc.to_string())
}

fn table_of(c: &Config) -> Option<toml::Table> {
    match toml::Value::try_from(c).ok()? {
        toml::Value::Table(t) => Some(t),
        _ => None,
    }
}

/// Makes the document table `doc` (which reads as `old`) read as `new`. `order`: the same
/// table as lexguard writes it whole, whose key order added keys follow.
fn patch(doc: &mut Table, old: &toml::Table, new: &toml::Table, order: Option<&Table>) {
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        doc.remove(key);
    }
    let ordered = order.into_iter().flat_map(Table::iter).map(|(k, _)| k);
    let keys: Vec<&str> = ordered
        .filter(|k| new.contains_key(*k))
        .chain(new.keys().map(String::as_str))
        .collect();
    let mut done = std::collections::BTreeSet::new();
    for key in keys.into_iter().filter(|k| done.insert(*k)) {
        let (before, value) = (old.get(key), &new[key]);
        if before != Some(value) {
            set(doc, key, before, value, order.and_then(|o| o.get(key)));
        }
    }
}

fn set(
    doc: &mut Table,
    key: &str,
    old: Option<&toml::Value>,
    new: &toml::Value,
    order: Option<&Item>,
) {
    let empty = toml::Table::new();
    let order_table = order.and_then(Item::as_table);
    let order_list = order.and_then(Item::as_array_of_tables);
    match (doc.get_mut(key), new) {
        (Some(Item::Table(t)), toml::Value::Table(n)) => {
            let old = old.and_then(toml::Value::as_table).unwrap_or(&empty);
            patch(t, old, n, order_table);
        }
        (Some(Item::ArrayOfTables(a)), toml::Value::Array(n)) if tables(new).is_some() => {
            let old = old.and_then(toml::Value::as_array).map(Vec::as_slice);
            patch_list(a, old.unwrap_or_default(), n, order_list);
        }
        (Some(Item::Value(v)), n) if !n.is_table() => {
            // The value's own spacing and trailing comment stay.
            let decor = v.decor().clone();
            *v = value(n);
            *v.decor_mut() = decor;
        }
        (_, toml::Value::Table(n)) => {
            // Only the keys that differ from what the missing section meant (its defaults).
            let mut t = Table::new();
            let old = old.and_then(toml::Value::as_table).unwrap_or(&empty);
            patch(&mut t, old, n, order_table);
            doc.insert(key, Item::Table(t));
        }
        (_, n) => {
            let item = match tables(n) {
                Some(list) if !list.is_empty() => {
                    let mut a = ArrayOfTables::new();
                    for (i, t) in list.into_iter().enumerate() {
                        a.push(fresh_table(t, order_list.and_then(|o| o.get(i))));
                    }
                    Item::ArrayOfTables(a)
                }
                _ => Item::Value(value(n)),
            };
            doc.insert(key, item);
        }
    }
}

/// The tables of an array that holds only tables.
fn tables(v: &toml::Value) -> Option<Vec<&toml::Table>> {
    v.as_array()?.iter().map(toml::Value::as_table).collect()
}

/// `[[…]]` entries: an entry equal to an old one keeps that old one's text (and comments);
/// a changed entry patches an old one not matched otherwise; the rest are added. Order as in
/// `new`, in the places the old entries had.
fn patch_list(
    doc: &mut ArrayOfTables,
    old: &[toml::Value],
    new: &[toml::Value],
    order: Option<&ArrayOfTables>,
) {
    let order_of = |i: usize| order.and_then(|o| o.get(i));
    if doc.len() != old.len() {
        // Not the document `old` was read from: write the list whole.
        doc.clear();
        for (i, t) in new.iter().filter_map(toml::Value::as_table).enumerate() {
            doc.push(fresh_table(t, order_of(i)));
        }
        return;
    }
    let mut taken = vec![false; old.len()];
    let mut plan: Vec<Option<usize>> = new
        .iter()
        .map(|n| {
            let j = (0..old.len()).find(|&j| !taken[j] && old[j] == *n)?;
            taken[j] = true;
            Some(j)
        })
        .collect();
    for slot in plan.iter_mut().filter(|s| s.is_none()) {
        if let Some(j) = (0..old.len()).find(|&j| !taken[j]) {
            taken[j] = true;
            *slot = Some(j);
        }
    }
    let mut positions: Vec<isize> = plan
        .iter()
        .flatten()
        .filter_map(|&j| doc.get(j).and_then(Table::position))
        .collect();
    positions.sort_unstable();
    let mut positions = positions.into_iter();
    let empty = toml::Table::new();
    let mut rebuilt = ArrayOfTables::new();
    for (i, (n, slot)) in new.iter().zip(plan).enumerate() {
        let n = n.as_table().unwrap_or(&empty);
        let table = match slot.and_then(|j| Some((j, doc.get(j)?.clone()))) {
            Some((j, mut t)) => {
                patch(&mut t, old[j].as_table().unwrap_or(&empty), n, order_of(i));
                t.set_position(positions.next());
                t
            }
            None => fresh_table(n, order_of(i)),
        };
        rebuilt.push(table);
    }
    *doc = rebuilt;
}

fn fresh_table(n: &toml::Table, order: Option<&Table>) -> Table {
    let mut t = Table::new();
    patch(&mut t, &toml::Table::new(), n, order);
    t
}

fn value(v: &toml::Value) -> toml_edit::Value {
    match v {
        toml::Value::String(s) => s.as_str().into(),
        toml::Value::Integer(i) => (*i).into(),
        toml::Value::Float(f) => (*f).into(),
        toml::Value::Boolean(b) => (*b).into(),
        toml::Value::Datetime(d) => d
            .to_string()
            .parse()
            .unwrap_or_else(|_| d.to_string().into()),
        toml::Value::Array(a) => a.iter().map(value).collect::<toml_edit::Array>().into(),
        toml::Value::Table(t) => t
            .iter()
            .map(|(k, v)| (k.clone(), value(v)))
            .collect::<toml_edit::InlineTable>()
            .into(),
    }
}

#[cfg(test)]
mod tests;
