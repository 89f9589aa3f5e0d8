//! The engine task: a pure scheduler. One tick at start-up (where a gap from "the app was not
//! running" is found), then one every `check_every`, one right after resume, and one on
//! request. Requests are handled one after another, so a quit waits for a refresh in flight.
//! It never renders anything: every operation publishes its status through the engine's
//! watch, and [`crate::bridge`] renders that. The loop runs under [`crate::supervisor`]: if it
//! dies, it is started again and recorded.

use crate::demo::Demo;
use crate::requests::{ActionOutcome, Inbox, Job, Request};
use crate::supervisor::{Pause, Restart};
use futures_util::FutureExt as _;
use lexguard::{Engine, Event, Status, TickCause};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::{Mutex, mpsc};
use tokio::time::Instant;

/// Starts the supervised worker on `inbox`.
pub fn spawn(engine: Engine, inbox: Inbox, demo: Option<Arc<Demo>>) {
    let (resume_tx, resume_rx) = mpsc::channel::<()>(1);
    tauri::async_runtime::spawn(crate::sleep::watch_resume(resume_tx));
    let quitting = inbox.quitting.clone();
    // The receivers outlive a worker that panicked: the next one takes them over.
    let queues = Arc::new(Mutex::new(Queues {
        jobs: inbox.jobs,
        resume: resume_rx,
    }));
    let noted = engine.clone();
    tauri::async_runtime::spawn(async move {
        crate::supervisor::supervise(
            {
                let quitting = quitting.clone();
                move || {
                    worker(
                        engine.clone(),
                        demo.clone(),
                        queues.clone(),
                        quitting.clone(),
                    )
                }
            },
            move || quitting.load(Ordering::SeqCst),
            // History and subscribers (the bridge notifies the user of the first one).
            move |r: Restart| {
                noted.note(Event::KeepaliveRestarted {
                    panicked: r.panicked,
                    restarts: r.restarts,
                })
            },
            Pause::default(),
        )
        .await;
        tracing::info!("engine task stopped");
    });
}

struct Queues {
    jobs: mpsc::Receiver<Job>,
    resume: mpsc::Receiver<()>,
}

/// The timer loop: one tick at (re)start, then on the timer, on resume and on request.
async fn worker(
    engine: Engine,
    demo: Option<Arc<Demo>>,
    queues: Arc<Mutex<Queues>>,
    quitting: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut queues = queues.lock_owned().await;
    let demo = demo.as_deref();
    guarded(&engine, demo, Request::Tick(TickCause::Scheduled)).await;
    let mut next = Instant::now() + engine.schedule().check_every;
    loop {
        let Queues { jobs, resume } = &mut *queues;
        let ticked = tokio::select! {
            _ = tokio::time::sleep_until(next) => {
                guarded(&engine, demo, Request::Tick(TickCause::Scheduled)).await;
                true
            }
            Some(()) = resume.recv() => {
                guarded(&engine, demo, Request::Tick(TickCause::Resume)).await;
                true
            }
            job = jobs.recv() => match job {
                // Every handle is gone: nobody can ask for anything any more.
                None => {
                    quitting.store(true, Ordering::SeqCst);
                    return;
                }
                Some(Job { request: Request::Quit(ack), .. }) => {
                    quitting.store(true, Ordering::SeqCst);
                    let _ = ack.send(());
                    return;
                }
                Some(Job { request, reply }) => {
                    let tick = matches!(request, Request::Tick(_) | Request::DemoSuspend(_));
                    let outcome = guarded(&engine, demo, request).await;
                    if let Some(reply) = reply {
                        let _ = reply.send(outcome);
                    }
                    tick
                }
            }
        };
        // A new interval starts after every check (the interval may have changed with it).
        if ticked {
            next = Instant::now() + engine.schedule().check_every;
        }
    }
}

/// One operation; a panic inside it is caught here, so one bad tick does not end the loop.
async fn guarded(engine: &Engine, demo: Option<&Demo>, req: Request) -> ActionOutcome {
    let what = format!("{req:?}");
    let result = match AssertUnwindSafe(run(engine, demo, req))
        .catch_unwind()
        .await
    {
        Ok(r) => r,
        Err(_) => {
            tracing::error!(request = %what, "engine operation panicked; the check goes on");
            Err(lexguard::Error::invalid(
                "Bei der Prüfung ist ein interner Fehler aufgetreten; lexguard prüft beim nächsten Mal wieder.",
                "An internal error occurred during the check; lexguard checks again next time.",
            ))
        }
    };
    if let Err(e) = &result {
        tracing::warn!(request = %what, kind = e.kind(), "engine operation failed");
    }
    let current = || {
        engine
            .status()
            .unwrap_or_else(|_| engine.status_watch().borrow().clone())
    };
    ActionOutcome::of(result, current, engine.lang())
}

/// The operation itself; its status reaches every surface through the engine's watch.
async fn run(engine: &Engine, demo: Option<&Demo>, req: Request) -> lexguard::Result<Status> {
    match req {
        Request::Tick(cause) => engine.tick(cause).await.map(|r| r.status),
        Request::Refresh => engine.refresh_now().await,
        Request::SyncWebhooks => {
            engine.webhooks_sync(false).await?;
            engine.status()
        }
        Request::DemoConnect => match demo {
            Some(d) => demo_connect(engine, d).await,
            None => engine.status(),
        },
        Request::DemoRevoke => {
            if let Some(d) = demo {
                d.ctl.revoke_connection();
            }
            engine.status()
        }
        Request::DemoSuspend(hours) => {
            if let Some(d) = demo {
                d.suspend(hours);
            }
            engine.tick(TickCause::Resume).await.map(|r| r.status)
        }
        Request::Quit(_) => engine.status(),
    }
}

async fn demo_connect(engine: &Engine, demo: &Demo) -> lexguard::Result<Status> {
    let url = engine.login_url().await?;
    let pasted = demo.consent(&url).await.map_err(lexguard::Error::Network)?;
    engine.connect(&pasted).await.map(|r| r.status)
}
