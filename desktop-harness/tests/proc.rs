//! The /proc helpers on this test process and children it starts.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use desktop_harness::proc::{context_switches, descendants, rss_kib};

#[test]
fn memory_and_context_switches_of_this_process() {
    let me = std::process::id();
    let rss = rss_kib(me).expect("VmRSS of this process");
    assert!(rss > 100, "implausible RSS {rss} KiB");
    // The sum covers the threads alive now (an exited thread's switches are gone with its
    // /proc/PID/task entry), so count while a thread that switched at least 50 times is alive.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let worker = std::thread::spawn(move || {
        for _ in 0..50 {
            std::thread::sleep(Duration::from_millis(1));
        }
        done_tx.send(()).expect("main waits");
        let _ = stop_rx.recv();
    });
    done_rx.recv().expect("worker done");
    let switches = context_switches(me).expect("context switches");
    stop_tx.send(()).expect("worker waits");
    worker.join().expect("worker");
    assert!(switches >= 50, "only {switches} context switches");

    assert_eq!(rss_kib(u32::MAX), None);
    assert_eq!(context_switches(u32::MAX), None);
    assert!(descendants(u32::MAX).is_empty());
}

/// Kills and reaps the child when the test ends, also on failure.
struct Reap(std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn finds_children_and_grandchildren_with_odd_names() {
    // A copy of sleep whose name has spaces and parentheses, as a grandchild under sh.
    let dir = std::env::temp_dir().join(format!("desktop-harness-proc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let odd = dir.join("sl) (eep x");
    std::fs::copy("/bin/sleep", &odd).expect("copy sleep");
    let child = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" 30 & \"$0\" 31 & wait")
        .arg(&odd)
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn sh");
    let child = Reap(child);
    let sh = child.0.id();

    let deadline = Instant::now() + Duration::from_secs(5);
    let found = loop {
        let found = descendants(std::process::id());
        if found
            .iter()
            .filter(|(_, comm, _)| comm == "sl) (eep x")
            .count()
            == 2
            || Instant::now() > deadline
        {
            break found;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Breadth-first: sh before its children.
    assert_eq!(
        found.first().map(|(pid, comm, _)| (*pid, comm.as_str())),
        Some((sh, "sh")),
        "{found:?}"
    );
    let sleepers: Vec<_> = found
        .iter()
        .filter(|(_, comm, _)| comm == "sl) (eep x")
        .collect();
    assert_eq!(sleepers.len(), 2, "{found:?}");
    let odd_path = odd.to_string_lossy();
    for (pid, _, cmdline) in &sleepers {
        assert!(
            cmdline == &format!("{odd_path} 30") || cmdline == &format!("{odd_path} 31"),
            "{cmdline}"
        );
        // Only sh's children, and the grandchildren of this process.
        assert!(descendants(sh).iter().any(|(p, _, _)| p == pid));
        assert!(descendants(*pid).is_empty());
    }
    drop(child);
    // The sleepers were children of sh; with sh killed they are re-parented, not ours.
    for (pid, _, _) in &sleepers {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
