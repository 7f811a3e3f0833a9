//! The store: one directory holding the raw uploads, the canonical Parquet in
//! Hive layout and the SQLite ledger of submissions, budgets and releases.
//!
//! ```text
//! <store>/ledger.sqlite                              submissions, budget ledger, agencies' token hashes
//! <store>/raw/<submission>.<ext>                     the bytes received, untouched
//! <store>/canonical/<kind>/agency=<slug>/quarter=<Q>/<submission>.parquet
//! <store>/releases/<period>/<release>.parquet        differentially private tables
//! <store>/tmp/                                       staging; never read
//! ```
//! Writes are atomic: a file is written under `tmp/`, fsynced and renamed into
//! place; the ledger rows that make it visible are written in one transaction
//! afterwards, and a failure removes what was written. A rejected upload
//! leaves nothing behind.

mod agencies;
mod submit;

pub use agencies::{Agency, AgencyError, StoredAnswer, valid_slug};
pub use submit::{Receipt, Submission, SubmitError, SubmitOutcome};

use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// Default store directory when neither `--store` nor `SAFECOUNT_STORE` is given.
pub const DEFAULT_DIR: &str = "safecount-data";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the store at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the store's ledger failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("cannot write canonical records: {0}")]
    Parquet(String),
}

impl StoreError {
    pub fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An open store.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS submissions (
    id             TEXT PRIMARY KEY,
    agency         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    quarter        TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    rows_read      INTEGER NOT NULL,
    records        INTEGER NOT NULL,
    received_at    TEXT NOT NULL,
    raw_path       TEXT,
    canonical_path TEXT NOT NULL,
    superseded_by  TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS submissions_one_current
    ON submissions(agency, kind, quarter) WHERE superseded_by IS NULL;
"#;

impl Store {
    /// The store directory: `--store`, else `SAFECOUNT_STORE`, else `./safecount-data`.
    pub fn resolve_dir(given: Option<&Path>) -> PathBuf {
        given
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("SAFECOUNT_STORE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
    }

    /// Open (creating if needed) the store at `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        for dir in ["raw", "canonical", "releases", "tmp"] {
            let d = root.join(dir);
            std::fs::create_dir_all(&d).map_err(StoreError::io(&d))?;
        }
        let store = Store {
            root: root.to_path_buf(),
        };
        let conn = store.connect()?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(agencies::SCHEMA)?;
        crate::privacy::ledger::create_schema(&conn)?;
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A new connection to the ledger (one per thread; SQLite serialises writers).
    pub fn connect(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open(self.root.join("ledger.sqlite"))?;
        conn.busy_timeout(std::time::Duration::from_secs(60))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(conn)
    }

    /// A fresh staging path under `tmp/`.
    pub fn staging_path(&self, suffix: &str) -> PathBuf {
        use rand::Rng;
        let n: u64 = rand::rng().random();
        self.root.join("tmp").join(format!("{n:016x}{suffix}"))
    }

    /// Move a fully written staging file into place: fsync the file, rename, fsync the directory.
    pub fn publish(&self, staged: &Path, dest: &Path) -> Result<(), StoreError> {
        let file = std::fs::File::open(staged).map_err(StoreError::io(staged))?;
        file.sync_all().map_err(StoreError::io(staged))?;
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(StoreError::io(dir))?;
        }
        std::fs::rename(staged, dest).map_err(StoreError::io(dest))?;
        if let Some(dir) = dest.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// Write bytes atomically to `dest`.
    pub fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        let staged = self.staging_path(".part");
        std::fs::write(&staged, bytes).map_err(StoreError::io(&staged))?;
        self.publish(&staged, dest).inspect_err(|_| {
            let _ = std::fs::remove_file(&staged);
        })
    }

    /// Canonical file of a submission.
    pub fn canonical_path(
        &self,
        kind: crate::schema::ExtractKind,
        agency: &str,
        quarter: &str,
        id: &str,
    ) -> PathBuf {
        self.root
            .join("canonical")
            .join(kind.as_str())
            .join(format!("agency={agency}"))
            .join(format!("quarter={quarter}"))
            .join(format!("{id}.parquet"))
    }

    pub fn release_dir(&self, period: &str) -> PathBuf {
        self.root.join("releases").join(period)
    }
}

/// Now, as an RFC 3339 UTC timestamp.
pub fn now() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
