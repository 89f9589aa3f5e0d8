//! Command-line options of the desktop app.

use clap::Parser;

#[derive(Parser, Debug, Clone, Default)]
#[command(
    name = "lexguard-app",
    version,
    about = "lexguard: Lexware-Office-Verbindung im Blick"
)]
pub struct Options {
    /// Demo: ein eingebauter Lexware-Simulator, eigener Schlüsselbund-Eintrag und eigener Ordner
    #[arg(long)]
    pub demo: bool,
    /// Ohne Fenster starten (Autostart) / start without a window
    #[arg(long)]
    pub hidden: bool,
}

impl Options {
    /// Parses the process arguments; unknown arguments print the usage and exit 2.
    pub fn from_args() -> Self {
        Options::parse()
    }
}
