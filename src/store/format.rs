//! The canonical file format of a store's submissions: which layout each
//! file was written in, reading any known layout as today's, and `store
//! migrate`, which rewrites older files in today's layout.
//!
//! Format 1 stored coded fields as text; format 2 stores them as `Enum`s
//! over their code lists; format 3 (today's, [`CANONICAL_FORMAT`]) adds the
//! Forum's measures. Each submission's format is recorded beside it in the
//! ledger (no value means 1). A file is always read through the canonical
//! schema with a strict cast, so an older file is read as today's records: a
//! field it lacks reads as not collected, and a value outside its code list is
//! refused, never misread. A file of a format newer than this build is refused
//! with what to do.

use super::{Store, StoreError};
use crate::schema::{ExtractKind, fields::CANONICAL_FORMAT};
use polars::prelude::*;
use rusqlite::params;
use std::path::{Path, PathBuf};

/// What `store migrate` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Migrated {
    /// Files rewritten in today's format.
    pub files: usize,
    /// Records in them (checked equal before and after).
    pub records: usize,
    /// Files already in today's format.
    pub current: usize,
}

impl Store {
    /// The canonical records of one stored file, in canonical column order
    /// and types, whatever format it was written in.
    pub(super) fn scan_canonical(
        &self,
        kind: ExtractKind,
        path: &Path,
        format: u32,
    ) -> Result<LazyFrame, StoreError> {
        if format > CANONICAL_FORMAT {
            return Err(StoreError::NewerFormat {
                path: path.to_path_buf(),
                format,
            });
        }
        // The partition columns live in the path; they are restored by the
        // caller, not read from it.
        let mut args = ScanArgsParquet::default();
        args.hive_options.enabled = Some(false);
        let lf = LazyFrame::scan_parquet(PlPath::new(&path.to_string_lossy()), args)
            .map_err(|e| StoreError::Parquet(e.to_string()))?;
        // Format 1's text codes become the Enum (strict: a value outside the
        // list fails); a column already of its type is left as it is (the
        // cast is kept for today's files too, so a file whose Enum predates a
        // change to its code list is checked against today's list).
        let mut lf = lf;
        let stored = lf
            .collect_schema()
            .map_err(|e| StoreError::Parquet(format!("{}: {e}", path.display())))?;
        let canonical = crate::schema::canonical_schema(kind);
        let partition = |name: &str| matches!(name, "agency" | "quarter");
        // An Enum of an older format has that format's code list: through
        // text to today's (strict, as for format 1).
        let older_enums: Vec<Expr> = stored
            .iter()
            .filter(|(name, dtype)| {
                matches!(dtype, DataType::Enum(..)) && canonical.get(name) != Some(*dtype)
            })
            .map(|(name, _)| col(name.clone()).cast(DataType::String))
            .collect();
        // Fields added to the schema after the file was written.
        let absent: Vec<Expr> = canonical
            .iter()
            .filter(|(name, _)| !partition(name) && !stored.contains(name))
            .map(|(name, dtype)| crate::schema::fields::absent_column(name, dtype))
            .collect();
        for step in [older_enums, absent] {
            if !step.is_empty() {
                lf = lf.with_columns(step);
            }
        }
        let in_file = |name: &str| !partition(name);
        Ok(crate::schema::fields::cast_to_canonical(lf, kind, in_file))
    }

    /// Rewrite every canonical file older than [`CANONICAL_FORMAT`] in
    /// today's format. Atomic: the new files are written beside the old ones
    /// under new names, then one transaction points every submission at its
    /// new file; only after that are the old files removed. A failure (or a
    /// kill) before the commit leaves the store as it was, readable; a rerun
    /// starts again.
    pub fn migrate(&self) -> Result<Migrated, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn.prepare(
            "SELECT id, kind, canonical_path, COALESCE(canonical_format, 1) FROM submissions ORDER BY id",
        )?;
        let rows: Vec<(String, String, String, u32)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        drop(conn);
        let mut done = Migrated::default();
        let mut written: Vec<(String, PathBuf, PathBuf)> = Vec::new();
        let rel = |p: &Path| {
            p.strip_prefix(self.root())
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        for (id, kind, path, format) in rows {
            if format == CANONICAL_FORMAT {
                done.current += 1;
                continue;
            }
            let kind = match kind.as_str() {
                "returns" => ExtractKind::Returns,
                _ => ExtractKind::Cases,
            };
            let old = self.root().join(&path);
            let before = self
                .scan_canonical(kind, &old, format)?
                .collect()
                .map_err(|e| StoreError::Parquet(format!("{}: {e}", old.display())))?;
            let new = old.with_file_name(format!("{id}.f{CANONICAL_FORMAT}.parquet"));
            let staged = self.stage(None, ".parquet")?;
            let mut body = before.clone();
            {
                let mut out = std::io::BufWriter::new(staged.file());
                ParquetWriter::new(&mut out)
                    .finish(&mut body)
                    .map_err(|e| StoreError::Parquet(e.to_string()))?;
                std::io::Write::flush(&mut out).map_err(StoreError::io(staged.path()))?;
            }
            staged.publish(self, &new)?;
            // Read back through today's path: the same records, or nothing changes.
            let after = self
                .scan_canonical(kind, &new, CANONICAL_FORMAT)?
                .collect()
                .map_err(|e| StoreError::Parquet(e.to_string()))?;
            if !after.equals_missing(&before) {
                let _ = std::fs::remove_file(&new);
                return Err(StoreError::ReadBackDiffers { path: old.clone() });
            }
            done.files += 1;
            done.records += before.height();
            written.push((id, old, new));
        }
        if written.is_empty() {
            return Ok(done);
        }
        let mut conn = self.connect()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (id, _, new) in &written {
            tx.execute(
                "UPDATE submissions SET canonical_path = ?1, canonical_format = ?2 WHERE id = ?3",
                params![rel(new), CANONICAL_FORMAT, id],
            )?;
        }
        tx.commit()?;
        for (_, old, _) in &written {
            let _ = std::fs::remove_file(old);
        }
        Ok(done)
    }
}
