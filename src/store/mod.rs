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
pub mod backup;
mod format;
mod submit;

pub use agencies::{Agency, AgencyError, KeyClaim, StoredAnswer, valid_slug};
pub use format::Migrated;
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
    #[error(
        "{path} was written by a newer safecount (canonical format {format}; this build reads up to {}): use that version, or a newer build",
        crate::schema::fields::CANONICAL_FORMAT
    )]
    NewerFormat { path: PathBuf, format: u32 },
    #[error("{path} read back differently after rewriting; nothing was changed")]
    ReadBackDiffers { path: PathBuf },
    #[error("{path} exists and is not empty")]
    NotEmpty { path: PathBuf },
    #[error(
        "the store's ledger {path} has schema version {found}, newer than the {known} this build knows: use the safecount that wrote it, or a newer one (nothing was changed)"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
}

impl crate::exit::ExitCode for StoreError {
    fn exit_code(&self) -> i32 {
        crate::exit::IO
    }
}

impl StoreError {
    /// The error in the catalogues' words; a database's or a file format's
    /// own detail is passed through as technical text.
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            StoreError::Io { path, source } => Message::new("store-io")
                .with("path", path.display().to_string())
                .with("detail", source.to_string()),
            StoreError::Sql(e) => Message::new("store-sql").with("detail", e.to_string()),
            StoreError::Parquet(detail) => {
                Message::new("store-parquet").with("detail", detail.as_str())
            }
            StoreError::NewerFormat { path, format } => Message::new("store-newer-format")
                .with("path", path.display().to_string())
                .with("format", *format)
                .with("current", crate::schema::fields::CANONICAL_FORMAT),
            StoreError::ReadBackDiffers { path } => {
                Message::new("store-read-back-differs").with("path", path.display().to_string())
            }
            StoreError::NotEmpty { path } => {
                Message::new("store-not-empty").with("path", path.display().to_string())
            }
            StoreError::NewerSchema { path, found, known } => Message::new("store-newer-schema")
                .with("path", path.display().to_string())
                .with("found", *found)
                .with("known", *known),
        }
    }

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
    /// The collaborative's current linkage epoch, when it links people
    /// across agencies: case extracts must carry its keys ([`Store::with_linkage_epoch`]).
    linkage_epoch: Option<String>,
    /// The program that checks each extract in a child process
    /// ([`Store::with_checker`]; None: in this process).
    checker: Option<PathBuf>,
}

/// The version of the ledger's schema this build writes and reads (kept in
/// SQLite's `user_version`); see [`Store::open`].
pub const SCHEMA_VERSION: i64 = 1;

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
    superseded_by  TEXT,
    returns_publish TEXT,
    canonical_format INTEGER,
    linkage_epoch  TEXT
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
        // The store holds what agencies sent: readable by its owner only.
        #[cfg(unix)]
        for dir in ["", "raw", "canonical", "tmp"] {
            use std::os::unix::fs::PermissionsExt;
            let d = root.join(dir);
            let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700));
        }
        let store = Store {
            root: root.to_path_buf(),
            linkage_epoch: None,
            checker: None,
        };
        let conn = store.connect()?;
        // The ledger's schema version (SQLite's user_version): a store a newer
        // build has migrated is refused before anything is written to it.
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: root.join("ledger.sqlite"),
                found,
                known: SCHEMA_VERSION,
            });
        }
        // Version 1: every step below is idempotent and brings any earlier
        // store (version 0, before versions were recorded) to it. A later
        // version adds its steps after them, run when `found` is below it.
        conn.execute_batch(SCHEMA)?;
        // Stores made before returns consent was recorded gain the column
        // (NULL: aggregate); before canonical formats were recorded, theirs
        // (NULL: format 1); before linkage, the epoch (NULL: the agency's own keys).
        for (column, kind) in [
            ("returns_publish", "TEXT"),
            ("canonical_format", "INTEGER"),
            ("linkage_epoch", "TEXT"),
        ] {
            store.add_column_if_missing(&conn, column, kind)?;
        }
        // Stores made before file names were dropped keep only the extension.
        conn.execute(
            "UPDATE submissions SET file_name = CASE WHEN lower(file_name) LIKE '%.xlsx' THEN 'extract.xlsx' WHEN lower(file_name) LIKE '%.parquet' THEN 'extract.parquet' ELSE 'extract.csv' END WHERE file_name NOT IN ('extract.csv', 'extract.xlsx', 'extract.parquet')",
            [],
        )?;
        conn.execute_batch(agencies::SCHEMA)?;
        crate::privacy::ledger::create_schema(&conn)?;
        if found < SCHEMA_VERSION {
            conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
        }
        #[cfg(unix)]
        for file in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(root.join(file), std::fs::Permissions::from_mode(0o600));
        }
        store.secret()?;
        // What a killed command left in tmp/ goes now (a live one's files are locked).
        store.sweep_staging();
        Ok(store)
    }

    /// Refuse case extracts whose person keys are not collaborative keys of
    /// `epoch` (the collaborative links people across agencies); None
    /// accepts any keys.
    pub fn with_linkage_epoch(mut self, epoch: Option<String>) -> Store {
        self.linkage_epoch = epoch;
        self
    }

    /// Check every extract in a child process started from `program` (the
    /// safecount binary; see `ingest::isolated`), so that a file built to
    /// hurt the checker costs that check, not this process.
    pub fn with_checker(mut self, program: Option<PathBuf>) -> Store {
        self.checker = program;
        self
    }

    /// The program that checks extracts in a child process, if any.
    pub fn checker(&self) -> Option<&Path> {
        self.checker.as_deref()
    }

    /// The linkage epoch case extracts must carry, if any.
    pub fn linkage_epoch(&self) -> Option<&str> {
        self.linkage_epoch.as_deref()
    }

    /// Add a column to `submissions` in a store made before it existed.
    fn add_column_if_missing(
        &self,
        conn: &Connection,
        column: &str,
        kind: &str,
    ) -> Result<(), StoreError> {
        let has = |c: &Connection| -> rusqlite::Result<bool> {
            c.query_row(
                "SELECT COUNT(*) FROM pragma_table_info('submissions') WHERE name = ?1",
                [column],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
        };
        if !has(conn)? {
            let mut conn = self.connect()?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if !has(&tx)? {
                tx.execute_batch(&format!(
                    "ALTER TABLE submissions ADD COLUMN {column} {kind}"
                ))?;
            }
            tx.commit()?;
        }
        Ok(())
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
        let staged = self.stage(None, ".key")?;
        {
            use std::io::Write;
            staged
                .file()
                .write_all(&key)
                .map_err(StoreError::io(staged.path()))?;
            staged
                .file()
                .sync_all()
                .map_err(StoreError::io(staged.path()))?;
        }
        // Two processes creating the key at once: the first link wins, both use it.
        match std::fs::hard_link(staged.path(), &path) {
            Ok(()) => Ok(key),
            Err(_) => std::fs::read(&path).map_err(StoreError::io(&path)),
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
        // Switching a new database to WAL takes an exclusive lock, and SQLite
        // answers "busy" at once (without its busy handler) while another
        // process opens the same new store: wait and try again.
        let mut tries = 0;
        while let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
            let busy = matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            );
            tries += 1;
            if !busy || tries >= 200 {
                return Err(e.into());
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(conn)
    }

    /// A fresh staging path under `tmp/`.
    pub fn staging_path(&self, suffix: &str) -> PathBuf {
        use rand::Rng;
        let n: u64 = rand::rng().random();
        self.root.join("tmp").join(format!("{n:016x}{suffix}"))
    }

    /// A new staging file under `tmp/` named `name` (or a random name
    /// ending in `suffix` when `name` is None), created empty, owner-only,
    /// and locked for as long as the guard lives (see [`Staged`]).
    pub fn stage(&self, name: Option<&str>, suffix: &str) -> Result<Staged, StoreError> {
        let path = match name {
            Some(n) => self.root.join("tmp").join(n),
            None => self.staging_path(suffix),
        };
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // Between creating the file and locking it, another process's sweep
        // may lock and remove it (it looks abandoned): then the lock is held
        // on a file no longer at `path`. Check that the path is still this
        // file once locked, and create it again if not.
        for _ in 0..100 {
            let file = options.open(&path).map_err(StoreError::io(&path))?;
            file.lock().map_err(StoreError::io(&path))?;
            if same_file(&file, &path) {
                return Ok(Staged {
                    path: Some(path),
                    file: Some(file),
                });
            }
        }
        Err(StoreError::Io {
            path: path.clone(),
            source: std::io::Error::other("the staging file kept being removed"),
        })
    }

    /// Remove what crashed or killed processes left under `tmp/`: every
    /// staging file nobody holds the lock of (a live writer holds it; the
    /// system releases it when the writer dies). A canonical file or raw copy
    /// whose submission the ledger already records is moved into place
    /// instead (the process died between the ledger row and the rename).
    /// Draws of releases (`draw-*`) are left to the release's own sweep.
    /// Returns how many files were removed or adopted.
    pub fn sweep_staging(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else {
            return 0;
        };
        let mut swept = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("draw-") {
                continue;
            }
            let path = entry.path();
            let Ok(file) = std::fs::File::options().write(true).open(&path) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue;
            }
            if !self.adopt_staged(&name, &path) {
                let _ = std::fs::remove_file(&path);
            }
            swept += 1;
        }
        swept
    }

    /// Canonical files and raw copies that no submission row names (left by
    /// a crash of an older version, or put there by hand), relative to the store.
    pub fn orphans(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.connect()?;
        let mut known = std::collections::HashSet::new();
        let mut stmt = conn.prepare("SELECT canonical_path, raw_path FROM submissions")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        for row in rows {
            let (canonical, raw) = row?;
            known.insert(canonical);
            known.extend(raw);
        }
        let mut out = Vec::new();
        let mut stack = vec![self.root.join("canonical"), self.root.join("raw")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(&self.root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                if !known.contains(&rel) {
                    out.push(rel);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Move a staged canonical file or raw copy (`canonical-<id>.<n>.parquet`,
    /// `raw-<id>.<n>.<ext>`) into place when the ledger records its submission
    /// and the file is not there yet. Returns whether it was adopted.
    fn adopt_staged(&self, name: &str, path: &Path) -> bool {
        let (id, raw) = match (name.strip_prefix("canonical-"), name.strip_prefix("raw-")) {
            (Some(rest), _) => (rest.split('.').next().unwrap_or(rest), false),
            (_, Some(rest)) => (rest.split('.').next().unwrap_or(rest), true),
            _ => return false,
        };
        let Ok(conn) = self.connect() else {
            return false;
        };
        let column = if raw { "raw_path" } else { "canonical_path" };
        let target: Option<String> = conn
            .query_row(
                &format!("SELECT {column} FROM submissions WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .ok()
            .flatten();
        match target.map(|t| self.root.join(t)) {
            Some(dest) if !dest.exists() => self.publish(path, &dest).is_ok(),
            _ => false,
        }
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
        use std::io::Write;
        let staged = self.stage(None, ".part")?;
        staged
            .file()
            .write_all(bytes)
            .map_err(StoreError::io(staged.path()))?;
        staged.publish(self, dest)
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

/// A staging file under `tmp/`: locked (an exclusive `flock`) while the guard
/// lives, so that [`Store::sweep_staging`] never removes a file a live process
/// is writing, and removed when the guard is dropped unless it was kept or
/// moved into place. A killed process leaves its file unlocked; the next
/// command's sweep removes it.
#[derive(Debug)]
pub struct Staged {
    path: Option<PathBuf>,
    file: Option<std::fs::File>,
}

impl Staged {
    pub fn path(&self) -> &Path {
        self.path
            .as_deref()
            .expect("a staged file has a path until kept")
    }

    /// The open, locked file.
    pub fn file(&self) -> &std::fs::File {
        self.file
            .as_ref()
            .expect("a staged file is open until kept")
    }

    /// Rename the file within `tmp/` (the lock goes with it).
    pub fn rename(&mut self, to: PathBuf) -> Result<(), StoreError> {
        std::fs::rename(self.path(), &to).map_err(StoreError::io(&to))?;
        self.path = Some(to);
        Ok(())
    }

    /// Move the file into place (fsync, rename, fsync the directory); the
    /// guard is spent. If that fails the file is left, unlocked, for the
    /// sweep to adopt or remove.
    pub fn publish(mut self, store: &Store, dest: &Path) -> Result<(), StoreError> {
        let path = self
            .path
            .take()
            .expect("a staged file has a path until kept");
        store.publish(&path, dest)
    }

    /// Leave the file where it is, unlocked, for the sweep to adopt or remove.
    pub fn abandon(mut self) {
        self.path = None;
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Stop here if `SAFECOUNT_FAILPOINT` names this point: the process aborts as
/// a crash would (no destructors, no unwinding, locks released by the
/// system). For the crash tests and the kill benchmark only: a build
/// without the `testing` feature (what `cargo build` makes) has none.
pub fn failpoint(name: &str) {
    #[cfg(feature = "testing")]
    if std::env::var("SAFECOUNT_FAILPOINT").as_deref() == Ok(name) {
        eprintln!("safecount: failpoint {name}: aborting");
        std::process::abort();
    }
    let _ = name;
}

pub use crate::clock::{hours_ago, now};

/// Whether `path` names the open `file` (the same inode on the same device).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.exists()
    }
}
