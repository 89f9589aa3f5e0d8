//! `POST /v1/files`: a voucher document (PDF, JPG, PNG, XML) as `multipart/form-data` with the
//! parts `file` and `type` (`voucher`); at most 5 MB; answered `202 {"id": …}`. What arrived is
//! kept (name, size, SHA-256) so a test can check an upload went through intact.

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::Digest;

use crate::control::Control;
use crate::model::Upload;
use crate::oauth::parse_bearer;
use crate::responses::{regular_error, unauthorized};
use crate::state::Shared;
use crate::util::uuid_v4;

/// Lexware's limit for one file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

pub(crate) async fn upload(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    {
        let inner = sh.lock();
        if parse_bearer(&headers)
            .and_then(|t| inner.api_caller(t))
            .is_none()
        {
            return unauthorized();
        }
    }
    let mut file = None;
    let mut kind = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().map(str::to_owned);
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(_) => return bad_request(&sh),
                    }
                }
                Some("type") => kind = field.text().await.ok(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return bad_request(&sh),
        }
    }
    let Some((file_name, bytes)) = file else {
        return bad_request(&sh);
    };
    if bytes.len() > MAX_FILE_BYTES {
        let now = sh.lock().now();
        return regular_error(now, 413, "/v1/files", "Payload Too Large", &[]);
    }
    let upload = Upload {
        id: uuid_v4(),
        file_name,
        kind,
        size: bytes.len(),
        sha256: sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    };
    let id = upload.id.clone();
    sh.lock().files.push(upload);
    (
        StatusCode::ACCEPTED,
        axum::Json(serde_json::json!({ "id": id })),
    )
        .into_response()
}

fn bad_request(sh: &Shared) -> Response {
    let now = sh.lock().now();
    regular_error(now, 400, "/v1/files", "Bad Request", &[])
}

impl Control {
    /// Every file received by `POST /v1/files`, oldest first.
    pub fn uploads(&self) -> Vec<Upload> {
        self.shared.lock().files.clone()
    }
}
