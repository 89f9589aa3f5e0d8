//! Keeps a long-running task alive. The keepalive timer is the one part of the app that must
//! never be gone silently: if it panics or ends while the app is not quitting, it is started
//! again after a pause (1 s, doubling to 60 s; back to 1 s once it ran a while), and the
//! caller hears of each restart (history, one notification).

use std::future::Future;
use std::time::Duration;

/// One restart, as told to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    /// The worker panicked (else it ended on its own).
    pub panicked: bool,
    /// 1 for the first restart of this supervisor.
    pub restarts: u32,
}

/// Pauses between restarts.
#[derive(Debug, Clone, Copy)]
pub struct Pause {
    pub first: Duration,
    pub max: Duration,
    /// A worker that ran at least this long earns the short pause again.
    pub stable_after: Duration,
}

impl Default for Pause {
    fn default() -> Self {
        Pause {
            first: Duration::from_secs(1),
            max: Duration::from_secs(60),
            stable_after: Duration::from_secs(5 * 60),
        }
    }
}

/// Runs `factory()`'s future as its own task until it stops (returns or panics) while
/// `quitting()` says the app is going away, or the runtime cancels it. A worker that stops
/// otherwise is restarted: after a pause, `on_restart` is called and a fresh one starts. So a
/// worker that is asked to quit sets the flag behind `quitting()` before it returns.
pub async fn supervise<F, Fut, Q, C>(mut factory: F, quitting: Q, mut on_restart: C, pause: Pause)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
    Q: Fn() -> bool,
    C: FnMut(Restart),
{
    let mut restarts: u32 = 0;
    let mut wait = pause.first;
    loop {
        let started = tokio::time::Instant::now();
        let panicked = match tokio::spawn(factory()).await {
            Ok(()) => false,
            Err(e) if e.is_panic() => true,
            // Cancelled: the runtime is shutting down.
            Err(_) => return,
        };
        if quitting() {
            return;
        }
        if started.elapsed() >= pause.stable_after {
            wait = pause.first;
        }
        tracing::error!(
            panicked,
            wait_ms = wait.as_millis() as u64,
            "keepalive stopped; restarting"
        );
        tokio::time::sleep(wait).await;
        if quitting() {
            return;
        }
        wait = (wait * 2).min(pause.max);
        restarts = restarts.saturating_add(1);
        on_restart(Restart { panicked, restarts });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    /// Starts counted, a quit flag, and the restarts told.
    struct Probe {
        starts: Arc<AtomicU32>,
        quitting: Arc<AtomicBool>,
        told: Arc<Mutex<Vec<Restart>>>,
    }

    impl Probe {
        fn new() -> Probe {
            Probe {
                starts: Arc::new(AtomicU32::new(0)),
                quitting: Arc::new(AtomicBool::new(false)),
                told: Arc::new(Mutex::new(Vec::new())),
            }
        }

        /// Supervises a worker that gets its start number (0, 1, …) and the quit flag.
        async fn run<W, Fut>(&self, work: W)
        where
            W: Fn(u32, Arc<AtomicBool>) -> Fut,
            Fut: Future<Output = ()> + Send + 'static,
        {
            let starts = self.starts.clone();
            let flag = self.quitting.clone();
            let quitting = self.quitting.clone();
            let told = self.told.clone();
            supervise(
                move || work(starts.fetch_add(1, Ordering::SeqCst), flag.clone()),
                move || quitting.load(Ordering::SeqCst),
                move |r| told.lock().expect("lock").push(r),
                Pause::default(),
            )
            .await;
        }

        fn starts(&self) -> u32 {
            self.starts.load(Ordering::SeqCst)
        }

        fn told(&self) -> Vec<Restart> {
            self.told.lock().expect("lock").clone()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_worker_that_panics_once_is_restarted_and_reported_once() {
        let p = Probe::new();
        p.run(|n, quit| async move {
            if n == 0 {
                panic!("first run fails");
            }
            quit.store(true, Ordering::SeqCst);
        })
        .await;
        assert_eq!(p.starts(), 2, "started again after the panic");
        assert_eq!(
            p.told(),
            vec![Restart {
                panicked: true,
                restarts: 1
            }],
            "the callback fired once"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_normal_quit_is_not_restarted() {
        let p = Probe::new();
        p.run(|_, quit| async move { quit.store(true, Ordering::SeqCst) })
            .await;
        assert_eq!(p.starts(), 1);
        assert!(p.told().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_panic_while_quitting_is_not_restarted() {
        let p = Probe::new();
        p.run(|_, quit| async move {
            quit.store(true, Ordering::SeqCst);
            panic!("dies during quit");
        })
        .await;
        assert_eq!(p.starts(), 1);
        assert!(p.told().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_grow_to_the_maximum_and_each_restart_is_counted() {
        let p = Probe::new();
        let t0 = tokio::time::Instant::now();
        let stamps = Arc::new(Mutex::new(Vec::new()));
        let st = stamps.clone();
        p.run(move |n, quit| {
            st.lock().expect("lock").push(t0.elapsed().as_secs());
            async move {
                // Ends on its own nine times, then quits.
                if n >= 9 {
                    quit.store(true, Ordering::SeqCst);
                }
            }
        })
        .await;
        let restarts: Vec<u32> = p.told().iter().map(|r| r.restarts).collect();
        assert_eq!(restarts, (1..=9).collect::<Vec<_>>());
        assert!(p.told().iter().all(|r| !r.panicked));
        let stamps = stamps.lock().expect("lock").clone();
        let gaps: Vec<u64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(gaps, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
