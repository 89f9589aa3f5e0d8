//! One tick: gap → refresh if due → validate if due (the profile, or the webhook watch's list)
//! → webhook watch → state, history, events.

use super::credentials::Creds;
use super::op::dur;
use super::probe::{Answer, Listing};
use super::{Engine, TickCause, TickReport};
use crate::config::Schedule;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::state::{Gap, Persisted};

impl Engine {
    pub async fn tick(&self, cause: TickCause) -> Result<TickReport> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let schedule = self.schedule();
        let now = run.now;

        // 1. A gap is judged by wall-clock time against the persisted last tick; only while
        // something was connected (a pause with nothing to guard is no news: no "die
        // Zugangsdaten haben die Lücke überstanden" without credentials).
        let while_running = std::mem::replace(&mut self.memory().ticked, true);
        let mut gap = None;
        if let Some(last) = run.st.tick_started(now) {
            let pause = now - last;
            if pause > dur(schedule.gap_after) {
                gap = Some(Gap {
                    from: last,
                    to: now,
                    seconds: pause.num_seconds(),
                    while_running: while_running || cause == TickCause::Resume,
                });
            }
        }
        run.gap = gap.is_some();

        let mut refreshed = false;
        let mut validated = false;
        let creds = if run.st.auth_lost_at().is_some() {
            Creds::None
        } else {
            match self.load_creds(&mut run).await {
                Ok(c) => c,
                Err(Error::Keychain { .. }) => Creds::None,
                Err(e) => return Err(e),
            }
        };
        if matches!(creds, Creds::None)
            && run.keychain_fault.is_none()
            && run.st.auth_lost_at().is_none()
        {
            if run.st.mode().is_some() {
                tracing::warn!("no credentials in the keychain any more; not connected");
            }
            run.st.forget_connection();
        }
        let in_backoff = run.st.in_backoff(now);

        match creds {
            Creds::Tokens(mut tokens) => {
                // 2. Refresh when due (or already expired).
                let due = super::refresh::refresh_due(&tokens, now, schedule.refresh_before);
                if due
                    && !in_backoff
                    && let Ok(new) = self.refresh_in(&mut run, &tokens).await
                {
                    tokens = new;
                    refreshed = true;
                }
                // 3. Validate when due, after a gap and after a refresh; not while backing off.
                let in_backoff = run.st.in_backoff(now);
                let validate_due = validation_due(&run.st, now, &schedule)
                    || self.watch_makes_a_check(&run.st, now, gap.is_some());
                // A person who asked ("Jetzt prüfen") gets a real check, backoff or not.
                let manual = cause == TickCause::Manual;
                let mut listing = Listing::NotAsked;
                let checked = run.st.auth_lost_at().is_none()
                    && (refreshed || manual || ((validate_due || gap.is_some()) && !in_backoff));
                if checked {
                    // The webhook watch's list, when it is due, is this check (see `probe`).
                    let probe = self.probe_for(&run.st, now, gap.is_some());
                    let answer = self
                        .validate_oauth(&mut run, &mut tokens, &mut refreshed, probe)
                        .await;
                    validated = answer.is_some();
                    listing = answer.map_or(Listing::NotAsked, Answer::listing);
                }
                run.st.tokens_held(tokens.expires_at, tokens.issued_at);
                self.check_grant(&mut run, &tokens);
                // 4. The webhooks Lexware may have removed meanwhile.
                let bearer = tokens.access.expose().to_string();
                self.watch_webhooks_if_due(&mut run, &bearer, gap.is_some(), checked, listing)
                    .await;
            }
            Creds::Key(key) => {
                let validate_due = validation_due(&run.st, now, &schedule)
                    || self.watch_makes_a_check(&run.st, now, gap.is_some());
                let mut listing = Listing::NotAsked;
                let checked =
                    cause == TickCause::Manual || ((validate_due || gap.is_some()) && !in_backoff);
                if checked {
                    let probe = self.probe_for(&run.st, now, gap.is_some());
                    let answer = self.validate_key(&mut run, &key.key, probe).await;
                    validated = answer.is_some();
                    listing = answer.map_or(Listing::NotAsked, Answer::listing);
                }
                self.check_key_expiry(&mut run, &key);
                let bearer = key.key.expose().to_string();
                self.watch_webhooks_if_due(&mut run, &bearer, gap.is_some(), checked, listing)
                    .await;
            }
            Creds::None => {}
        }

        if let Some(g) = &gap {
            let tokens_survived = run.st.auth_lost_at().is_none()
                && run
                    .st
                    .access_expires_at()
                    .is_none_or(|t| t > now || refreshed);
            run.st.gap_found(g.clone());
            run.events.insert(
                0,
                Event::GapDetected {
                    gap: g.clone(),
                    tokens_survived,
                },
            );
        }
        let (status, events) = self.finish(run)?;
        Ok(TickReport {
            status,
            gap,
            refreshed,
            validated,
            events,
        })
    }
}

/// Whether this tick asks Lexware. Due once `validate_every` has passed since the last
/// confirmation, minus half a tick: timers fire a little early or late, and a check that
/// just misses its time must not wait a whole extra tick (a loss would show a tick later).
pub(super) fn validation_due(
    st: &Persisted,
    now: chrono::DateTime<chrono::Utc>,
    schedule: &Schedule,
) -> bool {
    let slack = dur(schedule.check_every) / 2;
    // A 402 (the plan without API access) was an answer, not a failure to get one: the next
    // check waits the normal time from it, never a fast retry.
    st.last_validated_at()
        .max(st.plan_refused_at())
        .is_none_or(|t| now - t + slack >= dur(schedule.validate_every))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Reason;
    use chrono::{Duration, Utc};

    #[test]
    fn with_the_default_schedule_every_second_tick_asks_lexware() {
        let schedule = Schedule::default();
        let t0 = Utc::now();
        let st = crate::state::sample(serde_json::json!({
            "last_validated_at": t0,
        }));
        let due = |secs| validation_due(&st, t0 + Duration::seconds(secs), &schedule);
        assert!(!due(60), "the first tick after a check");
        assert!(!due(65));
        assert!(due(118), "a timer a little early still checks");
        assert!(due(120));
        assert!(validation_due(&Persisted::default(), t0, &schedule));
    }

    #[test]
    fn after_a_402_the_next_check_waits_the_normal_time_and_a_confirmation_clears_it() {
        let schedule = Schedule::default();
        let t0 = Utc::now();
        let mut st = crate::state::sample(serde_json::json!({
            "last_validated_at": t0 - Duration::minutes(10),
        }));
        st.plan_refused(t0);
        assert_eq!(st.problem(), Some(Reason::PlanInactive));
        assert_eq!(
            (st.failures(), st.next_attempt_at()),
            (0, None),
            "no backoff"
        );
        let due =
            |st: &Persisted, secs| validation_due(st, t0 + Duration::seconds(secs), &schedule);
        assert!(!due(&st, 60), "no fast retry after a 402");
        assert!(due(&st, 120), "the normal schedule");
        st.confirmed(t0 + Duration::seconds(120), None);
        assert_eq!((st.problem(), st.plan_refused_at()), (None, None), "healed");
    }
}
