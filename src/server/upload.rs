//! Receiving an upload: stream the body to a server-named file under the
//! store's `tmp/`, hashing as it goes, and stop at the size limit. The file
//! is removed if the upload fails, is too large, or the client goes away.

use super::Problem;
use crate::i18n::Message;
use crate::store::Store;
use axum::body::Bytes;
use axum::http::StatusCode;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// An upload staged under `tmp/`: locked while held, removed when dropped
/// (see [`crate::store::Staged`]), with the SHA-256 of its bytes.
pub struct StagedFile {
    pub staged: crate::store::Staged,
    pub sha256: String,
    pub bytes: u64,
}

impl StagedFile {
    pub fn path(&self) -> &Path {
        self.staged.path()
    }
}

pub fn too_large(limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "problem-too-large",
        Message::new("problem-too-large-detail").with("megabytes", limit / (1024 * 1024)),
    )
}

fn interrupted() -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "upload-interrupted",
        "problem-upload-interrupted",
        Message::new("problem-upload-interrupted-detail"),
    )
}

/// What an upload may send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    /// Longest pause between two pieces of the body.
    pub pause: std::time::Duration,
}

fn stalled(limits: Limits) -> Problem {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "upload-stalled",
        "problem-upload-stalled",
        Message::new("problem-upload-stalled-detail").with("seconds", limits.pause.as_secs()),
    )
}

/// Stream `body` to a new file under the store's `tmp/`, hashing it,
/// refusing more than `limits.max_bytes` or a pause longer than
/// `limits.pause`. On any failure the file is removed.
pub async fn stage<S, E>(store: &Store, body: S, limits: Limits) -> Result<StagedFile, Problem>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let mut body = std::pin::pin!(body);
    let io = |_| Problem::internal("disk");
    let staged = store
        .stage(None, ".upload")
        .map_err(|_| Problem::internal("disk"))?;
    let mut file = tokio::fs::File::from_std(staged.file().try_clone().map_err(io)?);
    let mut staged = StagedFile {
        staged,
        sha256: String::new(),
        bytes: 0,
    };
    let mut hasher = Sha256::new();
    loop {
        let chunk = match tokio::time::timeout(limits.pause, body.next()).await {
            Err(_) => return Err(stalled(limits)),
            Ok(None) => break,
            Ok(Some(chunk)) => chunk.map_err(|_| interrupted())?,
        };
        staged.bytes += chunk.len() as u64;
        if staged.bytes > limits.max_bytes {
            return Err(too_large(limits.max_bytes));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    staged.sha256 = hex::encode(hasher.finalize());
    Ok(staged)
}

/// A multipart upload form: its text fields and its `file`, staged.
pub struct UploadForm {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<(StagedFile, String)>,
}

impl UploadForm {
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

/// Most bytes of a form's text field (token, quarter, kind, profile).
pub const MAX_FIELD_BYTES: usize = 4 * 1024;

fn bad_form() -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad-form",
        "problem-bad-multipart",
        Message::new("problem-bad-multipart-detail"),
    )
}

/// Read a multipart form, streaming its `file` field to staging under the
/// limit. `authorize` sees the text fields read so far when the file begins:
/// unless it agrees (for the page, a valid token sent ahead of the file),
/// nothing of the file is read or written.
pub async fn read_form(
    store: &Store,
    mut form: axum::extract::Multipart,
    limits: Limits,
    mut authorize: impl FnMut(&std::collections::HashMap<String, String>) -> Result<(), Problem>,
) -> Result<UploadForm, Problem> {
    let mut out = UploadForm {
        fields: Default::default(),
        file: None,
    };
    loop {
        let next = tokio::time::timeout(limits.pause, form.next_field())
            .await
            .map_err(|_| stalled(limits))?;
        let mut field = match next {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(out),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large(limits.max_bytes));
            }
            Err(_) => return Err(bad_form()),
        };
        if field.name() == Some("file") {
            authorize(&out.fields)?;
            let name = display_name(field.file_name());
            out.file = Some((stage(store, field, limits).await?, name));
        } else {
            let name: String = field.name().unwrap_or_default().chars().take(64).collect();
            let mut text = Vec::new();
            loop {
                let chunk = tokio::time::timeout(limits.pause, field.chunk())
                    .await
                    .map_err(|_| stalled(limits))?
                    .map_err(|_| bad_form())?;
                let Some(chunk) = chunk else { break };
                text.extend_from_slice(&chunk);
                if text.len() > MAX_FIELD_BYTES {
                    return Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "field-too-large",
                        "problem-field-too-large",
                        Message::new("problem-field-too-large-detail")
                            .with("field", name.as_str())
                            .with("bytes", MAX_FIELD_BYTES),
                    ));
                }
            }
            out.fields
                .insert(name, String::from_utf8_lossy(&text).into_owned());
        }
    }
}

/// A client's file name, for messages only: never used as a path.
pub(super) fn display_name(name: Option<&str>) -> String {
    let base = name
        .unwrap_or("upload")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("upload");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.is_empty() {
        "upload".into()
    } else {
        clean
    }
}
