//! Validation and normalisation: apply a profile to an extract, check every
//! cell, run the identifier guard, generalise quasi-identifiers and build the
//! canonical records (a polars DataFrame, one row per person per quarter).
//!
//! The pass is streaming: rows are read once, each cell is mapped through a
//! cached [`CodeMapper`] and pushed into a column builder; nothing but the
//! canonical values is kept. A large CSV file is read in shares, one thread
//! each, by forks of the pass merged back in file order (see `read::csv` for
//! why the result is that of one reader). Several rows of one person are
//! merged afterwards in one polars group-by (sets united, services combined,
//! nights summed, other codes the last known value in file order).

use super::guard::{self, ColumnScan, Finding, IdentifierKind};
use super::mapping::{CodeMapper, Hit, Mapped, code_slots};
use super::profile::{ExtractProfile, FieldMapping, Profile, fold};
use super::read::{self, Cells, ReadError, ReadOptions, RowSource, Share};
use super::report::{ErrorCode, IdentifierReport, Report, UnknownCode};

/// Most unknown spellings listed in a report; the rest are counted.
const MAX_UNKNOWN_LISTED: usize = 50;
use crate::schema::{
    CodeList, ExtractKind, FieldDef, FieldKind, codes, fields, format_quarter, parse_quarter,
};
use polars::prelude::*;
use polars_arrow::array::{BooleanArray, MutableBinaryViewArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What the caller adds to the profile.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub kind: ExtractKind,
    /// The quarter being submitted; rows that say otherwise are errors.
    pub quarter: Option<String>,
    pub read: ReadOptions,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            kind: ExtractKind::Cases,
            quarter: None,
            read: ReadOptions::default(),
        }
    }
}

/// Problems that stop validation before any data is looked at.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the file {0} does not exist or cannot be opened")]
    MissingInput(PathBuf),
    #[error(
        "the profile {profile} has no [{kind}] section, so it cannot read {kind} extracts: add that section to the profile (see the README), or check that this file is the kind you meant (--kind cases or --kind returns)"
    )]
    NoSection {
        profile: PathBuf,
        kind: &'static str,
    },
    #[error(transparent)]
    BadQuarter(#[from] crate::schema::NotAQuarter),
}

impl crate::exit::ExitCode for IngestError {
    fn exit_code(&self) -> i32 {
        match self {
            IngestError::MissingInput(_) => crate::exit::NO_INPUT,
            // The profile cannot read this kind of extract: the profile is what to fix.
            IngestError::NoSection { .. } => crate::exit::CONFIG,
            IngestError::BadQuarter(_) => crate::exit::USAGE,
        }
    }
}

/// The result of validating one extract.
pub struct Outcome {
    pub report: Report,
    /// Canonical records; present whenever rows could be read (check `report.valid` before storing).
    pub records: Option<DataFrame>,
}

/// Validate and normalise `path` through `profile`.
pub fn validate_file(
    path: &Path,
    profile: &Profile,
    options: &IngestOptions,
) -> Result<Outcome, IngestError> {
    let kind = options.kind;
    let section = profile.section(kind).ok_or(IngestError::NoSection {
        profile: profile.path.clone(),
        kind: kind.as_str(),
    })?;
    if let Some(q) = &options.quarter {
        q.parse::<crate::schema::Quarter>()?;
    }
    let mut report = Report::new(
        path.display().to_string(),
        profile.path.display().to_string(),
        profile.agency.slug.clone(),
        kind,
    );
    let mut source = match read::open(path, section, &options.read) {
        Ok(s) => s,
        Err(ReadError::Missing(p)) => return Err(IngestError::MissingInput(p)),
        Err(e) => {
            report.error(None, None, None, e.code(), e.to_string());
            report.finish();
            return Ok(Outcome {
                report,
                records: None,
            });
        }
    };
    let trace = std::env::var_os("SAFECOUNT_TRACE").is_some();
    let started = std::time::Instant::now();
    let lap = |what: &str| {
        if trace {
            eprintln!("[trace] {what}: {:.2?}", started.elapsed());
        }
    };
    lap("opened");
    let mut pass = Pass::new(
        profile,
        section,
        kind,
        options,
        source.headers(),
        &mut report,
    );
    let threads = options
        .read
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Err(e) = pass.run(source.as_mut(), threads, &mut report) {
        report.error(None, None, None, e.code(), e.to_string());
    }
    lap("rows read");
    // The file's bytes are no longer needed: free them before the frame is built.
    drop(source);
    let records = pass.finish(&mut report);
    lap("records built");
    report.finish();
    Ok(Outcome { report, records })
}

/// Where one canonical field's value comes from, resolved against the header.
#[derive(Clone)]
enum Source {
    Default,
    Constant(&'static str),
    Code {
        col: usize,
        mapper: CodeMapper,
        empty: &'static str,
    },
    Set {
        col: usize,
        sep: String,
        mapper: CodeMapper,
    },
    Flags {
        cols: Vec<(usize, usize)>,
    },
    ServicesWide {
        cols: Vec<(usize, usize)>,
        status: CodeMapper,
    },
    ServicesLong {
        cat_col: usize,
        status_col: usize,
        cat: CodeMapper,
        status: CodeMapper,
    },
    Integer {
        col: usize,
        dollars: bool,
        max: Option<i64>,
    },
    Decimal {
        col: usize,
        max: f64,
    },
    Text {
        col: usize,
    },
}

mod cells;
mod columns;
mod merge;
mod pass;
mod plan;
mod row;

use cells::*;
use columns::*;
use merge::*;

struct FieldPlan {
    def: &'static FieldDef,
    source: Source,
    builder: Builder,
}

/// Values derived by generalisation for the current row.
#[derive(Default)]
struct Derived {
    quarter: Option<String>,
    age_band: Option<&'static str>,
    minor: Option<&'static str>,
    fsa: Option<String>,
    fsa_province: Option<&'static str>,
}

#[derive(Clone)]
struct Generalisers {
    age: Option<usize>,
    age_at_recruitment: Option<usize>,
    birth_year: Option<usize>,
    date: Option<usize>,
    date_format: String,
    postal: Option<usize>,
}

struct UnknownTally {
    count: u64,
    rows: Vec<u64>,
}

struct Pass<'p> {
    profile: &'p Profile,
    kind: ExtractKind,
    truthy: Vec<String>,
    falsy: Vec<String>,
    quarter_option: Option<String>,
    labels: Vec<String>,
    width: usize,
    person_key: Option<usize>,
    plans: Vec<FieldPlan>,
    gz: Generalisers,
    scans: Vec<(usize, ColumnScan)>,
    header_findings: Vec<(usize, IdentifierKind, u64, Vec<u64>)>,
    unknown: HashMap<(usize, usize, String), UnknownTally>,
    /// Canonical columns already built from rows read (by this pass or by
    /// forks that read later shares of the file), in file order; each is its
    /// own chunk of the canonical frame.
    built: Vec<PolarsResult<DataFrame>>,
    /// Hashes of the quarters of a return seen, to refuse a second row for one.
    keys_seen: PlHashSet<u64>,
    /// Hashes of (person key, quarter) of every case row, to know whether rows must be merged.
    key_hashes: Vec<u64>,
    key_hasher: PlRandomState,
    rows_accepted: usize,
    /// How many of them are in `built`.
    rows_built: usize,
    birth_year_without_quarter: bool,
}

fn col_index(headers: &[String], name: &str) -> Option<usize> {
    let exact = headers.iter().position(|h| h == name.trim());
    exact.or_else(|| {
        let f = fold(name);
        headers.iter().position(|h| fold(h) == f)
    })
}

/// A column's label for messages: its header, unless the header itself looks
/// like personal data (a file without a header row), then its position.
fn label_of(i: usize, header: &str) -> String {
    match guard::detect(header) {
        Some(_) => format!(
            "{} (its header looks like personal data: is the header row missing?)",
            i + 1
        ),
        None if header.is_empty() => format!("{} (no header)", i + 1),
        None => format!("\"{header}\""),
    }
}
