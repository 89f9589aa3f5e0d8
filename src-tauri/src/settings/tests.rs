use super::*;
use std::path::Path;

fn settings(c: &Config) -> Settings {
    Settings::from_config(c, Lang::De, false, false, false, "/x".into())
}

fn applied(form: &Settings, shown: &Settings, base: &Config) -> Config {
    let mut c = base.clone();
    form.apply(shown, &mut c);
    c
}

#[test]
fn round_trip_and_ranges() {
    let c = Config::default();
    let s = settings(&c);
    assert_eq!(s.check_every_secs, 60);
    assert_eq!(s.refresh_before_secs, 900);
    assert_eq!(s.remind_every_secs, 4 * 3600);
    let mut two = s.clone();
    two.check_every_secs = 120;
    let new = applied(&two, &s, &c);
    assert_eq!(new.schedule.check_every, Duration::from_secs(120));
    assert!(new.validate().is_ok());
    let mut five = s.clone();
    five.check_every_secs = 300;
    assert!(
        applied(&five, &s, &c).validate().is_ok(),
        "5 minutes is allowed"
    );
    let mut seven = s.clone();
    seven.check_every_secs = 420;
    let problem = applied(&seven, &s, &c)
        .validate()
        .expect_err("7 minutes is out of range");
    assert_eq!(problem.qualified_key(), "schedule.check_every");
    assert!(problem.de.contains("1 bis 5 Minuten"));
}

const HAND_WRITTEN: &str = "[lexware]\nclient_id = \"abc\"\n\n[schedule]\ncheck_every = \"90s\"\nrefresh_before = \"20m\"\nremind_every = \"30m\"\ngap_after = \"5m\"\n";

#[test]
fn values_off_the_minute_grid_survive_settings_and_back() {
    let c = Config::parse(HAND_WRITTEN, Path::new("/x/config.toml")).expect("valid");
    let s = settings(&c);
    assert_eq!(s.check_every_secs, 90);
    assert_eq!(s.remind_every_secs, 1800);
    assert_eq!(applied(&s, &s, &c), c, "nothing edited, nothing changed");
    let mut english = s.clone();
    english.language = Lang::En;
    let back = applied(&english, &s, &c);
    assert_eq!(back.schedule, c.schedule);
    assert_eq!(back.app.language, Some(Lang::En));
}

/// Only what the person changed in the form is written: a value edited by hand in the file
/// after the window loaded its settings stays.
#[test]
fn a_save_writes_only_the_fields_the_person_changed() {
    let shown_config = Config::parse(HAND_WRITTEN, Path::new("/x/config.toml")).expect("valid");
    let shown = settings(&shown_config);
    let mut on_disk = shown_config.clone();
    on_disk.lexware.client_id = Some("by-hand".into());
    on_disk.schedule.remind_every = Duration::from_secs(3600);
    let mut form = shown.clone();
    form.refresh_before_secs = 1800;
    let new = applied(&form, &shown, &on_disk);
    assert_eq!(new.lexware.client_id.as_deref(), Some("by-hand"));
    assert_eq!(new.schedule.remind_every, Duration::from_secs(3600));
    assert_eq!(new.schedule.refresh_before, Duration::from_secs(1800));
    assert_eq!(new.app.language, None, "the language was not touched");
    let mut sandbox = shown.clone();
    sandbox.environment = Environment::Sandbox;
    let new = applied(&sandbox, &shown, &on_disk);
    assert_eq!(new.lexware.api_url, SANDBOX_API);
    assert_eq!(new.lexware.auth_url, SANDBOX_AUTH);
}

/// The file a language-only save writes has every other line exactly as the person wrote it.
#[test]
fn a_language_save_leaves_every_other_line_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, HAND_WRITTEN).expect("write");
    let c = Config::load(&path).expect("load");
    let shown = settings(&c);
    let mut s = shown.clone();
    s.language = Lang::En;
    Config::edit(&path, |c| s.apply(&shown, c)).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with(HAND_WRITTEN), "{text}");
    assert!(text.contains("language = \"en\""), "{text}");
    assert_eq!(Config::load(&path).expect("reload").schedule, c.schedule);
}
