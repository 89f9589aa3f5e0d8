//! The library's face: the tray app links the core, never the CLI's terminal crates.
#![cfg(not(windows))]

use std::process::Command;

/// `cargo tree` for the app's normal dependencies (what ships in `lexguard-app`).
fn app_dependencies() -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "lexguard-app",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--offline", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_app_links_none_of_the_cli_terminal_crates() {
    let tree = app_dependencies();
    assert!(
        tree.contains("lexguard v"),
        "the app depends on the core:\n{tree}"
    );
    for krate in ["indicatif", "rpassword", "sd-notify", "anstream"] {
        let found: Vec<&str> = tree
            .lines()
            .filter(|l| l.starts_with(&format!("{krate} v")))
            .collect();
        assert!(found.is_empty(), "lexguard-app links {krate}: {found:?}");
    }
}
