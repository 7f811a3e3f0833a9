//! Submissions: validate the exact bytes received, store them atomically,
//! record them in the ledger, and answer with a receipt.
//!
//! The same bytes for the same agency, kind and quarter return the same
//! receipt and store nothing new. A different extract for the same agency,
//! kind and quarter supersedes the earlier one, which is kept and marked.

use super::{Store, StoreError, now};
use crate::ingest::profile::FileFormat;
use crate::ingest::{IngestError, IngestOptions, Profile, Report};
use crate::schema::{ExtractKind, Quarter};
use polars::prelude::*;
use rusqlite::{OptionalExtension, params};
use std::path::Path;

/// What the agency is given back.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Receipt {
    pub submission_id: String,
    pub agency: String,
    pub kind: ExtractKind,
    pub quarter: String,
    /// SHA-256 of the bytes received: compare with `sha256sum` / `Get-FileHash`.
    pub sha256: String,
    pub bytes: u64,
    pub rows_accepted: u64,
    pub records: u64,
    pub received_at: String,
    /// The submission this one replaces, if any.
    pub supersedes: Option<String>,
    /// Whether the raw file is kept (not when it held finer quasi-identifiers that were generalised).
    pub raw_kept: bool,
    /// The linkage epoch of its person keys, when they are collaborative keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkage_epoch: Option<String>,
}

/// A stored submission, as listed from the ledger.
pub type Submission = Receipt;

pub enum SubmitOutcome {
    Stored(Receipt),
    /// These exact bytes were already stored for this agency, kind and quarter.
    AlreadyStored(Receipt),
    Rejected(Box<Report>),
}

fn row_to_receipt(row: &rusqlite::Row<'_>) -> rusqlite::Result<Receipt> {
    let kind: String = row.get("kind")?;
    Ok(Receipt {
        submission_id: row.get("id")?,
        agency: row.get("agency")?,
        kind: if kind == "returns" {
            ExtractKind::Returns
        } else {
            ExtractKind::Cases
        },
        quarter: row.get("quarter")?,
        sha256: row.get("sha256")?,
        bytes: row.get::<_, i64>("bytes")? as u64,
        rows_accepted: row.get::<_, i64>("rows_read")? as u64,
        records: row.get::<_, i64>("records")? as u64,
        received_at: row.get("received_at")?,
        supersedes: row.get("supersedes")?,
        raw_kept: row.get::<_, Option<String>>("raw_path")?.is_some(),
        linkage_epoch: row.get("linkage_epoch")?,
    })
}

const SELECT: &str = "SELECT s.*, (SELECT p.id FROM submissions p WHERE p.superseded_by = s.id) AS supersedes FROM submissions s";

impl Store {
    /// Validate and store one extract.
    pub fn submit(
        &self,
        file: &Path,
        profile: &Profile,
        kind: ExtractKind,
        quarter: Quarter,
    ) -> Result<SubmitOutcome, SubmitError> {
        let meta = std::fs::metadata(file)
            .map_err(|_| SubmitError::MissingInput(file.display().to_string()))?;
        if meta.len() > crate::ingest::read::DEFAULT_MAX_BYTES {
            return Err(SubmitError::TooLarge(meta.len()));
        }
        let bytes = std::fs::read(file)
            .map_err(|_| SubmitError::MissingInput(file.display().to_string()))?;
        self.submit_bytes(&bytes, &file.display().to_string(), profile, kind, quarter)
    }

    /// Validate and store extract bytes (`file_name` is for messages and the raw copy's extension).
    pub fn submit_bytes(
        &self,
        bytes: &[u8],
        file_name: &str,
        profile: &Profile,
        kind: ExtractKind,
        quarter: Quarter,
    ) -> Result<SubmitOutcome, SubmitError> {
        use std::io::Write;
        let staged = self.stage(None, ".upload")?;
        staged
            .file()
            .write_all(bytes)
            .map_err(StoreError::io(staged.path()))?;
        self.submit_staged(
            staged,
            &crate::digest::sha256_hex(bytes),
            file_name,
            profile,
            kind,
            quarter,
        )
    }

    /// Validate and store an extract already written under the store's `tmp/`
    /// (an upload streamed to disk), whose SHA-256 the caller computed while
    /// writing it. The staged file is consumed: moved into place or removed,
    /// whatever the outcome (its guard removes it on every early return).
    ///
    /// The canonical file and the raw copy become visible together with their
    /// ledger row: both are written under `tmp/` first, the row is recorded,
    /// and only then are they renamed into place. A crash before the row
    /// leaves only unlocked staging files, which the next command's sweep
    /// removes; a crash after it leaves staged files the sweep moves into
    /// place ([`Store::sweep_staging`]). No canonical file exists without
    /// its row.
    pub fn submit_staged(
        &self,
        mut staged: super::Staged,
        sha256: &str,
        file_name: &str,
        profile: &Profile,
        kind: ExtractKind,
        quarter: Quarter,
    ) -> Result<SubmitOutcome, SubmitError> {
        let quarter_given = quarter;
        let quarter = quarter.to_string();
        let agency = profile.agency.slug.clone();
        let sha256 = sha256.to_string();
        let size = staged
            .file()
            .metadata()
            .map_err(StoreError::io(staged.path()))?
            .len();
        // The id is published in releases' provenance, so it is keyed: a plain
        // hash of the file's SHA-256 could be checked against guesses of the file.
        let id = format!(
            "sub-{}",
            &self.keyed_digest(
                format!("{agency}|{}|{quarter}|{sha256}", kind.as_str()).as_bytes()
            )?[..16]
        );
        if let Some(existing) = self.submission_of_bytes(&agency, kind, &quarter, &sha256)? {
            return Ok(SubmitOutcome::AlreadyStored(existing));
        }
        let Some(section) = profile.section(kind) else {
            return Err(SubmitError::Ingest(IngestError::NoSection {
                profile: profile.path.clone(),
                kind: kind.as_str(),
            }));
        };
        let ext = match section.format {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
            FileFormat::Parquet => "parquet",
        };
        // Validate the very bytes that were hashed, from the staging copy,
        // named for the sweep in case the process dies from here on.
        // (The random part keeps two concurrent uploads of the same bytes apart.)
        let nonce: u32 = rand::random();
        staged.rename(
            self.root()
                .join("tmp")
                .join(format!("raw-{id}.{nonce:08x}.{ext}")),
        )?;
        let options = IngestOptions {
            kind,
            quarter: Some(quarter_given),
            linkage_epoch: self.linkage_epoch.clone(),
            ..Default::default()
        };
        let outcome =
            crate::ingest::check_file(self.checker(), staged.path(), profile, &options, true)
                .map_err(SubmitError::Ingest)?;
        let mut report = outcome.report;
        report.file = file_name.to_string();
        let records = match (report.valid, outcome.records) {
            (true, Some(df)) => df,
            _ => return Ok(SubmitOutcome::Rejected(Box::new(report))),
        };
        // Canonical records: the partition columns live in the path (Hive layout).
        let mut records = in_unit_order(records.drop_many(["agency", "quarter"]))
            .map_err(|e| SubmitError::Store(StoreError::Parquet(e.to_string())))?;
        let canonical = self.canonical_path(kind, &agency, &quarter, &id);
        let parquet = self.stage(Some(&format!("canonical-{id}.{nonce:08x}.parquet")), "")?;
        {
            // Buffered: the writer makes many small writes (a syscall each otherwise).
            let mut out = std::io::BufWriter::new(parquet.file());
            ParquetWriter::new(&mut out)
                .finish(&mut records)
                .map_err(|e| SubmitError::Store(StoreError::Parquet(e.to_string())))?;
            std::io::Write::flush(&mut out).map_err(StoreError::io(parquet.path()))?;
        }
        // The raw copy is kept unless intake generalised finer quasi-identifiers out of it.
        let raw = report
            .generalised
            .is_empty()
            .then(|| self.root().join("raw").join(format!("{id}.{ext}")));
        let receipt = Receipt {
            submission_id: id.clone(),
            agency: agency.clone(),
            kind,
            quarter: quarter.clone(),
            sha256,
            bytes: size,
            rows_accepted: report.rows_read,
            records: report.records,
            received_at: now(),
            supersedes: None,
            raw_kept: raw.is_some(),
            linkage_epoch: report.linkage_epoch.clone(),
        };
        let publish = profile
            .returns
            .as_ref()
            .and_then(|r| r.publish)
            .filter(|_| kind == ExtractKind::Returns)
            .map(|p| p.as_str());
        // The ledger keeps the file's kind and size, never its name (which
        // is often the person's).
        let stored_name = format!("extract.{ext}");
        let supersedes =
            match self.record(&receipt, &stored_name, raw.as_deref(), &canonical, publish) {
                Ok(s) => s,
                Err(e) => {
                    // Someone stored the same bytes concurrently: that is the receipt.
                    if let Ok(Some(existing)) = self.submission(&id) {
                        return Ok(SubmitOutcome::AlreadyStored(existing));
                    }
                    return Err(SubmitError::Store(e));
                }
            };
        super::failpoint("submit-after-record");
        parquet.publish(self, &canonical)?;
        match raw {
            Some(raw) => staged.publish(self, &raw)?,
            None => drop(staged),
        }
        Ok(SubmitOutcome::Stored(Receipt {
            supersedes,
            ..receipt
        }))
    }

    /// Store already-canonical records as a submission, skipping intake. For
    /// benchmarks and tests over synthetic data only: real extracts go through `submit`.
    #[doc(hidden)]
    pub fn import_canonical(
        &self,
        records: &mut DataFrame,
        agency: &str,
        kind: ExtractKind,
        quarter: &str,
    ) -> Result<Receipt, StoreError> {
        let sha256 =
            crate::digest::sha256_hex(format!("{agency}{quarter}{}", records.height()).as_bytes());
        // Keyed: the plain hash above is a function of the exact record count.
        let id = format!(
            "sub-import-{}",
            &self.keyed_digest(sha256.as_bytes())?[..12]
        );
        let path = self.canonical_path(kind, agency, quarter, &id);
        let staged = self.staging_path(".parquet");
        // In today's format: coded fields cast to their Enums (strict).
        let typed = crate::schema::fields::typed_as_canonical(records.clone(), kind)
            .map_err(|e| StoreError::Parquet(e.to_string()))?;
        let mut body = in_unit_order(typed.drop_many(["agency", "quarter"]))
            .map_err(|e| StoreError::Parquet(e.to_string()))?;
        let file = std::fs::File::create(&staged).map_err(StoreError::io(&staged))?;
        let mut out = std::io::BufWriter::new(file);
        ParquetWriter::new(&mut out)
            .finish(&mut body)
            .map_err(|e| StoreError::Parquet(e.to_string()))?;
        std::io::Write::flush(&mut out).map_err(StoreError::io(&staged))?;
        self.publish(&staged, &path)?;
        let receipt = Receipt {
            submission_id: id,
            agency: agency.into(),
            kind,
            quarter: quarter.into(),
            sha256,
            bytes: 0,
            rows_accepted: records.height() as u64,
            records: records.height() as u64,
            received_at: now(),
            supersedes: None,
            raw_kept: false,
            linkage_epoch: None,
        };
        self.record(&receipt, "import", None, &path, None)?;
        Ok(receipt)
    }

    /// Make a stored submission visible, superseding the current one, in one transaction.
    fn record(
        &self,
        r: &Receipt,
        file_name: &str,
        raw: Option<&Path>,
        canonical: &Path,
        returns_publish: Option<&str>,
    ) -> Result<Option<String>, StoreError> {
        let mut conn = self.connect()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let previous: Option<String> = tx
            .query_row(
                "SELECT id FROM submissions WHERE agency = ?1 AND kind = ?2 AND quarter = ?3 AND superseded_by IS NULL",
                params![r.agency, r.kind.as_str(), r.quarter],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(prev) = &previous {
            tx.execute(
                "UPDATE submissions SET superseded_by = ?1 WHERE id = ?2",
                params![r.submission_id, prev],
            )?;
        }
        let rel = |p: &Path| {
            p.strip_prefix(self.root())
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        };
        tx.execute(
            "INSERT INTO submissions (id, agency, kind, quarter, sha256, bytes, file_name, rows_read, records, received_at, raw_path, canonical_path, returns_publish, canonical_format, linkage_epoch)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                r.submission_id,
                r.agency,
                r.kind.as_str(),
                r.quarter,
                r.sha256,
                r.bytes as i64,
                Path::new(file_name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                r.rows_accepted as i64,
                r.records as i64,
                r.received_at,
                raw.map(rel),
                rel(canonical),
                returns_publish,
                crate::schema::fields::CANONICAL_FORMAT,
                r.linkage_epoch,
            ],
        )?;
        tx.commit()?;
        Ok(previous)
    }

    /// The submission of exactly these bytes for this agency, kind and quarter, if stored.
    fn submission_of_bytes(
        &self,
        agency: &str,
        kind: ExtractKind,
        quarter: &str,
        sha256: &str,
    ) -> Result<Option<Receipt>, StoreError> {
        let conn = self.connect()?;
        Ok(conn
            .query_row(
                &format!(
                    "{SELECT} WHERE s.agency = ?1 AND s.kind = ?2 AND s.quarter = ?3 AND s.sha256 = ?4 ORDER BY s.received_at DESC LIMIT 1"
                ),
                params![agency, kind.as_str(), quarter, sha256],
                row_to_receipt,
            )
            .optional()?)
    }

    /// One submission by id.
    pub fn submission(&self, id: &str) -> Result<Option<Receipt>, StoreError> {
        let conn = self.connect()?;
        Ok(conn
            .query_row(
                &format!("{SELECT} WHERE s.id = ?1"),
                params![id],
                row_to_receipt,
            )
            .optional()?)
    }

    /// Submissions, newest first; only the current ones unless `all`.
    pub fn submissions(&self, agency: Option<&str>, all: bool) -> Result<Vec<Receipt>, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE (?1 IS NULL OR s.agency = ?1) AND (?2 OR s.superseded_by IS NULL) ORDER BY s.received_at DESC, s.id"
        ))?;
        let rows = stmt.query_map(params![agency, all], row_to_receipt)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether a submission has been superseded.
    pub fn is_superseded(&self, id: &str) -> Result<bool, StoreError> {
        let conn = self.connect()?;
        let by: Option<Option<String>> = conn
            .query_row(
                "SELECT superseded_by FROM submissions WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(matches!(by, Some(Some(_))))
    }

    /// Agencies whose current return for `quarter` says `publish = "never"`.
    pub fn returns_withheld(&self, quarter: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn.prepare(
            "SELECT agency FROM submissions WHERE kind = 'returns' AND quarter = ?1 AND superseded_by IS NULL AND returns_publish = 'never' ORDER BY agency",
        )?;
        let rows = stmt
            .query_map(params![quarter], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The canonical records of every current submission of `kind` for `quarter`
    /// (of the listed agencies only, if a list is given), one lazy frame per
    /// submission in agency order, each with `agency` and `quarter` columns
    /// restored and the columns in canonical order. An agency has at most one
    /// current submission per quarter, so each agency's records are one frame.
    pub fn canonical_submissions(
        &self,
        kind: ExtractKind,
        quarter: &str,
        agencies: Option<&[String]>,
    ) -> Result<Vec<(Receipt, LazyFrame)>, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE s.kind = ?1 AND s.quarter = ?2 AND s.superseded_by IS NULL ORDER BY s.agency"
        ))?;
        let mut inputs: Vec<Receipt> = stmt
            .query_map(params![kind.as_str(), quarter], row_to_receipt)?
            .collect::<Result<_, _>>()?;
        if let Some(list) = agencies {
            inputs.retain(|r| list.contains(&r.agency));
        }
        inputs
            .into_iter()
            .map(|r| {
                let lf = self.canonical_frame(&conn, &r)?;
                Ok((r, lf))
            })
            .collect()
    }

    /// One stored submission's canonical records by its id, current or
    /// superseded (an earlier published version read it); None if unknown.
    pub fn canonical_submission(
        &self,
        id: &str,
    ) -> Result<Option<(Receipt, LazyFrame)>, StoreError> {
        let conn = self.connect()?;
        let receipt = conn
            .query_row(
                &format!("{SELECT} WHERE s.id = ?1"),
                params![id],
                row_to_receipt,
            )
            .optional()?;
        match receipt {
            Some(r) => {
                let lf = self.canonical_frame(&conn, &r)?;
                Ok(Some((r, lf)))
            }
            None => Ok(None),
        }
    }

    /// A submission's canonical records with `agency` and `quarter` restored,
    /// in canonical column order.
    fn canonical_frame(
        &self,
        conn: &rusqlite::Connection,
        r: &Receipt,
    ) -> Result<LazyFrame, StoreError> {
        let (path, format): (String, u32) = conn.query_row(
            "SELECT canonical_path, COALESCE(canonical_format, 1) FROM submissions WHERE id = ?1",
            params![r.submission_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let order: Vec<Expr> = crate::schema::canonical_schema(r.kind)
            .iter_names()
            .map(|n| col(n.clone()))
            .collect();
        Ok(self
            .scan_canonical(r.kind, &self.root().join(path), format)?
            .with_columns([
                lit(r.agency.clone()).alias("agency"),
                lit(r.quarter.clone()).alias("quarter"),
            ])
            .select(order))
    }

    /// The canonical records of every current submission of `kind` for `quarter`
    /// as one lazy frame (see [`Store::canonical_submissions`]), and the submissions used.
    pub fn canonical_records(
        &self,
        kind: ExtractKind,
        quarter: &str,
        agencies: Option<&[String]>,
    ) -> Result<(LazyFrame, Vec<Receipt>), StoreError> {
        let (inputs, frames): (Vec<Receipt>, Vec<LazyFrame>) = self
            .canonical_submissions(kind, quarter, agencies)?
            .into_iter()
            .unzip();
        let lf = if frames.is_empty() {
            DataFrame::empty_with_schema(&crate::schema::canonical_schema(kind)).lazy()
        } else {
            concat(frames, UnionArgs::default()).map_err(|e| StoreError::Parquet(e.to_string()))?
        };
        Ok((lf, inputs))
    }
}

/// Canonical case records sorted by person key, so that a release finds each
/// agency's units in order and numbers them in one pass
/// (`privacy::measure::with_unit_numbers`, which checks the order).
fn in_unit_order(records: DataFrame) -> PolarsResult<DataFrame> {
    if records.column("person_key").is_err() {
        return Ok(records);
    }
    records.sort(["person_key"], SortMultipleOptions::default())
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the file {0} does not exist or cannot be opened")]
    MissingInput(String),
    #[error("the file is {0} bytes, more than the 1 GiB limit: split the extract")]
    TooLarge(u64),
    #[error(transparent)]
    Ingest(IngestError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SubmitError {
    /// What went wrong, as a catalogue message; a store failure keeps its
    /// technical detail (a path or a database error, never a cell value).
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            SubmitError::MissingInput(file) => {
                Message::new("error-file-missing").with("file", file.as_str())
            }
            SubmitError::TooLarge(size) => Message::new("error-too-large").with("size", *size),
            SubmitError::Ingest(e) => e.message(),
            SubmitError::Store(e) => Message::new("error-store").with("detail", e.to_string()),
        }
    }
}

impl crate::exit::ExitCode for SubmitError {
    fn exit_code(&self) -> i32 {
        match self {
            SubmitError::MissingInput(_) => crate::exit::NO_INPUT,
            SubmitError::TooLarge(_) => crate::exit::DATA,
            SubmitError::Ingest(e) => crate::exit::ExitCode::exit_code(e),
            SubmitError::Store(_) => crate::exit::IO,
        }
    }
}
