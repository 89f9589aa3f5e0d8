//! Reading a `com.canonical.dbusmenu` layout the way a host shows it, and the D-Bus value
//! helpers that go with it (variant unwrapping), apart from the watcher that fetches it.

use zbus::zvariant::Value;

/// One entry of a dbusmenu, as a host would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItem {
    pub id: i32,
    /// With the mnemonic markers removed (`"_Öffnen…"` → `"Öffnen…"`, `"__"` → `"_"`);
    /// `""` for separators.
    pub label: String,
    /// Default true.
    pub enabled: bool,
    /// Default true.
    pub visible: bool,
    /// `"checkmark"`, `"radio"`, `""` (none); `"separator"` for separators (which are kept).
    pub toggle_type: String,
    /// 0 off, 1 on, -1 (default) indeterminate / not a toggle.
    pub toggle_state: i32,
    /// The entries of a submenu.
    pub children: Vec<MenuItem>,
}

impl MenuItem {
    /// This entry and all below it, depth-first (the entry before its children).
    pub(crate) fn walk<'a>(&'a self, out: &mut Vec<&'a MenuItem>) {
        out.push(self);
        for child in &self.children {
            child.walk(out);
        }
    }
}

/// The value inside any number of variant wrappers.
pub(crate) fn strip<'v, 'a>(mut v: &'v Value<'a>) -> &'v Value<'a> {
    while let Value::Value(inner) = v {
        v = inner;
    }
    v
}

pub(crate) fn as_string(v: &Value<'_>) -> Option<String> {
    match strip(v) {
        Value::Str(s) => Some(s.as_str().to_string()),
        Value::ObjectPath(p) => Some(p.as_str().to_string()),
        _ => None,
    }
}

pub(crate) fn bad_layout(what: String) -> zbus::Error {
    zbus::Error::Failure(format!("unexpected dbusmenu layout: {what}"))
}

/// Parses one `(ia{sv}av)` layout node and, recursively, its children.
pub(crate) fn parse_menu_item(v: &Value<'_>) -> zbus::Result<MenuItem> {
    let Value::Structure(node) = strip(v) else {
        return Err(bad_layout(format!("node is not a structure: {v:?}")));
    };
    let [id, props, children] = node.fields() else {
        return Err(bad_layout(format!(
            "node has {} fields",
            node.fields().len()
        )));
    };
    let (Value::I32(id), Value::Dict(props), Value::Array(children)) =
        (strip(id), strip(props), strip(children))
    else {
        return Err(bad_layout(format!("node is not (ia{{sv}}av): {v:?}")));
    };
    let mut item = MenuItem {
        id: *id,
        label: String::new(),
        enabled: true,
        visible: true,
        toggle_type: String::new(),
        toggle_state: -1,
        children: Vec::new(),
    };
    let mut separator = false;
    for (key, value) in props.iter() {
        let Some(key) = as_string(key) else { continue };
        match (key.as_str(), strip(value)) {
            ("label", Value::Str(s)) => item.label = strip_mnemonics(s.as_str()),
            ("enabled", Value::Bool(b)) => item.enabled = *b,
            ("visible", Value::Bool(b)) => item.visible = *b,
            ("toggle-type", Value::Str(s)) => item.toggle_type = s.as_str().to_string(),
            ("toggle-state", Value::I32(n)) => item.toggle_state = *n,
            ("type", Value::Str(s)) => separator = s.as_str() == "separator",
            _ => {}
        }
    }
    if separator {
        item.label.clear();
        item.toggle_type = "separator".to_string();
    }
    for child in children.inner() {
        item.children.push(parse_menu_item(child)?);
    }
    Ok(item)
}

/// Removes GTK mnemonic markers: a single `_` goes, `__` becomes `_`.
fn strip_mnemonics(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut chars = label.chars();
    while let Some(c) = chars.next() {
        if c != '_' {
            out.push(c);
        } else if let Some(next) = chars.next() {
            // "__" is a literal underscore; "_x" marks x as the mnemonic.
            out.push(next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_are_stripped() {
        assert_eq!(strip_mnemonics("_Öffnen…"), "Öffnen…");
        assert_eq!(strip_mnemonics("Jetzt _erneuern"), "Jetzt erneuern");
        assert_eq!(strip_mnemonics("a__b"), "a_b");
        assert_eq!(strip_mnemonics("snake__case_x"), "snake_casex");
        assert_eq!(strip_mnemonics("trailing_"), "trailing");
        assert_eq!(strip_mnemonics(""), "");
    }

    #[test]
    fn variant_wrappers_are_stripped() {
        let v = Value::Value(Box::new(Value::Value(Box::new(Value::from("x")))));
        assert_eq!(as_string(&v).as_deref(), Some("x"));
        assert_eq!(as_string(&Value::from(1i32)), None);
    }
}
