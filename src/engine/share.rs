//! The engine's side of sharing the connection (issue 15): which bearer an operation held,
//! the token files after every operation, `token --json`, and the one request budget.

use super::Engine;
use super::credentials::Creds;
use super::op::{Operation, Shared};
use crate::error::{Error, Result};
use crate::share::{TokenJson, token_files};
use crate::state::{ConnState, Mode};

/// Lexware's access tokens live about four hours: asking for more validity than a fresh one
/// has would refresh on every call (the same bound as `refresh_before`).
pub const MAX_MIN_VALID: std::time::Duration = std::time::Duration::from_secs(3 * 3600);

impl Engine {
    /// The credentials of this run (see `read_creds`), remembered for the token files.
    pub(super) async fn load_creds(&self, run: &mut Operation) -> Result<Creds> {
        let creds = self.read_creds(run).await?;
        match &creds {
            Creds::Tokens(t) => run.shared = Some(Shared::tokens(t)),
            Creds::Key(k) => run.shared = Some(Shared::key(k)),
            Creds::None => {}
        }
        Ok(creds)
    }

    /// After an operation is persisted: the token folder holds the bearer this run held, or
    /// nothing once the connection is lost, ended or not there. A failure is logged and kept
    /// for `status` and `doctor`; it never fails the operation (the connection is fine).
    pub(super) fn share_after(&self, run: &Operation) {
        let config = self.config();
        let Some(dir) = config.share.token_dir_of(&self.inner.home.data_dir) else {
            return;
        };
        let result = match run.st.state() {
            ConnState::AuthLost | ConnState::NotConnected => token_files::withdraw(&dir),
            _ => match &run.shared {
                Some(s) => crate::share::group_id(config.share.group.as_deref()).and_then(|gid| {
                    token_files::publish(&dir, gid, &token_json(s, &run.st, &config))
                }),
                None => Ok(false),
            },
        };
        match result {
            Ok(true) => {
                tracing::info!(dir = %dir.display(), state = ?run.st.state(), "token files updated")
            }
            Ok(false) => {}
            Err(e) => {
                let text = e.message(crate::Lang::En);
                tracing::warn!(dir = %dir.display(), "token files not written: {text}");
                crate::share::stats::note_error(&self.inner.home.data_dir, &text);
            }
        }
    }

    /// `lexguard token --json [--min-valid]`: a bearer valid for at least `min_valid` (a
    /// refresh first, the same single-flight one as everywhere, when it would end sooner; not
    /// while Lexware asked to wait: then the JSON says how long the token lives).
    pub async fn token_json(&self, min_valid: Option<std::time::Duration>) -> Result<TokenJson> {
        self.hand_out(|run, _| {
            min_valid.is_some_and(|min| {
                run.shared
                    .as_ref()
                    .and_then(|s| s.expires_at)
                    .is_some_and(|t| t - run.now < super::op::dur(min))
                    && !run.st.in_backoff(run.now)
            })
        })
        .await
    }

    /// After Lexware refused `rejected` (401): a new bearer. Refreshes only when the keychain
    /// still holds the refused one — another caller (this process or another) that already
    /// renewed it makes this a read, so a burst of 401s costs one refresh.
    pub async fn renew_rejected(&self, rejected: &str) -> Result<TokenJson> {
        self.hand_out(|_, current| current == rejected).await
    }

    /// A bearer for another program, under the one lock: the current one, or a refreshed one
    /// when `force(run, current)` says so (OAuth only: an API key cannot be renewed).
    async fn hand_out(&self, force: impl FnOnce(&Operation, &str) -> bool) -> Result<TokenJson> {
        let _lock = self.exclusive().await?;
        let mut run = self.begin()?;
        let mut result = self.bearer_in(&mut run, false).await;
        if let Ok(current) = &result
            && run.st.mode() == Some(Mode::OAuth)
            && force(&run, current)
        {
            result = self.bearer_in(&mut run, true).await;
        }
        let config = self.config();
        let json = result.and_then(|_| {
            run.shared
                .as_ref()
                .map(|s| token_json(s, &run.st, &config))
                .ok_or(Error::NotConnected)
        });
        let held_only_here = matches!(run.rescued, Some(None));
        self.finish(run)?;
        if held_only_here {
            return Err(Error::TokensNotStored { rescue: None });
        }
        json
    }

    /// The one HTTP client and its 2 requests/second: the proxy queues in the same budget as
    /// lexguard's own calls.
    pub fn http(&self) -> &crate::http::Http {
        &self.inner.http
    }

    /// `status`'s `share` part: what a serving process last wrote, with the folder and
    /// address in force (`None` without `[share]`).
    pub(super) fn share_status(&self) -> Option<crate::share::ShareStatus> {
        let config = self.config();
        if config.share.is_default() {
            return None;
        }
        let mut s = crate::share::stats::read(&self.inner.home.data_dir).unwrap_or_default();
        s.token_dir = config
            .share
            .token_dir_of(&self.inner.home.data_dir)
            .map(|d| d.display().to_string());
        s.proxy = config
            .share
            .proxy_addr_of(&self.inner.home.data_dir)
            .map(|a| a.to_string());
        Some(s)
    }
}

fn token_json(s: &Shared, st: &crate::state::Persisted, config: &crate::Config) -> TokenJson {
    TokenJson::new(
        s.bearer.expose(),
        s.expires_at,
        &config.lexware.api_url,
        st.organization_id().map(str::to_owned),
        st.company().map(str::to_owned),
    )
}
