//! A keychain of its own for one test: a private D-Bus session bus and its own
//! `gnome-keyring-daemon` (Secret Service) with its own HOME and XDG dirs. Tests that lock the
//! keychain must use one: the session's default keychain is shared by every test running in
//! parallel.
//!
//! Include it with `#[path = "common/private_keychain.rs"] mod private_keychain;`.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The password of the throwaway login keyring.
const PASSWORD: &str = "lexguard-private-test";
/// Generous: the machine is shared and slow at times; every wait ends as soon as it can.
const DEADLINE: Duration = Duration::from_secs(30);

/// Its own bus and keyring daemon; dropping it kills both (the ids it started, nothing else).
pub struct PrivateKeychain {
    dir: tempfile::TempDir,
    address: String,
    bus: Child,
    daemon: Mutex<Option<Child>>,
}

impl PrivateKeychain {
    /// Starts the bus and an unlocked keyring; returns once the Secret Service answers.
    pub fn start() -> PrivateKeychain {
        let dir = tempfile::Builder::new()
            .prefix("lexguard-pk-")
            .tempdir()
            .expect("tempdir");
        for sub in ["home", "run", "home/.local/share", "home/.config"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        set_mode_700(&dir.path().join("run"));
        let socket = dir.path().join("bus");
        let address = format!("unix:path={}", socket.display());
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/session.conf");
        let bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .arg("--nofork")
            .arg(format!("--address={address}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus) installed");
        let mut me = PrivateKeychain {
            dir,
            address,
            bus,
            daemon: Mutex::new(None),
        };
        wait_for("the private bus", || socket.exists() && me.bus_answers());
        let daemon = me.spawn_daemon(false);
        *me.daemon.get_mut().expect("lock") = Some(daemon);
        wait_for("the Secret Service on the private bus", || {
            me.locked() == Some(false)
        });
        me
    }

    /// `DBUS_SESSION_BUS_ADDRESS` of the private bus: set it on a child to use this keychain.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The variables a child needs to talk to this keychain (and only to it).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone())]
    }

    /// Locks the default collection via `org.freedesktop.Secret.Service.Lock`, as the desktop
    /// does on screen lock; returns once it reports `Locked`.
    pub fn lock(&self) {
        let path = self.default_collection();
        let out = self
            .dbus_send(&[
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                &format!("array:objpath:{path}"),
            ])
            .expect("Secret Service Lock");
        assert!(out.contains(&path), "Lock answered: {out}");
        wait_for("the keychain to be locked", || self.locked() == Some(true));
    }

    /// Unlocks with the master password: replaces the daemon with one started
    /// `--replace --unlock` (the items are on disk in the login keyring, so nothing is lost).
    pub fn unlock(&self) {
        let mut slot = self.daemon.lock().unwrap_or_else(|e| e.into_inner());
        let new = self.spawn_daemon(true);
        if let Some(mut old) = slot.replace(new) {
            // The old daemon hands over and exits; reap it, or kill it when it lingers.
            let until = Instant::now() + DEADLINE;
            while Instant::now() < until {
                if old.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = old.kill();
            let _ = old.wait();
        }
        drop(slot);
        wait_for("the keychain to be unlocked", || {
            self.locked() == Some(false)
        });
    }

    /// `Some(locked)` of the default collection, `None` while the service does not answer.
    pub fn locked(&self) -> Option<bool> {
        let path = self.default_collection_opt()?;
        let out = self
            .dbus_send(&[
                &path,
                "org.freedesktop.DBus.Properties.Get",
                "string:org.freedesktop.Secret.Collection",
                "string:Locked",
            ])
            .ok()?;
        if out.contains("boolean true") {
            Some(true)
        } else if out.contains("boolean false") {
            Some(false)
        } else {
            None
        }
    }

    fn default_collection(&self) -> String {
        self.default_collection_opt()
            .expect("the Secret Service has a default collection")
    }

    fn default_collection_opt(&self) -> Option<String> {
        let out = self
            .dbus_send(&[
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.ReadAlias",
                "string:default",
            ])
            .ok()?;
        let path = out
            .split('"')
            .find(|s| s.starts_with("/org/freedesktop/secrets/collection/"))?;
        Some(path.to_owned())
    }

    fn bus_answers(&self) -> bool {
        Command::new("dbus-send")
            .args([
                &format!("--bus={}", self.address),
                "--print-reply",
                "--reply-timeout=5000",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.ListNames",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// One `dbus-send` to the Secret Service on the private bus: stdout, or stderr as error.
    fn dbus_send(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("dbus-send")
            .arg(format!("--bus={}", self.address))
            .args([
                "--print-reply",
                "--reply-timeout=10000",
                "--dest=org.freedesktop.secrets",
            ])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn spawn_daemon(&self, replace: bool) -> Child {
        let home = self.dir.path().join("home");
        let mut c = Command::new("gnome-keyring-daemon");
        c.args(["--foreground", "--unlock", "--components=secrets"]);
        if replace {
            c.arg("--replace");
        }
        let mut child = c
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (package gnome-keyring) installed");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(PASSWORD.as_bytes()).expect("password");
        drop(stdin);
        child
    }
}

impl Drop for PrivateKeychain {
    fn drop(&mut self) {
        let slot = self.daemon.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(mut d) = slot.take() {
            let _ = d.kill();
            let _ = d.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let until = Instant::now() + DEADLINE;
    while Instant::now() < until {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

fn set_mode_700(p: &PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700)).expect("chmod");
}
