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

/// `src/lib.rs`, read as text: the face is checked where a reader sees it.
fn lib_rs() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).expect("lib.rs")
}

/// The public modules `src/lib.rs` declares (`pub mod name;`).
fn public_modules(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';').trim().to_string())
        .collect()
}

#[test]
fn every_public_module_has_its_paragraph_in_the_layout() {
    let lib = lib_rs();
    let layout: String = lib
        .lines()
        .skip_while(|l| !l.starts_with("//! # Layout"))
        .take_while(|l| l.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!layout.is_empty(), "lib.rs has a `# Layout` section");
    let modules = public_modules(&lib);
    assert!(
        modules.len() <= 15,
        "the crate face stays short ({} public modules): make a module private and re-export \
         what the shells use: {modules:?}",
        modules.len()
    );
    for m in &modules {
        assert!(
            layout.contains(&format!("[`{m}`]")),
            "`pub mod {m}` is not described in lib.rs's `# Layout`"
        );
    }
}

/// The names the shells (the CLI binary, the app, the tests) import from the top of the crate.
#[test]
fn the_shells_names_are_at_the_top_of_the_crate() {
    #[allow(unused_imports)]
    use lexguard::{
        AccessToken, ClientSecret, Clock, Config, ConnState, ConnectReport, Engine, EngineOptions,
        Error, ErrorKind, Event, FileLock, Home, KeychainFault, Lang, ManualClock, Mode,
        NextAction, OffsetClock, Reason, RefreshToken, Result, Severity, Status, StatusTimes,
        SystemClock, TickCause, TickReport, acquire_lock,
    };
    assert_eq!(Lang::default(), Lang::De, "German first");
}

/// No module hides behind `#[path]`: the module tree is the folder tree.
#[test]
fn no_path_attributes_in_the_core() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("src readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source readable");
                if text.lines().any(|l| l.trim_start().starts_with("#[path")) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut found,
    );
    assert!(found.is_empty(), "`#[path]` modules: {found:?}");
}
