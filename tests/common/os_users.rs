//! Real OS users for permission tests: a group, a member and an outsider, created with
//! `groupadd`/`useradd` and removed again when dropped. Needs root (CI runs as root); without
//! it, [`OsUsers::create`] says so and returns `None` (the test then checks nothing more).
#![allow(dead_code)]

use std::process::{Child, Command, Output, Stdio};

pub struct OsUsers {
    pub group: String,
    pub member: String,
    pub outsider: String,
}

fn must(cmd: &mut Command) {
    let out = cmd.output().expect("user tools (passwd package) installed");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl OsUsers {
    /// `prefix` keeps tests running side by side apart (at most 5 characters).
    pub fn create(prefix: &str) -> Option<OsUsers> {
        if !rustix::process::geteuid().is_root() {
            eprintln!(
                "SKIPPED: this test creates OS users and needs root (CI runs as root): sudo -E cargo test …"
            );
            return None;
        }
        let id = std::process::id() % 100_000;
        let users = OsUsers {
            group: format!("{prefix}g{id}"),
            member: format!("{prefix}m{id}"),
            outsider: format!("{prefix}o{id}"),
        };
        users.remove();
        must(Command::new("groupadd").arg(&users.group));
        for (user, groups) in [(&users.member, Some(&users.group)), (&users.outsider, None)] {
            let mut c = Command::new("useradd");
            c.args(["--no-create-home", "--shell", "/bin/sh"]);
            if let Some(g) = groups {
                c.args(["-G", g]);
            }
            must(c.arg(user));
        }
        Some(users)
    }

    pub fn gid(&self) -> u32 {
        nix::unistd::Group::from_name(&self.group)
            .expect("getgrnam")
            .expect("group exists")
            .gid
            .as_raw()
    }

    fn as_user(user: &str, argv: &[&str]) -> Command {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--"]).args(argv).current_dir("/");
        c
    }

    /// Runs `argv` as `user` to the end.
    pub fn run_as(&self, user: &str, argv: &[&str]) -> Output {
        Self::as_user(user, argv)
            .stdin(Stdio::null())
            .output()
            .expect("runuser")
    }

    /// Starts `argv` as `user`, stdout and stderr piped.
    pub fn spawn_as(&self, user: &str, argv: &[&str]) -> Child {
        Self::as_user(user, argv)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runuser")
    }

    fn remove(&self) {
        for u in [&self.member, &self.outsider] {
            let _ = Command::new("userdel")
                .arg(u)
                .stderr(Stdio::null())
                .status();
        }
        let _ = Command::new("groupdel")
            .arg(&self.group)
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for OsUsers {
    fn drop(&mut self) {
        self.remove();
    }
}
