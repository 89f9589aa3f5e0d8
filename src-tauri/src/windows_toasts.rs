//! Windows shows a toast only for an AppUserModelID it knows. The installer's Start-menu
//! shortcut registers the app's; a portable `lexguard-app.exe` (copied somewhere, started by
//! hand or by autostart) has none, and its notifications would vanish without a trace. So the
//! app registers its identifier itself, per user, at every start:
//! `HKCU\Software\Classes\AppUserModelId\<identifier>` with the name toasts show. Harmless
//! when the installer did it already; an uninstaller leaves this key behind (a few bytes).

/// Registers `identifier` under the current user; a failure is logged, never fatal (the app
/// works without toasts, and the window shows everything they would).
pub fn register(identifier: &str, display_name: &str) {
    use winreg::RegKey;
    use winreg::enums::HKEY_CURRENT_USER;
    let path = format!(r"Software\Classes\AppUserModelId\{identifier}");
    let written = RegKey::predef(HKEY_CURRENT_USER)
        .create_subkey(&path)
        .and_then(|(key, _)| key.set_value("DisplayName", &display_name));
    if let Err(e) = written {
        tracing::warn!(error = %e, "AppUserModelID not registered; Windows may not show toasts");
    }
}
