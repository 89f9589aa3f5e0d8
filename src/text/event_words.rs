//! One sentence per event, for a person: the CLI's `history`, the window's history (which
//! shows these sentences as they are) and anyone else. Times inside are absolute (an old
//! entry's "valid until 16:32 MEZ" stays true); the entry's own time comes as
//! [`crate::text::time_fmt::TimeWords`] next to it.

use crate::error::KeychainFault;
use crate::event::Event;
use crate::state::{Mode, Reason};
use crate::status::state_label;
use crate::text::headline::reason_label;
use crate::text::i18n::Lang;
use crate::text::time_fmt::{Zone, absolute_in, duration};
use crate::webhooks::{Action, Outcome};
use chrono::{DateTime, Utc};

impl Event {
    /// The event's kind as a person reads it in a history list ("Erneuert", "Lücke");
    /// [`Event::kind`] stays the machine name (`refresh`, `gap`) for JSON and filters.
    pub fn kind_label(&self, lang: Lang) -> &'static str {
        match self {
            Event::StateChanged { .. } => lang.pick("Zustand", "State"),
            Event::GapDetected { .. } => lang.pick("Lücke", "Gap"),
            Event::Refreshed { .. } => lang.pick("Erneuert", "Renewed"),
            Event::RefreshFailing { .. } => lang.pick("Fehlgeschlagen", "Failed"),
            Event::Validated { .. } => lang.pick("Geprüft", "Checked"),
            Event::AuthLost { .. } => lang.pick("Verbindung verloren", "Connection lost"),
            Event::Connected { .. } => lang.pick("Verbunden", "Connected"),
            Event::Disconnected => lang.pick("Getrennt", "Disconnected"),
            Event::WebhooksSynced { .. } => "Webhooks",
            Event::KeychainTrouble { .. } | Event::KeychainRecovered => {
                lang.pick("Schlüsselbund", "Keychain")
            }
            Event::ApiKeyExpiring { .. } => lang.pick("API-Schlüssel", "API key"),
            Event::KeepaliveRestarted { .. } => lang.pick("Neu gestartet", "Restarted"),
            Event::AuthorizationExpiring { .. } => lang.pick("Freigabe", "Authorization"),
            Event::WebhookRestored { .. } => {
                lang.pick("Webhook neu eingerichtet", "Webhook restored")
            }
            Event::WebhookFailing { .. } => lang.pick("Webhook gestört", "Webhook failing"),
            Event::WebhookMissing { .. } => lang.pick("Webhook fehlt", "Webhook missing"),
        }
    }

    /// The sentence, its times in the machine's zone.
    pub fn describe(&self, lang: Lang, now: DateTime<Utc>) -> String {
        self.describe_in(lang, now, Zone::machine())
    }

    /// The sentence, its times in `zone` (tests pin it).
    pub fn describe_in(&self, lang: Lang, now: DateTime<Utc>, zone: Zone) -> String {
        let time = |t: DateTime<Utc>| absolute_in(t, now, lang, zone);
        match self {
            Event::StateChanged { from, to, reason } => {
                let (from, to) = (state_label(*from, lang), state_label(*to, lang));
                match reason {
                    Some(r) => lang.pick(
                        format!(
                            "Der Zustand wechselte von „{from}“ zu „{to}“: {}.",
                            reason_label(*r, lang)
                        ),
                        format!(
                            "The state changed from “{from}” to “{to}”: {}.",
                            reason_label(*r, lang)
                        ),
                    ),
                    None => lang.pick(
                        format!("Der Zustand wechselte von „{from}“ zu „{to}“."),
                        format!("The state changed from “{from}” to “{to}”."),
                    ),
                }
            }
            Event::GapDetected {
                gap,
                tokens_survived,
            } => {
                let length = duration(gap.to - gap.from);
                let why = if gap.while_running {
                    lang.pick("der Computer schlief oder hing", "the computer slept or stalled")
                } else {
                    lang.pick("lexguard lief nicht", "lexguard was not running")
                };
                if *tokens_survived {
                    lang.pick(
                        format!("{length} lang keine Prüfung ({why}). Die Zugangsdaten haben die Lücke überstanden."),
                        format!("No check for {length} ({why}). The credentials survived the gap."),
                    )
                } else {
                    lang.pick(
                        format!("{length} lang keine Prüfung ({why}). Die Verbindung hat die Lücke nicht überstanden."),
                        format!("No check for {length} ({why}). The connection did not survive the gap."),
                    )
                }
            }
            Event::Refreshed { expires_at } => lang.pick(
                format!(
                    "Anmeldung erneuert; die Verbindung gilt bis {}.",
                    time(*expires_at)
                ),
                format!(
                    "Login renewed; the connection is valid until {}.",
                    time(*expires_at)
                ),
            ),
            Event::RefreshFailing {
                error,
                retry_at,
                expires_at,
            } => {
                let why = error_kind_words(error, lang);
                let first = lang.pick(
                    format!(
                        "Erneuern fehlgeschlagen ({why}); nächster Versuch {}.",
                        time(*retry_at)
                    ),
                    format!("Refreshing failed ({why}); next try {}.", time(*retry_at)),
                );
                match expires_at {
                    Some(t) => lang.pick(
                        format!("{first} Die Verbindung gilt noch bis {}.", time(*t)),
                        format!("{first} The connection is still valid until {}.", time(*t)),
                    ),
                    None => first,
                }
            }
            Event::Validated { company } => match company {
                Some(c) => lang.pick(
                    format!("Verbindung zu {c} geprüft – alles in Ordnung."),
                    format!("Connection to {c} checked – all is well."),
                ),
                None => lang
                    .pick(
                        "Verbindung geprüft – alles in Ordnung.",
                        "Connection checked – all is well.",
                    )
                    .into(),
            },
            Event::AuthLost {
                reason: Reason::KeyRejected,
            } => crate::text::key_words::key_rejected(None, lang),
            Event::AuthLost { reason } => lang.pick(
                format!(
                    "Verbindung verloren: {}. Bitte verbinden Sie sich neu.",
                    reason_label(*reason, lang)
                ),
                format!(
                    "Connection lost: {}. Please reconnect.",
                    reason_label(*reason, lang)
                ),
            ),
            Event::Connected { company, mode } => {
                let how = match mode {
                    Mode::OAuth => lang.pick("Lexware-Anmeldung", "Lexware login"),
                    Mode::ApiKey => lang.pick("API-Schlüssel", "API key"),
                };
                match company {
                    Some(c) => lang.pick(
                        format!("Verbunden mit {c} ({how})."),
                        format!("Connected to {c} ({how})."),
                    ),
                    None => lang.pick(format!("Verbunden ({how})."), format!("Connected ({how}).")),
                }
            }
            Event::Disconnected => lang
                .pick(
                    "Verbindung getrennt; die Zugangsdaten wurden gelöscht.",
                    "Disconnected; the credentials were deleted.",
                )
                .into(),
            Event::WebhooksSynced { outcomes } if outcomes.is_empty() => lang
                .pick(
                    "Webhooks abgeglichen: keine eingerichtet.",
                    "Webhooks checked: none set up.",
                )
                .into(),
            Event::WebhooksSynced { outcomes } => {
                let summary = outcome_summary(outcomes, lang);
                lang.pick(
                    format!("Webhooks eingerichtet: {summary}."),
                    format!("Webhooks set up: {summary}."),
                )
            }
            Event::KeychainTrouble { fault, unsaved } => {
                let first = fault_words(*fault, lang);
                if *unsaved {
                    lang.pick(
                        format!("{first} Neue Zugangsdaten liegen nur im Speicher – bitte entsperren Sie den Schlüsselbund und beenden Sie lexguard bis dahin nicht."),
                        format!("{first} New credentials are held in memory only – please unlock the keychain and do not quit lexguard until then."),
                    )
                } else {
                    first.into()
                }
            }
            Event::KeychainRecovered => lang
                .pick(
                    "Der Schlüsselbund ist wieder erreichbar; alles ist gespeichert.",
                    "The keychain can be reached again; everything is saved.",
                )
                .into(),
            Event::ApiKeyExpiring { days, expires_at } => {
                let at = time(*expires_at);
                match days {
                    ..=0 => lang.pick(
                        format!("Der API-Schlüssel läuft heute ab ({at})."),
                        format!("The API key expires today ({at})."),
                    ),
                    1 => lang.pick(
                        format!("Der API-Schlüssel läuft in 1 Tag ab ({at})."),
                        format!("The API key expires in 1 day ({at})."),
                    ),
                    n => lang.pick(
                        format!("Der API-Schlüssel läuft in {n} Tagen ab ({at})."),
                        format!("The API key expires in {n} days ({at})."),
                    ),
                }
            }
            Event::KeepaliveRestarted { restarts, .. } if *restarts > 1 => lang.pick(
                format!("Die automatische Prüfung war ausgefallen und wurde neu gestartet (zum {restarts}. Mal)."),
                format!("The automatic check had stopped and was restarted ({restarts} times so far)."),
            ),
            Event::KeepaliveRestarted { .. } => lang
                .pick(
                    "Die automatische Prüfung war ausgefallen und wurde neu gestartet.",
                    "The automatic check had stopped and was restarted.",
                )
                .into(),
            Event::AuthorizationExpiring { days, expires_at } => {
                let at = time(*expires_at);
                lang.pick(
                    format!("Die Freigabe bei Lexware endet in {days} Tagen ({at}); bitte melden Sie sich rechtzeitig neu an."),
                    format!("The authorization at Lexware ends in {days} days ({at}); please log in again in time."),
                )
            }
            Event::WebhookRestored { event_type, .. } => {
                let name = crate::text::webhook_words::event_label(event_type, lang);
                lang.pick(
                    format!("Lexware hatte den Webhook „{name}“ entfernt – vermutlich war Ihre Adresse nicht erreichbar. lexguard hat ihn neu eingerichtet."),
                    format!("Lexware had removed the webhook \"{name}\" – probably your address could not be reached. lexguard set it up again."),
                )
            }
            Event::WebhookFailing { event_type, reason, .. } => {
                let name = crate::text::webhook_words::event_label(event_type, lang);
                lang.pick(
                    format!("Der Webhook „{name}“ lässt sich nicht einrichten: {reason}"),
                    format!("The webhook \"{name}\" cannot be set up: {reason}"),
                )
            }
            Event::WebhookMissing { event_type } => {
                let name = crate::text::webhook_words::event_label(event_type, lang);
                lang.pick(
                    format!("Lexware hat den Webhook „{name}“ entfernt; er wird nicht von selbst neu eingerichtet (repair = \"ask\")."),
                    format!("Lexware removed the webhook \"{name}\"; it is not set up again by itself (repair = \"ask\")."),
                )
            }
        }
    }
}

/// The engine's error kind (`network`, `server`, ...) in words; unknown kinds stay as they are.
fn error_kind_words(kind: &str, lang: Lang) -> String {
    let words = match kind {
        "network" => lang.pick(
            "keine Netzwerkverbindung zu Lexware",
            "no network connection to Lexware",
        ),
        "timeout" => lang.pick(
            "Lexware hat nicht rechtzeitig geantwortet",
            "Lexware did not answer in time",
        ),
        "server" => lang.pick("Störung bei Lexware", "trouble at Lexware"),
        "rate_limited" => lang.pick(
            "zu viele Anfragen, Lexware bremst",
            "too many requests, Lexware is throttling",
        ),
        "unauthorized" => lang.pick("Zugriff abgelehnt", "access refused"),
        "protocol" => lang.pick(
            "unerwartete Antwort von Lexware",
            "unexpected answer from Lexware",
        ),
        "busy" => lang.pick(
            "eine andere Erneuerung lief gerade",
            "another refresh was running",
        ),
        "client_credentials" => lang.pick(
            "Client-ID oder Client-Secret abgelehnt",
            "client id or client secret rejected",
        ),
        k if k.starts_with("keychain") => {
            lang.pick("Problem mit dem Schlüsselbund", "keychain trouble")
        }
        other => return other.to_string(),
    };
    words.to_string()
}

fn fault_words(fault: KeychainFault, lang: Lang) -> &'static str {
    match fault {
        KeychainFault::Unavailable => lang.pick(
            "Der Schlüsselbund ist nicht erreichbar.",
            "The keychain cannot be reached.",
        ),
        KeychainFault::Locked => {
            lang.pick("Der Schlüsselbund ist gesperrt.", "The keychain is locked.")
        }
        KeychainFault::Timeout => lang.pick(
            "Der Schlüsselbund antwortet nicht.",
            "The keychain does not answer.",
        ),
        KeychainFault::Failed => lang.pick(
            "Der Schlüsselbund meldet einen Fehler.",
            "The keychain reports an error.",
        ),
        KeychainFault::Corrupt => lang.pick(
            "Ein Eintrag im Schlüsselbund ist beschädigt.",
            "An entry in the keychain is damaged.",
        ),
    }
}

/// "2 angelegt, 1 vorhanden": how many subscriptions each action touched, in a fixed order.
fn outcome_summary(outcomes: &[Outcome], lang: Lang) -> String {
    [
        (Action::Created, lang.pick("angelegt", "created")),
        (Action::Kept, lang.pick("vorhanden", "already there")),
        (Action::Repaired, lang.pick("repariert", "repaired")),
        (Action::Removed, lang.pick("entfernt", "removed")),
        (
            Action::Unmanaged,
            lang.pick("nicht verwaltet", "not managed"),
        ),
        (Action::Failed, lang.pick("fehlgeschlagen", "failed")),
    ]
    .into_iter()
    .map(|(a, word)| (outcomes.iter().filter(|o| o.action == a).count(), word))
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect::<Vec<_>>()
    .join(", ")
}
