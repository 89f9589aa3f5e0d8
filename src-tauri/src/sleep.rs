//! Resume from suspend: logind's `PrepareForSleep(false)` on the system bus triggers a tick
//! at once. Without logind nothing is lost: the next timer tick compares wall-clock time and
//! finds the gap anyway.

use tokio::sync::mpsc;

/// Listens until the channel closes; returns quietly when there is no system bus or logind.
#[cfg(target_os = "linux")]
pub async fn watch_resume(on_resume: mpsc::Sender<()>) {
    use futures_util::StreamExt;
    let result: zbus::Result<()> = async {
        let conn = zbus::Connection::system().await?;
        let proxy = zbus::Proxy::new(
            &conn,
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager",
        )
        .await?;
        let mut signals = proxy.receive_signal("PrepareForSleep").await?;
        while let Some(msg) = signals.next().await {
            let going_to_sleep: bool = msg.body().deserialize().unwrap_or(true);
            if !going_to_sleep {
                tracing::info!("resumed from suspend");
                if on_resume.send(()).await.is_err() {
                    break;
                }
            }
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::info!(error = %e, "no logind resume signal; relying on wall-clock ticks");
    }
}

#[cfg(not(target_os = "linux"))]
pub async fn watch_resume(_on_resume: mpsc::Sender<()>) {}
