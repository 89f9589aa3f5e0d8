//! What `lexguard doctor` found: one line a check, with the fix where one failed or warns.

use crate::text::i18n::Lang;
use serde::Serialize;

/// How a check came out: ✓, ⚠ (works for now, needs attention) or ✗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Level {
    Ok,
    Warning,
    Failed,
}

#[derive(Debug, Serialize)]
pub(super) struct Check {
    pub check: &'static str,
    /// Only a ✓ is ok: a warning also makes doctor exit 1 (something needs a look).
    pub ok: bool,
    pub level: Level,
    pub message: String,
    pub fix: Option<String>,
}

impl Check {
    pub fn mark(&self) -> char {
        match self.level {
            Level::Ok => '✓',
            Level::Warning => '⚠',
            Level::Failed => '✗',
        }
    }
}

pub(super) struct Report {
    pub lang: Lang,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(lang: Lang) -> Report {
        Report {
            lang,
            checks: Vec::new(),
        }
    }

    pub fn all_ok(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    pub fn ok(&mut self, check: &'static str, de: String, en: String) {
        let message = self.lang.pick(de, en);
        self.push(check, Level::Ok, message, None);
    }

    pub fn fail(&mut self, check: &'static str, message: String, fix: (String, String)) {
        let fix = self.lang.pick(fix.0, fix.1);
        self.push(check, Level::Failed, message, Some(fix));
    }

    pub fn warn(&mut self, check: &'static str, message: String, fix: (String, String)) {
        let fix = self.lang.pick(fix.0, fix.1);
        self.push(check, Level::Warning, message, Some(fix));
    }

    fn push(&mut self, check: &'static str, level: Level, message: String, fix: Option<String>) {
        self.checks.push(Check {
            check,
            ok: level == Level::Ok,
            level,
            message,
            fix,
        });
    }
}
