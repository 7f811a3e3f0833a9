//! Validation and normalisation: apply a profile to an extract, check every
//! cell, run the identifier guard, generalise quasi-identifiers and build the
//! canonical records (a polars DataFrame, one row per person per quarter).
//!
//! The work is split by stage:
//! - [`Plan`] (`plan.rs`): the header checked and every canonical field's
//!   [`Source`] resolved once, derived fields included (a quarter from a date,
//!   an FSA and province from a postal code, an age band from an age);
//!   immutable while rows are read.
//! - [`Accumulator`] (`accumulator.rs`): what one reader gathers (column
//!   builders, identifier scans, unknown-code tallies, key hashes). A large CSV
//!   file is read in shares, one thread each, every share into its own
//!   `Accumulator::new(&plan)`, merged back in file order (`run.rs`; see
//!   `read::csv` for why the result is that of one reader).
//! - `derive.rs` computes a row's derived values, `row.rs` converts each cell
//!   by its field's kind (one converter per kind), `cells.rs` parses cells,
//!   `columns.rs` builds the canonical columns.
//! - `findings.rs` turns the tallies into the report's identifier findings and
//!   unknown codes; `merge.rs` merges several rows of one person into one row
//!   per person per quarter (the release's contribution bound relies on it).

use super::guard::{self, ColumnScan, Finding, IdentifierKind};
use super::mapping::{CodeMapper, Hit, LookupCache, Mapped, code_slots};
use super::profile::{ExtractProfile, FieldMapping, Profile, fold};
use super::read::{self, Cells, ReadError, ReadOptions, RowSource, Share};
use super::report::{ErrorCode, IdentifierReport, Report, UnknownCode};
use crate::i18n::Message;

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
    pub quarter: Option<crate::schema::Quarter>,
    pub read: ReadOptions,
    /// The collaborative's current linkage epoch, when it links people
    /// across agencies: case extracts must then carry collaborative keys of
    /// exactly this epoch.
    pub linkage_epoch: Option<String>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            kind: ExtractKind::Cases,
            quarter: None,
            read: ReadOptions::default(),
            linkage_epoch: None,
        }
    }
}

/// Problems that stop validation before any data is looked at.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the file {0} does not exist or cannot be opened")]
    MissingInput(PathBuf),
    #[error(
        "the profile {profile} has no [{kind}] section, so it cannot read {kind} extracts: add that section to the profile (see docs/profiles.md), or check that this file is the kind you meant (--kind cases or --kind returns)"
    )]
    NoSection {
        profile: PathBuf,
        kind: &'static str,
    },
}

impl IngestError {
    /// What went wrong, as a catalogue message.
    pub fn message(&self) -> Message {
        match self {
            IngestError::MissingInput(path) => {
                Message::new("error-file-missing").with("file", path.display().to_string())
            }
            IngestError::NoSection { profile, kind } => Message::new("error-no-section")
                .with("profile", profile.display().to_string())
                .with("kind", *kind),
        }
    }
}

impl crate::exit::ExitCode for IngestError {
    fn exit_code(&self) -> i32 {
        match self {
            IngestError::MissingInput(_) => crate::exit::NO_INPUT,
            // The profile cannot read this kind of extract: the profile is what to fix.
            IngestError::NoSection { .. } => crate::exit::CONFIG,
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
            report.error(None, None, None, e.code(), e.message());
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
    let plan = Plan::new(
        profile,
        section,
        kind,
        options,
        source.headers(),
        &mut report,
    );
    let mut rows = Accumulator::new(&plan);
    let threads = options
        .read
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Err(e) = plan.run(&mut rows, source.as_mut(), threads, &mut report) {
        report.error(None, None, None, e.code(), e.message());
    }
    lap("rows read");
    if let Some(q) = options.quarter {
        report.tell_quarter_mismatches(&q.to_string());
    }
    // The file's bytes are no longer needed: free them before the frame is built.
    drop(source);
    let records = plan.finish(rows, &mut report);
    if let Some(df) = records.as_ref().filter(|_| kind == ExtractKind::Cases) {
        check_linkage(df, options.linkage_epoch.as_deref(), &mut report);
    }
    lap("records built");
    report.finish();
    Ok(Outcome { report, records })
}

/// Where one canonical field's value comes from, resolved against the header
/// when the plan is made; the row loop dispatches on it, never on a field's name.
#[derive(Clone)]
enum Source {
    /// Not in the extract: null, or `not_collected` for a coded field.
    Default,
    Constant(&'static str),
    /// The submitting agency, from the profile.
    Agency,
    /// The agency's pseudonym for the person, from the plan's person-key column.
    PersonKey,
    /// A quarter column if there is one, else the quarter of the row's date,
    /// else the quarter being submitted.
    Quarter {
        col: Option<usize>,
    },
    /// An FSA column if there is one, else the FSA of the row's postal code.
    Fsa {
        col: Option<usize>,
    },
    /// A code computed from another column by a generaliser.
    Derived(Derivation),
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
}

/// A coded field computed by a generaliser rather than read.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Derivation {
    /// The age band, from an exact age or a birth year.
    AgeBand,
    /// Whether the person was a minor when recruited, from the age at recruitment.
    MinorAtRecruitment,
}

mod accumulator;
mod cells;
mod columns;
mod derive;
mod findings;
mod merge;
mod plan;
mod row;
mod run;

use accumulator::Accumulator;
use cells::*;
use columns::*;
pub use merge::merge_across_agencies;
use merge::*;
use plan::Plan;

/// One canonical field and where its value comes from.
struct FieldPlan {
    def: &'static FieldDef,
    source: Source,
}

/// Values derived by generalisation for the current row.
#[derive(Default)]
struct Derived {
    quarter: Option<String>,
    age_band: Option<&'static str>,
    minor: Option<&'static str>,
    fsa: Option<String>,
    fsa_province: Option<&'static str>,
    /// A birth year was given but no quarter to count the age from.
    birth_year_without_quarter: bool,
}

/// The columns a profile generalises: read, turned into coarser values, and never stored.
#[derive(Clone)]
struct Generalisers {
    age: Option<usize>,
    age_at_recruitment: Option<usize>,
    birth_year: Option<usize>,
    date: Option<usize>,
    date_format: String,
    postal: Option<usize>,
}

impl Generalisers {
    fn columns(&self) -> impl Iterator<Item = usize> {
        [
            self.age,
            self.age_at_recruitment,
            self.birth_year,
            self.date,
            self.postal,
        ]
        .into_iter()
        .flatten()
    }
}

#[derive(Default)]
struct UnknownTally {
    count: u64,
    rows: Vec<u64>,
}

fn col_index(headers: &[String], name: &str) -> Option<usize> {
    let exact = headers.iter().position(|h| h == name.trim());
    exact.or_else(|| {
        let f = fold(name);
        headers.iter().position(|h| fold(h) == f)
    })
}

/// A column's label for messages: its header, unless the header itself looks
/// like personal data (a file without a header row) or is empty, then its
/// position, `#3`.
fn label_of(i: usize, header: &str) -> String {
    if !guard::may_show_label(header) {
        format!("#{}", i + 1)
    } else {
        format!("\"{header}\"")
    }
}

/// Which kind of person keys the records carry: collaborative keys of one
/// linkage epoch (recorded in the report), or the agency's own. A mix is
/// refused (it would split people between the two); so are keys other
/// than `expected`'s when the collaborative links people.
fn check_linkage(df: &DataFrame, expected: Option<&str>, report: &mut Report) {
    let Ok(keys) = df.column("person_key").and_then(|c| c.str().cloned()) else {
        return;
    };
    let mut epochs: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut own = 0u64;
    // An empty key is reported on its own (a required field); it is no mix.
    for key in keys.into_iter().flatten().filter(|k| !k.trim().is_empty()) {
        match crate::linkage::epoch_of(key) {
            Some(epoch) => *epochs.entry(epoch).or_default() += 1,
            None => own += 1,
        }
    }
    let error = |report: &mut Report, message: Message| {
        report.error(
            None,
            None,
            Some("person_key"),
            ErrorCode::ConstraintError,
            message,
        )
    };
    let found = epochs.keys().next().map(|e| e.to_string());
    match (epochs.len(), own, expected) {
        // No keys at all (a missing column is reported on its own), or the agency's own where they are welcome.
        (0, 0, _) | (0, _, None) => {}
        (0, _, Some(expected)) => error(
            report,
            Message::new("intake-linkage-needed").with("expected", expected),
        ),
        (1, 0, _) => {
            let found = found.expect("one epoch");
            if let Some(expected) = expected.filter(|e| *e != found) {
                error(
                    report,
                    Message::new("intake-linkage-epoch")
                        .with("found", found.as_str())
                        .with("expected", expected),
                );
            }
            report.linkage_epoch = Some(found);
        }
        _ => error(
            report,
            Message::new("intake-linkage-mixed")
                .with("linked", epochs.values().sum::<u64>())
                .with("epochs", epochs.len() as u64)
                .with("own", own),
        ),
    }
}
