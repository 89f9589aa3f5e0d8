//! What `/proc` says about a process: its descendants, resident memory, context switches.
//! Linux only; a process that is gone (or a `/proc` that cannot be read) gives `None` / empty.

use std::collections::{HashMap, VecDeque};
use std::fs;

/// All descendants of `pid` (children, grandchildren, …; not `pid` itself), breadth-first, as
/// `(pid, comm, cmdline)`: `comm` is the kernel's short name (at most 15 bytes), `cmdline` the
/// arguments joined by spaces (empty for kernel threads and zombies).
pub fn descendants(pid: u32) -> Vec<(u32, String, String)> {
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut children: HashMap<u32, Vec<(u32, String)>> = HashMap::new();
    for entry in dir.flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // The process may exit between listing and reading: skip it then.
        let Ok(stat) = fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        if let Some((comm, ppid)) = parse_stat(&stat) {
            children.entry(ppid).or_default().push((child, comm));
        }
    }
    let mut out = Vec::new();
    let mut queue = VecDeque::from([pid]);
    while let Some(parent) = queue.pop_front() {
        let Some(kids) = children.get_mut(&parent) else {
            continue;
        };
        kids.sort_unstable_by_key(|(p, _)| *p);
        for (child, comm) in kids.drain(..) {
            queue.push_back(child);
            out.push((child, comm, cmdline(child)));
        }
    }
    out
}

/// Resident set size in KiB (`VmRSS` of `/proc/PID/status`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_field(&status, "VmRSS")
}

/// Voluntary plus involuntary context switches of all threads of `pid`, summed over
/// `/proc/PID/task/*/status`.
pub fn context_switches(pid: u32) -> Option<u64> {
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0u64;
    let mut any = false;
    for task in tasks.flatten() {
        // A thread may end while we read.
        let Ok(status) = fs::read_to_string(task.path().join("status")) else {
            continue;
        };
        let voluntary = status_field(&status, "voluntary_ctxt_switches").unwrap_or(0);
        let involuntary = status_field(&status, "nonvoluntary_ctxt_switches").unwrap_or(0);
        total += voluntary + involuntary;
        any = true;
    }
    any.then_some(total)
}

/// `comm` and `ppid` from a `/proc/PID/stat` line. `comm` is in parentheses and may itself
/// contain spaces and parentheses, so the fields after it are counted from the last `)`.
fn parse_stat(stat: &str) -> Option<(String, u32)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    // After ") ": state, ppid, …
    let mut rest = stat.get(close + 1..)?.split_ascii_whitespace();
    let _state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((comm, ppid))
}

/// The number of a `Name:   123 kB`-style line of a status file.
fn status_field(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        if key != name {
            return None;
        }
        value.split_ascii_whitespace().next()?.parse().ok()
    })
}

fn cmdline(pid: u32) -> String {
    let Ok(raw) = fs::read(format!("/proc/{pid}/cmdline")) else {
        return String::new();
    };
    raw.split(|b| *b == 0)
        .filter(|arg| !arg.is_empty())
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_odd_comm() {
        let line = "4242 (a b) (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0";
        assert_eq!(parse_stat(line), Some(("a b) (c)".to_string(), 17)));
        assert_eq!(
            parse_stat("1 (systemd) S 0 1 1 0 -1"),
            Some(("systemd".into(), 0))
        );
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(parse_stat("5 (x) S"), None);
    }

    #[test]
    fn status_fields() {
        let status = "Name:\tcat\nVmRSS:\t    1234 kB\nvoluntary_ctxt_switches:\t5\n\
                      nonvoluntary_ctxt_switches:\t7\n";
        assert_eq!(status_field(status, "VmRSS"), Some(1234));
        assert_eq!(status_field(status, "voluntary_ctxt_switches"), Some(5));
        assert_eq!(status_field(status, "nonvoluntary_ctxt_switches"), Some(7));
        assert_eq!(status_field(status, "VmSwap"), None);
    }
}
