//! `lexguard snooze 1h | until 08:00 | off`: says what is muted until when, and that the
//! dead-man's switch (`ping_url`) and the checks go on.

use crate::Error;
use crate::engine::Engine;
use crate::text::i18n::Lang;
use lexguard::quiet::{Channel, SnoozeRequest, until_words};
use std::io::Write;

pub(super) fn run(
    engine: &Engine,
    when: &[String],
    out: &mut impl Write,
    lang: Lang,
) -> Result<i32, Error> {
    let request = SnoozeRequest::parse(when)?;
    let (until, _) = engine.snooze(request)?;
    let quiet = engine.quiet();
    let line = match until {
        None => lang
            .pick(
                "Stummschaltung beendet; Benachrichtigungen kommen wieder.",
                "Snooze ended; notifications are delivered again.",
            )
            .to_string(),
        Some(until) => {
            let now = engine.now();
            let channels: Vec<&str> = [Channel::Desktop, Channel::Webhook, Channel::Command]
                .into_iter()
                .filter(|c| quiet.is_quiet(*c, now))
                .map(|c| channel_word(c, lang))
                .collect();
            let words = until_words(until, now, quiet.zone(), lang);
            let mut first = words.chars();
            let words = first
                .next()
                .map(|c| c.to_uppercase().chain(first).collect::<String>())
                .unwrap_or_default();
            if channels.is_empty() {
                lang.pick(
                    format!("{words} – aber in [quiet_hours] channels ist kein Kanal gewählt, also bleibt alles hörbar. Tragen Sie z. B. channels = [\"desktop\", \"webhook\"] ein."),
                    format!("{words} – but [quiet_hours] channels names no channel, so nothing goes quiet. Set e.g. channels = [\"desktop\", \"webhook\"]."),
                )
            } else {
                lang.pick(
                    format!("{words} ({}). Die Prüfungen laufen weiter; ping_url wird nie stumm geschaltet.", channels.join(", ")),
                    format!("{words} ({}). Checks go on; ping_url is never muted.", channels.join(", ")),
                )
            }
        }
    };
    let _ = writeln!(out, "{line}");
    Ok(0)
}

fn channel_word(c: Channel, lang: Lang) -> &'static str {
    match c {
        Channel::Desktop => lang.pick("Desktop-Benachrichtigungen", "desktop notifications"),
        Channel::Webhook => "webhook_url",
        Channel::Command => "command",
    }
}
