//! Quiet hours and snooze in the app: the one gate every desktop notification passes, the
//! catch-up when the quiet ends, and the tray's *Stumm schalten* submenu. The rules (which
//! channel is quiet, what was held back) live in the core (`lexguard::quiet`); here they are
//! only applied to the desktop channel.

use crate::notify::Notice;
use lexguard::quiet::{Channel, Delivery, SnoozeRequest, catch_up_title};
use lexguard::{ConnState, Engine, Lang, Status};
use tauri::menu::{MenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime};

/// The menu ids of the submenu (the tray is not built in unit tests).
#[cfg_attr(test, allow(dead_code))]
pub const SNOOZE_HOUR: &str = "snooze-1h";
#[cfg_attr(test, allow(dead_code))]
pub const SNOOZE_MORNING: &str = "snooze-morning";
#[cfg_attr(test, allow(dead_code))]
pub const SNOOZE_OFF: &str = "snooze-off";

/// A notice about to be shown: `None` while the desktop is quiet (held back for the
/// catch-up). Critical urgency only for a lost connection, and only while
/// `[notifications] critical_on_loss` allows it.
pub fn gate(engine: &Engine, mut notice: Notice) -> Option<Notice> {
    let state = engine.status_watch().borrow().state;
    match engine
        .quiet()
        .pass(Channel::Desktop, true, state, engine.now())
    {
        Delivery::Send { .. } | Delivery::CatchUp => {
            notice.urgent = notice.urgent && engine.config().notifications.critical_on_loss;
            Some(notice)
        }
        Delivery::Hold | Delivery::Nothing => None,
    }
}

/// After each status: the one catch-up when the quiet ended and the trouble is still there.
pub fn catch_up(engine: &Engine, status: &Status, lang: Lang) -> Option<Notice> {
    match engine
        .quiet()
        .pass(Channel::Desktop, false, status.state, engine.now())
    {
        Delivery::CatchUp => Some(Notice {
            summary: catch_up_title(&status.headline, lang),
            body: status.message.clone(),
            opens_window: true,
            urgent: status.state == ConnState::AuthLost,
        }),
        _ => None,
    }
}

/// *Stumm schalten* ▸ 1 Stunde / bis morgen 08:00 / Fortsetzen, kept to follow the language
/// and the snooze.
#[cfg_attr(test, allow(dead_code))]
pub struct MuteMenu<R: Runtime> {
    pub submenu: Submenu<R>,
    hour: MenuItem<R>,
    morning: MenuItem<R>,
    off: MenuItem<R>,
}

#[cfg_attr(test, allow(dead_code))]
impl<R: Runtime> MuteMenu<R> {
    pub fn build(app: &AppHandle<R>, lang: Lang) -> tauri::Result<MuteMenu<R>> {
        let item = |id: &str| MenuItem::with_id(app, id, "", true, None::<&str>);
        let (hour, morning, off) = (item(SNOOZE_HOUR)?, item(SNOOZE_MORNING)?, item(SNOOZE_OFF)?);
        let submenu = Submenu::with_items(app, "", true, &[&hour, &morning, &off])?;
        let menu = MuteMenu {
            submenu,
            hour,
            morning,
            off,
        };
        menu.update(None, lang);
        Ok(menu)
    }

    /// Texts in `lang`; *Fortsetzen* only while a snooze is in force.
    pub fn update(&self, status: Option<&Status>, lang: Lang) {
        let _ = self.submenu.set_text(lang.pick("Stumm schalten", "Mute"));
        let _ = self.hour.set_text(lang.pick("1 Stunde", "1 hour"));
        let _ = self
            .morning
            .set_text(lang.pick("bis morgen 08:00", "until 08:00 tomorrow"));
        let _ = self.off.set_text(lang.pick("Fortsetzen", "Resume"));
        let _ = self
            .off
            .set_enabled(status.is_some_and(|s| s.snoozed_until.is_some()));
    }
}

/// A click in the submenu; `false` for any other id.
#[cfg_attr(test, allow(dead_code))]
pub fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) -> bool {
    let request = match id {
        SNOOZE_HOUR => SnoozeRequest::For(chrono::Duration::hours(1)),
        SNOOZE_MORNING => SnoozeRequest::Until(chrono::NaiveTime::MIN + chrono::Duration::hours(8)),
        SNOOZE_OFF => SnoozeRequest::Off,
        _ => return false,
    };
    // One tray, one mute: it holds for every connection.
    if let Some(state) = app.try_state::<crate::AppState>() {
        for m in state.fleet.all() {
            if let Err(e) = m.handle.engine.snooze(request) {
                tracing::warn!(kind = e.kind(), "snooze not stored");
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use lexguard::state::{Persisted, Reason};
    use lexguard::store::MemoryStore;
    use lexguard::{Config, EngineOptions, Home, ManualClock};
    use std::sync::Arc;

    fn engine(home: &std::path::Path, critical_on_loss: bool) -> (Engine, ManualClock) {
        let clock = ManualClock::starting_now();
        let mut config = Config::default();
        config.notifications.critical_on_loss = critical_on_loss;
        let engine = Engine::new(EngineOptions {
            home: Home::at(home),
            config,
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(clock.clone()),
            lang: Lang::De,
            client_secret: None,
            schedule_override: None,
        });
        (engine, clock)
    }

    fn lost_notice() -> Notice {
        Notice {
            summary: "Verbindung zu Lexware verloren".into(),
            body: "…".into(),
            opens_window: true,
            urgent: true,
        }
    }

    fn status(engine: &Engine, state: ConnState, reason: Option<Reason>) -> Status {
        let st = serde_json::from_value::<Persisted>(serde_json::json!({
            "state": state,
            "reason": reason,
            "company": "Demo GmbH",
        }))
        .expect("a state");
        let c = engine.config();
        Status::build(&st, &c, &c.schedule, engine.now(), Lang::De)
    }

    #[test]
    fn snoozed_desktop_holds_back_and_catches_up_once() {
        let home = tempfile::tempdir().expect("home");
        let (engine, clock) = engine(home.path(), true);
        assert!(gate(&engine, lost_notice()).expect("not quiet").urgent);
        let (until, s) = engine
            .snooze(SnoozeRequest::For(chrono::Duration::hours(1)))
            .expect("snooze");
        assert!(until.is_some() && s.quiet && s.quiet_line.is_some());
        assert_eq!(gate(&engine, lost_notice()), None, "muted");
        let lost = status(&engine, ConnState::AuthLost, Some(Reason::InvalidGrant));
        assert_eq!(catch_up(&engine, &lost, Lang::De), None, "still quiet");
        clock.advance(chrono::Duration::minutes(61));
        let n = catch_up(&engine, &lost, Lang::De).expect("one catch-up");
        assert!(
            n.summary.starts_with("Während der Stummschaltung"),
            "{}",
            n.summary
        );
        assert!(n.urgent);
        assert_eq!(catch_up(&engine, &lost, Lang::De), None, "only one");
    }

    #[test]
    fn healed_meanwhile_nothing_and_loss_may_be_normal_urgency() {
        let home = tempfile::tempdir().expect("home");
        let (engine, clock) = engine(home.path(), false);
        assert!(
            !gate(&engine, lost_notice()).expect("shown").urgent,
            "critical_on_loss = false"
        );
        engine
            .snooze(SnoozeRequest::For(chrono::Duration::hours(1)))
            .expect("snooze");
        assert_eq!(gate(&engine, lost_notice()), None);
        clock.advance(chrono::Duration::minutes(61));
        let healthy = status(&engine, ConnState::Healthy, None);
        assert_eq!(catch_up(&engine, &healthy, Lang::De), None);
        // `Fortsetzen` ends it at once.
        engine
            .snooze(SnoozeRequest::For(chrono::Duration::hours(1)))
            .expect("snooze");
        engine.snooze(SnoozeRequest::Off).expect("off");
        assert!(gate(&engine, lost_notice()).is_some());
    }
}
