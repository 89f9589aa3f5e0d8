use super::super::{Config, WebhookSpec};
use crate::Lang;
use std::path::Path;
use std::time::Duration;

/// What a person writes by hand: comments everywhere, their own spelling, `[alerts]` and
/// `[[webhooks]]` that no window knows about.
const HAND: &str = r#"# lexguard – von Hand gepflegt
[lexware]
client_id = "abc"   # aus developers.lexware.io

# Prüfen alle 90 Sekunden
[schedule]
check_every = "90s"
remind_every = "30m"

# Shop-Hooks
[[webhooks]]
# Rechnungen an den Shop
event_type = "invoice.created"
callback_url = "https://shop.example/hooks/invoice"

[[webhooks]]
event_type = "contact.changed" # Kontakte
callback_url = "https://shop.example/hooks/contact"

# Überwachung
[alerts]
ping_url = "https://hc.example/ping/1234" # Healthchecks
command = ["/usr/local/bin/melden", "--mail"]
"#;

fn edit(text: &str, change: impl FnOnce(&mut Config)) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write");
    Config::edit(&path, change).expect("edit");
    std::fs::read_to_string(&path).expect("read")
}

fn parse(text: &str) -> Config {
    Config::parse(text, Path::new("/x/config.toml")).expect("valid")
}

/// The lines of `text` that are not in `after`.
fn lost(text: &str, after: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !after.lines().any(|a| a == *l))
        .map(str::to_string)
        .collect()
}

#[test]
fn an_edit_changes_only_its_key_and_keeps_every_other_line() {
    let after = edit(HAND, |c| c.app.language = Some(Lang::En));
    assert!(lost(HAND, &after).is_empty(), "{after}");
    assert!(after.starts_with(HAND), "added at the end:\n{after}");
    assert!(after.contains("[app]\nlanguage = \"en\""), "{after}");
    assert_eq!(parse(&after).app.language, Some(Lang::En));
}

#[test]
fn a_changed_value_keeps_its_comment_and_place() {
    let after = edit(HAND, |c| c.schedule.check_every = Duration::from_secs(120));
    assert_eq!(
        lost(HAND, &after),
        vec!["check_every = \"90s\"".to_string()],
        "{after}"
    );
    assert_eq!(after, HAND.replace("\"90s\"", "\"2m\""));
    let after = edit(HAND, |c| c.lexware.client_id = Some("neu".into()));
    assert_eq!(after, HAND.replace("\"abc\"", "\"neu\""));
}

#[test]
fn a_whole_save_of_the_same_values_changes_nothing() {
    let c = parse(HAND);
    assert_eq!(edit(HAND, |new| *new = c.clone()), HAND);
    // A default that nobody wrote stays unwritten.
    assert_eq!(
        edit(HAND, |new| new.schedule.gap_after =
            Duration::from_secs(300)),
        HAND
    );
}

#[test]
fn a_removed_key_goes_and_nothing_else() {
    let after = edit(HAND, |c| c.lexware.client_id = None);
    assert_eq!(
        lost(HAND, &after),
        vec!["client_id = \"abc\"   # aus developers.lexware.io"]
    );
    assert_eq!(parse(&after).lexware.client_id, None);
}

#[test]
fn webhooks_keep_their_comments_when_one_is_removed_added_or_changed() {
    let mut c = parse(HAND);
    c.webhooks.remove(0);
    let after = edit(HAND, |new| *new = c.clone());
    assert!(
        after.contains("event_type = \"contact.changed\" # Kontakte"),
        "{after}"
    );
    assert!(!after.contains("invoice.created"), "{after}");
    assert!(after.contains("# Überwachung\n[alerts]"), "{after}");
    assert_eq!(parse(&after), c);

    let after = edit(HAND, |new| {
        new.webhooks.push(WebhookSpec {
            event_type: "voucher.created".into(),
            callback_url: "https://shop.example/hooks/voucher".into(),
        })
    });
    assert!(lost(HAND, &after).is_empty(), "{after}");
    let added = after.find("voucher.created").expect("added");
    assert!(added < after.find("[alerts]").expect("alerts"), "{after}");
    assert!(
        after.contains("[[webhooks]]\nevent_type = \"voucher.created\"\ncallback_url = "),
        "an added entry in the settings' own order: {after}"
    );
    assert_eq!(parse(&after).webhooks.len(), 3);

    let after = edit(HAND, |new| {
        new.webhooks[1].callback_url = "https://shop.example/v2/contact".into()
    });
    assert!(
        after.contains("event_type = \"contact.changed\" # Kontakte"),
        "{after}"
    );
    assert!(after.contains("https://shop.example/v2/contact"), "{after}");
    assert_eq!(lost(HAND, &after).len(), 1, "{after}");
}

#[test]
fn an_empty_or_missing_file_gets_the_whole_configuration() {
    let after = edit("", |c| c.schedule.check_every = Duration::from_secs(120));
    assert!(
        after.contains("[schedule]\ncheck_every = \"2m\""),
        "{after}"
    );
    assert!(
        after.contains("refresh_before = \"15m\""),
        "every setting: {after}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    let c = Config::edit(&path, |c| c.lexware.client_id = Some("abc".into())).expect("edit");
    assert_eq!(Config::load(&path).expect("load"), c);
}

#[test]
fn a_refused_change_or_a_broken_file_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, HAND).expect("write");
    let e = Config::edit(&path, |c| c.schedule.check_every = Duration::from_secs(420))
        .expect_err("7 minutes is out of range");
    assert!(matches!(e, crate::Error::Config { .. }), "{e:?}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), HAND);
    let broken = format!("{HAND}\n[schedule]\ncheck_every = 2m\n");
    std::fs::write(&path, &broken).expect("write");
    assert!(Config::edit(&path, |c| c.app.language = Some(Lang::De)).is_err());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}
