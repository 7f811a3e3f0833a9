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
use std::time::{Duration, Instant};
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

/// Slowest a body may arrive on average, after [`RATE_GRACE`]: 1 KiB/s (a
/// 200 MB upload then takes under 2.5 days; a client sending a byte every
/// 20 s to hold a connection is cut off after [`RATE_GRACE`]).
pub const MIN_BYTES_PER_SECOND: u64 = 1024;
/// The time a body may take before its average rate counts.
pub const RATE_GRACE: Duration = Duration::from_secs(10);

/// How fast a body has come so far: the time left for its next piece is the
/// shorter of the pause limit and what keeps the average rate above
/// [`MIN_BYTES_PER_SECOND`].
struct Pace {
    started: Instant,
    bytes: u64,
}

impl Pace {
    fn new() -> Pace {
        Pace {
            started: Instant::now(),
            bytes: 0,
        }
    }

    fn wait(&self, limits: Limits) -> Duration {
        let earned = RATE_GRACE + Duration::from_millis(self.bytes * 1000 / MIN_BYTES_PER_SECOND);
        let left = earned.saturating_sub(self.started.elapsed());
        left.min(limits.pause)
    }

    /// The next piece of a body, within the time [`Pace::wait`] allows.
    async fn next<F: std::future::Future>(
        &self,
        limits: Limits,
        piece: F,
    ) -> Result<F::Output, Problem> {
        tokio::time::timeout(self.wait(limits), piece)
            .await
            .map_err(|_| stalled(limits))
    }
}

/// Most bytes of text fields a form may carry, all together: the token,
/// kind, quarter and profile take a few hundred. Read before the token is
/// checked, so a client without one can make the server hold no more.
pub const MAX_FORM_TEXT_BYTES: usize = 16 * 1024;
/// Most text fields in a form.
pub const MAX_FORM_FIELDS: usize = 16;

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
    stage_paced(store, body, limits, &mut Pace::new()).await
}

async fn stage_paced<S, E>(
    store: &Store,
    body: S,
    limits: Limits,
    pace: &mut Pace,
) -> Result<StagedFile, Problem>
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
        let chunk = match pace.next(limits, body.next()).await? {
            None => break,
            Some(chunk) => chunk.map_err(|_| interrupted())?,
        };
        staged.bytes += chunk.len() as u64;
        pace.bytes += chunk.len() as u64;
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

fn form_too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "form-too-large",
        "problem-form-too-large",
        Message::new("problem-form-too-large-detail").with("bytes", MAX_FORM_TEXT_BYTES),
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
    let mut pace = Pace::new();
    let mut text_bytes = 0usize;
    loop {
        let next = pace.next(limits, form.next_field()).await?;
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
            out.file = Some((stage_paced(store, field, limits, &mut pace).await?, name));
        } else {
            let name: String = field.name().unwrap_or_default().chars().take(64).collect();
            if out.fields.len() >= MAX_FORM_FIELDS {
                return Err(form_too_large());
            }
            let mut text = Vec::new();
            loop {
                let chunk = pace
                    .next(limits, field.chunk())
                    .await?
                    .map_err(|_| bad_form())?;
                let Some(chunk) = chunk else { break };
                pace.bytes += chunk.len() as u64;
                text_bytes += chunk.len();
                if text_bytes > MAX_FORM_TEXT_BYTES {
                    return Err(form_too_large());
                }
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

/// How an upload is named in messages and pages: `upload`, with the
/// extension of the client's file name when it is one safecount reads. The
/// name itself is never shown, logged or stored: a file is often named for
/// the person it is about ("Marie Tremblay DOB 1987-04-12.csv").
pub(super) fn display_name(name: Option<&str>) -> String {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| ["csv", "txt", "tsv", "xlsx", "parquet"].contains(&ext.as_str()));
    match ext {
        Some(ext) => format!("upload.{ext}"),
        None => "upload".into(),
    }
}
