//! The engine task: owns the timer. One tick at start-up (where a gap from "the app was not
//! running" is found), then one every `check_every`, one right after resume, and one on
//! request. Requests are handled one after another, so a quit waits for a refresh in flight.

use crate::bridge::Bridge;
use crate::demo::Demo;
use lexguard::{Engine, TickCause};
use std::sync::Arc;
use tauri::Runtime;
use tokio::sync::{mpsc, oneshot};

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
}

impl EngineHandle {
    /// Queues a request; a full queue means the same work is already waiting.
    pub fn request(&self, r: Request) {
        if let Err(e) = self.tx.try_send(r) {
            tracing::debug!(error = %e, "request dropped, engine busy");
        }
    }

    /// Lets a running operation finish, then stops the task.
    pub async fn quit(&self) {
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
    let (tx, mut rx) = mpsc::channel::<Request>(8);
    let (resume_tx, mut resume_rx) = mpsc::channel::<()>(1);
    tauri::async_runtime::spawn(crate::sleep::watch_resume(resume_tx));
    let handle = EngineHandle {
        tx,
        engine: engine.clone(),
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
    tauri::async_runtime::spawn(async move {
        run(
            &engine,
            &bridge,
            demo.as_deref(),
            Request::Tick(TickCause::Scheduled),
        )
        .await;
        loop {
            let every = engine.schedule().check_every;
            tokio::select! {
                _ = tokio::time::sleep(every) => {
                    run(&engine, &bridge, demo.as_deref(), Request::Tick(TickCause::Scheduled)).await;
                }
                Some(()) = resume_rx.recv() => {
                    run(&engine, &bridge, demo.as_deref(), Request::Tick(TickCause::Resume)).await;
                }
                req = rx.recv() => match req {
                    None => break,
                    Some(Request::Quit(ack)) => {
                        let _ = ack.send(());
                        break;
                    }
                    Some(r) => run(&engine, &bridge, demo.as_deref(), r).await,
                }
            }
        }
        tracing::info!("engine task stopped");
    });
    handle
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
            if manual {
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
