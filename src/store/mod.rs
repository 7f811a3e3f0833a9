//! The store: one directory holding the raw uploads, the canonical Parquet in
//! Hive layout and the SQLite ledger of submissions, budgets and releases.
//!
//! ```text
//! <store>/ledger.sqlite                              submissions, budget ledger, agencies' token hashes
//! <store>/raw/<submission>.<ext>                     the bytes received, untouched
//! <store>/canonical/<kind>/agency=<slug>/quarter=<Q>/<submission>.parquet
//! <store>/releases/<period>/<release>.parquet        differentially private tables
//! <store>/tmp/                                       staging; never read
//! <store>/locks/<release>.lock                       held while a release is drawn (see `release`)
//! <store>/secret.key                                 32 random bytes, 0600: the key of published digests
//! ```
//!
//! Published files never carry a plain hash of an input: a SHA-256 of a small
//! file can be checked against guesses of its contents. They carry
//! [`Store::keyed_digest`]s instead (HMAC-SHA-256 under the store's secret),
//! which nobody without the secret can compute or test.
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
        for dir in ["raw", "canonical", "releases", "tmp", "locks"] {
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
        store.secret()?;
        Ok(store)
    }

    /// The store's secret key, created on first use (32 bytes from the OS's
    /// CSPRNG, written once, readable by the owner only).
    fn secret(&self) -> Result<Vec<u8>, StoreError> {
        let path = self.root.join("secret.key");
        match std::fs::read(&path) {
            Ok(key) if key.len() == 32 => return Ok(key),
            Ok(_) => {
                return Err(StoreError::Io {
                    path,
                    source: std::io::Error::other("the store's secret key is not 32 bytes"),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::Io { path, source: e }),
        }
        let mut key = vec![0u8; 32];
        rand::fill(&mut key[..]);
        let staged = self.staging_path(".key");
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&staged).map_err(StoreError::io(&staged))?;
            f.write_all(&key).map_err(StoreError::io(&staged))?;
        }
        // Two processes creating the key at once: the first link wins, both use it.
        match std::fs::hard_link(&staged, &path) {
            Ok(()) => {
                let _ = std::fs::remove_file(&staged);
                Ok(key)
            }
            Err(_) => {
                let _ = std::fs::remove_file(&staged);
                std::fs::read(&path).map_err(StoreError::io(&path))
            }
        }
    }

    /// HMAC-SHA-256 of `bytes` under the store's secret, as hex: a digest that
    /// can be published, since without the secret it cannot be computed from a
    /// guess of the input (unlike a plain SHA-256).
    pub fn keyed_digest(&self, bytes: &[u8]) -> Result<String, StoreError> {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.secret()?)
            .expect("HMAC takes a key of any length");
        mac.update(bytes);
        Ok(hex::encode(mac.finalize().into_bytes()))
    }

    /// The lock file a release is drawn under.
    pub fn lock_path(&self, release_id: &str) -> PathBuf {
        self.root.join("locks").join(format!("{release_id}.lock"))
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
