//! Receiving an upload: stream the body to a server-named file under the
//! store's `tmp/`, hashing as it goes, and stop at the size limit. The file
//! is removed if the upload fails, is too large, or the client goes away.

use super::Problem;
use crate::store::Store;
use axum::body::Bytes;
use axum::http::StatusCode;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// A file under `tmp/` that is removed when dropped, unless kept.
pub struct StagedFile {
    path: Option<PathBuf>,
    pub sha256: String,
    pub bytes: u64,
}

impl StagedFile {
    pub fn path(&self) -> &Path {
        self.path
            .as_deref()
            .expect("staged file present until kept")
    }

    /// Take charge of a staged file again (a checked upload being confirmed).
    pub fn adopt(path: PathBuf, sha256: String) -> StagedFile {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        StagedFile {
            path: Some(path),
            sha256,
            bytes,
        }
    }

    /// Hand the file on (to the store or the pending list); it is no longer removed on drop.
    pub fn keep(mut self) -> PathBuf {
        self.path.take().expect("staged file present until kept")
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

pub fn too_large(limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "The file is too large",
        &format!(
            "This server accepts files up to {} MB. Nothing was stored. Split the extract (for example by month), or ask the collaborative to raise the limit.",
            limit / (1024 * 1024)
        ),
    )
}

/// Stream `body` to a new file under the store's `tmp/`, hashing it, refusing more than `limit` bytes.
pub async fn stage<S, E>(store: &Store, body: S, limit: u64) -> Result<StagedFile, Problem>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let mut body = std::pin::pin!(body);
    let path = store.staging_path(".upload");
    let mut staged = StagedFile {
        path: Some(path.clone()),
        sha256: String::new(),
        bytes: 0,
    };
    let io = |_| Problem::internal("The upload could not be written to disk");
    let mut file = tokio::fs::File::create(&path).await.map_err(io)?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "upload-interrupted",
                "The upload was interrupted",
                "The file did not arrive whole. Nothing was stored; please upload it again.",
            )
        })?;
        staged.bytes += chunk.len() as u64;
        if staged.bytes > limit {
            return Err(too_large(limit));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    staged.sha256 = hex::encode(hasher.finalize());
    Ok(staged)
}

/// Remove staging files left by a crash (older than an hour).
pub fn clean_stale_staging(store: &Store) {
    let Ok(entries) = std::fs::read_dir(store.root().join("tmp")) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
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

/// Read a multipart form, streaming its `file` field to staging under the limit.
pub async fn read_form(
    store: &Store,
    mut form: axum::extract::Multipart,
    limit: u64,
) -> Result<UploadForm, Problem> {
    let mut out = UploadForm {
        fields: Default::default(),
        file: None,
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(out),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(limit)),
            Err(_) => {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    "bad-form",
                    "The upload did not arrive whole",
                    "Send multipart/form-data with the fields quarter, kind, profile (optional) and file, and try again.",
                ));
            }
        };
        if field.name() == Some("file") {
            let name = super::api::display_name(field.file_name());
            out.file = Some((stage(store, field, limit).await?, name));
        } else {
            let name = field.name().unwrap_or_default().to_string();
            let text = field.text().await.unwrap_or_default();
            out.fields.insert(name, text);
        }
    }
}
