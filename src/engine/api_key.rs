//! A public API key's end, as Lexware shows it: entered with the key or later (keys can be
//! extended in Lexware), else assumed 24 months after it was entered.

use super::Engine;
use crate::error::{Error, Result};
use crate::status::Status;
use chrono::{DateTime, Utc};

/// `2027-05-31` → the end of that day in the local time zone (when Lexware's key stops).
pub fn end_of_day(date: &str) -> Result<DateTime<Utc>> {
    use chrono::TimeZone;
    let bad = || {
        Error::invalid(
            format!(
                "„{date}“ ist kein Datum. Bitte schreiben Sie es als JJJJ-MM-TT, z. B. 2027-05-31."
            ),
            format!("'{date}' is not a date. Please write it as YYYY-MM-DD, e.g. 2027-05-31."),
        )
    };
    let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    let end = day.and_hms_opt(23, 59, 59).ok_or_else(bad)?;
    chrono::Local
        .from_local_datetime(&end)
        .latest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(bad)
}

/// A key lives at most [`crate::contract::API_KEY_LIFETIME_MONTHS`]; a date further ahead (one
/// month of slack) or in the past is a typo.
pub(super) fn check_end(end: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let latest = now
        .checked_add_months(chrono::Months::new(
            crate::contract::API_KEY_LIFETIME_MONTHS + 1,
        ))
        .unwrap_or(now);
    if end <= now || end > latest {
        return Err(Error::invalid(
            "Das Ablaufdatum muss in der Zukunft liegen und höchstens 24 Monate entfernt sein, so wie Lexware es beim Schlüssel anzeigt (z. B. 2027-05-31).",
            "The end date must lie in the future and at most 24 months ahead, as Lexware shows it for the key (e.g. 2027-05-31).",
        ));
    }
    Ok(())
}

impl Engine {
    /// Records the end date Lexware shows for the stored key (after an extension in
    /// Lexware, or to replace the assumption). Warnings start anew from it.
    pub async fn set_api_key_end(&self, end: DateTime<Utc>) -> Result<Status> {
        check_end(end, self.now())?;
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let mut record = self
            .inner
            .vault
            .api_key()
            .await?
            .ok_or(Error::NotConnected)?;
        record.ends_at = Some(end);
        self.inner.vault.save_api_key(&record).await?;
        run.st.api_key_end_entered(end);
        let (status, _) = self.finish(run)?;
        Ok(status)
    }
}
