//! One draw per debit: the claim on a release id, the staged draw, crash
//! recovery, the sweep of stale staging files, and the checks that tie
//! release files to the ledger.
//!
//! A release's noise is drawn by the one process holding its claim: an
//! exclusive advisory lock on `locks/<release>.lock` (`flock`), which the
//! operating system releases when that process exits, crash or not. A second
//! request for the same id waits for the lock; by then the release is
//! complete and is re-served, so it never draws. A draw goes through
//!
//! ```text
//! tmp/draw-<id>.partial  --fsync, rename-->  tmp/draw-<id>.drawn
//!   --ledger `complete` (path, SHA-256)-->  releases/<period>/<id>.parquet
//! ```
//!
//! so a file is visible in `releases/` (where reports and processed tables
//! read) only after the ledger marks it complete. Recovery, under the claim:
//! - complete in the ledger but not in `releases/`: publish the staged
//!   `.drawn` file whose SHA-256 the ledger recorded (the same bytes);
//! - debited, not complete, a `.drawn` file staged: complete and publish
//!   exactly those bytes;
//! - debited, not complete, nothing staged (or only a `.partial`): draw
//!   again, without a second debit. This is safe because no noisy value of
//!   the first draw was ever observable: `tmp/` is never read by any command,
//!   is not served, and a `.partial` file is deleted unread; the only other
//!   copy lived in the memory of the process that died. The guarantee is
//!   the composition of what was *released*, and nothing was (NIST SP
//!   800-226 §4; the hazard is averaging two released draws).
//!
//! The claim lock works for processes sharing one store directory on one
//! machine (or a file system with working `flock`), which is how the store
//! is designed to be used.

use super::ReleaseError;
use crate::i18n::Message;
use crate::privacy::ledger;
use crate::store::{Store, StoreError};
use polars::prelude::{DataFrame, KeyValueMetadata, ParquetWriter};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a request waits for another process drawing the same release
/// (`SAFECOUNT_CLAIM_WAIT_SECS`), before answering "in progress".
const DEFAULT_WAIT: Duration = Duration::from_secs(600);

/// An exclusive lock on one release id, held until dropped (or the process ends).
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Take the lock on `id` if nobody holds it.
    pub fn try_acquire(store: &Store, id: &str) -> Result<Option<Lock>, ReleaseError> {
        let path = store.lock_path(id);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(StoreError::io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io { path, source: e }.into()),
        }
    }

    /// Take the lock on `id`, waiting while another process holds it.
    fn acquire(store: &Store, id: &str) -> Result<Lock, ReleaseError> {
        let wait = std::env::var("SAFECOUNT_CLAIM_WAIT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_WAIT);
        let started = Instant::now();
        loop {
            if let Some(lock) = Lock::try_acquire(store, id)? {
                return Ok(lock);
            }
            if started.elapsed() >= wait {
                return Err(ReleaseError::InProgress { id: id.into() });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One release's claim, from the debit to the published file: the lock on
/// its id and the one ledger connection every step of the protocol uses
/// (debit, recovery, completion, the public statement). A release reads top
/// to bottom: [`Claim::acquire`], [`Claim::debit`], then either
/// [`Claim::serve`] (the release exists) or the draw and [`Claim::complete`].
pub struct Claim<'s> {
    store: &'s Store,
    conn: rusqlite::Connection,
    _lock: Lock,
    id: String,
    /// The published path, relative to the store (as the ledger records it).
    rel: String,
    /// Kept in the ledger with each outcome, to tell two processes' claims apart.
    pub nonce: String,
}

/// What a debit leaves the claim to do.
pub enum Debited {
    /// The release exists (complete, or finished from a staged draw after a
    /// crash): serve its file, spending nothing.
    Serve {
        outcome: &'static str,
        sha256: String,
    },
    /// Draw it: debited now (`spent` = its rho), or debited before a crash
    /// that left nothing whole (`spent` = 0: one new draw, unpaid). `head` is
    /// the hash of its debit event.
    Draw { spent: f64, head: String },
}

impl<'s> Claim<'s> {
    /// Take the claim on release `id` of `period`, waiting while another
    /// process holds it (it then finds the release complete), and open the
    /// ledger once for every step after.
    pub fn acquire(store: &'s Store, id: &str, period: &str) -> Result<Claim<'s>, ReleaseError> {
        let lock = Lock::acquire(store, id)?;
        let nonce: u128 = rand::random();
        Ok(Claim {
            store,
            conn: store.connect()?,
            _lock: lock,
            id: id.to_string(),
            rel: relative_path(period, id),
            nonce: format!("{nonce:032x}"),
        })
    }

    /// The published file's path.
    pub fn path(&self) -> PathBuf {
        self.store.root().join(&self.rel)
    }

    /// Debit `rho` (and its (epsilon, delta)) from every ledger key of
    /// `keys` before any noise is drawn, or find why no debit is due: the
    /// release is complete, or a crash after its debit left a staged draw to
    /// finish, or left nothing whole (see the module's recovery rules).
    pub fn debit(
        &mut self,
        keys: &[&str],
        (rho, epsilon, delta): (f64, Option<f64>, Option<f64>),
        detail: &serde_json::Value,
    ) -> Result<Debited, ReleaseError> {
        let debit =
            ledger::debit_each(&mut self.conn, keys, &self.id, rho, epsilon, delta, detail)?;
        let (outcome, debited) = match debit {
            ledger::Debit::Complete { sha256, .. } => {
                return Ok(Debited::Serve {
                    outcome: "served",
                    sha256,
                });
            }
            ledger::Debit::Pending { head } => {
                // A staged whole draw is finished with exactly its bytes.
                if let Some((_, sha256)) = finish_staged(self.store, &mut self.conn, &self.id)? {
                    publish_statement(self.store, &self.conn)?;
                    return Ok(Debited::Serve {
                        outcome: "finished_staged",
                        sha256,
                    });
                }
                // Nothing whole was staged: no value of the lost draw was ever
                // observable, so one new draw is allowed, unpaid.
                let _ = std::fs::remove_file(partial_path(self.store, &self.id));
                ("redrawn", Debited::Draw { spent: 0.0, head })
            }
            ledger::Debit::Debited { head } => ("drawn", Debited::Draw { spent: rho, head }),
        };
        ledger::record_claim(&self.conn, &self.id, &self.nonce, outcome)?;
        failpoint("after-debit");
        Ok(debited)
    }

    /// Serve the release the ledger holds complete: its file (published from
    /// the staged draw if that is where it is), checked against the SHA-256
    /// the ledger recorded, then read.
    pub fn serve(
        &self,
        outcome: &str,
        sha256: &str,
    ) -> Result<(DataFrame, serde_json::Value), ReleaseError> {
        let full = self.path();
        if !full.is_file() && !publish_staged(self.store, &self.id, &self.rel, sha256)? {
            return Err(ReleaseError::Altered {
                path: self.rel.clone(),
            });
        }
        if sha_file(&full)? != sha256 {
            return Err(ReleaseError::Altered {
                path: self.rel.clone(),
            });
        }
        ledger::record_claim(&self.conn, &self.id, &self.nonce, outcome)?;
        super::read_release(&full)
    }

    /// The ledger's sequence number of the event whose hash is `head`.
    pub fn seq_of(&self, head: &str) -> Result<Option<i64>, ReleaseError> {
        Ok(ledger::seq_of(&self.conn, head)?)
    }

    /// Write the drawn release: staged whole under `tmp/` (`.partial`, then
    /// `.drawn`), recorded complete under ledger `key` with its SHA-256, then
    /// published, and the ledger's public statement rewritten. A crash at
    /// any step leaves what the next request finishes without a second debit.
    pub fn complete(
        mut self,
        key: &str,
        cells: &mut DataFrame,
        provenance: &serde_json::Value,
    ) -> Result<(), ReleaseError> {
        let partial = partial_path(self.store, &self.id);
        {
            let file = File::create(&partial).map_err(StoreError::io(&partial))?;
            // Buffered: the writer makes many small writes (a syscall each otherwise).
            let mut out = std::io::BufWriter::new(file);
            ParquetWriter::new(&mut out)
                .with_key_value_metadata(Some(KeyValueMetadata::from_static(vec![(
                    super::PROVENANCE_KEY.to_string(),
                    provenance.to_string(),
                )])))
                .finish(cells)?;
            std::io::Write::flush(&mut out).map_err(StoreError::io(&partial))?;
        }
        let drawn = drawn_path(self.store, &self.id);
        self.store.publish(&partial, &drawn)?;
        failpoint("after-stage");
        let sha256 = sha_file(&drawn)?;
        ledger::complete(&mut self.conn, key, &self.id, &self.rel, &sha256)?;
        failpoint("after-complete");
        publish_staged(self.store, &self.id, &self.rel, &sha256)?;
        publish_statement(self.store, &self.conn)
    }
}

/// Where a draw of `id` is written before it is complete.
pub fn partial_path(store: &Store, id: &str) -> PathBuf {
    store.root().join("tmp").join(format!("draw-{id}.partial"))
}

/// Where a whole, fsynced draw of `id` waits for the ledger's `complete`.
pub fn drawn_path(store: &Store, id: &str) -> PathBuf {
    store.root().join("tmp").join(format!("draw-{id}.drawn"))
}

/// The published path of `id`, relative to the store (as the ledger records it).
pub fn relative_path(period: &str, id: &str) -> String {
    format!("releases/{period}/{id}.parquet")
}

pub use crate::store::failpoint;

pub fn sha_file(path: &Path) -> Result<String, StoreError> {
    let bytes = std::fs::read(path).map_err(StoreError::io(path))?;
    Ok(crate::digest::sha256_hex(&bytes))
}

/// Publish a staged draw whose SHA-256 the ledger recorded. Returns whether it was there.
pub fn publish_staged(
    store: &Store,
    id: &str,
    rel: &str,
    sha256: &str,
) -> Result<bool, ReleaseError> {
    let drawn = drawn_path(store, id);
    if !drawn.is_file() {
        return Ok(false);
    }
    if sha_file(&drawn)? != sha256 {
        return Err(ReleaseError::Altered { path: rel.into() });
    }
    store.publish(&drawn, &store.root().join(rel))?;
    Ok(true)
}

/// Remove stale draws of releases nobody is drawing: `.partial` files are
/// deleted unread; a `.drawn` file of a release the ledger completed and
/// that is published is deleted; one of a debited, uncompleted release is
/// completed and published (the same bytes a rerun would serve). Runs before
/// and after every release.
pub fn sweep(store: &Store) -> Result<(), ReleaseError> {
    let tmp = store.root().join("tmp");
    let Ok(entries) = std::fs::read_dir(&tmp) else {
        return Ok(());
    };
    // Opened at the first leftover draw: a clean `tmp/` costs no connection.
    let mut conn = None;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("draw-") else {
            continue;
        };
        let (id, partial) = match (rest.strip_suffix(".partial"), rest.strip_suffix(".drawn")) {
            (Some(id), _) => (id.to_string(), true),
            (_, Some(id)) => (id.to_string(), false),
            _ => continue,
        };
        let Some(_lock) = Lock::try_acquire(store, &id)? else {
            continue;
        };
        if partial {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        let conn = match &mut conn {
            Some(c) => c,
            None => conn.insert(store.connect()?),
        };
        finish_staged(store, conn, &id)?;
    }
    Ok(())
}

/// Under the claim on `id`: bring a staged `.drawn` file to its end — publish
/// it if the ledger completed it, complete and publish it if the ledger only
/// debited it, delete it if it is already published. Returns the published
/// path and SHA-256 when it was finished.
pub fn finish_staged(
    store: &Store,
    conn: &mut rusqlite::Connection,
    id: &str,
) -> Result<Option<(String, String)>, ReleaseError> {
    let drawn = drawn_path(store, id);
    if !drawn.is_file() {
        return Ok(None);
    }
    if let Some((_, _, rel, sha)) = ledger::completed(conn)?.into_iter().find(|c| c.0 == id) {
        let published = store.root().join(&rel);
        if published.is_file() && sha_file(&published)? == sha {
            let _ = std::fs::remove_file(&drawn);
        } else {
            publish_staged(store, id, &rel, &sha)?;
        }
        return Ok(Some((rel, sha)));
    }
    let Some((_, key, _)) = ledger::pending(conn)?.into_iter().find(|p| p.0 == id) else {
        // Never debited: cannot have come from a release; not ours to publish.
        let _ = std::fs::remove_file(&drawn);
        return Ok(None);
    };
    let period = ledger::parse_key(&key).map(|(_, p)| p).unwrap_or(&key);
    let rel = relative_path(period, id);
    let sha = sha_file(&drawn)?;
    ledger::complete(conn, &key, id, &rel, &sha)?;
    publish_staged(store, id, &rel, &sha)?;
    Ok(Some((rel, sha)))
}

/// Write the ledger's public statement (`releases/ledger.json`): what was
/// spent per quarter and scope and in total. Budgets and spend are public by
/// design; reports read their totals from here.
pub fn publish_statement(store: &Store, conn: &rusqlite::Connection) -> Result<(), ReleaseError> {
    let statement = ledger::statement(conn)?;
    let text = serde_json::to_string_pretty(&statement).expect("a statement serialises");
    store.write_atomic(
        &store.root().join("releases").join(STATEMENT_FILE),
        text.as_bytes(),
    )?;
    publish_index(store, conn)
}

/// Write `releases/index.csv`: one row per published release (period,
/// table, release id, file under `releases/`, SHA-256), so a reader finds
/// a table's file without matching ids by hand. Rewritten whole, atomically,
/// with each statement; it names files only, never a value.
fn publish_index(store: &Store, conn: &rusqlite::Connection) -> Result<(), ReleaseError> {
    let mut rows = ledger::released_tables(conn)?;
    // By period, then table; the path's folder is the period (a quarter or a pool).
    let period = |path: &str| {
        Path::new(path)
            .parent()
            .and_then(|p| p.file_name())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    rows.sort_by_key(|(_, table, path, _)| (period(path), table.clone()));
    let mut csv = csv::Writer::from_writer(Vec::new());
    let written: Result<(), csv::Error> = (|| {
        csv.write_record(["period", "table", "release_id", "file", "sha256"])?;
        for (id, table, path, sha) in &rows {
            let file = path.strip_prefix("releases/").unwrap_or(path);
            csv.write_record([&period(path), table, id, &file.to_string(), sha])?;
        }
        Ok(())
    })();
    written.expect("writing CSV to memory cannot fail");
    let bytes = csv.into_inner().expect("writing CSV to memory cannot fail");
    store.write_atomic(&store.root().join("releases").join(INDEX_FILE), &bytes)?;
    Ok(())
}

/// File name of the index of release files beside them.
pub const INDEX_FILE: &str = "index.csv";

/// File name of the ledger's public statement beside the releases.
pub const STATEMENT_FILE: &str = "ledger.json";

fn release_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            release_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "parquet") {
            out.push(path);
        }
    }
}

/// Refuse to debit against a ledger that does not know the release files
/// beside it: an empty or recreated ledger would forget what was spent.
pub fn check_ledger_knows_releases(
    store: &Store,
    conn: &rusqlite::Connection,
) -> Result<(), ReleaseError> {
    let mut files = Vec::new();
    release_files(&store.root().join("releases"), &mut files);
    if files.is_empty() {
        return Ok(());
    }
    let completed: std::collections::HashSet<String> =
        ledger::completed(conn)?.into_iter().map(|c| c.0).collect();
    for f in files {
        let id = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !completed.contains(&id) {
            return Err(ReleaseError::UnknownRelease {
                path: f
                    .strip_prefix(store.root())
                    .unwrap_or(&f)
                    .display()
                    .to_string(),
            });
        }
    }
    Ok(())
}

/// What `budget --verify` found beyond the hash chain.
#[derive(Debug, Default, serde::Serialize)]
pub struct FileCheck {
    pub release_files: usize,
    /// Problems that break the guarantee's record: altered, unknown or missing files.
    pub problems: Vec<Message>,
    /// Work left over from a crash that the next release finishes (pending debits, staged draws).
    pub leftovers: Vec<Message>,
}

/// Check every release file against its ledger row (SHA-256) and the head
/// its provenance recorded (the hash of its debit event), every completed
/// release against its file, and list pending debits and staging leftovers.
pub fn verify_files(store: &Store, conn: &rusqlite::Connection) -> Result<FileCheck, ReleaseError> {
    let mut check = FileCheck::default();
    let completed = ledger::completed(conn)?;
    let mut files = Vec::new();
    release_files(&store.root().join("releases"), &mut files);
    check.release_files = files.len();
    for f in &files {
        let rel = f
            .strip_prefix(store.root())
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let id = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(row) = completed.iter().find(|c| c.0 == id) else {
            check
                .problems
                .push(Message::new("verify-not-in-ledger").with("file", rel.as_str()));
            continue;
        };
        if row.2 != rel {
            check.problems.push(
                Message::new("verify-elsewhere")
                    .with("file", rel.as_str())
                    .with("recorded", row.2.as_str()),
            );
        }
        if sha_file(f)? != row.3 {
            check
                .problems
                .push(Message::new("verify-altered").with("file", rel.as_str()));
            continue;
        }
        let provenance = super::read_release(f).map(|(_, p)| p).unwrap_or_default();
        let recorded = provenance["ledger_head"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match ledger::debit_hash(conn, &id)? {
            Some(h) if h == recorded => {}
            _ => check
                .problems
                .push(Message::new("verify-wrong-head").with("file", rel.as_str())),
        }
    }
    for (id, _, rel, _) in &completed {
        if !store.root().join(rel).is_file() && !drawn_path(store, id).is_file() {
            check
                .problems
                .push(Message::new("verify-missing").with("file", rel.as_str()));
        }
    }
    for (id, key, _) in ledger::pending(conn)? {
        check.leftovers.push(
            Message::new("verify-pending")
                .with("id", id.as_str())
                .with("key", key.as_str()),
        );
    }
    for orphan in store.orphans()? {
        check
            .leftovers
            .push(Message::new("verify-orphan").with("file", orphan.to_string()));
    }
    if let Ok(entries) = std::fs::read_dir(store.root().join("tmp")) {
        for e in entries.flatten() {
            let file = format!("tmp/{}", e.file_name().to_string_lossy());
            check
                .leftovers
                .push(Message::new("verify-staging").with("file", file));
        }
    }
    Ok(check)
}
