//! Backup and restore of a whole store: the ledger, the files it names and
//! the secret, copied consistently while uploads and releases go on.
//!
//! A backup is one snapshot of the ledger (`VACUUM INTO`, a single read
//! transaction) and then exactly the files that snapshot names: each
//! submission's canonical file and raw copy, each completed release's file,
//! and `secret.key`. Files written after the snapshot are not copied, so
//! the backup holds no file its ledger does not know. A manifest
//! (`backup.json`) records each file's SHA-256. The copy is made in a
//! `.partial` folder beside the destination and renamed into place at the
//! end: a backup killed part-way leaves that folder and nothing else, and
//! the live store is only ever read.
//!
//! A restore refuses a destination that holds anything, checks every file
//! against the manifest while copying, and renames the copy into place; the
//! command then verifies the restored ledger and releases (`budget --verify`).

use super::{Store, StoreError};
use crate::digest::sha256_hex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The manifest's name inside a backup.
pub const MANIFEST: &str = "backup.json";
/// The ledger's name inside a store and a backup.
const LEDGER: &str = "ledger.sqlite";
/// The store's secret.
const SECRET: &str = "secret.key";
/// How long a backup waits for a file the ledger already names but that is
/// still being moved into place (a submission between its row and its rename).
const SETTLE: Duration = Duration::from_secs(10);

/// What a backup holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The day the backup was taken (no finer: a store's times are days).
    pub taken_on: String,
    pub submissions: usize,
    pub releases: usize,
    /// SHA-256 of every file, by its path inside the store.
    pub files: BTreeMap<String, String>,
}

/// Refused before anything is copied.
fn refuse(path: &Path) -> StoreError {
    StoreError::NotEmpty {
        path: path.to_path_buf(),
    }
}

fn holds_anything(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some())
}

/// A folder beside `dest` to build the copy in, named for the sweep of a
/// person who finds it: `<dest>.partial`.
fn partial_of(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Copy `from` to `to` (creating its folders, owner only), readable by its
/// owner only and flushed to disk, as the store keeps its files; its SHA-256.
fn copy_file(from: &Path, to: &Path) -> Result<String, StoreError> {
    use std::io::Write;
    if let Some(dir) = to.parent() {
        private_dir(dir)?;
    }
    let bytes = std::fs::read(from).map_err(StoreError::io(from))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(to).map_err(StoreError::io(to))?;
    file.write_all(&bytes)
        .and_then(|_| file.sync_all())
        .map_err(StoreError::io(to))?;
    Ok(sha256_hex(&bytes))
}

/// A folder (and its parents) that only its owner can read, on Unix.
fn private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(StoreError::io(dir))
}

/// The files a ledger names: submissions' canonical files and raw copies,
/// then completed releases' files (paths inside the store).
fn named_files(ledger: &Path) -> Result<(Vec<String>, usize, usize), StoreError> {
    let conn = rusqlite::Connection::open(ledger)?;
    let mut files = Vec::new();
    let mut stmt = conn.prepare("SELECT canonical_path, raw_path FROM submissions")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut submissions = 0;
    for row in rows {
        let (canonical, raw) = row?;
        submissions += 1;
        files.push(canonical);
        files.extend(raw);
    }
    let completed =
        crate::privacy::ledger::completed(&conn).map_err(|e| StoreError::Parquet(e.to_string()))?;
    let releases = completed.len();
    files.extend(completed.into_iter().map(|c| c.2));
    Ok((files, submissions, releases))
}

impl Store {
    /// Back the store up into `dest`, which must not exist or be empty.
    pub fn backup(&self, dest: &Path) -> Result<Manifest, StoreError> {
        if holds_anything(dest) {
            return Err(refuse(dest));
        }
        let partial = partial_of(dest);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(StoreError::io(&partial))?;
        }
        private_dir(&partial)?;
        // One consistent snapshot of the ledger, taken while others write.
        let ledger = partial.join(LEDGER);
        self.connect()?
            .execute("VACUUM INTO ?1", [ledger.to_string_lossy()])?;
        super::failpoint("backup-after-ledger");
        let (named, submissions, releases) = named_files(&ledger)?;
        let mut files = BTreeMap::new();
        for rel in named.iter().map(String::as_str).chain([SECRET]) {
            let from = self.root.join(rel);
            let started = Instant::now();
            // A submission's files are renamed into place just after its row.
            while !from.exists() && started.elapsed() < SETTLE {
                std::thread::sleep(Duration::from_millis(50));
            }
            files.insert(rel.to_string(), copy_file(&from, &partial.join(rel))?);
        }
        files.insert(
            LEDGER.to_string(),
            sha256_hex(&std::fs::read(&ledger).map_err(StoreError::io(&ledger))?),
        );
        let manifest = Manifest {
            format: 1,
            taken_on: crate::clock::today().to_string(),
            submissions,
            releases,
            files,
        };
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| StoreError::Parquet(e.to_string()))?;
        let path = partial.join(MANIFEST);
        std::fs::write(&path, text).map_err(StoreError::io(&path))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let private = std::fs::Permissions::from_mode(0o600);
            let _ = std::fs::set_permissions(&ledger, private.clone());
            let _ = std::fs::set_permissions(&path, private);
        }
        std::fs::rename(&partial, dest).map_err(StoreError::io(dest))?;
        Ok(manifest)
    }

    /// Restore the backup in `src` as a new store at `root`, which must not
    /// exist or be empty: a live store is never overwritten. Every file is
    /// checked against the manifest. The ledger's own checks are the
    /// caller's (`budget --verify`).
    pub fn restore(src: &Path, root: &Path) -> Result<(Store, Manifest), StoreError> {
        if holds_anything(root) {
            return Err(refuse(root));
        }
        let path = src.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(StoreError::io(&path))?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| StoreError::Parquet(e.to_string()))?;
        let partial = partial_of(root);
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(StoreError::io(&partial))?;
        }
        for (rel, sha) in &manifest.files {
            let from = src.join(rel);
            if copy_file(&from, &partial.join(rel))? != *sha {
                let _ = std::fs::remove_dir_all(&partial);
                return Err(StoreError::ReadBackDiffers { path: from });
            }
        }
        if root.exists() {
            std::fs::remove_dir(root).map_err(StoreError::io(root))?;
        }
        std::fs::rename(&partial, root).map_err(StoreError::io(root))?;
        Ok((Store::open(root)?, manifest))
    }
}
