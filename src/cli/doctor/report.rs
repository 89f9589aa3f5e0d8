//! What `lexguard doctor` found: one line a check, with the fix where one failed.

use crate::i18n::Lang;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub(super) struct Check {
    pub check: &'static str,
    pub ok: bool,
    pub message: String,
    pub fix: Option<String>,
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
        self.checks.push(Check {
            check,
            ok: true,
            message,
            fix: None,
        });
    }

    pub fn fail(&mut self, check: &'static str, message: String, fix: (String, String)) {
        let fix = self.lang.pick(fix.0, fix.1);
        self.checks.push(Check {
            check,
            ok: false,
            message,
            fix: Some(fix),
        });
    }
}
