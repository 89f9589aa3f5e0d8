//! Injected faults: what the next requests suffer instead of being handled normally.

/// What an injected failure answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// This status with the regular error body.
    Status(u16),
    /// A 500 whose body is `{"message":"Internal server error or rate limit exceeded"}`:
    /// Lexware's gateway sometimes reports a rate limit this way.
    Disguised429,
}

impl Failure {
    fn same_kind(self, other: Failure) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

/// One "fail the next n requests under this path prefix" rule.
#[derive(Debug, Clone)]
struct FailRule {
    prefix: String,
    remaining: u32,
    failure: Failure,
}

/// What happens to the answer of a request that WAS executed (a refresh has rotated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// The answer waits this long before it is sent.
    Delay(u64),
    /// Headers with the full `Content-Length`, part of the body, then the connection closes.
    Truncate,
    /// The connection closes without any answer.
    Drop,
    /// The answer is replaced by a 504 `{"message":"Endpoint request timed out"}`: the
    /// gateway gave up (after 30 s at Lexware, at once here) although the request succeeded.
    GatewayTimeout,
}

impl After {
    /// Same kind, whatever the parameter.
    fn same_kind(self, other: After) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }

    /// Ties between rules of the same prefix: the harsher fault wins.
    fn rank(self) -> u8 {
        match self {
            After::Drop => 4,
            After::Truncate => 3,
            After::GatewayTimeout => 2,
            After::Delay(_) => 1,
        }
    }
}

#[derive(Debug, Clone)]
struct AfterRule {
    prefix: String,
    remaining: u32,
    fault: After,
}

/// Pending faults. Each setter replaces the earlier setting of its kind
/// (for `fail`: of its kind and path prefix); `n == 0` clears it.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    drop: u32,
    /// Remaining count, milliseconds, path prefix.
    delay: (u32, u64, String),
    fails: Vec<FailRule>,
    rate_limit: (u32, Option<u64>),
    afters: Vec<AfterRule>,
}

impl Faults {
    pub(crate) fn set_drop(&mut self, n: u32) {
        self.drop = n;
    }

    pub(crate) fn set_delay(&mut self, prefix: &str, n: u32, millis: u64) {
        self.delay = (n, millis, prefix.to_owned());
    }

    /// Replaces the rule of this kind (`Status` or `Disguised429`) and prefix.
    pub(crate) fn set_fail(&mut self, prefix: &str, n: u32, failure: Failure) {
        self.fails
            .retain(|r| !(r.prefix == prefix && r.failure.same_kind(failure)));
        if n > 0 {
            self.fails.push(FailRule {
                prefix: prefix.to_owned(),
                remaining: n,
                failure,
            });
        }
    }

    pub(crate) fn set_rate_limit(&mut self, n: u32, retry_after_secs: Option<u64>) {
        self.rate_limit = (n, retry_after_secs);
    }

    /// Replaces the rule of this kind and prefix; `n == 0` clears it.
    pub(crate) fn set_after(&mut self, prefix: &str, n: u32, fault: After) {
        self.afters
            .retain(|r| !(r.prefix == prefix && r.fault.same_kind(fault)));
        if n > 0 {
            self.afters.push(AfterRule {
                prefix: prefix.to_owned(),
                remaining: n,
                fault,
            });
        }
    }

    /// Taken only for requests that are about to be executed (past every other fault and the
    /// rate limit): the longest matching prefix, then the harsher kind.
    pub(crate) fn take_after(&mut self, path: &str) -> Option<After> {
        let idx = self
            .afters
            .iter()
            .enumerate()
            .filter(|(_, r)| path.starts_with(&r.prefix))
            .max_by_key(|(_, r)| (r.prefix.len(), r.fault.rank()))
            .map(|(i, _)| i)?;
        let rule = &mut self.afters[idx];
        let fault = rule.fault;
        rule.remaining -= 1;
        if rule.remaining == 0 {
            self.afters.remove(idx);
        }
        Some(fault)
    }

    pub(crate) fn take_drop(&mut self) -> bool {
        take(&mut self.drop)
    }

    /// Only requests under the rule's path prefix take (and use up) the delay.
    pub(crate) fn take_delay(&mut self, path: &str) -> Option<u64> {
        if !path.starts_with(&self.delay.2) {
            return None;
        }
        take(&mut self.delay.0).then_some(self.delay.1)
    }

    /// The most specific (longest prefix) matching rule answers; on the same prefix a
    /// disguised 429 goes before a plain status.
    pub(crate) fn take_fail(&mut self, path: &str) -> Option<Failure> {
        let idx = self
            .fails
            .iter()
            .enumerate()
            .filter(|(_, r)| path.starts_with(&r.prefix))
            .max_by_key(|(_, r)| (r.prefix.len(), matches!(r.failure, Failure::Disguised429)))
            .map(|(i, _)| i)?;
        let rule = &mut self.fails[idx];
        let failure = rule.failure;
        rule.remaining -= 1;
        if rule.remaining == 0 {
            self.fails.remove(idx);
        }
        Some(failure)
    }

    /// `Some(retry_after)` when an injected 429 is due.
    pub(crate) fn take_rate_limit(&mut self) -> Option<Option<u64>> {
        take(&mut self.rate_limit.0).then_some(self.rate_limit.1)
    }
}

fn take(n: &mut u32) -> bool {
    if *n > 0 {
        *n -= 1;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_and_stops() {
        let mut f = Faults::default();
        f.set_drop(2);
        assert!(f.take_drop());
        assert!(f.take_drop());
        assert!(!f.take_drop());
        f.set_delay("", 1, 30);
        assert_eq!(f.take_delay("/v1/profile"), Some(30));
        assert_eq!(f.take_delay("/v1/profile"), None);
        f.set_delay("/oauth2/token", 1, 40);
        assert_eq!(
            f.take_delay("/v1/profile"),
            None,
            "other paths pass undelayed"
        );
        assert_eq!(f.take_delay("/oauth2/token"), Some(40));
        f.set_rate_limit(1, Some(4));
        assert_eq!(f.take_rate_limit(), Some(Some(4)));
        assert_eq!(f.take_rate_limit(), None);
    }

    #[test]
    fn fail_rules_match_by_prefix_most_specific_first() {
        let mut f = Faults::default();
        f.set_fail("", 1, Failure::Status(500));
        f.set_fail("/oauth2/", 2, Failure::Status(503));
        assert_eq!(f.take_fail("/oauth2/token"), Some(Failure::Status(503)));
        assert_eq!(f.take_fail("/v1/profile"), Some(Failure::Status(500)));
        assert_eq!(f.take_fail("/v1/profile"), None);
        assert_eq!(f.take_fail("/oauth2/token"), Some(Failure::Status(503)));
        assert_eq!(f.take_fail("/oauth2/token"), None);
    }

    #[test]
    fn disguised_429_is_its_own_kind() {
        let mut f = Faults::default();
        f.set_fail("/v1", 1, Failure::Status(502));
        f.set_fail("/v1", 1, Failure::Disguised429);
        assert_eq!(f.take_fail("/v1/profile"), Some(Failure::Disguised429));
        assert_eq!(f.take_fail("/v1/profile"), Some(Failure::Status(502)));
        assert_eq!(f.take_fail("/v1/profile"), None);
        f.set_fail("/v1", 2, Failure::Disguised429);
        f.set_fail("/v1", 0, Failure::Disguised429);
        assert_eq!(f.take_fail("/v1/profile"), None);
    }

    #[test]
    fn after_rules_count_down_per_kind_and_prefix() {
        let mut f = Faults::default();
        f.set_after("/oauth2/token", 2, After::Delay(500));
        f.set_after("/oauth2/token", 1, After::Truncate);
        f.set_after("/oauth2/token", 1, After::GatewayTimeout);
        f.set_after("", 1, After::Drop);
        assert_eq!(f.take_after("/oauth2/token"), Some(After::Truncate));
        assert_eq!(f.take_after("/oauth2/token"), Some(After::GatewayTimeout));
        assert_eq!(f.take_after("/oauth2/token"), Some(After::Delay(500)));
        assert_eq!(f.take_after("/v1/profile"), Some(After::Drop));
        assert_eq!(f.take_after("/v1/profile"), None);
        f.set_after("/oauth2/token", 3, After::Delay(10));
        assert_eq!(f.take_after("/oauth2/token"), Some(After::Delay(10)));
        f.set_after("/oauth2/token", 0, After::Delay(10));
        assert_eq!(f.take_after("/oauth2/token"), None);
    }

    #[test]
    fn setting_replaces_and_zero_clears() {
        let mut f = Faults::default();
        f.set_fail("/v1", 5, Failure::Status(500));
        f.set_fail("/v1", 1, Failure::Status(502));
        assert_eq!(f.take_fail("/v1/profile"), Some(Failure::Status(502)));
        assert_eq!(f.take_fail("/v1/profile"), None);
        f.set_fail("/v1", 3, Failure::Status(500));
        f.set_fail("/v1", 0, Failure::Status(500));
        assert_eq!(f.take_fail("/v1/profile"), None);
    }
}
