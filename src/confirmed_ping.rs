//! The rule behind a success ping (`ping_url`): it means "Lexware confirmed the connection in
//! this check", never "a tick ran". A dead-man's switch that is fed by ticks that asked Lexware
//! nothing would stay quiet through a loss at Lexware.

use crate::status::Status;
use chrono::{DateTime, Utc};

/// The check behind `status` was confirmed at Lexware (its last check asked Lexware and got a
/// yes: `last_validated_at` is not older than `last_tick_at`), and that confirmation is newer
/// than the one last answered with a ping (`last_pinged`).
pub(crate) fn newly_confirmed(last_pinged: Option<DateTime<Utc>>, status: &Status) -> bool {
    status.last_validated_at.is_some_and(|t| {
        status.last_tick_at.is_none_or(|tick| t >= tick) && last_pinged.is_none_or(|m| t > m)
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::alerts::{Memory, decide};
    use crate::config::Config;
    use crate::state::{ConnState, Reason};
    use crate::status::Status;
    use chrono::{DateTime, Duration, Utc};

    /// A status of "Demo GmbH" after a tick at `tick`, last confirmed at Lexware at `validated`.
    pub(crate) fn status_confirmed(
        state: ConnState,
        reason: Option<Reason>,
        tick: DateTime<Utc>,
        validated: Option<DateTime<Utc>>,
    ) -> Status {
        let st = crate::state::sample(serde_json::json!({
            "state": state,
            "reason": reason,
            "mode": crate::Mode::OAuth,
            "company": "Demo GmbH",
            "last_tick_at": tick,
            "last_validated_at": validated,
        }));
        let c = Config::default();
        Status::build(&st, &c, &c.schedule, tick, crate::Lang::De)
    }

    #[test]
    fn a_success_ping_means_confirmed_at_lexware_never_just_a_tick() {
        let t0 = Utc::now();
        let at = |mins: i64| t0 + Duration::minutes(mins);
        let ok = |m: &Memory, state, tick, validated: Option<i64>| {
            let s = status_confirmed(state, None, at(tick), validated.map(at));
            decide(m, &s, at(tick), Duration::hours(4))
        };
        let (d, m) = ok(&Memory::default(), ConnState::Healthy, 0, Some(0));
        assert!(d.ping_ok, "confirmed at 0");
        let (d, m) = ok(&m, ConnState::Healthy, 1, Some(0));
        assert!(
            !d.ping_ok,
            "a tick that asked Lexware nothing confirms nothing"
        );
        assert!(
            !ok(&Memory::default(), ConnState::Healthy, 1, None)
                .0
                .ping_ok
        );
        let (d, _) = ok(&Memory::default(), ConnState::Healthy, 1, Some(0));
        assert!(
            !d.ping_ok,
            "a fresh process: an earlier confirmation is not this check's"
        );
        assert!(
            !ok(&Memory::default(), ConnState::NotConnected, 1, Some(1))
                .0
                .ping_ok
        );
        let (d, mut m) = ok(&m, ConnState::Healthy, 2, Some(2));
        assert!(d.ping_ok, "the next confirmation");
        // Lost at 3 (the old confirmation stays in the status): no success ping after it.
        for mins in 3..300 {
            let (d, next) = ok(&m, ConnState::AuthLost, mins, Some(2));
            assert!(!d.ping_ok, "no success ping after the loss ({mins})");
            assert_eq!(d.ping_fail.is_some(), mins == 3);
            m = next;
        }
    }
}
