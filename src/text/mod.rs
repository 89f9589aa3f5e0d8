//! Every sentence lexguard says to a person, in German first and English second. They live
//! together so there is one place to review the German (Umlaute, „Sie“, plain words first) and
//! to keep the same thing said the same way on every surface: the CLI, the tray, the desktop
//! notices, the window and the alerts all print what these modules wrote.
//!
//! - [`i18n`]: the [`Lang`](i18n::Lang), the shell ([`Surface`](i18n::Surface)) and the shared
//!   hints ("how do I connect again").
//! - [`time_fmt`]: THE rule for time words.
//! - [`headline`]: the short line of a status (tray, notification title).
//! - [`event_words`]: one sentence per [`Event`](crate::Event) (history, notices).
//! - [`key_words`], [`trouble_words`], [`webhook_words`]: the refused API key, the newer kinds
//!   of trouble, Lexware's event types in a shop owner's words.

mod event_words;
pub mod headline;
pub mod i18n;
pub mod key_words;
pub mod time_fmt;
pub mod trouble_words;
pub mod webhook_words;
