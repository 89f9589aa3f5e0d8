//! The demo never touches a real installation: whatever `LEXGUARD_HOME` and
//! `LEXGUARD_KEYRING_SERVICE` say, it works on a throwaway home and its own keychain service,
//! and removes both when it ends.

mod common;

use common::*;
use std::time::Duration;

fn items_of(service: &str) -> String {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb and a private D-Bus session: run ./scripts/test"]
async fn the_demo_ignores_a_real_home_and_keychain_service() {
    let real = tempfile::tempdir().expect("real home");
    let config = real.path().join("config.toml");
    let original = b"# my real lexguard\n[lexware]\nclient_id = \"real-client\"\n".to_vec();
    std::fs::write(&config, &original).expect("config");
    let real_service = format!("lexguard-real-{}", std::process::id());
    let mut app = App::launch_with(|c| {
        c.env("LEXGUARD_HOME", real.path())
            .env("LEXGUARD_KEYRING_SERVICE", &real_service)
            // This test checks the clean-up too.
            .env_remove("LEXGUARD_DEMO_KEEP");
    })
    .await;
    assert_ne!(app.home, real.path(), "the demo has its own home");
    assert_eq!(app.service, demo_service(app.pid()));

    // Connect through the core on the demo's home and service, and let a few checks run.
    let url = app.cli(&["login-url"], "").await;
    assert!(
        url.status.success(),
        "{}",
        String::from_utf8_lossy(&url.stderr)
    );
    let redirect = authorize(String::from_utf8_lossy(&url.stdout).trim()).await;
    let out = app.cli(&["connect", "-"], &format!("{redirect}\n")).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = app.last_tick();
    let deadline = std::time::Instant::now() + WAIT;
    while app.last_tick() == first {
        assert!(
            std::time::Instant::now() < deadline,
            "the demo never ticked"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        app.keychain_tokens().is_some(),
        "the demo's own service holds its tokens"
    );

    assert_eq!(
        std::fs::read(&config).expect("config"),
        original,
        "the real config.toml is byte-identical"
    );
    let entries: Vec<_> = std::fs::read_dir(real.path())
        .expect("real home")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        entries,
        vec![std::ffi::OsString::from("config.toml")],
        "nothing else written"
    );
    let real_items = items_of(&real_service);
    assert!(
        real_items.trim().is_empty(),
        "no keychain item under the real service: {real_items}"
    );

    // Ending the demo removes its throwaway home and keychain entries.
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &app.pid().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let status = tokio::time::timeout(WAIT, app.child.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success(), "{status:?}");
    assert!(
        !app.home.exists(),
        "demo home removed: {}",
        app.home.display()
    );
    let left = items_of(&app.service);
    assert!(
        left.trim().is_empty(),
        "demo keychain entries removed: {left}"
    );
    assert!(items_of(&real_service).trim().is_empty());
    app.cleanup();
}
