//! The state as a person (or a script with `--json`) sees it. No secrets.

use crate::config::{Config, Environment, Schedule, WebhookSpec};
use crate::state::{ConnState, Gap, Mode, Persisted, Reason, WebhookSync};
use crate::status_times::StatusTimes;
use crate::text::i18n::Lang;
use crate::text::time_fmt::{self, Zone};
use crate::vocabulary::{NextAction, Severity};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Status {
    pub state: ConnState,
    pub reason: Option<Reason>,
    /// How bad the state is (the core's one rule: [`crate::vocabulary`]).
    pub severity: Severity,
    /// What the person should do next: every surface's button, menu item and hint reads this.
    pub next_action: NextAction,
    /// The stored connection can still act at Lexware: renewing and setting up webhooks are
    /// offered only then (never while lost or not connected).
    pub connection_usable: bool,
    /// One short line built from the facts below (the tray's status line, a notification's
    /// title line): never parse `message` for it, company names are full of periods.
    pub headline: String,
    /// One sentence in the user's language, with what to do.
    pub message: String,
    pub mode: Option<Mode>,
    pub environment: Environment,
    pub company: Option<String>,
    pub organization_id: Option<String>,
    pub connection_id: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_issued_at: Option<DateTime<Utc>>,
    /// Issue time + the configured assumed lifetime (Lexware does not publish it).
    pub refresh_expires_assumed_at: Option<DateTime<Utc>>,
    pub api_key_expires_at: Option<DateTime<Utc>>,
    pub last_tick_at: Option<DateTime<Utc>>,
    pub last_validated_at: Option<DateTime<Utc>>,
    pub next_check_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_gap: Option<Gap>,
    /// No check for longer than twice `check_every`: nothing is keeping the connection alive
    /// (the app or the cron job is not running, or its keepalive stalled).
    pub tick_overdue: bool,
    /// A partner-app authorization ends two years after it was granted (renewable before).
    pub authorization_expires_at: Option<DateTime<Utc>>,
    pub webhooks: Vec<WebhookSpec>,
    pub last_webhook_sync: Option<WebhookSync>,
    /// What the last webhook check found at Lexware.
    pub webhooks_health: crate::state::WebhookHealth,
    /// Every time above in words (the one rule, as of the same `now`): surfaces show these and
    /// format no time themselves.
    pub times: StatusTimes,
    /// End of the snooze in force (`lexguard snooze`); `null` when none.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Delivery is quiet now (snooze or quiet hours); checks go on.
    pub quiet: bool,
    /// "stumm bis 08:00" while quiet: the tray line and the window show it as written.
    pub quiet_line: Option<String>,
    /// `[share]`: the token folder, the proxy and what it did since start (absent without).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub share: Option<crate::share::ShareStatus>,
}

impl Status {
    /// The status as of `now`, its time words in the machine's zone.
    pub fn build(
        st: &Persisted,
        config: &Config,
        s: &Schedule,
        now: DateTime<Utc>,
        lang: Lang,
    ) -> Status {
        Status::build_in(st, config, s, now, lang, Zone::machine())
    }

    /// [`Status::build`] with the time words in `zone` (tests pin it).
    pub fn build_in(
        st: &Persisted,
        config: &Config,
        s: &Schedule,
        now: DateTime<Utc>,
        lang: Lang,
        zone: Zone,
    ) -> Status {
        let tick_overdue = is_overdue(st, s, now);
        // A persisted "healthy" that nobody has checked for a while is not healthy any more:
        // whoever reads it (the CLI of a server whose app died, a dashboard) learns it.
        let (state, reason) = if tick_overdue && st.state == ConnState::Healthy {
            (ConnState::Degraded, Some(Reason::ChecksOverdue))
        } else {
            (st.state, st.reason)
        };
        let shown = Persisted {
            state,
            reason,
            ..st.clone()
        };
        let mut status = Status {
            state,
            reason,
            severity: crate::vocabulary::severity(state, reason),
            next_action: crate::vocabulary::next_action(state, reason, st.mode),
            connection_usable: crate::vocabulary::connection_usable(state, reason),
            headline: crate::text::headline::headline(&shown, now, lang, zone),
            message: message(&shown, now, lang, zone, tick_overdue),
            mode: st.mode,
            environment: config.environment(),
            company: st.company.clone(),
            organization_id: st.organization_id.clone(),
            connection_id: st.connection_id.clone(),
            connected_at: st.connected_at,
            access_expires_at: st.access_expires_at,
            refresh_issued_at: st.refresh_issued_at,
            refresh_expires_assumed_at: st.refresh_issued_at.map(|t| {
                t + chrono::Duration::from_std(s.refresh_token_lifetime).unwrap_or_default()
            }),
            api_key_expires_at: st.api_key_expires_at,
            last_tick_at: st.last_tick_at,
            last_validated_at: st.last_validated_at,
            next_check_at: st
                .last_tick_at
                .map(|t| t + chrono::Duration::from_std(s.check_every).unwrap_or_default()),
            // A retry time that has passed is no "next attempt": the next tick tries.
            next_attempt_at: st.next_attempt_at.filter(|t| *t > now),
            last_gap: st.last_gap.clone(),
            tick_overdue,
            authorization_expires_at: authorization_end(st),
            webhooks: config.webhooks.clone(),
            last_webhook_sync: st.last_webhook_sync.clone(),
            webhooks_health: st.webhook_health.clone(),
            times: StatusTimes::default(),
            snoozed_until: None,
            quiet: false,
            quiet_line: None,
            share: None,
        };
        status.times = times_words(&status, now, lang, zone);
        status
    }

    /// Exit code of `status` and `tick`: 0 healthy, 4 degraded, 3 auth lost / not connected.
    pub fn exit_code(&self) -> i32 {
        match self.state {
            ConnState::Healthy => 0,
            ConnState::Degraded => 4,
            ConnState::AuthLost | ConnState::NotConnected => 3,
        }
    }
}

/// When a partner-app authorization ends: two years after it was granted (API keys have
/// their own end).
pub fn authorization_end(st: &Persisted) -> Option<DateTime<Utc>> {
    if st.mode != Some(Mode::OAuth) {
        return None;
    }
    st.connected_at?.checked_add_months(chrono::Months::new(
        12 * crate::contract::AUTHORIZATION_LIFETIME_YEARS,
    ))
}

/// The last persisted check is older than twice `check_every` (at least two minutes, so a
/// cron job that runs every minute is never "late" by its own jitter). A confirmation at
/// Lexware outside a tick (a connect's own check, a webhook list) is a check too.
pub fn is_overdue(st: &Persisted, s: &Schedule, now: DateTime<Utc>) -> bool {
    let limit = chrono::Duration::from_std(s.check_every * 2)
        .unwrap_or(chrono::Duration::MAX)
        .max(chrono::Duration::minutes(2));
    let last = st.last_tick_at.max(st.last_validated_at);
    st.mode.is_some() && st.last_tick_at.is_some() && last.is_some_and(|t| now - t > limit)
}

/// German and English label of a state.
pub fn state_label(state: ConnState, lang: Lang) -> &'static str {
    match state {
        ConnState::NotConnected => lang.pick("Nicht verbunden", "Not connected"),
        ConnState::Healthy => lang.pick("Verbunden", "Connected"),
        ConnState::Degraded => lang.pick("Eingeschränkt", "Degraded"),
        ConnState::AuthLost => lang.pick("Verbindung verloren", "Connection lost"),
    }
}

fn message(st: &Persisted, now: DateTime<Utc>, lang: Lang, zone: Zone, overdue: bool) -> String {
    let words = |t| time_fmt::words_in(t, now, lang, zone);
    let company = st
        .company
        .clone()
        .unwrap_or_else(|| lang.pick("Lexware Office", "Lexware Office").to_string());
    let expiry = st
        .access_expires_at
        .map(|t| words(t).full)
        .unwrap_or_default();
    // A retry time that has passed (the computer slept) is due, not "vor 3 h".
    let retry = st
        .next_attempt_at
        .map(|t| {
            if t - now < time_fmt::JUST_NOW {
                lang.pick("bei der nächsten Prüfung", "at the next check")
                    .to_string()
            } else {
                words(t).relative
            }
        })
        .unwrap_or_default();
    let mut text = match (st.state, st.reason) {
        (ConnState::NotConnected, _) => lang.pick(
            format!("Nicht verbunden. Verbinden Sie lexguard mit Lexware Office ({}).", crate::text::i18n::connect_hint(Lang::De)),
            format!("Not connected. Connect lexguard to Lexware Office ({}).", crate::text::i18n::connect_hint(Lang::En)),
        ),
        (ConnState::AuthLost, Some(Reason::InterruptedRefresh)) => lang.pick(
            format!("Die Verbindung zu {company} ist verloren: Eine Erneuerung wurde unterbrochen (keine oder eine abgebrochene Antwort, oder lexguard wurde mittendrin beendet), Lexwares neue Zugangsdaten kamen nie an. Sie haben nichts falsch gemacht. Bitte verbinden Sie sich neu ({}); danach richtet lexguard die Webhooks wieder ein.", crate::text::i18n::connect_hint(Lang::De)),
            format!("The connection to {company} is lost: a refresh was interrupted (no or a cut answer, or lexguard was stopped midway), Lexware's new credentials never arrived. You did nothing wrong. Please reconnect ({}); lexguard then sets the webhooks up again.", crate::text::i18n::connect_hint(Lang::En)),
        ),
        (ConnState::AuthLost, Some(Reason::KeyRejected)) => {
            crate::text::key_words::key_rejected(st.company.as_deref(), lang)
        }
        (ConnState::AuthLost, _) => lang.pick(
            format!("Die Verbindung zu {company} ist verloren. Bitte verbinden Sie sich neu ({}); danach richtet lexguard die Webhooks wieder ein.", crate::text::i18n::connect_hint(Lang::De)),
            format!("The connection to {company} is lost. Please reconnect ({}); lexguard then sets the webhooks up again.", crate::text::i18n::connect_hint(Lang::En)),
        ),
        (ConnState::Healthy, _) => match st.mode {
            Some(Mode::ApiKey) => {
                let mut until = st.api_key_expires_at.map(|t| words(t).absolute).unwrap_or_default();
                if st.api_key_end_assumed {
                    until.push_str(lang.pick(
                        " – angenommen: 24 Monate ab Eingabe; tragen Sie das Datum aus Lexware ein",
                        " – assumed: 24 months from entry; enter the date Lexware shows",
                    ));
                }
                if st.key_limited {
                    lang.pick(
                        format!("Verbunden (API-Schlüssel mit eingeschränkten Rechten, gültig bis {until}): Der Schlüssel darf die Firmendaten nicht lesen, deshalb fehlt hier der Name; Webhooks und Prüfung funktionieren."),
                        format!("Connected (API key with restricted permissions, valid until {until}): the key may not read the company data, so the name is missing here; webhooks and checks work."),
                    )
                } else {
                    lang.pick(
                        format!("Verbunden mit {company} (API-Schlüssel, gültig bis {until})."),
                        format!("Connected to {company} (API key, valid until {until})."),
                    )
                }
            }
            _ => lang.pick(
                format!("Verbunden mit {company} · Verbindung gültig bis {expiry}."),
                format!("Connected to {company} · connection valid until {expiry}."),
            ),
        },
        (ConnState::Degraded, reason) => match reason {
            Some(Reason::RefreshFailing) => lang.pick(
                format!("Erneuern klappt gerade nicht; neuer Versuch {retry}. Die Verbindung gilt noch bis {expiry}."),
                format!("Refreshing fails right now; next try {retry}. The connection is still valid until {expiry}."),
            ),
            // The cause (network, Lexware's servers, Lexware slowing down) follows as the
            // detail: this sentence does not guess it.
            Some(Reason::ValidationFailing) if st.problem_detail.is_some() => lang.pick(
                format!("Die Prüfung bei Lexware klappt gerade nicht; neuer Versuch {retry}. Die Zugangsdaten sind sicher."),
                format!("The check at Lexware fails right now; next try {retry}. The credentials are safe."),
            ),
            Some(Reason::ValidationFailing) => lang.pick(
                format!("Lexware ist gerade nicht erreichbar; neuer Versuch {retry}. Die Zugangsdaten sind sicher."),
                format!("Lexware cannot be reached right now; next try {retry}. The credentials are safe."),
            ),
            Some(Reason::Unauthorized) => lang.pick(
                format!("Die Anmeldung bei {company} funktioniert, aber Lexware lehnt die Abrufe ab (401): meist fehlende Berechtigungen der App, ein Tarif ohne Schnittstelle oder eine deaktivierte App. Die Verbindung bleibt bestehen; neuer Versuch {retry}."),
                format!("The login at {company} works, but Lexware rejects the API calls (401): usually missing app permissions, a plan without API access or a deactivated app. The connection remains; next try {retry}."),
            ),
            Some(Reason::PlanInactive) => lang.pick(
                "Ihr Lexware-Tarif erlaubt gerade keinen API-Zugriff (Lexware antwortet 402, z. B. nach einer abgelaufenen Testphase). Bitte prüfen Sie Tarif und Abo in Lexware. Die Verbindung selbst bleibt bestehen; lexguard prüft weiter regelmäßig und meldet, sobald es wieder geht.".to_string(),
                "Your Lexware plan does not allow API access right now (Lexware answers 402, e.g. after a trial ended). Please check the plan and subscription in Lexware. The connection itself is kept; lexguard keeps checking regularly and tells you once it works again.".to_string(),
            ),
            Some(Reason::KeychainCorrupt) => lang.pick(
                format!("Die gespeicherten Zugangsdaten im Schlüsselbund sind beschädigt. lexguard hat nichts gelöscht. Bitte verbinden Sie sich neu ({}).", crate::text::i18n::connect_hint(Lang::De)),
                format!("The credentials stored in the keychain are damaged. lexguard deleted nothing. Please reconnect ({}).", crate::text::i18n::connect_hint(Lang::En)),
            ),
            Some(Reason::ChecksOverdue) => {
                let last = st.last_tick_at.map(|t| words(t).relative).unwrap_or_default();
                lang.pick(
                    format!("Prüfung überfällig: Die letzte Prüfung war {last}. Läuft lexguard (oder der Cron-Job)? Ohne regelmäßige Prüfung läuft die Verbindung ab."),
                    format!("Check overdue: the last check was {last}. Is lexguard (or the cron job) running? Without regular checks the connection expires."),
                )
            }
            Some(Reason::ClientCredentials) => lang.pick(
                "Lexware lehnt Client-ID oder Client-Secret ab. Bitte prüfen Sie client_id in config.toml und das Client-Secret.".to_string(),
                "Lexware rejects the client id or secret. Please check client_id in config.toml and the client secret.".to_string(),
            ),
            Some(Reason::KeychainUnsaved) => lang.pick(
                format!("Neue Zugangsdaten konnten nicht im Schlüsselbund gespeichert werden. lexguard bewahrt sie in einer nur für Sie lesbaren Rettungsdatei im Datenordner auf ({}) und versucht es bei jeder Prüfung erneut. Bitte entsperren Sie den Schlüsselbund.", crate::store::rescue::FILE_NAME),
                format!("New credentials could not be saved to the keychain. lexguard keeps them in a rescue file readable only by you in the data folder ({}) and retries at every check. Please unlock the keychain.", crate::store::rescue::FILE_NAME),
            ),
            Some(Reason::KeychainUnavailable) => lang.pick(
                "Der Schlüsselbund ist nicht erreichbar oder gesperrt. Bitte entsperren Sie ihn; die Verbindung selbst ist nicht verloren.".to_string(),
                "The keychain is unreachable or locked. Please unlock it; the connection itself is not lost.".to_string(),
            ),
            Some(Reason::GapSeen) => {
                let gap = st.last_gap.as_ref().map(|g| time_fmt::duration(g.to - g.from)).unwrap_or_default();
                lang.pick(
                    format!("Es gab eine Pause von {gap} ohne Prüfung. Die Verbindung wurde geprüft."),
                    format!("There was a pause of {gap} without checks. The connection was checked."),
                )
            }
            Some(Reason::ApiKeyExpiring) => {
                let until = st.api_key_expires_at.map(|t| words(t).full).unwrap_or_default();
                lang.pick(
                    format!("Der API-Schlüssel läuft ab: {until}. Bitte erstellen Sie rechtzeitig einen neuen."),
                    format!("The API key expires: {until}. Please create a new one in time."),
                )
            }
            Some(Reason::WebhooksFailing) => crate::text::trouble_words::webhooks(st, lang),
            Some(Reason::AuthorizationExpiring) => {
                let until = authorization_end(st).map(|t| words(t).full).unwrap_or_default();
                crate::text::trouble_words::authorization(&until, lang)
            }
            Some(Reason::ScopesMissing) => {
                crate::text::trouble_words::scopes(st.missing_scopes.as_deref().unwrap_or_default(), lang)
            }
            _ => lang.pick("Eingeschränkt.".to_string(), "Degraded.".to_string()),
        },
    };
    if let (
        ConnState::Degraded,
        Some(Reason::RefreshFailing | Reason::ValidationFailing),
        Some((de, en)),
    ) = (st.state, st.reason, &st.problem_detail)
    {
        text.push(' ');
        text.push_str(lang.pick(de, en));
    }
    if overdue && st.reason != Some(Reason::ChecksOverdue) {
        let last = st
            .last_tick_at
            .map(|t| words(t).relative)
            .unwrap_or_default();
        text.push(' ');
        text.push_str(&lang.pick(
            format!("Achtung, Prüfung überfällig: Die letzte Prüfung war {last} – läuft lexguard (oder der Cron-Job)?"),
            format!("Warning, check overdue: the last check was {last} – is lexguard (or the cron job) running?"),
        ));
    }
    text
}

/// The words for the times `s` carries, as of `now`, in `zone`.
fn times_words(s: &Status, now: DateTime<Utc>, lang: Lang, zone: Zone) -> StatusTimes {
    let w = |t: Option<DateTime<Utc>>| t.map(|t| time_fmt::words_in(t, now, lang, zone));
    let gap = s.last_gap.as_ref();
    StatusTimes {
        as_of: now,
        connected: w(s.connected_at),
        access_expires: w(s.access_expires_at),
        refresh_issued: w(s.refresh_issued_at),
        refresh_expires_assumed: w(s.refresh_expires_assumed_at),
        api_key_expires: w(s.api_key_expires_at),
        last_check: w(s.last_tick_at),
        last_validated: w(s.last_validated_at),
        next_check: w(s.next_check_at),
        next_attempt: w(s.next_attempt_at),
        last_gap_from: w(gap.map(|g| g.from)),
        last_gap_to: w(gap.map(|g| g.to)),
        last_gap_length: gap.map(|g| time_fmt::duration(g.to - g.from)),
        last_webhook_sync: w(s.last_webhook_sync.as_ref().map(|x| x.at)),
    }
}

#[cfg(test)]
mod tests;
