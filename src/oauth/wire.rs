//! The HTTP under the `oauth2` crate: reqwest with the token requests' own timeout,
//! remembering status and `Retry-After` (the crate drops them for unparsable error bodies),
//! and sorting the token endpoint's failures the way the tick needs them.

use crate::error::Error;
use crate::http::{Http, retry_after, transport_error};
use oauth2::basic::BasicErrorResponseType;
use oauth2::{HttpClientError, RequestTokenError};
use std::sync::Mutex;

/// What a token request is for; decides what `invalid_grant` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    Code,
    Refresh,
}

type Meta = Mutex<Option<(u16, Option<u64>)>>;

/// The HTTP client given to `oauth2`: reqwest, remembering status and Retry-After (the
/// `oauth2` crate drops the status of an unparsable error response, and 429/5xx must stay
/// transient).
pub(super) struct Recording {
    http: Http,
    pub(super) meta: Meta,
}

impl Recording {
    pub(super) fn new(http: &Http) -> Self {
        Self {
            http: http.clone(),
            meta: Mutex::new(None),
        }
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Recording {
    type Error = HttpClientError<reqwest::Error>;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = std::result::Result<oauth2::HttpResponse, Self::Error>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send(&self.http, request, &self.meta))
    }
}

/// Token requests may take longer than API calls: a late answer to a refresh is a rotation
/// that is lost if the client gives up first.
pub const TOKEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);

async fn send(
    http: &Http,
    req: oauth2::HttpRequest,
    meta: &Mutex<Option<(u16, Option<u64>)>>,
) -> std::result::Result<oauth2::HttpResponse, HttpClientError<reqwest::Error>> {
    let mut request: reqwest::Request = req.try_into().map_err(Box::new)?;
    *request.timeout_mut() = Some(TOKEN_TIMEOUT);
    let resp = http.client.execute(request).await.map_err(Box::new)?;
    let status = resp.status();
    let retry = retry_after(resp.headers());
    let mut builder = oauth2::http::Response::builder().status(status.as_u16());
    for (name, value) in resp.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let body = resp.bytes().await.map_err(Box::new)?.to_vec();
    // Lexware's 429 in disguise: a 500 whose body says "rate limit" is rate limiting.
    let seen = if status.as_u16() == 500 && says_rate_limit(&body) {
        429
    } else {
        status.as_u16()
    };
    *meta.lock().unwrap_or_else(|p| p.into_inner()) = Some((seen, retry));
    builder.body(body).map_err(HttpClientError::Http)
}

fn says_rate_limit(body: &[u8]) -> bool {
    String::from_utf8_lossy(body)
        .to_ascii_lowercase()
        .contains("rate limit")
}

fn status_error(meta: Option<(u16, Option<u64>)>) -> Option<Error> {
    match meta? {
        (429, retry) => Some(Error::RateLimited {
            retry_after_secs: retry,
        }),
        (s, _) if s >= 500 => Some(Error::Server { status: s }),
        _ => None,
    }
}

pub(super) fn classify(
    e: RequestTokenError<
        HttpClientError<reqwest::Error>,
        oauth2::StandardErrorResponse<BasicErrorResponseType>,
    >,
    meta: &Mutex<Option<(u16, Option<u64>)>>,
    grant: Grant,
) -> Error {
    let status = *meta.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(transient) = status_error(status) {
        return transient;
    }
    match e {
        RequestTokenError::ServerResponse(r) => match r.error() {
            BasicErrorResponseType::InvalidGrant => match grant {
                Grant::Refresh => Error::AuthLost,
                Grant::Code => Error::CodeRejected("invalid_grant".into()),
            },
            BasicErrorResponseType::InvalidClient | BasicErrorResponseType::UnauthorizedClient => {
                Error::ClientCredentials(r.error().to_string())
            }
            other => match grant {
                Grant::Code => Error::CodeRejected(other.to_string()),
                Grant::Refresh => Error::Protocol(format!("token endpoint: {other}")),
            },
        },
        RequestTokenError::Request(HttpClientError::Reqwest(r)) => transport_error(&r),
        RequestTokenError::Request(other) => Error::Network(other.to_string()),
        // Parse/Other may carry the body (with tokens): keep only the status.
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => match status {
            Some((401, _)) => Error::ClientCredentials("401".into()),
            Some((400, _)) if grant == Grant::Code => Error::CodeRejected("400".into()),
            Some((s, _)) => Error::Protocol(format!(
                "token endpoint answered {s} with an unreadable body"
            )),
            None => Error::Protocol("token endpoint: unreadable answer".into()),
        },
    }
}
