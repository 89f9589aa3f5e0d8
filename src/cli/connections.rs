//! Several connections on the command line: which engine a command with `-c NAME` runs on,
//! `lexguard connections [--json]`, `connections remove NAME`, and `tick` for all of them.

use super::args::{Command, ConnectionsCommand};
use super::output;
use crate::Error;
use crate::config::Home;
use crate::connections::{self, ConnectionName};
use crate::engine::{Engine, TickCause};
use crate::state::ConnState;
use crate::text::i18n::Lang;
use serde::Serialize;
use std::io::Write;

/// The worse of two exit codes: healthy (0) < degraded (4) < error (1) < lost (3).
fn worst(a: i32, b: i32) -> i32 {
    let rank = |c: i32| match c {
        0 => 0,
        4 => 1,
        3 => 3,
        _ => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// The engine `command` runs on. `login-url` and `connect` create a named connection;
/// every other command needs one that exists (a typo must not look like "not connected").
pub(super) fn engine_for(
    command: &Command,
    name: &ConnectionName,
    lang: Lang,
) -> Result<Engine, Error> {
    let base = Home::from_env()?;
    if !connections::exists(&base, name) {
        if !matches!(command, Command::LoginUrl | Command::Connect { .. }) {
            return Err(unknown(name));
        }
        connections::create(&base, name)?;
    }
    connections::engine_in(&base, lang, name)
}

/// `Ok` when connection `name` exists (`default` always does).
fn known(name: &ConnectionName) -> Result<(), Error> {
    match Home::from_env() {
        Ok(base) if !connections::exists(&base, name) => Err(unknown(name)),
        _ => Ok(()),
    }
}

fn unknown(name: &ConnectionName) -> Error {
    Error::invalid(
        format!(
            "Eine Verbindung „{name}“ gibt es nicht. „lexguard connections“ zeigt alle; eine neue legen Sie mit „lexguard login-url -c {name}“ an."
        ),
        format!(
            "There is no connection \"{name}\". \"lexguard connections\" lists them all; make a new one with \"lexguard login-url -c {name}\"."
        ),
    )
}

/// Runs what needs no single engine: `doctor` (it must work where an engine cannot be built),
/// `connections`, and `tick` of every connection. `Err` hands every other command back.
pub(super) async fn without_engine(
    command: Command,
    connection: &Option<ConnectionName>,
    lang: Lang,
) -> Result<i32, Command> {
    let fail = |e: &Error, lang, json| super::fail(e, lang, json, None);
    match command {
        Command::Doctor { json, test_alerts } => {
            let name = connection
                .clone()
                .unwrap_or_else(ConnectionName::default_name);
            if let Err(e) = known(&name) {
                return Ok(fail(&e, lang, json));
            }
            let opts = super::doctor::Options { json, test_alerts };
            Ok(super::doctor::doctor(lang, opts, &name).await)
        }
        Command::Connections { json, action } => Ok(run(action, json, lang)
            .await
            .unwrap_or_else(|e| fail(&e, lang, json))),
        Command::Tick { json } if connection.is_none() && several() => {
            Ok(tick_all(json, lang).await)
        }
        other => Err(other),
    }
}

/// Whether `tick` without `-c` has other connections than just `default` to check.
fn several() -> bool {
    Home::from_env().is_ok_and(|base| connections::names(&base) != [ConnectionName::default_name()])
}

async fn run(action: Option<ConnectionsCommand>, json: bool, lang: Lang) -> Result<i32, Error> {
    match action {
        None => list(json, lang),
        Some(ConnectionsCommand::Remove { name, force }) => remove(&name, force, lang).await,
    }
}

/// One connection as `lexguard connections --json` lists it.
#[derive(Serialize)]
struct Row {
    name: ConnectionName,
    /// `None`: its configuration or state could not be read (`headline` says why).
    state: Option<ConnState>,
    company: Option<String>,
    organization_id: Option<String>,
    headline: String,
}

/// Every connection's state as last computed (asks neither the keychain nor Lexware); exit
/// code the worst of them.
fn list(json: bool, lang: Lang) -> Result<i32, Error> {
    let base = Home::from_env()?;
    let mut code = 0;
    let rows: Vec<Row> = connections::names(&base)
        .into_iter()
        .map(
            |name| match connections::engine_in(&base, lang, &name).and_then(|e| e.status()) {
                Ok(s) => {
                    code = worst(code, s.exit_code());
                    Row {
                        name,
                        state: Some(s.state),
                        company: s.company,
                        organization_id: s.organization_id,
                        headline: s.headline,
                    }
                }
                Err(e) => {
                    code = worst(code, 1);
                    Row {
                        name,
                        state: None,
                        company: None,
                        organization_id: None,
                        headline: e.message(lang),
                    }
                }
            },
        )
        .collect();
    let mut out = anstream::stdout();
    if json {
        let _ = serde_json::to_writer_pretty(&mut out, &rows);
        let _ = writeln!(out);
        return Ok(code);
    }
    let width = rows
        .iter()
        .map(|r| r.name.as_str().len())
        .max()
        .unwrap_or(0);
    for r in &rows {
        let state = r
            .state
            .map(|s| output::state_word(s, lang))
            .unwrap_or_else(|| lang.pick("Fehler", "Error").to_string());
        let company = r
            .company
            .as_deref()
            .map(|c| format!("{c} · "))
            .unwrap_or_default();
        let _ = writeln!(out, "{:<width$}  {state}  {company}{}", r.name, r.headline);
    }
    Ok(code)
}

/// Revokes at Lexware, deletes the connection's secrets and its folder (`force`: even when
/// Lexware cannot be reached, as `disconnect --force`).
async fn remove(name: &ConnectionName, force: bool, lang: Lang) -> Result<i32, Error> {
    connections::removable(name)?;
    let base = Home::from_env()?;
    if !connections::exists(&base, name) {
        return Err(unknown(name));
    }
    let engine = connections::engine_in(&base, lang, name)?;
    engine.disconnect(force).await?;
    connections::delete(&base, &engine, name).await?;
    let mut out = anstream::stdout();
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            format!(
                "Verbindung „{name}“ entfernt: bei Lexware widerrufen, Zugangsdaten und Ordner gelöscht."
            ),
            format!(
                "Connection \"{name}\" removed: revoked at Lexware, credentials and folder deleted."
            ),
        )
    );
    Ok(0)
}

/// `tick` without `-c`: every connection at once, each under its own lock with its own
/// schedule and backoff, so one's failure or wait never holds up another. Exit code the
/// worst. A signal lets every running refresh finish and be stored first.
async fn tick_all(json: bool, lang: Lang) -> i32 {
    let mut signals = super::signals::Signals::listen();
    let base = match Home::from_env() {
        Ok(b) => b,
        Err(e) => return report_error(&e, json, lang),
    };
    let names = connections::names(&base);
    let engines: Vec<(ConnectionName, Result<Engine, Error>)> = names
        .into_iter()
        .map(|n| {
            let e = connections::engine_in(&base, lang, &n);
            (n, e)
        })
        .collect();
    let running: Vec<_> = engines
        .iter()
        .filter_map(|(n, e)| e.as_ref().ok().map(|e| (n.clone(), e.clone())))
        .map(|(n, e)| {
            let task = tokio::spawn(async move {
                let r = e.tick(TickCause::Scheduled).await;
                if let (Ok(report), Some(alerts)) = (&r, e.alerts()) {
                    alerts.handle(&report.status, e.now()).await;
                }
                r
            });
            (n, task)
        })
        .collect();
    let spinner = super::progress::Spinner::start(super::progress::Wait::Check, lang);
    let mut results = Vec::new();
    let collect = async {
        for (n, task) in running {
            results.push((n, task.await));
        }
    };
    tokio::select! {
        biased;
        () = collect => {}
        caught = signals.recv() => {
            drop(spinner);
            let closing = engines.iter().filter_map(|(_, e)| e.as_ref().ok()).map(|e| e.close());
            for close in closing {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(10), close).await;
            }
            return caught.code;
        }
    }
    drop(spinner);
    let mut out = anstream::stdout();
    let mut code = 0;
    let mut docs = Vec::new();
    for (name, e) in &engines {
        if let Err(e) = e {
            code = worst(code, 1);
            docs.push(failure_doc(name, e, None, json, lang));
        }
    }
    for (name, joined) in results {
        match joined {
            Ok(Ok(report)) => {
                code = worst(code, report.status.exit_code());
                let mut buf = Vec::new();
                output::tick(&mut buf, &report, json, lang);
                docs.push(labelled(&name, buf, json));
            }
            Ok(Err(e)) => {
                code = worst(code, super::exit_code(&e));
                let engine = engines.iter().find(|(n, _)| *n == name);
                let status = engine.and_then(|(_, e)| e.as_ref().ok()?.status().ok());
                docs.push(failure_doc(&name, &e, status.as_ref(), json, lang));
            }
            Err(e) => {
                code = worst(code, 1);
                docs.push(failure_doc(
                    &name,
                    &Error::Protocol(e.to_string()),
                    None,
                    json,
                    lang,
                ));
            }
        }
    }
    if json {
        let values: Vec<serde_json::Value> = docs
            .iter()
            .filter_map(|d| serde_json::from_slice(d).ok())
            .collect();
        let _ = serde_json::to_writer_pretty(&mut out, &values);
        let _ = writeln!(out);
    } else {
        for d in docs {
            let _ = out.write_all(&d);
        }
    }
    code
}

fn report_error(e: &Error, json: bool, lang: Lang) -> i32 {
    if json {
        output::failure(&mut std::io::stdout(), e, None, lang);
    } else {
        eprintln!("{}", e.message(lang));
    }
    super::exit_code(e)
}

/// One connection's part of the answer: its JSON document with `connection` added, or its
/// text under a line with its name.
fn labelled(name: &ConnectionName, buf: Vec<u8>, json: bool) -> Vec<u8> {
    if json {
        let mut v: serde_json::Value = serde_json::from_slice(&buf).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.insert("connection".into(), name.as_str().into());
        }
        return serde_json::to_vec(&v).unwrap_or_default();
    }
    let mut text = format!("── {name} ──\n").into_bytes();
    text.extend(buf);
    text.push(b'\n');
    text
}

fn failure_doc(
    name: &ConnectionName,
    e: &Error,
    status: Option<&crate::status::Status>,
    json: bool,
    lang: Lang,
) -> Vec<u8> {
    if json {
        let mut buf = Vec::new();
        output::failure(&mut buf, e, status, lang);
        return labelled(name, buf, true);
    }
    labelled(name, format!("{}\n", e.message(lang)).into_bytes(), false)
}
