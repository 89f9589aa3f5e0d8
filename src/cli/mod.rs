//! The `lexguard` command line: for scripts, servers and cron. German or English by `LANG`
//! or `--lang`; `--json` for programs; exit codes 0 healthy, 4 degraded, 3 auth lost or not
//! connected, 1 error, 2 usage.

mod args;
mod connections;
mod doctor;
mod generated;
mod guidance;
mod input;
mod output;
mod progress;
mod serve;
mod serve_connections;
mod share;
mod signals;
mod snooze;
mod usage_error;

use crate::ClientSecret;
use crate::Error;
use crate::engine::{Engine, TickCause};
use crate::text::i18n::Lang;
use args::{ApiKeyCommand, Command, SecretCommand, ShareCommand, WebhookCommand};
use input::Asked;
use progress::{Spinner, Wait};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = args::lang_in(&argv).unwrap_or_else(Lang::from_env);
    let cli = args::parse(argv, lang);
    let lang = cli.lang.unwrap_or(lang);
    // Printed from the same definitions as the help, before any runtime or log exists.
    match cli.command {
        Command::Completions { shell } => return generated::completions(shell, lang),
        Command::Man => return generated::man_page(lang),
        _ => {}
    }
    init_tracing(matches!(cli.command, Command::Serve));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("lexguard: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(run(cli.command, cli.connection, lang));
    // A command still blocked on stdin after a signal must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// Diagnostics (the engine's inner workings, in developer English) go to stderr only when
/// `LEXGUARD_LOG` asks for them: a one-shot command tells the person in plain words what
/// happened and prints no log lines of its own. `serve`'s log is its journal: by default it
/// says what happened in the words of the history (see `serve`), without module paths, and
/// the alert channels' failures. Coloured only for a person at a terminal who did not ask
/// for `NO_COLOR` (logs and pipes stay plain).
fn init_tracing(serving: bool) {
    let colour = use_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("LEXGUARD_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(colour)
            .try_init();
    } else if serving {
        let filter = tracing_subscriber::EnvFilter::new(
            "off,lexguard::cli::serve=info,lexguard::alerts=warn",
        );
        // The journal stamps each line itself.
        let journal = std::env::var_os("JOURNAL_STREAM").is_some();
        let fmt = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(colour)
            .with_target(false);
        let _ = if journal {
            fmt.without_time().try_init()
        } else {
            fmt.try_init()
        };
    }
}

/// <https://no-color.org>: any non-empty `NO_COLOR` turns colours off.
fn use_colour(terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty())
}

async fn run(
    command: Command,
    connection: Option<crate::connections::ConnectionName>,
    lang: Lang,
) -> i32 {
    let json = command.wants_json();
    let serving = matches!(command, Command::Serve);
    let command = match connections::without_engine(command, &connection, lang).await {
        Ok(code) => return code,
        Err(command) => command,
    };
    let name = connection
        .clone()
        .unwrap_or_else(crate::connections::ConnectionName::default_name);
    let mut signals = signals::Signals::listen();
    let engine = match connections::engine_for(&command, &name, lang) {
        Ok(e) => e,
        Err(e) => return fail(&e, lang, json, None),
    };
    if serving && connection.is_none() {
        serve_connections::start(lang);
    }
    let mut task = tokio::spawn({
        let engine = engine.clone();
        async move { execute(&engine, command, lang).await }
    });
    tokio::select! {
        biased;
        joined = &mut task => match joined {
            Ok(Ok(code)) => code,
            Ok(Err(e)) => fail(&e, lang, json, Some(&engine)),
            Err(e) => {
                eprintln!("lexguard: {e}");
                1
            }
        },
        caught = signals.recv() => {
            progress::clear();
            if serving {
                serve::stopping();
                serve_connections::close_all().await;
            }
            let (code, clean) = signals::stop(&engine, caught, lang).await;
            // A service asked to stop that stopped cleanly has done its job.
            let code = if serving && clean { 0 } else { code };
            // The operation is done; whatever the command would still print is dropped.
            task.abort();
            let _ = tokio::time::timeout(std::time::Duration::from_millis(300), task).await;
            code
        }
    }
}

/// Says what went wrong (stderr, or one JSON document on stdout with `--json`) and returns
/// the exit code, the same either way.
fn fail(e: &Error, lang: Lang, json: bool, engine: Option<&Engine>) -> i32 {
    if json {
        let status = engine.and_then(|en| en.status().ok());
        output::failure(&mut std::io::stdout(), e, status.as_ref(), lang);
    } else {
        eprintln!("{}", e.message(lang));
        // The parser's own words, after the plain sentence and never inside it.
        if let Some(details) = e.details() {
            eprintln!("Details: {details}");
        }
    }
    tracing::debug!(kind = e.kind(), error = %e, "command failed");
    exit_code(e)
}

/// The exit code of a failed command: 3 when the connection is gone, else 1.
fn exit_code(e: &Error) -> i32 {
    match e {
        Error::AuthLost | Error::RefreshInterrupted | Error::KeyRejected | Error::NotConnected => 3,
        _ => 1,
    }
}

async fn execute(engine: &Engine, command: Command, lang: Lang) -> Result<i32, Error> {
    // Not locked: the command runs as a task that may move between threads. Colours (the
    // state word) are written as ANSI and stripped unless stdout is a terminal without
    // NO_COLOR; JSON carries none.
    let mut out = anstream::stdout();
    // While Lexware is asked: a spinner on stderr, at a terminal only; gone when the
    // answer is printed (dropped before it).
    let wait = |w: Wait| Spinner::start(w, lang);
    match command {
        Command::LoginUrl => {
            let url = engine.login_url().await?;
            let _ = writeln!(out, "{url}");
            Ok(0)
        }
        Command::Connect {
            input,
            api_key,
            expires,
            new_organization,
        } => {
            let ends_at = expires
                .as_deref()
                .map(crate::engine::end_of_day)
                .transpose()?;
            let text = match input.as_deref() {
                None | Some("-") => {
                    input::ask(lang, if api_key { Asked::Secret } else { Asked::Code }).await?
                }
                Some(_) if api_key => {
                    return Err(Error::invalid(
                        "Bitte geben Sie den API-Schlüssel über stdin ein (lexguard connect --api-key -), damit er nicht in der Prozessliste erscheint.",
                        "Please give the API key on stdin (lexguard connect --api-key -) so it does not show in the process list.",
                    ));
                }
                Some(s) => s.to_string(),
            };
            let spinner = wait(Wait::Connect);
            let report = if api_key {
                engine
                    .connect_api_key_organization(&text, ends_at, new_organization)
                    .await?
            } else {
                engine.connect_organization(&text, new_organization).await?
            };
            drop(spinner);
            output::connect(&mut out, &report, lang);
            Ok(0)
        }
        Command::Status { json } => {
            let status = engine.status()?;
            output::status(&mut out, &status, json, lang);
            Ok(status.exit_code())
        }
        Command::Serve => serve::serve(engine).await,
        Command::ApiKey {
            action: ApiKeyCommand::Expires { date },
        } => {
            let status = engine
                .set_api_key_end(crate::engine::end_of_day(&date)?)
                .await?;
            let _ = writeln!(out, "{}", status.message);
            Ok(0)
        }
        Command::Event { signature, input } => {
            if input != "-" {
                return Err(Error::invalid(
                    "Bitte geben Sie den Text des Ereignisses über stdin: lexguard event --signature … -",
                    "Please give the event's body on stdin: lexguard event --signature … -",
                ));
            }
            // The exact bytes: the signature is over them, a trimmed newline would break it.
            use std::io::Read as _;
            let mut body = Vec::new();
            std::io::stdin()
                .lock()
                .take(64 * 1024 + 1)
                .read_to_end(&mut body)
                .map_err(|e| Error::io("<stdin>", e))?;
            match engine.lexware_event(&body, &signature).await? {
                crate::engine::EventOutcome::ConnectionEnded(status) => {
                    let _ = writeln!(out, "{}", status.message);
                    Ok(status.exit_code())
                }
                crate::engine::EventOutcome::Ignored(kind) => {
                    let _ = writeln!(
                        out,
                        "{}",
                        lang.pick(
                            format!(
                                "Echtes Lexware-Ereignis „{kind}“; für lexguard ist nichts zu tun."
                            ),
                            format!(
                                "Genuine Lexware event \"{kind}\"; nothing to do for lexguard."
                            ),
                        )
                    );
                    Ok(0)
                }
            }
        }
        // Handled before an engine exists.
        Command::Doctor { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Connections { .. } => Ok(0),
        Command::Tick { json } => {
            let spinner = wait(Wait::Check);
            let report = engine.tick(TickCause::Scheduled).await?;
            drop(spinner);
            output::tick(&mut out, &report, json, lang);
            let _ = out.flush();
            // After the check is stored and printed; bounded by the alerts' own timeouts.
            if let Some(alerts) = engine.alerts() {
                alerts.handle(&report.status, engine.now()).await;
            }
            Ok(report.status.exit_code())
        }
        Command::Token {
            json: false,
            min_valid: _,
        } => {
            let spinner = wait(Wait::Token);
            let token = engine.access_token().await?;
            drop(spinner);
            let _ = writeln!(out, "{token}");
            Ok(0)
        }
        Command::Token {
            json: true,
            min_valid,
        } => share::token_json(engine, min_valid.map(Into::into)).await,
        Command::Share {
            action: ShareCommand::Key,
        } => share::key(engine),
        Command::Refresh => {
            let spinner = wait(Wait::Refresh);
            let status = engine.refresh_now().await?;
            drop(spinner);
            let _ = writeln!(out, "{}", status.message);
            Ok(0)
        }
        Command::Webhooks { action } => match action {
            WebhookCommand::List { json } => {
                let spinner = wait(Wait::Lexware);
                let listing = engine.webhooks_list().await?;
                drop(spinner);
                output::webhook_list(&mut out, &listing, json, lang);
                Ok(0)
            }
            WebhookCommand::Sync { prune, json } => {
                let spinner = wait(Wait::Webhooks);
                let outcomes = engine.webhooks_sync(prune).await?;
                drop(spinner);
                output::outcomes(&mut out, &outcomes, json, lang);
                let failed = outcomes
                    .iter()
                    .any(|o| o.action == crate::webhooks::Action::Failed);
                Ok(if failed { 1 } else { 0 })
            }
        },
        Command::History { n, json } => {
            let entries = engine.history(n)?;
            output::history(&mut out, &entries, json, lang, engine.now());
            Ok(0)
        }
        Command::Disconnect { force } => {
            let spinner = wait(Wait::Disconnect);
            let status = engine.disconnect(force).await?;
            drop(spinner);
            let _ = writeln!(
                out,
                "{}",
                lang.pick(
                    "Verbindung getrennt; die Zugangsdaten wurden gelöscht.",
                    "Disconnected; the credentials were deleted."
                )
            );
            let _ = status;
            Ok(0)
        }
        Command::Snooze { when } => snooze::run(engine, &when, &mut out, lang),
        Command::ClientSecret {
            action: SecretCommand::Set { input },
        } => {
            if input != "-" {
                return Err(Error::invalid(
                    "Bitte geben Sie das Client-Secret über stdin ein: lexguard client-secret set -",
                    "Please give the client secret on stdin: lexguard client-secret set -",
                ));
            }
            let secret = input::ask(lang, Asked::Secret).await?;
            engine
                .set_client_secret(ClientSecret::new(secret.trim()))
                .await?;
            guidance::secret_stored(&mut out, engine.config().store.kind, lang);
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use args::Cli;
    use clap::Parser;

    #[test]
    fn colours_only_at_a_terminal_without_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some("".into())));
        assert!(!use_colour(true, Some("1".into())));
        assert!(!use_colour(false, None));
    }

    #[test]
    fn the_help_language_comes_from_lang_before_parsing() {
        let lang = |words: &[&str]| {
            let argv: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
            args::lang_in(&argv)
        };
        assert_eq!(
            lang(&["lexguard", "--lang", "en", "--help"]),
            Some(Lang::En)
        );
        assert_eq!(lang(&["lexguard", "status", "--lang=de"]), Some(Lang::De));
        assert_eq!(lang(&["lexguard", "--help"]), None);
        assert_eq!(lang(&["lexguard", "--lang", "xx"]), None);
        assert_eq!(lang(&["lexguard", "connect", "--", "--lang", "en"]), None);
    }

    #[test]
    fn which_commands_answer_failures_in_json() {
        let json = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("lexguard").chain(args.iter().copied()))
                .expect("parses")
                .command
                .wants_json()
        };
        assert!(json(&["status", "--json"]));
        assert!(json(&["tick", "--json"]));
        assert!(json(&["history", "--json"]));
        assert!(json(&["webhooks", "list", "--json"]));
        assert!(json(&["webhooks", "sync", "--prune", "--json"]));
        assert!(!json(&["status"]));
        assert!(!json(&["token"]));
    }
}
