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
use super::report::{IdentifierReport, Report, UnknownCode};

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
    #[error("\"{0}\" is not a quarter: write it as YYYYQn, e.g. 2025Q3")]
    BadQuarter(String),
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
        parse_quarter(q).ok_or_else(|| IngestError::BadQuarter(q.clone()))?;
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

/// A column of codes kept as one byte per row: an index into the distinct
/// codes seen (255 = null). Codes are `&'static str` from the code lists, so
/// the lookup is mostly a pointer comparison.
#[derive(Default)]
struct CodeColumn {
    values: Vec<u8>,
    table: Vec<&'static str>,
    /// The list whose [`code_slots`] begin `table`, so a mapper's hit is pushed as is.
    list: Option<&'static CodeList>,
    /// The index of a code by its address, for the codes met recently
    /// (direct-mapped: one slot per address hash).
    recent: [(usize, usize, u8); 16],
}

impl CodeColumn {
    const NULL: u8 = u8::MAX;

    fn for_list(list: &'static CodeList) -> Self {
        CodeColumn {
            table: code_slots(list).collect(),
            list: Some(list),
            ..Default::default()
        }
    }

    /// Push a code mapped by a mapper of `list`.
    fn push_hit(&mut self, list: &'static CodeList, code: &'static str, slot: u8) {
        match self.list {
            Some(mine)
                if slot != Self::NULL && (std::ptr::eq(mine, list) || mine.name == list.name) =>
            {
                self.values.push(slot)
            }
            _ => self.push(Some(code)),
        }
    }

    fn index(&mut self, code: &'static str) -> u8 {
        // Codes come from the code lists, so their address identifies them.
        let key = (code.as_ptr() as usize, code.len());
        let slot = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize;
        let (address, len, i) = self.recent[slot];
        if (address, len) == key {
            return i;
        }
        let i = match self.table.iter().position(|c| *c == code) {
            Some(i) => i as u8,
            None => {
                self.table.push(code);
                (self.table.len() - 1) as u8
            }
        };
        self.recent[slot] = (key.0, key.1, i);
        i
    }

    fn push(&mut self, code: Option<&'static str>) {
        let i = code.map(|c| self.index(c)).unwrap_or(Self::NULL);
        self.values.push(i);
    }

    fn set_last(&mut self, code: &'static str) {
        let i = self.index(code);
        if let Some(last) = self.values.last_mut() {
            *last = i;
        }
    }

    fn into_column(self, name: &str) -> Column {
        dictionary_column(name, &self.table, &self.values, Self::NULL)
    }
}

/// A text column from a table of distinct values and one index per row
/// (`null` where the row has no value): the rows are gathered from a small
/// array of the values, so they share its bytes (16-byte views) instead of
/// copying every value longer than 12 bytes.
fn dictionary_column<S: AsRef<str>, I: Copy + PartialEq + Into<u64>>(
    name: &str,
    table: &[S],
    rows: &[I],
    null: I,
) -> Column {
    if table.is_empty() {
        return Column::full_null(name.into(), rows.len(), &DataType::String);
    }
    let indices: Vec<IdxSize> = rows
        .iter()
        .map(|i| {
            if *i == null {
                0
            } else {
                (*i).into() as IdxSize
            }
        })
        .collect();
    let validity = rows
        .contains(&null)
        .then(|| Bitmap::from_iter(rows.iter().map(|i| *i != null)));
    let indices = IdxCa::with_chunk(
        PlSmallStr::EMPTY,
        PrimitiveArray::new(
            IDX_DTYPE.to_arrow(CompatLevel::newest()),
            indices.into(),
            validity,
        ),
    );
    let values = StringChunked::from_iter_values(name.into(), table.iter().map(AsRef::as_ref));
    values
        .take(&indices)
        .expect("indices come from the table")
        .into_column()
}

/// The boolean columns of one field (the codes of a set, or the services
/// needed) being built: a word per row, a bit per code, for the values and for
/// whether each is known.
#[derive(Default)]
struct MaskColumns {
    present: Vec<u32>,
    known: Vec<u32>,
}

impl MaskColumns {
    fn push(&mut self, present: u32, known: u32) {
        self.present.push(present);
        self.known.push(known);
    }

    /// Column `i` of `names` from bit `i`.
    fn into_columns(self, names: impl Iterator<Item = String>) -> Vec<Column> {
        names
            .enumerate()
            .map(|(i, name)| {
                let bit = |words: &[u32]| Bitmap::from_iter(words.iter().map(|w| w >> i & 1 == 1));
                let validity = bit(&self.known);
                let validity = (validity.unset_bits() > 0).then_some(validity);
                let array = BooleanArray::new(ArrowDataType::Boolean, bit(&self.present), validity);
                BooleanChunked::with_chunk(name.into(), array).into_column()
            })
            .collect()
    }
}

/// The person keys: distinct per person, their bytes copied once into the column's buffers.
#[derive(Default)]
struct KeyColumn(MutableBinaryViewArray<str>);

impl KeyColumn {
    fn push(&mut self, key: Option<&str>) {
        self.0.push(key);
    }

    fn into_column(self, name: &str) -> Column {
        let keys: Utf8ViewArray = self.0.into();
        StringChunked::with_chunk(name.into(), keys).into_column()
    }
}

/// A text column with few distinct values (agency, quarter, FSA), interned.
#[derive(Default)]
struct InternColumn {
    values: Vec<u32>,
    table: Vec<String>,
    index: PlHashMap<String, u32>,
}

impl InternColumn {
    fn intern(&mut self, v: String) -> u32 {
        match self.index.get(&v) {
            Some(i) => *i,
            None => {
                let i = self.table.len() as u32;
                self.index.insert(v.clone(), i);
                self.table.push(v);
                i
            }
        }
    }

    /// Push one row's value; looked up without allocating, and the previous
    /// row's value (the common case: agency, quarter) without hashing.
    fn push(&mut self, value: Option<&str>) {
        let i = match value {
            None => u32::MAX,
            Some(v) => match self.values.last() {
                Some(&last) if last != u32::MAX && self.table[last as usize] == v => last,
                _ => match self.index.get(v) {
                    Some(i) => *i,
                    None => self.intern(v.to_string()),
                },
            },
        };
        self.values.push(i);
    }

    fn into_column(self, name: &str) -> Column {
        dictionary_column(name, &self.table, &self.values, u32::MAX)
    }
}

/// Column values being built, one entry per accepted row.
enum Builder {
    Codes(CodeColumn),
    Keys(KeyColumn),
    Text(InternColumn),
    Bools(MaskColumns),
    Services {
        needed: MaskColumns,
        status: Vec<CodeColumn>,
    },
    Ints(Vec<Option<i64>>),
    Floats(Vec<Option<f64>>),
}

impl Builder {
    fn empty_like(&self) -> Builder {
        match self {
            Builder::Codes(c) => {
                Builder::Codes(c.list.map(CodeColumn::for_list).unwrap_or_default())
            }
            Builder::Keys(_) => Builder::Keys(KeyColumn::default()),
            Builder::Text(_) => Builder::Text(InternColumn::default()),
            Builder::Bools(_) => Builder::Bools(MaskColumns::default()),
            Builder::Services { status, .. } => Builder::Services {
                needed: MaskColumns::default(),
                status: (0..status.len())
                    .map(|_| CodeColumn::for_list(&codes::SERVICE_STATUS))
                    .collect(),
            },
            Builder::Ints(_) => Builder::Ints(Vec::new()),
            Builder::Floats(_) => Builder::Floats(Vec::new()),
        }
    }
}

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

/// Items of a multi-value cell, split by `sep` (by a `char` when it is one:
/// a search for one byte, and no allocation per cell).
enum Items<'a> {
    ByChar(std::str::Split<'a, char>),
    ByText(std::str::Split<'a, &'a str>),
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Items::ByChar(items) => items.next(),
            Items::ByText(items) => items.next(),
        }
    }
}

fn split_items<'a>(raw: &'a str, sep: &'a str) -> Items<'a> {
    let mut chars = sep.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Items::ByChar(raw.split(c)),
        _ => Items::ByText(raw.split(sep)),
    }
}

/// `cell` without surrounding white space; most cells have none, and a cell
/// whose first and last bytes are ASCII letters or digits is returned without
/// decoding any character.
fn trimmed(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

fn looks_like_formula(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=') | Some('@') => cell.len() > 1,
        Some('+') | Some('-') => chars
            .next()
            .is_some_and(|c| !(c.is_ascii_digit() || c == '.' || c == ' ')),
        _ => false,
    }
}

fn is_pseudonym(key: &str) -> bool {
    (12..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=+/.:".contains(&b))
}

fn parse_int(raw: &str) -> Option<i64> {
    if raw.len() < 19 && !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse().ok();
    }
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | ','))
        .collect();
    let cleaned = cleaned.strip_suffix(".0").unwrap_or(&cleaned);
    cleaned.parse().ok()
}

/// Whether a cell is written as a number (digits with separators, a
/// currency sign, a decimal point), whatever its size: one that does not
/// parse is then too large, not "not a number".
fn is_numeral(raw: &str) -> bool {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    digits > 0
        && raw.trim().chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | ',' | '.' | '$' | '-')
        })
}

/// Dollars ("12,500.50", "12 500,50 $", "$1,200") to integer cents.
fn parse_dollars(raw: &str) -> Option<i64> {
    let mut s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '$' | '_'))
        .collect();
    // A decimal comma: one comma followed by one or two digits at the end, and no point.
    if !s.contains('.') {
        if let Some(pos) = s.rfind(',') {
            if (1..=2).contains(&(s.len() - pos - 1)) && s.matches(',').count() == 1 {
                s.replace_range(pos..=pos, ".");
            }
        }
    }
    let s = s.replace(',', "");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole
        .checked_mul(100)?
        .checked_add(if whole < 0 { -frac } else { frac })
}

/// Why a date cell could not be read.
#[derive(Debug, PartialEq)]
enum DateProblem {
    /// Written in the expected shape, but no such day exists (30 February).
    NoSuchDay,
    /// Not in the profile's format (nor ISO).
    Format,
}

fn parse_date(raw: &str, format: &str) -> Result<chrono::NaiveDate, DateProblem> {
    use chrono::format::ParseErrorKind;
    let raw = raw.trim();
    let raw = raw.split(['T', ' ']).next().unwrap_or(raw);
    let mut no_such_day = false;
    for f in [format, "%Y-%m-%d"] {
        match chrono::NaiveDate::parse_from_str(raw, f) {
            Ok(d) => return Ok(d),
            Err(e)
                if matches!(
                    e.kind(),
                    ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
                ) =>
            {
                no_such_day = true
            }
            Err(_) => {}
        }
    }
    Err(if no_such_day {
        DateProblem::NoSuchDay
    } else {
        DateProblem::Format
    })
}

fn quarter_of(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format_quarter(date.year(), ((date.month() - 1) / 3 + 1) as u8)
}

impl<'p> Pass<'p> {
    fn new(
        profile: &'p Profile,
        section: &'p ExtractProfile,
        kind: ExtractKind,
        options: &IngestOptions,
        headers: &[String],
        report: &mut Report,
    ) -> Self {
        let labels: Vec<String> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| label_of(i, h))
            .collect();
        // Duplicate and blank labels.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if h.is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(fold(h), i) {
                report.error(
                    None,
                    Some(&labels[i]),
                    None,
                    "duplicate-label",
                    format!(
                        "columns {} and {} have the same name: rename one of them in the export",
                        first + 1,
                        i + 1
                    ),
                );
            }
        }
        let mut used = vec![false; headers.len()];
        let mut resolve = |name: &str, what: &str, report: &mut Report| -> Option<usize> {
            match col_index(headers, name) {
                Some(i) => {
                    used[i] = true;
                    Some(i)
                }
                None => {
                    let safe: Vec<&str> = headers
                        .iter()
                        .filter(|h| guard::detect(h).is_none())
                        .map(String::as_str)
                        .collect();
                    report.error(
                        None,
                        Some(&format!("\"{name}\"")),
                        None,
                        "missing-label",
                        format!(
                            "the profile reads {what} from a column \"{name}\", which this file does not have (line {} of the profile). The file's columns are: {}",
                            profile.line_of(&format!("\"{name}\"")),
                            safe.join(", ")
                        ),
                    );
                    None
                }
            }
        };
        let person_key = section
            .person_key
            .as_deref()
            .and_then(|pk| resolve(pk, "the person key", report));
        let g = &section.generalise;
        let gz = Generalisers {
            age: g
                .age
                .as_deref()
                .and_then(|c| resolve(c, "exact age", report)),
            age_at_recruitment: g
                .age_at_recruitment
                .as_deref()
                .and_then(|c| resolve(c, "age at recruitment", report)),
            birth_year: g
                .birth_year
                .as_deref()
                .and_then(|c| resolve(c, "birth year", report)),
            date: g
                .quarter_from_date
                .as_deref()
                .and_then(|c| resolve(c, "the date that gives the quarter", report)),
            date_format: section
                .date_format
                .clone()
                .unwrap_or_else(|| "%Y-%m-%d".into()),
            postal: g
                .postal_code
                .as_deref()
                .and_then(|c| resolve(c, "the postal code", report)),
        };
        for (what, col) in [
            ("exact age -> age band", gz.age),
            (
                "age at recruitment -> minor at recruitment",
                gz.age_at_recruitment,
            ),
            ("birth year -> age band", gz.birth_year),
            ("date -> quarter", gz.date),
            ("postal code -> FSA -> province", gz.postal),
        ] {
            if col.is_some() {
                report.generalised.push(what.to_string());
            }
        }
        let mut plans = Vec::new();
        for def in kind.fields() {
            let empty_mapping = FieldMapping::default();
            let mapping = section.fields.get(def.name).unwrap_or(&empty_mapping);
            let fold_values = mapping.fold.unwrap_or(section.fold);
            let mapped = section.fields.contains_key(def.name);
            let source = if !mapped {
                match (def.name, &profile.agency.province) {
                    ("province", Some(p)) => Source::Constant(
                        codes::PROVINCE
                            .codes
                            .iter()
                            .find(|c| *c == p)
                            .copied()
                            .unwrap_or("not_collected"),
                    ),
                    _ => Source::Default,
                }
            } else {
                Self::source_for(def, mapping, fold_values, &mut resolve, report)
            };
            let builder = match def.kind {
                FieldKind::Code(list) => Builder::Codes(CodeColumn::for_list(list)),
                FieldKind::PersonKey => Builder::Keys(KeyColumn::default()),
                FieldKind::Quarter | FieldKind::Agency | FieldKind::Fsa => {
                    Builder::Text(InternColumn::default())
                }
                FieldKind::Set(_) => Builder::Bools(MaskColumns::default()),
                FieldKind::Services => Builder::Services {
                    needed: MaskColumns::default(),
                    status: (0..codes::SERVICE_CATEGORY.codes.len())
                        .map(|_| CodeColumn::for_list(&codes::SERVICE_STATUS))
                        .collect(),
                },
                FieldKind::Count { .. } | FieldKind::Cents => Builder::Ints(Vec::new()),
                FieldKind::Decimal { .. } => Builder::Floats(Vec::new()),
            };
            plans.push(FieldPlan {
                def,
                source,
                builder,
            });
        }
        // The guard looks at every column that is not a checked code column.
        let mut scans = Vec::new();
        let mut header_findings = Vec::new();
        let generalised: Vec<usize> = [
            gz.age,
            gz.age_at_recruitment,
            gz.birth_year,
            gz.date,
            gz.postal,
        ]
        .into_iter()
        .flatten()
        .collect();
        for (i, h) in headers.iter().enumerate() {
            if generalised.contains(&i) {
                continue;
            }
            let is_key = person_key == Some(i);
            if !used[i] || is_key {
                scans.push((i, ColumnScan::default()));
            }
            if !used[i] {
                if let Some(k) = guard::header_kind(h) {
                    header_findings.push((i, k, 0, Vec::new()));
                }
                if !h.is_empty() {
                    report.ignored_columns.push(labels[i].clone());
                }
            }
        }
        let truthy = section.truthy.clone().unwrap_or_else(|| {
            ["1", "yes", "y", "oui", "o", "x", "true", "vrai"]
                .map(String::from)
                .to_vec()
        });
        let falsy = section.falsy.clone().unwrap_or_else(|| {
            ["0", "no", "n", "non", "false", "faux"]
                .map(String::from)
                .to_vec()
        });
        Pass {
            profile,
            kind,
            truthy: truthy.iter().map(|s| fold(s)).collect(),
            falsy: falsy.iter().map(|s| fold(s)).collect(),
            quarter_option: options.quarter.as_ref().map(|q| q.to_uppercase()),
            width: headers.len(),
            labels,
            person_key,
            plans,
            gz,
            scans,
            header_findings,
            unknown: HashMap::new(),
            built: Vec::new(),
            keys_seen: PlHashSet::default(),
            key_hashes: Vec::new(),
            key_hasher: PlRandomState::default(),
            rows_accepted: 0,
            rows_built: 0,
            birth_year_without_quarter: false,
        }
    }

    fn source_for(
        def: &'static FieldDef,
        m: &FieldMapping,
        fold_values: bool,
        resolve: &mut impl FnMut(&str, &str, &mut Report) -> Option<usize>,
        report: &mut Report,
    ) -> Source {
        let what = format!("field {}", def.name);
        let constant = |list: &'static codes::CodeList, v: &str| {
            list.codes
                .iter()
                .chain(codes::MISSING.codes)
                .find(|c| **c == v)
                .copied()
                .unwrap_or("not_collected")
        };
        let unresolved = Source::Default;
        match def.kind {
            FieldKind::Code(list) => {
                if let Some(v) = &m.value {
                    return Source::Constant(constant(list, v));
                }
                let Some(col) = m.column.as_deref().and_then(|c| resolve(c, &what, report)) else {
                    return unresolved;
                };
                let empty = m
                    .empty
                    .as_deref()
                    .map(|e| constant(list, e))
                    .unwrap_or("not_collected");
                Source::Code {
                    col,
                    mapper: CodeMapper::new(list, &m.values, fold_values, false),
                    empty,
                }
            }
            FieldKind::Set(list) => {
                if !m.flags.is_empty() {
                    let cols = m
                        .flags
                        .iter()
                        .filter_map(|(c, code)| {
                            Some((resolve(c, &what, report)?, list.index(code)?))
                        })
                        .collect();
                    return Source::Flags { cols };
                }
                let Some(col) = m.column.as_deref().and_then(|c| resolve(c, &what, report)) else {
                    return unresolved;
                };
                Source::Set {
                    col,
                    sep: m.separator.clone().unwrap_or_else(|| ";".into()),
                    mapper: CodeMapper::new(list, &m.values, fold_values, true),
                }
            }
            FieldKind::Services => {
                let status =
                    CodeMapper::new(&codes::SERVICE_STATUS, &m.status_values, fold_values, true);
                if let (Some(c), Some(s)) = (&m.category_column, &m.status_column) {
                    let (Some(cat_col), Some(status_col)) =
                        (resolve(c, &what, report), resolve(s, &what, report))
                    else {
                        return unresolved;
                    };
                    return Source::ServicesLong {
                        cat_col,
                        status_col,
                        cat: CodeMapper::new(
                            &codes::SERVICE_CATEGORY,
                            &m.category_values,
                            fold_values,
                            false,
                        ),
                        status,
                    };
                }
                let cols = m
                    .columns
                    .iter()
                    .filter_map(|(c, cat)| {
                        Some((
                            resolve(c, &what, report)?,
                            codes::SERVICE_CATEGORY.index(cat)?,
                        ))
                    })
                    .collect();
                Source::ServicesWide { cols, status }
            }
            FieldKind::Count { max } => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Integer {
                        col,
                        dollars: false,
                        max: Some(max),
                    },
                    None => unresolved,
                }
            }
            FieldKind::Cents => match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                Some(col) => Source::Integer {
                    col,
                    dollars: m.unit.as_deref() == Some("dollars"),
                    max: None,
                },
                None => unresolved,
            },
            FieldKind::Decimal { max } => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Decimal { col, max },
                    None => unresolved,
                }
            }
            FieldKind::Quarter | FieldKind::Fsa | FieldKind::PersonKey | FieldKind::Agency => {
                match m.column.as_deref().and_then(|c| resolve(c, &what, report)) {
                    Some(col) => Source::Text { col },
                    None => unresolved,
                }
            }
        }
    }

    /// Read every row. A large CSV extract is read in shares by `threads`
    /// workers, every share by a fork of this pass that also builds its
    /// columns; the forks are merged back in file order, so the result is
    /// that of one pass through the file.
    fn run(
        &mut self,
        source: &mut dyn RowSource,
        threads: usize,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        // Returns are small, and a second row for a quarter is refused as it is met.
        // A few shares per thread, so that a thread that finishes early takes another.
        let shares = match self.kind {
            ExtractKind::Cases if threads > 1 => source.shares(threads * 4),
            _ => None,
        };
        let Some(shares) = shares else {
            return self.read_rows(source, report);
        };
        // Each worker takes the next share still to read, reads it with a fork
        // of this pass and builds its columns, so fast and slow cores even out
        // and the columns of early shares are built while later ones are read.
        let count = shares.len();
        let queue = std::sync::Mutex::new(shares.into_iter().enumerate());
        let this = &*self;
        let mut read: Vec<_> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads.min(count))
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let next = queue.lock().map(|mut q| q.next());
                            let Ok(Some((i, mut share))) = next else {
                                break;
                            };
                            let (pass, share_report, result) = this.read_share_alone(&mut share);
                            done.push((i, pass, share_report, result, share));
                        }
                        done
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("intake worker"))
                .collect()
        });
        read.sort_by_key(|(i, ..)| *i);
        // Keep a share only if it began where the share before it ended; a
        // split inside a quoted cell means reading that share again from there.
        let mut next_start = Some(0);
        for (_, mut pass, mut share_report, mut result, share) in read {
            let Some(start) = next_start else { break };
            if start != share.start() {
                let mut again = share.restart_at(start);
                (pass, share_report, result) = self.read_share_alone(&mut again);
                next_start = again.reached();
            } else {
                next_start = share.reached();
            }
            self.absorb(pass, share_report, report);
            result?;
        }
        if report.rows_read == 0 {
            return Err(ReadError::NoRows);
        }
        Ok(())
    }

    fn read_rows(
        &mut self,
        source: &mut dyn RowSource,
        report: &mut Report,
    ) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        while let Some(row) = source.next_row(&mut record)? {
            self.process(row, &Cells::Record(&record), report);
        }
        Ok(())
    }

    /// Build the columns of the rows read so far, and start new builders.
    fn build_read_rows(&mut self) {
        if self.rows_accepted == self.rows_built {
            return;
        }
        let defs: Vec<&FieldDef> = self.plans.iter().map(|p| p.def).collect();
        let builders = self
            .plans
            .iter_mut()
            .map(|p| {
                let empty = p.builder.empty_like();
                std::mem::replace(&mut p.builder, empty)
            })
            .collect();
        self.built.push(build_frame(&defs, builders));
        self.rows_built = self.rows_accepted;
    }

    /// Read one share with a fork of this pass, free the file's pages it
    /// read, and build its columns.
    fn read_share_alone(&self, share: &mut Share) -> (Pass<'p>, Report, Result<(), ReadError>) {
        let mut pass = self.fork();
        let mut report = Report::new(String::new(), String::new(), String::new(), self.kind);
        let result = pass.read_share(share, &mut report);
        share.release();
        pass.build_read_rows();
        (pass, report, result)
    }

    fn read_share(&mut self, share: &mut Share, report: &mut Report) -> Result<(), ReadError> {
        let mut record = csv::StringRecord::new();
        while let Some((row, cells)) = share.next_cells(&mut record)? {
            self.process(row, &cells, report);
        }
        Ok(())
    }

    /// One row: identifier scan, shape check, then the fields.
    fn process(&mut self, row: u64, record: &Cells, report: &mut Report) {
        report.rows_read += 1;
        for (i, scan) in self.scans.iter_mut() {
            if let Some(cell) = record.get(*i) {
                scan.observe(row, cell);
            }
        }
        for (i, _, count, rows) in self.header_findings.iter_mut() {
            if record.get(*i).is_some_and(|c| !c.trim().is_empty()) {
                *count += 1;
                if rows.len() < guard::ROWS_SHOWN {
                    rows.push(row);
                }
            }
        }
        if record.len() != self.width {
            let (code, what) = if record.len() > self.width {
                ("extra-cell", "more")
            } else {
                ("missing-cell", "fewer")
            };
            report.error(
                Some(row),
                None,
                None,
                code,
                format!(
                    "this row has {} cells, {what} than the {} columns of the header; a value probably contains the delimiter without quotes, or a cell was lost. Fix the row in the source system and export again",
                    record.len(),
                    self.width
                ),
            );
            return;
        }
        self.row(row, record, report);
    }

    /// A copy of this pass with the same plan and nothing accumulated.
    fn fork(&self) -> Pass<'p> {
        Pass {
            profile: self.profile,
            kind: self.kind,
            truthy: self.truthy.clone(),
            falsy: self.falsy.clone(),
            quarter_option: self.quarter_option.clone(),
            labels: self.labels.clone(),
            width: self.width,
            person_key: self.person_key,
            plans: self
                .plans
                .iter()
                .map(|p| FieldPlan {
                    def: p.def,
                    source: p.source.clone(),
                    builder: p.builder.empty_like(),
                })
                .collect(),
            gz: self.gz.clone(),
            scans: self
                .scans
                .iter()
                .map(|(i, _)| (*i, ColumnScan::default()))
                .collect(),
            header_findings: self
                .header_findings
                .iter()
                .map(|(i, k, _, _)| (*i, *k, 0, Vec::new()))
                .collect(),
            unknown: HashMap::new(),
            built: Vec::new(),
            keys_seen: PlHashSet::default(),
            key_hashes: Vec::new(),
            key_hasher: self.key_hasher.clone(),
            rows_accepted: 0,
            rows_built: 0,
            birth_year_without_quarter: false,
        }
    }

    /// Merge a fork's rows and findings into this pass, and its report into `report`.
    fn absorb(&mut self, mut other: Pass<'p>, other_report: Report, report: &mut Report) {
        other.build_read_rows();
        self.build_read_rows();
        self.built.append(&mut other.built);
        self.rows_built += other.rows_built;
        for ((_, mine), (_, theirs)) in self.scans.iter_mut().zip(other.scans) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.header_findings.iter_mut().zip(other.header_findings) {
            mine.2 += theirs.2;
            mine.3.extend(theirs.3);
            mine.3.sort_unstable();
            mine.3.truncate(guard::ROWS_SHOWN);
        }
        for (key, tally) in other.unknown {
            let mine = self.unknown.entry(key).or_insert(UnknownTally {
                count: 0,
                rows: Vec::new(),
            });
            mine.count += tally.count;
            mine.rows.extend(tally.rows);
            mine.rows.sort_unstable();
            mine.rows.truncate(5);
        }
        self.keys_seen.extend(other.keys_seen);
        self.key_hashes.extend(other.key_hashes);
        self.rows_accepted += other.rows_accepted;
        self.birth_year_without_quarter |= other.birth_year_without_quarter;
        report.absorb(other_report);
    }

    fn cell<'r>(
        &self,
        record: &Cells<'r>,
        col: usize,
        row: u64,
        field: &str,
        report: &mut Report,
    ) -> &'r str {
        let raw = trimmed(record.get(col).unwrap_or(""));
        if looks_like_formula(raw) {
            report.error(
                Some(row),
                Some(&self.labels[col]),
                Some(field),
                "formula-cell",
                "this cell starts like a spreadsheet formula (=, +, - or @); safecount never evaluates formulas. Export values only (in Excel: copy, then paste as values)".into(),
            );
            return "";
        }
        raw
    }

    fn tally_unknown(&mut self, field: usize, col: usize, value: &str, row: u64) {
        let tally = self
            .unknown
            .entry((field, col, value.to_string()))
            .or_insert(UnknownTally {
                count: 0,
                rows: Vec::new(),
            });
        tally.count += 1;
        if tally.rows.len() < 5 {
            tally.rows.push(row);
        }
    }

    fn derive(&mut self, row: u64, record: &Cells, report: &mut Report) -> Derived {
        let mut d = Derived::default();
        // Quarter: a quarter column (read with the fields), a date, or the submission's quarter.
        if let Some(col) = self.gz.date {
            let raw = self.cell(record, col, row, "quarter", report);
            if raw.is_empty() {
                report.error(
                    Some(row),
                    Some(&self.labels[col]),
                    Some("quarter"),
                    "constraint-error",
                    "the date is empty; every row needs the date that places it in a quarter"
                        .into(),
                );
            } else {
                match parse_date(raw, &self.gz.date_format) {
                    Ok(date) => d.quarter = Some(quarter_of(date)),
                    Err(DateProblem::NoSuchDay) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        "constraint-error",
                        "this day does not exist in the calendar (for example 30 February or 31 April): check the day and the month".into(),
                    ),
                    Err(DateProblem::Format) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        "type-error",
                        format!("the date is not in the profile's format {} (set `date_format` in the profile)", self.gz.date_format),
                    ),
                }
            }
        }
        let quarter_year = d
            .quarter
            .as_deref()
            .or(self.quarter_option.as_deref())
            .and_then(parse_quarter)
            .map(|(y, _)| y);
        let age = |pass: &Self, col: usize, field: &str, report: &mut Report| -> Option<u32> {
            let raw = pass.cell(record, col, row, field, report);
            if raw.is_empty() {
                return None;
            }
            match parse_int(raw) {
                Some(a) if (0..=120).contains(&a) => Some(a as u32),
                _ => {
                    report.error(
                        Some(row),
                        Some(&pass.labels[col]),
                        Some(field),
                        "type-error",
                        "an age must be a whole number of years from 0 to 120".into(),
                    );
                    None
                }
            }
        };
        if let Some(col) = self.gz.age {
            d.age_band = Some(
                age(self, col, "age_band", report)
                    .map(codes::age_band_for)
                    .unwrap_or("not_collected"),
            );
        }
        if let Some(col) = self.gz.age_at_recruitment {
            d.minor = Some(match age(self, col, "minor_at_recruitment", report) {
                Some(a) if a < 18 => "yes",
                Some(_) => "no",
                None => "not_collected",
            });
        }
        if let Some(col) = self.gz.birth_year {
            let raw = self.cell(record, col, row, "age_band", report);
            d.age_band = Some("not_collected");
            if !raw.is_empty() {
                match (parse_int(raw), quarter_year) {
                    (Some(by), Some(year)) if (1900..=year as i64).contains(&by) => {
                        d.age_band = Some(codes::age_band_for((year as i64 - by) as u32));
                    }
                    (Some(_), None) => self.birth_year_without_quarter = true,
                    _ => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("age_band"),
                        "type-error",
                        "a birth year must be a four-digit year not after the reporting quarter"
                            .into(),
                    ),
                }
            }
        }
        if let Some(col) = self.gz.postal {
            let raw = self.cell(record, col, row, "fsa", report);
            let compact: String = raw
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect::<String>()
                .to_uppercase();
            if !compact.is_empty() {
                let fsa = compact.get(..3).unwrap_or("");
                let ok = codes::is_fsa(fsa) && (compact.len() == 3 || compact.len() == 6);
                if ok {
                    d.fsa_province = codes::province_of_fsa(fsa);
                    d.fsa = Some(fsa.to_string());
                } else {
                    report.error(Some(row), Some(&self.labels[col]), Some("fsa"), "constraint-error", "this is not a Canadian postal code (letter digit letter, digit letter digit)".into());
                }
            }
        }
        d
    }

    fn row(&mut self, row: u64, record: &Cells, report: &mut Report) {
        let mut derived = self.derive(row, record, report);
        let mut row_quarter: Option<Cow<str>> = derived.quarter.take().map(Cow::Owned);
        let mut row_province: Option<&'static str> = None;
        let mut plans = std::mem::take(&mut self.plans);
        for (fi, plan) in plans.iter_mut().enumerate() {
            let name = plan.def.name;
            match (&mut plan.source, &mut plan.builder) {
                (_, Builder::Keys(out)) => {
                    let value = self
                        .person_key
                        .map(|col| self.cell(record, col, row, name, report));
                    match value {
                        Some("") => report.error(Some(row), self.person_key.map(|c| self.labels[c].as_str()), Some(name), "constraint-error", "the person key is empty; every row needs the agency's pseudonym for the person".into()),
                        Some(k) if !is_pseudonym(k) => report.error(
                            Some(row),
                            self.person_key.map(|c| self.labels[c].as_str()),
                            Some(name),
                            "constraint-error",
                            "the person key does not look like a pseudonym (12 to 128 letters, digits, - or _); send the keyed hash, never a name or file number".into(),
                        ),
                        _ => {}
                    }
                    out.push(value);
                }
                (_, Builder::Text(out)) if name == "agency" => {
                    out.push(Some(&self.profile.agency.slug))
                }
                (source, Builder::Text(out)) if name == "quarter" => {
                    let from_column = match source {
                        Source::Text { col } => {
                            let raw = self.cell(record, *col, row, name, report);
                            match parse_quarter(raw) {
                                // Already as safecount writes it (upper-case Q): kept as is.
                                Some(_) if raw.as_bytes()[4] == b'Q' => Some(Cow::Borrowed(raw)),
                                Some((y, q)) => Some(Cow::Owned(format_quarter(y, q))),
                                None => {
                                    report.error(
                                        Some(row),
                                        Some(&self.labels[*col]),
                                        Some(name),
                                        "type-error",
                                        "a quarter must be written YYYYQn, e.g. 2025Q3".into(),
                                    );
                                    None
                                }
                            }
                        }
                        _ => None,
                    };
                    let q = from_column
                        .or(row_quarter.take())
                        .or_else(|| self.quarter_option.clone().map(Cow::Owned));
                    if let (Some(given), Some(q)) = (&self.quarter_option, &q) {
                        if given.as_str() != q.as_ref() {
                            report.error(Some(row), None, Some(name), "constraint-error", format!("this row belongs to {q}, but the file is being submitted for {given}; submit one file per quarter"));
                        }
                    }
                    out.push(q.as_deref());
                    row_quarter = q;
                }
                (source, Builder::Text(out)) if name == "fsa" => {
                    let value = match source {
                        Source::Text { col } => {
                            let raw = self.cell(record, *col, row, name, report);
                            let raw: Cow<str> = if raw
                                .bytes()
                                .any(|b| !b.is_ascii_uppercase() && !b.is_ascii_digit())
                            {
                                Cow::Owned(raw.to_uppercase())
                            } else {
                                Cow::Borrowed(raw)
                            };
                            if raw.is_empty() {
                                None
                            } else if codes::is_fsa(&raw) {
                                Some(raw)
                            } else {
                                report.error(
                                    Some(row),
                                    Some(&self.labels[*col]),
                                    Some(name),
                                    "constraint-error",
                                    "a forward sortation area is letter, digit, letter (e.g. R3C)"
                                        .into(),
                                );
                                None
                            }
                        }
                        _ => derived.fsa.clone().map(Cow::Owned),
                    };
                    out.push(value.as_deref());
                }
                (Source::Text { .. } | Source::Default, Builder::Text(out)) => out.push(None),
                (source, Builder::Codes(out)) => {
                    let derived_value = match name {
                        "age_band" => derived.age_band,
                        "minor_at_recruitment" => derived.minor,
                        _ => None,
                    };
                    // The code, and the mapper's hit for it when there is one.
                    let (code, hit) = if let Some(v) = derived_value {
                        (v, None)
                    } else {
                        match source {
                            Source::Constant(c) => (*c, None),
                            Source::Code { col, mapper, empty } => {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    (*empty, None)
                                } else {
                                    match mapper.lookup(raw) {
                                        Some(Hit {
                                            mapped: Mapped::Code(c),
                                            slot,
                                            ..
                                        }) => (c, Some((mapper.list, slot))),
                                        _ => {
                                            let col = *col;
                                            self.tally_unknown(fi, col, raw, row);
                                            ("not_collected", None)
                                        }
                                    }
                                }
                            }
                            _ => ("not_collected", None),
                        }
                    };
                    if name == "province" {
                        row_province = Some(code);
                    }
                    match hit {
                        Some((list, slot)) => out.push_hit(list, code, slot),
                        None => out.push(Some(code)),
                    }
                }
                (source, Builder::Bools(out)) => {
                    // The codes present, one bit each; the set is unknown unless some item is known.
                    let mut present = 0u32;
                    let mut any_known = false;
                    match source {
                        Source::Set { col, sep, mapper } => {
                            let raw = self.cell(record, *col, row, name, report);
                            for item in split_items(raw, sep).map(trimmed).filter(|s| !s.is_empty())
                            {
                                match mapper.lookup(item) {
                                    Some(hit) if hit.is_missing() => {}
                                    Some(hit) => {
                                        any_known = true;
                                        if let Some(i) = hit.index {
                                            present |= 1 << i;
                                        }
                                    }
                                    None => {
                                        any_known = true;
                                        let (col, item) = (*col, item.to_string());
                                        self.tally_unknown(fi, col, &item, row);
                                    }
                                }
                            }
                        }
                        Source::Flags { cols } => {
                            for (col, code) in cols.iter() {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    continue;
                                }
                                let f = fold(raw);
                                if self.truthy.contains(&f) {
                                    present |= 1 << *code;
                                    any_known = true;
                                } else if self.falsy.contains(&f) {
                                    any_known = true;
                                } else {
                                    report.error(Some(row), Some(&self.labels[*col]), Some(name), "type-error", format!("a flag column holds yes/no: use one of {} or {} (or set `truthy` / `falsy` in the profile)", self.truthy.join(", "), self.falsy.join(", ")));
                                }
                            }
                        }
                        _ => {}
                    }
                    let known = if any_known { u32::MAX } else { 0 };
                    out.push(present, known);
                }
                (source, Builder::Services { needed, status }) => {
                    let n = status.len();
                    // Needed: one bit per category, and whether it is known (all are, unless a cell says the need is unknown).
                    let (mut need, mut known) = (0u32, 0u32);
                    // Each category's status, with its slot when a mapper gave it.
                    let mut stat: [Option<(&'static str, u8)>; 16] = [None; 16];
                    match source {
                        Source::ServicesWide {
                            cols,
                            status: mapper,
                        } => {
                            known = u32::MAX;
                            for (col, cat) in cols.iter() {
                                let raw = self.cell(record, *col, row, name, report);
                                if raw.is_empty() {
                                    continue;
                                }
                                match mapper.lookup(raw) {
                                    Some(Hit {
                                        mapped: Mapped::NoneOf,
                                        ..
                                    }) => {}
                                    Some(hit) if hit.is_missing() => known &= !(1 << *cat),
                                    Some(Hit {
                                        mapped: Mapped::Code(c),
                                        slot,
                                        ..
                                    }) => {
                                        need |= 1 << *cat;
                                        stat[*cat] = Some((c, slot));
                                    }
                                    None => {
                                        let col = *col;
                                        self.tally_unknown(fi, col, raw, row);
                                    }
                                }
                            }
                        }
                        Source::ServicesLong {
                            cat_col,
                            status_col,
                            cat,
                            status: mapper,
                        } => {
                            known = u32::MAX;
                            let raw_cat = self.cell(record, *cat_col, row, name, report);
                            let raw_status = self.cell(record, *status_col, row, name, report);
                            if !raw_cat.is_empty() {
                                let c = match cat.map(raw_cat) {
                                    Some(Mapped::Code(c)) => cat.list.index(c),
                                    _ => {
                                        let col = *cat_col;
                                        self.tally_unknown(fi, col, raw_cat, row);
                                        None
                                    }
                                };
                                let s = match mapper.map(raw_status) {
                                    _ if raw_status.is_empty() => None,
                                    Some(Mapped::Code(s)) => Some(s),
                                    Some(Mapped::NoneOf) => None,
                                    None => {
                                        let col = *status_col;
                                        self.tally_unknown(fi, col, raw_status, row);
                                        None
                                    }
                                };
                                if let Some(c) = c {
                                    need |= 1 << c;
                                    stat[c] = s
                                        .filter(|s| !codes::MISSING.contains(s))
                                        .map(|s| (s, CodeColumn::NULL));
                                }
                            }
                        }
                        _ => {}
                    }
                    needed.push(need, known);
                    for i in 0..n {
                        match stat[i] {
                            Some((code, slot)) => {
                                status[i].push_hit(&codes::SERVICE_STATUS, code, slot)
                            }
                            None => status[i].push(None),
                        }
                    }
                }
                (source, Builder::Ints(out)) => {
                    let value = match source {
                        Source::Integer { col, dollars, max } => {
                            let raw = self.cell(record, *col, row, name, report);
                            if raw.is_empty() {
                                None
                            } else {
                                let parsed = if *dollars {
                                    parse_dollars(raw)
                                } else {
                                    parse_int(raw)
                                };
                                match parsed {
                                    Some(v) if v < 0 => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            "constraint-error",
                                            "this number cannot be negative".into(),
                                        );
                                        None
                                    }
                                    Some(v) if max.is_some_and(|m| v > m) => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            "constraint-error",
                                            format!(
                                                "this number is larger than the most allowed ({})",
                                                max.unwrap_or(0)
                                            ),
                                        );
                                        None
                                    }
                                    Some(v) => Some(v),
                                    None if is_numeral(raw) => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            "constraint-error",
                                            "this number is far too large to be right; check the cell (a pasted identifier or a number in the wrong column?)".into(),
                                        );
                                        None
                                    }
                                    None => {
                                        let unit = if *dollars {
                                            "an amount in dollars (e.g. 12500.00)"
                                        } else {
                                            "a whole number"
                                        };
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            "type-error",
                                            format!("this cell must hold {unit}"),
                                        );
                                        None
                                    }
                                }
                            }
                        }
                        _ => None,
                    };
                    out.push(value);
                }
                (source, Builder::Floats(out)) => {
                    let value = match source {
                        Source::Decimal { col, max } => {
                            let raw = self.cell(record, *col, row, name, report);
                            if raw.is_empty() {
                                None
                            } else {
                                match raw.replace(',', ".").parse::<f64>() {
                                    Ok(v) if v.is_finite() && v >= 0.0 && v <= *max => Some(v),
                                    _ => {
                                        report.error(
                                            Some(row),
                                            Some(&self.labels[*col]),
                                            Some(name),
                                            "type-error",
                                            format!("this cell must hold a number from 0 to {max}"),
                                        );
                                        None
                                    }
                                }
                            }
                        }
                        _ => None,
                    };
                    out.push(value);
                }
                (_, Builder::Text(out)) => out.push(None),
            }
        }
        self.plans = plans;
        // The FSA's first letter must agree with the province.
        if let (Some(fp), Some(p)) = (derived.fsa_province, row_province) {
            if codes::PROVINCE.contains(p) && fp != p {
                report.error(
                    Some(row),
                    None,
                    Some("province"),
                    "constraint-error",
                    format!(
                        "the postal code is in {fp} but the province says {p}; correct one of them"
                    ),
                );
            }
        }
        if derived.fsa_province.is_some()
            && row_province.is_some_and(|p| !codes::PROVINCE.contains(p))
        {
            // Province unknown in the file: the postal code settles it.
            if let Some(plan) = self.plans.iter_mut().find(|p| p.def.name == "province") {
                if let (Builder::Codes(out), Some(p)) = (&mut plan.builder, derived.fsa_province) {
                    out.set_last(p);
                }
            }
        }
        // Several rows of one person are merged later; rows of one quarter of a return are not.
        let key = match self.kind {
            ExtractKind::Cases => self.person_key.and_then(|c| record.get(c)).map(str::trim),
            ExtractKind::Returns => Some(""),
        };
        if let Some(key) = key {
            use std::hash::BuildHasher;
            let hash = self.key_hasher.hash_one((key, row_quarter.as_deref()));
            match self.kind {
                // Found by sorting once all rows are read: a set of a million
                // hashes would cost a cache miss per row.
                ExtractKind::Cases => self.key_hashes.push(hash),
                ExtractKind::Returns => {
                    if !self.keys_seen.insert(hash) {
                        report.error(
                            Some(row),
                            None,
                            Some("quarter"),
                            "constraint-error",
                            "a second row for the same quarter: a return has one row per quarter"
                                .into(),
                        );
                    }
                }
            }
        }
        self.rows_accepted += 1;
    }

    fn finish(mut self, report: &mut Report) -> Option<DataFrame> {
        self.build_read_rows();
        let Pass {
            plans,
            built,
            scans,
            header_findings,
            unknown,
            labels,
            mut key_hashes,
            kind,
            birth_year_without_quarter,
            ..
        } = self;
        // Identifier findings: by column name first, then by values.
        let mut flagged: HashSet<(usize, IdentifierKind)> = HashSet::new();
        for (col, kind, count, rows) in header_findings {
            flagged.insert((col, kind));
            report.identifiers.push(IdentifierReport {
                column: labels[col].clone(),
                kind,
                description: kind.describe(),
                detected_by: "column name",
                rows,
                count,
                fix: kind.fix(),
            });
        }
        for (col, scan) in &scans {
            for Finding {
                kind, rows, count, ..
            } in scan.findings()
            {
                if flagged.insert((*col, kind)) {
                    report.identifiers.push(IdentifierReport {
                        column: labels[*col].clone(),
                        kind,
                        description: kind.describe(),
                        detected_by: "values",
                        rows,
                        count,
                        fix: kind.fix(),
                    });
                }
            }
        }
        // Unknown codes, each once; a spelling that looks like personal data is withheld and reported as such.
        let mut unknown: Vec<_> = unknown.into_iter().collect();
        unknown.sort_by(|a, b| (a.0.0, a.0.1, a.1.rows[0]).cmp(&(b.0.0, b.0.1, b.1.rows[0])));
        for ((fi, col, value), tally) in unknown {
            let plan = &plans[fi];
            let list = plan.def.code_list().unwrap_or(&codes::SERVICE_CATEGORY);
            let detected = guard::detect(&value);
            let table = format!(
                "{}.fields.{}.{}",
                kind.as_str(),
                plan.def.name,
                match &plan.source {
                    Source::ServicesLong { cat_col, .. } if *cat_col == col => "category_values",
                    Source::ServicesLong { .. } | Source::ServicesWide { .. } => "status_values",
                    _ => "values",
                }
            );
            let mapper = match &plan.source {
                Source::Code { mapper, .. } | Source::Set { mapper, .. } => Some(mapper),
                Source::ServicesWide { status, .. } => Some(status),
                Source::ServicesLong {
                    cat_col,
                    cat,
                    status,
                    ..
                } => Some(if *cat_col == col { cat } else { status }),
                _ => None,
            };
            if let Some((id_kind, _)) = detected {
                report.identifiers.push(IdentifierReport {
                    column: labels[col].clone(),
                    kind: id_kind,
                    description: id_kind.describe(),
                    detected_by: "values",
                    rows: tally.rows.clone(),
                    count: tally.count,
                    fix: id_kind.fix(),
                });
                continue;
            }
            report
                .error_counts
                .entry("unknown-code")
                .and_modify(|n| *n += tally.count)
                .or_insert(tally.count);
            if report.unknown_codes.len() >= MAX_UNKNOWN_LISTED {
                report.unknown_codes_not_listed += 1;
                continue;
            }
            let suggestion = mapper.and_then(|m| m.suggest(&value));
            let allowed: Vec<&'static str> = mapper
                .map(|m| m.list.codes.to_vec())
                .unwrap_or_else(|| list.codes.to_vec());
            // Shown only when it looks like a code; anything else might be a
            // name or a note typed into the wrong column, and is withheld.
            let shown = guard::looks_like_code(&value, suggestion.is_some()).then_some(value);
            report.unknown_codes.push(UnknownCode {
                field: plan.def.name.to_string(),
                column: labels[col].clone(),
                profile_line: shown.as_ref().map(|value| {
                    format!(
                        "\"{}\" = \"{}\"",
                        value.replace('"', "\\\""),
                        suggestion.unwrap_or("<one of the allowed codes>")
                    )
                }),
                value: shown,
                count: tally.count,
                rows: tally.rows,
                profile_table: table,
                allowed,
            });
        }
        if birth_year_without_quarter {
            report.error(None, None, Some("age_band"), "constraint-error", "birth years can only be turned into age bands when the quarter is known: give --quarter".into());
        }
        if report.rows_read == 0 {
            return None;
        }
        let mut frames = built.into_iter();
        let mut df = match frames.next() {
            Some(frame) => frame.ok()?,
            None => {
                let defs: Vec<&FieldDef> = plans.iter().map(|p| p.def).collect();
                build_frame(&defs, plans.into_iter().map(|p| p.builder).collect()).ok()?
            }
        };
        for frame in frames {
            df.vstack_mut_owned(frame.ok()?).ok()?;
        }
        key_hashes.sort_unstable();
        let duplicates = key_hashes.windows(2).any(|w| w[0] == w[1]);
        let df = if duplicates && kind == ExtractKind::Cases {
            merge_people(df, report)
        } else {
            Some(df)
        };
        if let Some(df) = &df {
            report.records = df.height() as u64;
            if df
                .column("quarter")
                .is_ok_and(|q| q.null_count() == df.height())
            {
                report.warnings.push(
                    "the file has no quarter column or date: give --quarter when submitting".into(),
                );
            }
        }
        df
    }
}

/// Turn the builders of `defs` into canonical columns, built in parallel.
fn build_frame(defs: &[&FieldDef], builders: Vec<Builder>) -> PolarsResult<DataFrame> {
    use rayon::prelude::*;
    let columns: Vec<Vec<Column>> = defs
        .par_iter()
        .zip(builders)
        .map(|(def, builder)| {
            let name = def.name;
            match builder {
                Builder::Codes(v) => vec![v.into_column(name)],
                Builder::Keys(v) => vec![v.into_column(name)],
                Builder::Text(v) => vec![v.into_column(name)],
                Builder::Ints(v) => vec![Column::new(name.into(), v)],
                Builder::Floats(v) => vec![Column::new(name.into(), v)],
                Builder::Bools(v) => {
                    let list = def.code_list().expect("set field has a code list");
                    v.into_columns(list.codes.iter().map(|code| fields::set_column(name, code)))
                }
                Builder::Services { needed, status } => {
                    let categories = codes::SERVICE_CATEGORY.codes;
                    let needed = needed
                        .into_columns(categories.iter().map(|c| fields::service_columns(c).0));
                    let status = categories
                        .iter()
                        .zip(status)
                        .map(|(c, s)| s.into_column(&fields::service_columns(c).1));
                    // Each category's two columns side by side, as the canonical schema orders them.
                    needed
                        .into_iter()
                        .zip(status)
                        .flat_map(|(n, s)| [n, s])
                        .collect()
                }
            }
        })
        .collect();
    DataFrame::new(columns.into_iter().flatten().collect())
}

fn not_missing(c: Expr) -> Expr {
    codes::MISSING
        .codes
        .iter()
        .fold(c.clone().is_not_null(), |acc, m| {
            acc.and(c.clone().neq(lit(*m)))
        })
}

/// Merge several rows of one person in one quarter into one record: sets
/// united (unknown only when no row knows), services combined (the most
/// complete status kept), nights summed (at most 92), tri-states "yes" when
/// any row says yes, other codes the last known value.
fn merge_people(df: DataFrame, report: &mut Report) -> Option<DataFrame> {
    let mut aggs = Vec::new();
    let identity = ["gender", "age_band", "citizenship"];
    for def in crate::schema::fields::CASE_FIELDS {
        let c = || col(def.name);
        match def.kind {
            FieldKind::PersonKey | FieldKind::Quarter => {}
            FieldKind::Agency | FieldKind::Fsa => {
                aggs.push(c().drop_nulls().last().alias(def.name))
            }
            FieldKind::Code(_) if def.is_tri_state() => aggs.push(
                when(c().eq(lit("yes")).any(true))
                    .then(lit("yes"))
                    .when(c().eq(lit("no")).any(true))
                    .then(lit("no"))
                    .otherwise(c().filter(not_missing(c())).first())
                    .fill_null(c().first())
                    .alias(def.name),
            ),
            FieldKind::Code(_) => {
                aggs.push(
                    c().filter(not_missing(c()))
                        .last()
                        .fill_null(c().first())
                        .alias(def.name),
                );
                if identity.contains(&def.name) {
                    aggs.push(
                        c().filter(not_missing(c()))
                            .n_unique()
                            .gt(lit(1))
                            .alias(format!("__conflict__{}", def.name)),
                    );
                }
            }
            FieldKind::Set(list) => {
                for code in list.codes {
                    let name = fields::set_column(def.name, code);
                    aggs.push(col(&name).max().alias(&name));
                }
            }
            FieldKind::Services => {
                for cat in codes::SERVICE_CATEGORY.codes {
                    let (n, s) = fields::service_columns(cat);
                    aggs.push(col(&n).max().alias(&n));
                    // The most complete status any row gives (received first).
                    let mut best = lit(NULL).cast(DataType::String);
                    for status in codes::SERVICE_STATUS.codes.iter().rev() {
                        best = when(col(&s).eq(lit(*status)).any(true))
                            .then(lit(*status))
                            .otherwise(best);
                    }
                    aggs.push(best.alias(&s));
                }
            }
            FieldKind::Count { max } => aggs.push(
                when(c().count().gt(lit(0)))
                    .then(
                        when(c().sum().gt(lit(max)))
                            .then(lit(max))
                            .otherwise(c().sum()),
                    )
                    .otherwise(lit(NULL).cast(DataType::Int64))
                    .alias(def.name),
            ),
            FieldKind::Cents | FieldKind::Decimal { .. } => aggs.push(c().sum().alias(def.name)),
        }
    }
    let merged = df
        .lazy()
        .group_by_stable([col("person_key"), col("quarter")])
        .agg(aggs)
        .collect();
    let mut merged = match merged {
        Ok(m) => m,
        Err(e) => {
            report.error(
                None,
                None,
                None,
                "merge-error",
                format!("rows of the same person could not be merged ({e})"),
            );
            return None;
        }
    };
    for field in identity {
        let name = format!("__conflict__{field}");
        if let Ok(c) = merged.column(&name) {
            let n = c.as_materialized_series().sum::<u32>().unwrap_or(0);
            if n > 0 {
                report.warnings.push(format!(
                    "{n} people have rows that disagree on {field}; the last known value was kept. Check the source system"
                ));
            }
            let _ = merged.drop_in_place(&name);
        }
    }
    let order: Vec<PlSmallStr> = crate::schema::canonical_schema(ExtractKind::Cases)
        .iter_names()
        .cloned()
        .collect();
    merged.select(order).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_in_english_and_french_forms() {
        assert_eq!(parse_dollars("12,500.50"), Some(1_250_050));
        assert_eq!(parse_dollars("12 500,50 $"), Some(1_250_050));
        assert_eq!(parse_dollars("$1,200"), Some(120_000));
        assert_eq!(parse_dollars("7"), Some(700));
        assert_eq!(parse_dollars("1.234"), None);
        assert_eq!(parse_dollars("abc"), None);
    }

    #[test]
    fn formulas_are_recognised_but_negative_numbers_are_not() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")"));
        assert!(looks_like_formula("@SUM(A1)"));
        assert!(looks_like_formula("+cmd"));
        assert!(!looks_like_formula("-5"));
        assert!(!looks_like_formula("woman"));
    }

    #[test]
    fn pseudonyms_are_long_opaque_tokens() {
        assert!(is_pseudonym("a1b2c3d4e5f6a7b8"));
        assert!(!is_pseudonym("2024-0153"));
        assert!(!is_pseudonym("Maria Santos"));
    }

    #[test]
    fn dates_become_quarters() {
        let d = parse_date("15/08/2025", "%d/%m/%Y").unwrap();
        assert_eq!(quarter_of(d), "2025Q3");
        assert_eq!(
            quarter_of(parse_date("2025-01-01T10:00", "%d/%m/%Y").unwrap()),
            "2025Q1"
        );
    }

    #[test]
    fn an_impossible_day_is_not_called_a_format_problem() {
        assert_eq!(
            parse_date("2025-02-30", "%Y-%m-%d"),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            parse_date("31/04/2025", "%d/%m/%Y"),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(parse_date("Feb 3rd", "%d/%m/%Y"), Err(DateProblem::Format));
    }

    #[test]
    fn a_number_too_large_is_still_a_number() {
        assert!(parse_int("123456789012345678901234").is_none());
        assert!(is_numeral("123456789012345678901234"));
        assert!(is_numeral("$1,000,000,000,000,000,000,000.00"));
        assert!(!is_numeral("twelve"));
        assert!(!is_numeral("12 beds"));
    }
}
