//! Releases: one standard table of one period, computed once through OpenDP,
//! debited in the ledger before any noise is drawn, written as Parquet with
//! per-cell noise facts and the provenance in the file's key-value metadata.
//!
//! A release's id is derived from the request (table, period, budget share,
//! accounting, definitions version) and from a keyed digest of the inputs (the
//! current submissions and their SHA-256s, under the store's secret). Asking
//! again for the same id re-serves the stored file and spends nothing; the
//! interval level is not part of it, since half-widths follow from the
//! stored noise scale. One process draws a release's noise, once per debit
//! (see [`claim`]); a release debited but never written (a crash) is finished
//! by the next request, with the staged bytes if there are any, without a
//! second debit. Only a changed request or changed inputs spend.
//!
//! A release may pool several quarters (`pool`, e.g. a year): one
//! measurement in which each person counts once, their records of the
//! pooled quarters merged into one ([`span`], which holds the privacy
//! argument). It is debited rho from every quarter it reads (all in one
//! transaction), so each quarter's budget stays enforceable, and counts rho
//! once in a person's lifetime loss ([`ledger::lifetime_spent`]).
//!
//! Published files carry only noisy values and public facts: the table, the
//! period, the definitions, the budget, the submission ids and keyed digests
//! (never an input's plain SHA-256), the noise scales and the ledger's head.

mod batch;
pub mod claim;
pub mod consistent;
pub mod coverage;
pub mod establishment;
pub mod linked;
mod prepare;
mod span;
mod steps;
pub mod tables;

pub use batch::{Batch, SHARED_CELLS};
use prepare::*;
#[cfg(any(test, feature = "testing"))]
pub use prepare::{
    exact_cells, exact_cells_in, exact_cells_over, linked_merge_whole_and_in_buckets, part_frames,
    prepared_parts, prepared_parts_in,
};
use steps::*;

use crate::classify::{DefinitionSet, classify};
use crate::privacy::ledger::{self, LedgerError, Scope};
use crate::privacy::measure::{Built, MeasureError, UNIT};
use crate::privacy::{Accounting, Calibration, MeasurementSpec, Statistic};
use crate::store::{Store, StoreError};
use polars::prelude::*;
use std::path::PathBuf;

pub use tables::{CustomTable, CustomTableError, LINKED_TABLES, Layout, STANDARD, TableDef};

/// Key of the provenance JSON in a release file's Parquet metadata.
pub const PROVENANCE_KEY: &str = "safecount.provenance";

/// What to release.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReleaseRequest {
    pub table: String,
    pub period: String,
    /// Budget share in rho (zCDP); a pure-DP release spends epsilon = sqrt(2 rho), debited as rho.
    pub rho: f64,
    pub accounting: Accounting,
    /// Interval level, e.g. 0.95.
    pub level: f64,
    /// Only these agencies' submissions (None: every agency).
    pub agencies: Option<Vec<String>>,
    /// A table the pipeline defines itself (None: the standard table named `table`).
    pub custom: Option<CustomTable>,
    /// Declared coverage and national margins (default: every province, no margin).
    pub layout: Layout,
    /// How a returns table is protected (person-level tables are always DP).
    pub protection: Protection,
    /// The quarters one measurement pools (None: `period` alone). With a
    /// pool, `period` is its label (e.g. "2025" for the year).
    pub pool: Option<Vec<String>>,
    /// The approval under which a table about Indigenous people is released
    /// (First Nations OCAP®; Inuit and Métis data-governance principles):
    /// such a table is refused without it, and the approval is recorded in
    /// its provenance.
    pub governance: Option<String>,
    /// Each part's rho by its label (a definition, a service category),
    /// instead of shares of `rho` by the parts' weights: what a pipeline
    /// planned to each part's accuracy target. `rho` is then their sum.
    pub part_rho: Option<Vec<(String, f64)>>,
}

impl ReleaseRequest {
    /// The quarters whose records the release reads.
    pub fn quarters(&self) -> Vec<String> {
        self.pool
            .clone()
            .unwrap_or_else(|| vec![self.period.clone()])
    }
}

/// How a table of agencies' quarterly returns is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// Agency-unit differential privacy on the agencies' own budget.
    #[default]
    Dp,
    /// Exact aggregates under disclosure-control rules (no budget).
    Rules(establishment::Rules),
}

/// The mechanism recorded for cells published under disclosure-control rules.
pub const DISCLOSURE_CONTROL: &str = "disclosure_control";

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("there is no standard table named {0}; tables: {tables}", tables = STANDARD.join(", "))]
    UnknownTable(String),
    #[error(
        "the table {table} counts people across agencies, which needs collaborative linkage: set linkage = \"collaborative\" and the current epoch in the collaborative's collaborative.toml (see docs/agency-staff.md, \"Counting each person once\")"
    )]
    NeedsLinkage { table: String },
    #[error("no submissions are stored for {kind} in {period}: submit extracts first")]
    NoInputs { kind: &'static str, period: String },
    #[error(
        "the table {table} is about Indigenous people: it is released only under the governing partners' approval (First Nations OCAP®, and the Inuit and Métis data-governance principles). Name it in the pipeline: [governance] indigenous_data = \"approved by <partner or committee> on <date>\""
    )]
    NeedsApproval { table: String },
    #[error("the table {table}: {source}")]
    Custom {
        table: String,
        source: CustomTableError,
    },
    #[error(
        "the table {table} holds agencies' returns under disclosure-control rules: it is published for every agency of a whole quarter, never for a subset of agencies or pooled over quarters (the difference from the full table would reveal an agency's own figures)"
    )]
    ReturnsSubset { table: String },
    #[error(
        "the pool names the quarter {quarter} twice: each quarter is read once, so list it once"
    )]
    PoolRepeats { quarter: String },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Measure(#[from] MeasureError),
    #[error("polars failed: {0}")]
    Polars(#[from] PolarsError),
    #[error("the stored release {path} does not match the checksum in the ledger; it was altered")]
    Altered { path: String },
    #[error(
        "release {id} is being drawn by another process and did not finish in time; run the same command again later (it will re-serve that release and spend nothing)"
    )]
    InProgress { id: String },
    #[error(
        "{path} is a release file the ledger does not know: the ledger was emptied or recreated beside existing releases. Restore the store's ledger.sqlite; nothing was spent"
    )]
    UnknownRelease { path: String },
    #[error(
        "the period holds {rows} records, more than the {max} the privacy calibration assumes; split the release by agency (inputs.agencies)"
    )]
    TooManyRows { rows: usize, max: u32 },
}

impl ReleaseError {
    /// The error as a catalogue message; errors of the store, OpenDP or
    /// polars keep their own words as the detail.
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            ReleaseError::UnknownTable(table) => Message::new("release-unknown-table")
                .with("table", table.as_str())
                .with("tables", STANDARD.join(", ")),
            ReleaseError::NeedsLinkage { table } => {
                Message::new("release-needs-linkage").with("table", table.as_str())
            }
            ReleaseError::NoInputs { kind, period } => Message::new("release-no-inputs")
                .with("kind", *kind)
                .with("period", period.as_str()),
            ReleaseError::NeedsApproval { table } => {
                Message::new("release-needs-approval").with("table", table.as_str())
            }
            ReleaseError::Custom { table, source } => Message::new("release-custom")
                .with("table", table.as_str())
                .with("detail", source.to_string()),
            ReleaseError::ReturnsSubset { table } => {
                Message::new("release-returns-subset").with("table", table.as_str())
            }
            ReleaseError::PoolRepeats { quarter } => {
                Message::new("pipeline-pool-repeat").with("quarter", quarter.as_str())
            }
            ReleaseError::Ledger(e) => e.message(),
            ReleaseError::Altered { path } => {
                Message::new("release-altered").with("path", path.as_str())
            }
            ReleaseError::InProgress { id } => {
                Message::new("release-in-progress").with("id", id.as_str())
            }
            ReleaseError::UnknownRelease { path } => {
                Message::new("release-unknown-release").with("path", path.as_str())
            }
            ReleaseError::TooManyRows { rows, max } => Message::new("release-too-many-rows")
                .with("rows", *rows)
                .with("max", *max),
            ReleaseError::Measure(MeasureError::NeedsZcdp) => Message::new("release-needs-zcdp"),
            ReleaseError::Store(_) | ReleaseError::Measure(_) | ReleaseError::Polars(_) => {
                Message::new("release-detail").with("detail", self.to_string())
            }
        }
    }
}

impl crate::exit::ExitCode for ReleaseError {
    fn exit_code(&self) -> i32 {
        use crate::exit::*;
        match self {
            ReleaseError::UnknownTable(_) => USAGE,
            ReleaseError::Custom { .. }
            | ReleaseError::NeedsApproval { .. }
            | ReleaseError::NeedsLinkage { .. }
            | ReleaseError::ReturnsSubset { .. }
            | ReleaseError::PoolRepeats { .. } => CONFIG,
            ReleaseError::NoInputs { .. }
            | ReleaseError::Altered { .. }
            | ReleaseError::UnknownRelease { .. }
            | ReleaseError::TooManyRows { .. } => DATA,
            ReleaseError::Ledger(l) => l.exit_code(),
            ReleaseError::InProgress { .. } => BUDGET,
            ReleaseError::Store(_) | ReleaseError::Polars(_) => IO,
            ReleaseError::Measure(MeasureError::NeedsZcdp) => USAGE,
            ReleaseError::Measure(_) => SOFTWARE,
        }
    }
}

/// A release, new or re-served.
pub struct Released {
    pub id: String,
    pub table: String,
    pub period: String,
    pub path: PathBuf,
    /// rho spent by this call: zero when re-served.
    pub spent_rho: f64,
    pub reserved: bool,
    pub cells: DataFrame,
    pub provenance: serde_json::Value,
}

/// Cost and accuracy of a table before anything is spent.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preview {
    pub table: String,
    pub parts: Vec<(String, Calibration)>,
    /// Per part: whether it is a national margin.
    pub national: Vec<bool>,
    /// The province keys of the provincial parts (0 without a province dimension).
    pub province_keys: usize,
    pub rho: f64,
    pub cells: usize,
    /// "differential_privacy", or "disclosure_control" for returns under rules (no parts, no rho).
    pub protection: &'static str,
}

impl Preview {
    /// The expected half-width of one national cell of the table's first
    /// part at `level`: the consistent (weighted least squares) estimate where
    /// the table measures a margin, else the sum of its province cells, else
    /// the cell itself. None under disclosure control (exact figures).
    pub fn national_half_width(&self, level: f64) -> Option<f64> {
        let first = self.parts.first()?.0.clone();
        self.national_half_width_of(&first, level)
    }

    /// [`Preview::national_half_width`] of the part labelled `label` (a
    /// definition, a service category).
    pub fn national_half_width_of(&self, label: &str, level: f64) -> Option<f64> {
        let of_label = || {
            self.parts
                .iter()
                .zip(&self.national)
                .filter(|((l, _), _)| l == label)
        };
        let province = of_label().find(|(_, n)| !**n)?.0;
        let var = |c: &Calibration| consistent::noise_variance(c.mechanism, c.scale);
        let vp = var(&province.1);
        let k = self.province_keys as f64;
        let z = consistent::z_of(level);
        Some(match of_label().find(|(_, n)| **n) {
            Some((margin, _)) => {
                let vn = var(&margin.1);
                z * (k * vp * vn / (k * vp + vn)).sqrt()
            }
            None if k > 0.0 => z * (k * vp).sqrt(),
            None => province.1.half_width,
        })
    }
}

/// The table a request asks for: standard by name, or the request's custom table.
fn table_for(req: &ReleaseRequest, defs: &DefinitionSet) -> Result<TableDef, ReleaseError> {
    let approved = req
        .governance
        .as_deref()
        .is_some_and(|a| !a.trim().is_empty());
    let name = req.custom.as_ref().map_or(&req.table, |c| &c.name);
    if tables::about_indigenous_people(&req.table, req.custom.as_ref()) && !approved {
        return Err(ReleaseError::NeedsApproval {
            table: name.clone(),
        });
    }
    if tables::LINKED_TABLES.contains(&req.table.as_str()) && req.layout.linkage.is_none() {
        return Err(ReleaseError::NeedsLinkage {
            table: req.table.clone(),
        });
    }
    match &req.custom {
        Some(c) => tables::custom_in(c, defs, req.accounting, &req.layout).map_err(|source| {
            ReleaseError::Custom {
                table: c.name.clone(),
                source,
            }
        }),
        None => tables::table_in(&req.table, defs, req.accounting, &req.layout)
            .ok_or_else(|| ReleaseError::UnknownTable(req.table.clone())),
    }
}

/// With `SAFECOUNT_TRACE` set, print how long a phase of a release took.
/// Each part's bound on one unit's contribution, for the provenance.
fn contribution_bounds(table: &TableDef) -> Vec<serde_json::Value> {
    table
        .parts
        .iter()
        .map(|p| serde_json::json!({"part": p.label, "rows_per_unit": 1, "cells_per_unit": 1, "statistic": p.spec.statistic}))
        .collect()
}

fn trace(req: &ReleaseRequest, phase: &str, started: std::time::Instant) {
    if std::env::var_os("SAFECOUNT_TRACE").is_some() {
        eprintln!(
            "release {} {} {phase}: {:.3} s",
            req.period,
            req.table,
            started.elapsed().as_secs_f64()
        );
    }
}

/// Calibrate every part of a table to its share of `rho` (by the parts'
/// weights; equal unless the table has national margins); reads no data.
/// The parts are measured on the same records, so their losses add: the
/// composition theorem of zCDP (Bun & Steinke 2016, Lemma 2.3), or of pure
/// DP (epsilon adds), with each part's share summing to the request's rho.
fn calibrate(
    table: &TableDef,
    req: &ReleaseRequest,
) -> Result<Vec<(Built, Calibration)>, ReleaseError> {
    let weights: f64 = table.parts.iter().map(|p| p.weight).sum();
    let alpha = 1.0 - req.level;
    // Parts with the same spec and share of rho (the 7 definitions, the 12 service
    // categories) get the same measurement: calibrate each distinct one once.
    let mut done: Vec<((&MeasurementSpec, u64), (Built, Calibration))> = Vec::new();
    let mut built = Vec::with_capacity(table.parts.len());
    for part in &table.parts {
        let share = match &req.part_rho {
            // The label's rho, split between its provinces and its margin by their weights.
            Some(planned) => {
                let of_label: f64 = table
                    .parts
                    .iter()
                    .filter(|p| p.label == part.label)
                    .map(|p| p.weight)
                    .sum();
                let rho = planned
                    .iter()
                    .find(|(l, _)| *l == part.label)
                    .map_or(0.0, |(_, r)| *r);
                rho * part.weight / of_label
            }
            None => req.rho * part.weight / weights,
        };
        let target = match req.accounting {
            Accounting::Zcdp => share,
            Accounting::Pure => (2.0 * share).sqrt(),
        };
        let key = (&part.spec, share.to_bits());
        let measurement = match done.iter().find(|(k, _)| *k == key) {
            Some((_, m)) => m.clone(),
            None => {
                let m = part.spec.calibrate(target, alpha)?;
                done.push((key, m.clone()));
                m
            }
        };
        built.push(measurement);
    }
    Ok(built)
}

/// Every part calibrated ([`calibrate`]), or none for a returns table under
/// disclosure-control rules (exact figures, no noise).
fn calibrated(
    table: &TableDef,
    req: &ReleaseRequest,
    rules: Option<establishment::Rules>,
) -> Result<Vec<(Built, Calibration)>, ReleaseError> {
    match rules {
        Some(_) => Ok(Vec::new()),
        None => calibrate(table, req),
    }
}

/// A returns table under rules is published whole: every agency of one
/// quarter. A subset of agencies or a pool of quarters would be another
/// version whose difference from the whole discloses (see `establishment`).
fn check_whole_quarter(req: &ReleaseRequest, table: &TableDef) -> Result<(), ReleaseError> {
    let quarters = req.quarters();
    if let Some((_, q)) = quarters
        .iter()
        .enumerate()
        .find(|(k, q)| quarters[..*k].contains(q))
    {
        return Err(ReleaseError::PoolRepeats { quarter: q.clone() });
    }
    if rules_of(req, table).is_some() && (req.agencies.is_some() || req.pool.is_some()) {
        return Err(ReleaseError::ReturnsSubset {
            table: req.table.clone(),
        });
    }
    Ok(())
}

/// What a request would cost and how accurate it would be: spends nothing, reads no data.
pub fn preview(defs: &DefinitionSet, req: &ReleaseRequest) -> Result<Preview, ReleaseError> {
    let table = table_for(req, defs)?;
    check_whole_quarter(req, &table)?;
    let built = calibrated(&table, req, rules_of(req, &table))?;
    let cells = table
        .parts
        .iter()
        .map(|p| p.spec.public_keys().map(|k| k.height()).unwrap_or(0))
        .sum();
    // (An empty float sum is -0.0: a table under disclosure control spends exactly 0.)
    let rho = built.iter().map(|(_, c)| c.rho).fold(0.0, |a, b| a + b);
    let province_keys = table.parts[0]
        .spec
        .dims
        .iter()
        .find(|(d, _)| d == "province")
        .map_or(0, |(_, k)| k.len());
    Ok(Preview {
        table: req.table.clone(),
        national: table
            .parts
            .iter()
            .zip(&built)
            .map(|(p, _)| p.national)
            .collect(),
        parts: table
            .parts
            .iter()
            .zip(built)
            .map(|(p, (_, c))| (p.label.clone(), c))
            .collect(),
        province_keys,
        rho,
        cells,
        protection: if rules_of(req, &table).is_some() {
            DISCLOSURE_CONTROL
        } else {
            "differential_privacy"
        },
    })
}

/// The provenance JSON text a release file carries in its Parquet metadata, if any.
pub fn provenance_text(
    reader: &mut ParquetReader<std::fs::File>,
) -> Result<Option<String>, PolarsError> {
    Ok(reader
        .get_metadata()?
        .key_value_metadata()
        .as_ref()
        .and_then(|kv| {
            kv.iter()
                .find(|k| k.key == PROVENANCE_KEY)
                .and_then(|k| k.value.clone())
        }))
}

pub(crate) fn read_release(
    path: &std::path::Path,
) -> Result<(DataFrame, serde_json::Value), ReleaseError> {
    let read = read_release_if(path, |_| true)?;
    Ok(read.expect("every release is kept"))
}

/// [`read_release`], the cells read only when the provenance (read from the
/// footer first) is one `keep` wants: a reader looking for some releases of
/// a folder does not decode the others.
pub(crate) fn read_release_if(
    path: &std::path::Path,
    keep: impl Fn(&serde_json::Value) -> bool,
) -> Result<Option<(DataFrame, serde_json::Value)>, ReleaseError> {
    let file = std::fs::File::open(path).map_err(StoreError::io(path))?;
    let mut reader = ParquetReader::new(file);
    let provenance = provenance_text(&mut reader)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    if !keep(&provenance) {
        return Ok(None);
    }
    Ok(Some((reader.finish()?, provenance)))
}

/// Release one table of one period.
pub fn release(
    store: &Store,
    defs: &DefinitionSet,
    req: &ReleaseRequest,
) -> Result<Released, ReleaseError> {
    release_in(store, defs, req, &mut Batch::default())
}

/// [`release`], its records prepared with the other releases of `batch`
/// that read the same records (read, classified and merged once for all).
pub fn release_in(
    store: &Store,
    defs: &DefinitionSet,
    req: &ReleaseRequest,
    batch: &mut Batch,
) -> Result<Released, ReleaseError> {
    let started = std::time::Instant::now();
    claim::check_ledger_knows_releases(store, &store.connect()?)?;
    claim::sweep(store)?;
    trace(req, "check+sweep", started);
    let released = release_inner(store, defs, req, batch)?;
    let started = std::time::Instant::now();
    claim::sweep(store)?;
    trace(req, "sweep", started);
    Ok(released)
}

/// A release's id and what it is derived from: the request (its JSON and
/// hash) and the keyed digest of its inputs, with their published list.
struct Ids {
    id: String,
    request: serde_json::Value,
    request_hash: String,
    inputs_hash: String,
    input_list: Vec<serde_json::Value>,
}

fn ids_of(
    store: &Store,
    defs: &DefinitionSet,
    req: &ReleaseRequest,
    table: &TableDef,
    inputs: &[crate::store::Receipt],
) -> Result<Ids, ReleaseError> {
    let request = request_of(req, table, defs, rules_of(req, table));
    let request_hash = crate::digest::sha256_hex(request.to_string().as_bytes());
    let (inputs_hash, input_list) = published_inputs(store, inputs)?;
    let id = format!(
        "rel-{}",
        &crate::digest::sha256_hex(format!("{request_hash}{inputs_hash}").as_bytes())[..16]
    );
    Ok(Ids {
        id,
        request,
        request_hash,
        inputs_hash,
        input_list,
    })
}

/// Whether a request would re-serve a release the ledger holds complete
/// (so spend nothing), from the store's receipts alone: no record is read.
pub fn would_reserve(
    store: &Store,
    defs: &DefinitionSet,
    req: &ReleaseRequest,
) -> Result<bool, ReleaseError> {
    let table = table_for(req, defs)?;
    let rules = rules_of(req, &table);
    let mut receipts = Vec::new();
    for period in req.quarters() {
        let mut of_period =
            store.canonical_submissions(table.source, &period, req.agencies.as_deref())?;
        if rules.is_some() {
            let never = store.returns_withheld(&period)?;
            of_period.retain(|(r, _)| !never.contains(&r.agency));
        }
        if of_period.is_empty() {
            return Ok(false);
        }
        receipts.extend(of_period.into_iter().map(|(r, _)| r));
    }
    let ids = ids_of(store, defs, req, &table, &receipts)?;
    Ok(ledger::is_complete(&store.connect()?, &ids.id)?)
}

/// How many agencies' submissions a release reads.
fn distinct_agencies(inputs: &[crate::store::Receipt]) -> usize {
    let mut slugs: Vec<&str> = inputs.iter().map(|r| r.agency.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    slugs.len()
}

/// The scope whose budget a table draws on: the person for case records, the agency for returns.
pub fn scope_of(source: crate::schema::ExtractKind) -> Scope {
    match source {
        crate::schema::ExtractKind::Cases => Scope::Person,
        crate::schema::ExtractKind::Returns => Scope::Agency,
    }
}

fn release_inner(
    store: &Store,
    defs: &DefinitionSet,
    req: &ReleaseRequest,
    batch: &mut Batch,
) -> Result<Released, ReleaseError> {
    let table = table_for(req, defs)?;
    let started = std::time::Instant::now();
    let quarters = req.quarters();
    let rules = rules_of(req, &table);
    check_whole_quarter(req, &table)?;
    let prepared = batch.prepared(store, defs, req, &table)?;
    let inputs = &prepared.inputs;
    trace(req, "read+prepare", started);
    check_rows(&prepared)?;
    let started = std::time::Instant::now();
    let Ids {
        id,
        request,
        request_hash,
        inputs_hash,
        input_list,
    } = ids_of(store, defs, req, &table, inputs)?;
    trace(req, "ids", started);

    // Calibrate (no data read), then debit before any noise is drawn.
    let started = std::time::Instant::now();
    let built = calibrated(&table, req, rules)?;
    trace(req, "calibrate", started);
    let started = std::time::Instant::now();
    let (rho, epsilon, delta) = cost(&built, req.accounting);
    let scope = scope_of(table.source);
    // A pooled release is charged to every quarter it reads.
    let keys: Vec<String> = quarters
        .iter()
        .map(|q| ledger::ledger_key(scope, q))
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();

    // One process at a time per release id: the others wait here, then find it complete.
    let mut claim = claim::Claim::acquire(store, &id, &req.period)?;
    let detail = debit_detail(
        req,
        &table,
        rules,
        &request_hash,
        &inputs_hash,
        &claim.nonce,
        distinct_agencies(inputs),
    );
    let (spent, head) = match claim.debit(&key_refs, (rho, epsilon, delta), &detail)? {
        claim::Debited::Serve { outcome, sha256 } => {
            let (cells, provenance) = claim.serve(outcome, &sha256)?;
            return Ok(Released {
                id: id.clone(),
                table: req.table.clone(),
                period: req.period.clone(),
                path: claim.path(),
                spent_rho: 0.0,
                reserved: true,
                cells: at_level(cells, req.level)?,
                provenance,
            });
        }
        claim::Debited::Draw { spent, head } => (spent, head),
    };
    trace(req, "debit", started);

    let started = std::time::Instant::now();
    let mut cells = draw(store, defs, &table, &built, &prepared, req, rules)?;
    trace(req, "draw", started);

    let provenance = serde_json::json!({
        "release_id": id,
        "table": req.table,
        "title": table.title.render(crate::i18n::Lang::En),
        "title_fr": table.title.render(crate::i18n::Lang::Fr),
        "period": req.period,
        "request": request,
        "request_hash": request_hash,
        "inputs": input_list,
        "inputs_digest": inputs_hash,
        "definitions_version": defs.version,
        "definitions": definitions_of(&table, defs),
        "protection": protection_of(rules),
        "privacy_unit": privacy_unit_of(&table, req),
        "linkage": linkage_of(&table, req, distinct_agencies(inputs), rho),
        "pooled_quarters": req.pool,
        "budget_scope": scope,
        "contribution_bounds": contribution_bounds(&table),
        "accounting": req.accounting,
        "rho": rho,
        "epsilon": epsilon,
        "delta": delta,
        "parts": table.parts.iter().zip(&built).map(|(p, (_, c))| serde_json::json!({"part": p.label, "calibration": c})).collect::<Vec<_>>(),
        "ledger_head": head,
        "opendp_version": "0.16.0",
        "safecount_version": env!("CARGO_PKG_VERSION"),
        "created_at": crate::clock::today().to_string(),
        "planning": req.part_rho.as_ref().map(|_| steps::in_record(crate::i18n::Message::new("provenance-planned"))),
        "ledger_seq": claim.seq_of(&head)?,
    });
    let started = std::time::Instant::now();
    let path = claim.path();
    // A pooled release is completed under its first quarter's key.
    claim.complete(&keys[0], &mut cells, &provenance)?;
    trace(req, "write+complete", started);
    Ok(Released {
        id,
        table: req.table.clone(),
        period: req.period.clone(),
        path,
        spent_rho: spent,
        reserved: false,
        cells,
        provenance,
    })
}
