//! What the CLI prints: for people in their language, or JSON for programs.

use crate::engine::{ConnectReport, TickReport, WebhookListing};
use crate::history::Entry;
use crate::state::ConnState;
use crate::state::Mode;
use crate::status::{Status, state_label};
use crate::text::i18n::Lang;
use crate::text::time_fmt::TimeWords;
use crate::webhooks::{Action, Outcome};
use anstyle::AnsiColor;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;

fn json(out: &mut impl Write, value: &impl Serialize) {
    let _ = serde_json::to_writer_pretty(&mut *out, value);
    let _ = writeln!(out);
}

/// A failed `--json` command: `{"error": {"kind", "message"}}`, plus the last known state's
/// fields at the top level (as `status --json` has them) when the state file is readable.
pub fn failure(out: &mut impl Write, e: &crate::Error, status: Option<&Status>, lang: Lang) {
    #[derive(Serialize)]
    struct ErrorJson {
        kind: &'static str,
        message: String,
    }
    #[derive(Serialize)]
    struct Failure<'a> {
        error: ErrorJson,
        #[serde(flatten)]
        status: Option<&'a Status>,
    }
    json(
        out,
        &Failure {
            error: ErrorJson {
                kind: e.kind(),
                message: e.message(lang),
            },
            status,
        },
    );
}

fn row(out: &mut impl Write, label: &str, value: &str) {
    let _ = writeln!(out, "{label:<23} {value}");
}

/// The state word in its colour (green, yellow, red). Always written as ANSI: the CLI's
/// stdout (`anstream`) strips it unless a person at a terminal without `NO_COLOR` reads.
pub(super) fn state_word(state: ConnState, lang: Lang) -> String {
    let colour = match state {
        ConnState::Healthy => Some(AnsiColor::Green),
        ConnState::Degraded => Some(AnsiColor::Yellow),
        ConnState::AuthLost => Some(AnsiColor::Red),
        ConnState::NotConnected => None,
    };
    let word = state_label(state, lang);
    match colour {
        Some(c) => {
            let style = c.on_default().bold();
            format!("{style}{word}{style:#}")
        }
        None => word.to_string(),
    }
}

pub fn status(out: &mut impl Write, s: &Status, as_json: bool, lang: Lang) {
    if as_json {
        #[derive(Serialize)]
        struct StatusJson<'a> {
            #[serde(flatten)]
            status: &'a Status,
            gap_seconds: Option<i64>,
        }
        json(
            out,
            &StatusJson {
                status: s,
                gap_seconds: None,
            },
        );
        return;
    }
    status_text(out, s, lang);
}

/// The times are the status's own words (`s.times`), the same the window shows. The main
/// lines speak of the connection and the login; technical facts (organization id, OAuth)
/// stand on one line labelled "Details".
fn status_text(out: &mut impl Write, s: &Status, lang: Lang) {
    let when = |t: &Option<TimeWords>| {
        t.as_ref()
            .map(|t| t.full.clone())
            .unwrap_or_else(|| "–".into())
    };
    let times = &s.times;
    row(
        out,
        lang.pick("Zustand:", "State:"),
        &state_word(s.state, lang),
    );
    if let Some(c) = &s.company {
        row(out, lang.pick("Firma:", "Company:"), c);
    }
    if let Some(q) = &s.quiet_line {
        row(out, lang.pick("Benachrichtigungen:", "Notifications:"), q);
    }
    if let Some(mode) = s.mode {
        let how = match mode {
            Mode::OAuth => lang.pick("Lexware-Anmeldung", "Lexware login"),
            Mode::ApiKey => lang.pick("API-Schlüssel", "API key"),
        };
        let env = match s.environment {
            crate::config::Environment::Production => lang.pick("Produktion", "production"),
            crate::config::Environment::Sandbox => "Sandbox",
            crate::config::Environment::Custom => lang.pick("eigene Adressen", "custom URLs"),
        };
        row(
            out,
            lang.pick("Zugang:", "Access:"),
            &format!("{how} · {env}"),
        );
    }
    // Nothing claims validity while the connection is lost or its credentials are unusable.
    let usable = s.connection_usable;
    match s.mode {
        Some(Mode::OAuth) => {
            if usable {
                row(
                    out,
                    lang.pick("Verbindung gültig bis:", "Connection valid until:"),
                    &when(&times.access_expires),
                );
            }
            if let Some(t) = &times.refresh_issued {
                row(
                    out,
                    lang.pick("Zuletzt erneuert:", "Last renewed:"),
                    &t.relative,
                );
            }
        }
        Some(Mode::ApiKey) if usable => {
            row(
                out,
                lang.pick("Schlüssel gültig bis:", "Key valid until:"),
                &when(&times.api_key_expires),
            );
        }
        Some(Mode::ApiKey) => {}
        None => {}
    }
    row(
        out,
        lang.pick("Letzte Prüfung:", "Last check:"),
        &when(&times.last_check),
    );
    if s.mode.is_some() {
        row(
            out,
            lang.pick("Nächste Prüfung:", "Next check:"),
            &when(&times.next_check),
        );
    }
    if let (Some(length), Some(to)) = (&times.last_gap_length, &times.last_gap_to) {
        let text = lang.pick(
            format!("{length} ohne Prüfung, bis {}", to.full),
            format!("{length} without checks, until {}", to.full),
        );
        row(out, lang.pick("Letzte Lücke:", "Last gap:"), &text);
    }
    if !s.webhooks.is_empty() {
        let sync = times
            .last_webhook_sync
            .as_ref()
            .map(|w| {
                lang.pick(
                    format!(", zuletzt eingerichtet {}", w.relative),
                    format!(", last set up {}", w.relative),
                )
            })
            .unwrap_or_default();
        row(
            out,
            "Webhooks:",
            &lang.pick(
                format!("{} konfiguriert{sync}", s.webhooks.len()),
                format!("{} configured{sync}", s.webhooks.len()),
            ),
        );
    }
    if let Some(line) = s
        .share
        .as_ref()
        .map(|sh| super::share::status_line(sh, lang))
    {
        row(
            out,
            lang.pick("Für andere Programme:", "For other programs:"),
            &line,
        );
    }
    let details: Vec<String> = [
        s.organization_id.as_deref().map(|o| {
            lang.pick(
                format!("Organisations-ID {o}"),
                format!("organization id {o}"),
            )
        }),
        (s.mode == Some(Mode::OAuth)).then(|| "OAuth".to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !details.is_empty() {
        row(out, "Details:", &details.join(" · "));
    }
    // The core's next step as a command, unless the message already names it.
    if let Some(step) =
        super::guidance::next_step(s.next_action, lang).filter(|c| !s.message.contains(c.as_str()))
    {
        row(out, lang.pick("Nächster Schritt:", "Next step:"), &step);
    }
    let _ = writeln!(out, "\n{}", s.message);
}

pub fn tick(out: &mut impl Write, r: &TickReport, as_json: bool, lang: Lang) {
    if as_json {
        #[derive(Serialize)]
        struct TickJson<'a> {
            #[serde(flatten)]
            status: &'a Status,
            gap_seconds: Option<i64>,
            refreshed: bool,
            validated: bool,
            events: &'a [crate::Event],
        }
        json(
            out,
            &TickJson {
                status: &r.status,
                gap_seconds: r.gap.as_ref().map(|g| g.seconds),
                refreshed: r.refreshed,
                validated: r.validated,
                events: &r.events,
            },
        );
        return;
    }
    if let Some(g) = &r.gap {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                format!(
                    "Lücke erkannt: {} ohne Prüfung.",
                    crate::text::time_fmt::duration(g.to - g.from)
                ),
                format!(
                    "Gap detected: {} without checks.",
                    crate::text::time_fmt::duration(g.to - g.from)
                ),
            )
        );
    }
    if r.refreshed {
        let _ = writeln!(
            out,
            "{}",
            lang.pick("Anmeldung erneuert.", "Login renewed.")
        );
    }
    status_text(out, &r.status, lang);
}

pub fn connect(out: &mut impl Write, r: &ConnectReport, lang: Lang) {
    let company = r.company.as_deref().unwrap_or("Lexware Office");
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            crate::text::i18n::sentence(&format!("Verbunden mit {company}")),
            crate::text::i18n::sentence(&format!("Connected to {company}"))
        )
    );
    match &r.webhooks {
        Some(Ok(outcomes)) => outcomes_text(out, outcomes, lang),
        Some(Err(msg)) => {
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    format!("Webhooks konnten nicht eingerichtet werden: {msg} Bitte später: lexguard webhooks sync"),
                    format!("Webhooks could not be set up: {msg} Please later: lexguard webhooks sync"),
                )
            );
        }
        None => {}
    }
}

pub fn outcomes(out: &mut impl Write, o: &[Outcome], as_json: bool, lang: Lang) {
    if as_json {
        json(out, &o);
    } else {
        outcomes_text(out, o, lang);
    }
}

fn action_label(a: Action, lang: Lang) -> &'static str {
    match a {
        Action::Created => lang.pick("angelegt", "created"),
        Action::Kept => lang.pick("vorhanden", "kept"),
        Action::Repaired => lang.pick("repariert", "repaired"),
        Action::Removed => lang.pick("gelöscht", "removed"),
        Action::Unmanaged => lang.pick("nicht verwaltet", "not managed"),
        Action::Failed => lang.pick("FEHLER", "FAILED"),
    }
}

fn outcomes_text(out: &mut impl Write, o: &[Outcome], lang: Lang) {
    for x in o {
        let _ = write!(
            out,
            "{:<16} {:<34} {}",
            action_label(x.action, lang),
            x.event_type,
            x.callback_url
        );
        if let Some(e) = &x.error {
            let _ = write!(out, "\n                 {e}");
        }
        let _ = writeln!(out);
    }
}

pub fn webhook_list(out: &mut impl Write, l: &WebhookListing, as_json: bool, lang: Lang) {
    if as_json {
        json(out, l);
        return;
    }
    let _ = writeln!(out, "{}", lang.pick("Bei Lexware:", "At Lexware:"));
    if l.existing.is_empty() {
        let _ = writeln!(out, "  –");
    }
    for s in &l.existing {
        let managed = l.desired.iter().any(|d| d.event_type == s.event_type);
        let mark = if managed {
            ""
        } else {
            lang.pick(" (nicht verwaltet)", " (not managed)")
        };
        let _ = writeln!(out, "  {:<34} {}{mark}", s.event_type, s.callback_url);
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick("Gewünscht (config.toml):", "Desired (config.toml):")
    );
    if l.desired.is_empty() {
        let _ = writeln!(out, "  –");
    }
    for d in &l.desired {
        let _ = writeln!(out, "  {:<34} {}", d.event_type, d.callback_url);
    }
}

pub fn history(
    out: &mut impl Write,
    entries: &[Entry],
    as_json: bool,
    lang: Lang,
    now: DateTime<Utc>,
) {
    if as_json {
        json(out, &entries);
        return;
    }
    // The kind in words ("Erneuert", "Lücke"); `--json` keeps the machine names.
    for line in crate::history::lines(entries, now, lang) {
        let _ = writeln!(
            out,
            "{}  {:<19} {}",
            line.at_words.full,
            line.event.kind_label(lang),
            line.text
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_word_carries_its_colour_and_stays_readable_without_it() {
        let healthy = state_word(ConnState::Healthy, Lang::De);
        assert!(healthy.starts_with("\x1b[") && healthy.contains("Verbunden"));
        assert!(state_word(ConnState::AuthLost, Lang::De).contains("\x1b[1m\x1b[31m"));
        assert_eq!(
            state_word(ConnState::NotConnected, Lang::De),
            "Nicht verbunden"
        );
        // What anstream writes to a pipe: the words alone.
        let mut piped = anstream::StripStream::new(Vec::new());
        let _ = write!(piped, "{healthy}");
        assert_eq!(piped.into_inner(), b"Verbunden");
    }
}
