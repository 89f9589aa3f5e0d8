//! The engine task: owns the timer. One tick at start-up (where a gap from "the app was not
//! running" is found), then one every `check_every`, one right after resume, and one on
//! request. Requests are handled one after another, so a quit waits for a refresh in flight.
//! The loop runs under [`crate::supervisor`]: if it dies, it is started again and recorded.

use crate::bridge::Bridge;
use crate::demo::Demo;
use crate::supervisor::{Pause, Restart};
use futures_util::FutureExt as _;
use lexguard::{Engine, Event, TickCause};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::Runtime;
use tokio::sync::{Mutex, mpsc, oneshot};

#[derive(Debug)]
pub enum Request {
    Tick(TickCause),
    Refresh,
    SyncWebhooks,
    /// Demo: log in at the simulator and connect, as a person would through the window.
    DemoConnect,
    /// Demo: Lexware ends the connection (password change, security action).
    DemoRevoke,
    /// Demo: the laptop sleeps for some hours.
    DemoSuspend(i64),
    Quit(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct EngineHandle {
    tx: mpsc::Sender<Request>,
    pub engine: Engine,
    /// Set once the app is going away: the supervisor restarts nothing after that.
    quitting: Arc<AtomicBool>,
}

impl EngineHandle {
    /// Queues a request; a full queue means the same work is already waiting.
    pub fn request(&self, r: Request) {
        if let Err(e) = self.tx.try_send(r) {
            tracing::debug!(error = %e, "request dropped, engine busy");
        }
    }

    /// From now on the app is quitting: the keepalive is not restarted any more.
    pub fn begin_quit(&self) {
        self.quitting.store(true, Ordering::SeqCst);
    }

    /// The quit was refused (tokens still unsaved): the keepalive is supervised again.
    pub fn cancel_quit(&self) {
        self.quitting.store(false, Ordering::SeqCst);
    }

    /// Lets a running operation finish, then stops the task.
    pub async fn quit(&self) {
        self.begin_quit();
        let (ack, done) = oneshot::channel();
        if self.tx.send(Request::Quit(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}

pub fn spawn<R: Runtime>(
    engine: Engine,
    bridge: Arc<Bridge<R>>,
    demo: Option<Arc<Demo>>,
) -> EngineHandle {
    let (tx, rx) = mpsc::channel::<Request>(8);
    let (resume_tx, resume_rx) = mpsc::channel::<()>(1);
    tauri::async_runtime::spawn(crate::sleep::watch_resume(resume_tx));
    let quitting = Arc::new(AtomicBool::new(false));
    let handle = EngineHandle {
        tx,
        engine: engine.clone(),
        quitting: quitting.clone(),
    };
    // Events (from every operation of this process) go to the bridge as they happen.
    let mut events = engine.subscribe();
    let event_bridge = bridge.clone();
    let event_engine = engine.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(e) => event_bridge.on_event(&e, event_engine.now()),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(n, "bridge lagged behind engine events");
                }
                Err(_) => break,
            }
        }
    });
    // The receivers outlive a worker that panicked: the next one takes them over.
    let inbox = Arc::new(Mutex::new(Inbox {
        requests: rx,
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
                        bridge.clone(),
                        demo.clone(),
                        inbox.clone(),
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
    handle
}

struct Inbox {
    requests: mpsc::Receiver<Request>,
    resume: mpsc::Receiver<()>,
}

/// The timer loop: one tick at (re)start, then on the timer, on resume and on request.
async fn worker<R: Runtime>(
    engine: Engine,
    bridge: Arc<Bridge<R>>,
    demo: Option<Arc<Demo>>,
    inbox: Arc<Mutex<Inbox>>,
    quitting: Arc<AtomicBool>,
) {
    let mut inbox = inbox.lock_owned().await;
    let demo = demo.as_deref();
    guarded(&engine, &bridge, demo, Request::Tick(TickCause::Scheduled)).await;
    loop {
        let every = engine.schedule().check_every;
        let Inbox { requests, resume } = &mut *inbox;
        tokio::select! {
            _ = tokio::time::sleep(every) => {
                guarded(&engine, &bridge, demo, Request::Tick(TickCause::Scheduled)).await;
            }
            Some(()) = resume.recv() => {
                guarded(&engine, &bridge, demo, Request::Tick(TickCause::Resume)).await;
            }
            req = requests.recv() => match req {
                // Every handle is gone: nobody can ask for anything any more.
                None => {
                    quitting.store(true, Ordering::SeqCst);
                    return;
                }
                Some(Request::Quit(ack)) => {
                    quitting.store(true, Ordering::SeqCst);
                    let _ = ack.send(());
                    return;
                }
                Some(r) => guarded(&engine, &bridge, demo, r).await,
            }
        }
    }
}

/// One operation; a panic inside it is caught here, so one bad tick does not end the loop.
async fn guarded<R: Runtime>(
    engine: &Engine,
    bridge: &Bridge<R>,
    demo: Option<&Demo>,
    req: Request,
) {
    let what = format!("{req:?}");
    if AssertUnwindSafe(run(engine, bridge, demo, req))
        .catch_unwind()
        .await
        .is_err()
    {
        tracing::error!(request = %what, "engine operation panicked; the check goes on");
    }
}

async fn run<R: Runtime>(engine: &Engine, bridge: &Bridge<R>, demo: Option<&Demo>, req: Request) {
    let manual = !matches!(req, Request::Tick(TickCause::Scheduled | TickCause::Resume));
    // Operations that report a status hand it over; the others leave it to be read back.
    let result: lexguard::Result<Option<lexguard::Status>> = match req {
        Request::Tick(cause) => engine.tick(cause).await.map(|r| Some(r.status)),
        Request::Refresh => engine.refresh_now().await.map(Some),
        Request::SyncWebhooks => engine.webhooks_sync(false).await.map(|_| None),
        Request::DemoConnect => match demo {
            Some(d) => demo_connect(engine, d).await.map(Some),
            None => Ok(None),
        },
        Request::DemoRevoke => {
            if let Some(d) = demo {
                d.ctl.revoke_connection();
            }
            Ok(None)
        }
        Request::DemoSuspend(hours) => match demo {
            Some(d) => {
                d.suspend(hours);
                engine.tick(TickCause::Resume).await.map(|r| Some(r.status))
            }
            None => Ok(None),
        },
        Request::Quit(_) => Ok(None),
    };
    let status = match result {
        Ok(Some(status)) => Ok(status),
        Ok(None) => engine.status(),
        Err(e) => {
            tracing::warn!(kind = e.kind(), "engine operation failed");
            // Refused because the app is quitting: nothing the user must hear about.
            if manual && !matches!(e, lexguard::Error::ShuttingDown) {
                bridge.on_error(&e);
            }
            engine.status()
        }
    };
    match status {
        Ok(s) => bridge.on_status(&s, engine.now()),
        Err(e) => tracing::warn!(kind = e.kind(), "status unreadable"),
    }
}

async fn demo_connect(engine: &Engine, demo: &Demo) -> lexguard::Result<lexguard::Status> {
    let url = engine.login_url().await?;
    let pasted = demo.consent(&url).await.map_err(lexguard::Error::Network)?;
    engine.connect(&pasted).await.map(|r| r.status)
}
