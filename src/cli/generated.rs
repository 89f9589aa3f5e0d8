//! Shell completions (`clap_complete`) and the man page (`clap_mangen`), generated from the
//! same clap definitions as `--help`, in the user's language. The `.deb` ships both (see
//! `packaging/generate`), so they never drift from what the binary accepts.

use super::args;
use crate::text::i18n::Lang;
use std::io::Write;
use std::process::ExitCode;

/// `lexguard completions <shell>`: the script on stdout.
pub(super) fn completions(shell: clap_complete::Shell, lang: Lang) -> ExitCode {
    let mut cmd = args::localized(lang);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "lexguard", &mut out);
    write_out(&out)
}

/// `lexguard man`: the roff page `lexguard(1)` on stdout: name, synopsis, description and
/// options of `lexguard`, then every command with its usage, purpose and options (clap_mangen
/// alone would point at one page per command that nobody installs).
pub(super) fn man_page(lang: Lang) -> ExitCode {
    let cmd = args::localized(lang);
    let man = clap_mangen::Man::new(cmd.clone())
        .manual(lang.pick("Benutzerbefehle", "User Commands"))
        .source(concat!("lexguard ", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    let written = (|| -> std::io::Result<()> {
        man.render_title(&mut out)?;
        // German words split by English hyphenation rules read badly: no hyphenation.
        out.extend(b".nh\n");
        man.render_name_section(&mut out)?;
        man.render_synopsis_section(&mut out)?;
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
        let mut commands = roff::Roff::new();
        commands.control("SH", [lang.pick("BEFEHLE", "COMMANDS")]);
        out.extend(commands.to_roff().into_bytes());
        for sub in cmd.get_subcommands() {
            command_section(sub, &mut out)?;
        }
        man.render_version_section(&mut out)
    })();
    if let Err(e) = written {
        eprintln!("lexguard: {e}");
        return ExitCode::from(1);
    }
    let page = String::from_utf8_lossy(&out).into_owned();
    write_out(translate_sections(&page, lang).as_bytes())
}

/// One command (and the commands below it): its usage line as a subheading, what it does,
/// its options.
fn command_section(cmd: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let mut built = cmd.clone();
    let usage = built.render_usage().to_string();
    let usage = usage.trim_start_matches("Usage:").trim().to_string();
    let mut head = roff::Roff::new();
    head.control("SS", [usage.as_str()]);
    if let Some(about) = cmd.get_about() {
        head.text([roff::roman(about.to_string())]);
    }
    out.extend(head.to_roff().into_bytes());
    if cmd.get_subcommands().next().is_none() {
        let mut options = Vec::new();
        clap_mangen::Man::new(cmd.clone()).render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options);
        // Its own headings would end the command's subsection.
        for line in options.lines().filter(|l| !l.starts_with(".SH")) {
            out.extend(line.as_bytes());
            out.push(b'\n');
        }
    }
    for sub in cmd.get_subcommands() {
        command_section(sub, out)?;
    }
    Ok(())
}

/// clap_mangen names its fixed sections in English; a German page has German ones (the
/// option headings already come from the German help). Section names are upper case.
fn translate_sections(page: &str, lang: Lang) -> String {
    page.lines()
        .map(|line| match (lang, line) {
            (Lang::De, ".SH NAME") => ".SH BEZEICHNUNG".to_string(),
            (Lang::De, ".SH SYNOPSIS") => ".SH ÜBERSICHT".to_string(),
            (Lang::De, ".SH DESCRIPTION") => ".SH BESCHREIBUNG".to_string(),
            (_, l) if l.starts_with(".SH ") => l.to_uppercase(),
            (_, l) => l.to_string(),
        })
        .fold(String::with_capacity(page.len()), |mut s, l| {
            s.push_str(&l);
            s.push('\n');
            s
        })
}

fn write_out(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not a failure worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lexguard: {e}");
            ExitCode::from(1)
        }
    }
}
