use super::*;
use std::path::Path;

fn settings(c: &Config) -> Settings {
    Settings::from_config(c, Lang::De, false, false, false, "/x".into())
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
    let applied = two.apply(&c);
    assert_eq!(applied.schedule.check_every, Duration::from_secs(120));
    assert!(applied.validate().is_ok());
    let mut five = s.clone();
    five.check_every_secs = 300;
    assert!(five.apply(&c).validate().is_ok(), "5 minutes is allowed");
    let mut seven = s;
    seven.check_every_secs = 420;
    let problem = seven
        .apply(&c)
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
    let mut same = c.clone();
    same.app.language = Some(Lang::De);
    assert_eq!(s.apply(&c), same, "nothing edited, nothing changed");
    let mut english = s.clone();
    english.language = Lang::En;
    let back = english.apply(&c);
    assert_eq!(back.schedule, c.schedule);
    assert_eq!(back.app.language, Some(Lang::En));
}

/// The file a language-only save writes has every duration exactly as the person wrote it.
#[test]
fn a_language_save_leaves_every_duration_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, HAND_WRITTEN).expect("write");
    let c = Config::load(&path).expect("load");
    let mut s = settings(&c);
    s.language = Lang::En;
    s.apply(&c).save(&path).expect("save");
    let text = std::fs::read_to_string(&path).expect("read");
    for line in HAND_WRITTEN
        .lines()
        .filter(|l| l.contains(" = \"") && !l.starts_with("client_id"))
    {
        assert!(text.lines().any(|l| l == line), "{line:?} kept in:\n{text}");
    }
    assert!(text.contains("language = \"en\""), "{text}");
    assert_eq!(Config::load(&path).expect("reload").schedule, c.schedule);
}
