//! `safecount key`, run at the agency: pair each extract row with the
//! person's row in the agency's identity export, replace the person key with
//! the collaborative key ([`crate::linkage`]), and write the extract without
//! any identity column, ready for `validate` and `submit`.
//!
//! Rows pair by the profile's `[linkage] join` column (e.g. the agency's
//! file number, found in both files; it is removed from the output), or by
//! position when there is none, in which case both files must have the same
//! number of rows. Anything that does not line up is refused before a file
//! is written. A person without a usable name or date of birth gets an
//! agency-scoped key made from the agency's own reference (the join value or
//! its person key), never a guessed one; a row without such a reference is
//! refused, naming the row, since a row number keys one person on two rows
//! as two. No message names an identity
//! value: only files, columns, row numbers and counts.

use super::profile::{ExtractProfile, FileFormat, LinkageProfile, Profile};
use super::read::{self, ReadError, ReadOptions};
use super::write::{ExtractWriter, WriteError};
use crate::i18n::Message;
use crate::linkage::{Keyer, Secret, normalise_birth_date, normalise_name};
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

/// Which of the two input files a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Extract,
    Identity,
}

impl Role {
    fn id(self) -> &'static str {
        match self {
            Role::Extract => "key-role-extract",
            Role::Identity => "key-role-identity",
        }
    }
}

/// Why an extract could not be keyed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the profile {} has no [linkage] section", profile.display())]
    NoLinkage { profile: PathBuf },
    #[error("{role:?} {}: {source}", file.display())]
    Read {
        role: Role,
        file: PathBuf,
        source: ReadError,
    },
    #[error("{role:?} {} has no column {column:?}", file.display())]
    MissingColumn {
        role: Role,
        file: PathBuf,
        column: String,
    },
    #[error("the extract has {extract} rows and the identity export {identity}")]
    RowCounts { extract: u64, identity: u64 },
    #[error("{rows} extract rows (first: row {first}) have a join value found in no identity row")]
    Unmatched { rows: u64, first: u64 },
    #[error(
        "identity rows {first} and {second} share a join value but not a name and date of birth"
    )]
    Ambiguous { first: u64, second: u64 },
    #[error(
        "extract row {row} has no usable name or date of birth and no reference of the agency's own (join value or person key) to key it by"
    )]
    NoReference { row: u64 },
    #[error("the output {} would replace an input file", out.display())]
    OverInput { out: PathBuf },
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl KeyError {
    /// The error as a catalogue message: what is wrong and what to do.
    pub fn message(&self) -> Message {
        let file = |p: &Path| p.display().to_string();
        match self {
            KeyError::NoLinkage { profile } => {
                Message::new("key-no-linkage").with("profile", file(profile))
            }
            KeyError::Read {
                role,
                file: f,
                source,
            } => Message::new("key-read")
                .with("role", Message::new(role.id()))
                .with("file", file(f))
                .with("detail", source.message()),
            KeyError::MissingColumn {
                role,
                file: f,
                column,
            } => Message::new("key-missing-column")
                .with("role", Message::new(role.id()))
                .with("file", file(f))
                .with("column", column.as_str()),
            KeyError::RowCounts { extract, identity } => Message::new("key-row-counts")
                .with("extract", *extract)
                .with("identity", *identity),
            KeyError::Unmatched { rows, first } => Message::new("key-unmatched")
                .with("rows", *rows)
                .with("first", *first),
            KeyError::Ambiguous { first, second } => Message::new("key-ambiguous")
                .with("first", *first)
                .with("second", *second),
            KeyError::NoReference { row } => Message::new("key-no-reference").with("row", *row),
            KeyError::OverInput { out } => Message::new("key-over-input").with("file", file(out)),
            KeyError::Write(e) => Message::new("key-write")
                .with("file", file(&e.path))
                .with("detail", e.message.as_str()),
        }
    }

    /// The process exit code (sysexits, as [`crate::exit`]).
    pub fn exit_code(&self) -> i32 {
        use crate::exit::*;
        match self {
            KeyError::NoLinkage { .. } => CONFIG,
            KeyError::Read {
                source: ReadError::Missing(_),
                ..
            } => NO_INPUT,
            KeyError::Write(_) => IO,
            KeyError::OverInput { .. } => USAGE,
            _ => DATA,
        }
    }
}

/// What keying did, in counts only.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KeySummary {
    /// The epoch fingerprint of the secret used.
    pub epoch: String,
    /// Extract rows written.
    pub rows: u64,
    /// Rows keyed by name and date of birth (linkable across agencies).
    pub linked_rows: u64,
    /// Rows given an agency-scoped key, and why.
    pub agency_scoped_rows: u64,
    pub without_birth_date: u64,
    pub unreadable_birth_date: u64,
    pub without_name: u64,
    /// The column the keys are in.
    pub person_key_column: String,
    /// Identity columns left out of the output (names only, never values).
    pub removed_columns: Vec<String>,
}

/// What `safecount key` does, given its files.
pub struct KeyJob<'a> {
    pub extract: &'a Path,
    pub identity: &'a Path,
    pub profile: &'a Profile,
    pub secret: &'a Secret,
    pub out: &'a Path,
    /// Dates of birth after this day are unreadable.
    pub today: chrono::NaiveDate,
}

/// How one identity row keys its person.
#[derive(Clone, PartialEq)]
enum Identity {
    /// Name and date of birth: the collaborative key.
    Linked(String),
    /// No usable name or date of birth: an agency-scoped key, made from the extract row's reference.
    Scoped,
}

/// Why an identity row could not be linked.
#[derive(Clone, Copy)]
enum Unlinked {
    NoBirthDate,
    UnreadableBirthDate,
    NoName,
}

/// The identity export, read and keyed: per row, its join value and its identity.
struct Identities {
    rows: Vec<(u64, String, Identity)>,
    unlinked: Vec<Unlinked>,
}

fn identity_section(linkage: &LinkageProfile, path: &Path) -> ExtractProfile {
    let mut section: ExtractProfile = toml::from_str("").expect("every setting has a default");
    section.format = match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("xlsx") => FileFormat::Xlsx,
        Some("parquet") => FileFormat::Parquet,
        _ => FileFormat::Csv,
    };
    section.encoding = linkage.encoding;
    section.sheet = linkage.sheet.clone();
    section
}

fn column(headers: &[String], name: &str, role: Role, file: &Path) -> Result<usize, KeyError> {
    let wanted = crate::text::fold(name);
    headers
        .iter()
        .position(|h| crate::text::fold(h) == wanted)
        .ok_or_else(|| KeyError::MissingColumn {
            role,
            file: file.into(),
            column: name.to_string(),
        })
}

fn read_identities(job: &KeyJob, linkage: &LinkageProfile) -> Result<Identities, KeyError> {
    let read_err = |source| KeyError::Read {
        role: Role::Identity,
        file: job.identity.into(),
        source,
    };
    let section = identity_section(linkage, job.identity);
    let source = read::open(job.identity, &section, &ReadOptions::default()).map_err(read_err)?;
    let headers = source.headers().to_vec();
    let at = |name: &str| column(&headers, name, Role::Identity, job.identity);
    let names: Vec<usize> = linkage
        .names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| at(n))
        .collect::<Result<_, _>>()?;
    let birth = at(&linkage.date_of_birth)?;
    let join = linkage.join.as_deref().map(at).transpose()?;
    let keyer = job.secret.keyer();
    let format = linkage.date_format.as_deref();
    let identity_of = |record: &csv::StringRecord| {
        let cell = |i: usize| record.get(i).unwrap_or("");
        let birth = cell(birth);
        match (
            normalise_name(names.iter().map(|i| cell(*i))),
            birth.trim().is_empty(),
            normalise_birth_date(birth, format, job.today),
        ) {
            (_, true, _) => Err(Unlinked::NoBirthDate),
            (_, false, None) => Err(Unlinked::UnreadableBirthDate),
            (None, _, _) => Err(Unlinked::NoName),
            (Some(name), false, Some(date)) => Ok(Identity::Linked(keyer.person(&name, &date))),
        }
    };
    // Chunks of rows are keyed on every core while the next are read.
    let mut out = Identities {
        rows: Vec::new(),
        unlinked: Vec::new(),
    };
    let mut keyed = Vec::new();
    for_each_chunk(source, read_err, |chunk| {
        chunk
            .par_iter()
            .map(|(row, record)| {
                let join = join.and_then(|j| record.get(j)).unwrap_or("").trim();
                (*row, join.to_string(), identity_of(record))
            })
            .collect_into_vec(&mut keyed);
        for (row, join, identity) in keyed.drain(..) {
            let identity = identity.unwrap_or_else(|why| {
                out.unlinked.push(why);
                Identity::Scoped
            });
            out.rows.push((row, join, identity));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Where the keyed extract's columns come from: the extract's columns kept
/// (in order), the person-key column (replaced in place, or appended), and
/// the join column.
struct Columns {
    /// Output column names.
    names: Vec<String>,
    kept: Vec<usize>,
    key_at: Option<usize>,
    join_at: Option<usize>,
    /// Names of the identity and join columns left out.
    removed: Vec<String>,
}

fn output_columns(
    headers: &[String],
    key_column: &str,
    linkage: &LinkageProfile,
    extract: &Path,
) -> Result<Columns, KeyError> {
    let find = |name: &str| {
        let wanted = crate::text::fold(name);
        headers.iter().position(|h| crate::text::fold(h) == wanted)
    };
    let key_at = find(key_column);
    let join_at = match &linkage.join {
        Some(j) => Some(column(headers, j, Role::Extract, extract)?),
        None => None,
    };
    // Identity columns the extract itself carries, and the join column, stay behind.
    let mut removed: Vec<usize> = linkage
        .names
        .iter()
        .chain(std::iter::once(&linkage.date_of_birth))
        .filter_map(|n| find(n))
        .chain(join_at)
        .filter(|i| Some(*i) != key_at)
        .collect();
    removed.sort_unstable();
    removed.dedup();
    let kept: Vec<usize> = (0..headers.len())
        .filter(|i| !removed.contains(i))
        .collect();
    let mut names: Vec<String> = kept.iter().map(|i| headers[*i].clone()).collect();
    if key_at.is_none() {
        names.push(key_column.to_string());
    }
    Ok(Columns {
        names,
        kept,
        key_at,
        join_at,
        removed: removed.iter().map(|i| headers[*i].clone()).collect(),
    })
}

/// Each join value's first identity row and identity; refused when one
/// value names two different people.
fn by_join(identities: &Identities) -> Result<HashMap<&str, (u64, &Identity)>, KeyError> {
    let mut map: HashMap<&str, (u64, &Identity)> = HashMap::with_capacity(identities.rows.len());
    for (row, join, identity) in &identities.rows {
        if join.is_empty() {
            continue;
        }
        match map.entry(join) {
            Entry::Vacant(v) => {
                v.insert((*row, identity));
            }
            Entry::Occupied(seen) if seen.get().1 != identity => {
                return Err(KeyError::Ambiguous {
                    first: seen.get().0,
                    second: *row,
                });
            }
            Entry::Occupied(_) => {}
        }
    }
    Ok(map)
}

/// Key an extract; see the module documentation. Writes `job.out` only when every row is keyed.
pub fn key_extract(job: &KeyJob) -> Result<KeySummary, KeyError> {
    let profile = job.profile;
    let no_linkage = || KeyError::NoLinkage {
        profile: profile.path.clone(),
    };
    let linkage = profile.linkage.as_ref().ok_or_else(no_linkage)?;
    let cases = profile.cases.as_ref().ok_or_else(no_linkage)?;
    let same = |a: &Path, b: &Path| {
        a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    };
    if same(job.out, job.extract) || same(job.out, job.identity) {
        return Err(KeyError::OverInput {
            out: job.out.into(),
        });
    }
    let trace = std::env::var_os("SAFECOUNT_TRACE").is_some();
    let started = std::time::Instant::now();
    let lap = |what: &str| {
        if trace {
            eprintln!("[trace] {what}: {:.2?}", started.elapsed());
        }
    };
    let identities = read_identities(job, linkage)?;
    lap("identities keyed");
    let keyer: Keyer = job.secret.keyer();
    let read_err = |source| KeyError::Read {
        role: Role::Extract,
        file: job.extract.into(),
        source,
    };
    let source = read::open(job.extract, cases, &ReadOptions::default()).map_err(read_err)?;
    let key_column = cases
        .person_key
        .clone()
        .expect("a profile's [cases] names its person key column");
    let columns = output_columns(source.headers(), &key_column, linkage, job.extract)?;
    let joined = match columns.join_at {
        Some(_) => Some(by_join(&identities)?),
        None => None,
    };
    lap("joined");
    let mut writer = ExtractWriter::create(job.out, cases, &columns.names, &[])?;
    let mut summary = KeySummary {
        epoch: keyer.epoch().to_string(),
        person_key_column: key_column,
        removed_columns: columns.removed.clone(),
        ..Default::default()
    };
    let (mut unmatched, mut first_unmatched) = (0u64, 0u64);
    let mut position = 0usize;
    for_each_row(source, read_err, |row, record| {
        let identity = match (&joined, columns.join_at) {
            (Some(map), Some(j)) => map.get(record.get(j).unwrap_or("").trim()).map(|(_, i)| *i),
            _ => identities.rows.get(position).map(|(_, _, i)| i),
        };
        position += 1;
        let Some(identity) = identity else {
            // By position, more extract rows than identity rows are counted at the end.
            if joined.is_some() {
                unmatched += 1;
                if first_unmatched == 0 {
                    first_unmatched = row;
                }
            }
            return Ok(());
        };
        let key = match identity {
            Identity::Linked(key) => {
                summary.linked_rows += 1;
                key.clone()
            }
            Identity::Scoped => {
                summary.agency_scoped_rows += 1;
                // The agency's own reference for the person: the join value,
                // else its own pseudonym. Never the row: a person on two rows
                // would be two units (four times the loss) and nothing would
                // record it.
                let reference = columns
                    .join_at
                    .or(columns.key_at)
                    .and_then(|i| record.get(i))
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .ok_or(KeyError::NoReference { row })?;
                keyer.agency_scoped(&profile.agency.slug, &reference)
            }
        };
        let cells: Vec<&str> = columns
            .kept
            .iter()
            .map(|i| match columns.key_at == Some(*i) {
                true => key.as_str(),
                false => record.get(*i).unwrap_or(""),
            })
            .chain(columns.key_at.is_none().then_some(key.as_str()))
            .collect();
        writer.write_row(&cells)?;
        summary.rows += 1;
        Ok(())
    })?;
    if joined.is_none() && position != identities.rows.len() {
        return Err(KeyError::RowCounts {
            extract: position as u64,
            identity: identities.rows.len() as u64,
        });
    }
    if unmatched > 0 {
        return Err(KeyError::Unmatched {
            rows: unmatched,
            first: first_unmatched,
        });
    }
    for why in &identities.unlinked {
        match why {
            Unlinked::NoBirthDate => summary.without_birth_date += 1,
            Unlinked::UnreadableBirthDate => summary.unreadable_birth_date += 1,
            Unlinked::NoName => summary.without_name += 1,
        }
    }
    lap("extract keyed");
    writer.finish()?;
    lap("written");
    Ok(summary)
}

/// Rows read ahead per chunk by [`for_each_row`]'s reader thread.
const READ_AHEAD: usize = 4096;

/// Call `f` on every non-blank row of `source`, in order, while a second
/// thread reads the rows ahead (reading and writing a large extract then
/// overlap).
fn for_each_row(
    source: Box<dyn read::RowSource + Send>,
    read_err: impl Fn(ReadError) -> KeyError,
    mut f: impl FnMut(u64, &csv::StringRecord) -> Result<(), KeyError>,
) -> Result<(), KeyError> {
    for_each_chunk(source, read_err, |chunk| {
        chunk.iter().try_for_each(|(row, record)| f(*row, record))
    })
}

/// Call `f` on consecutive chunks of the non-blank rows of `source` (each
/// with its row number), in order, while a second thread reads the next
/// chunks. Records are recycled between the threads.
fn for_each_chunk(
    mut source: Box<dyn read::RowSource + Send>,
    read_err: impl Fn(ReadError) -> KeyError,
    mut f: impl FnMut(&[(u64, csv::StringRecord)]) -> Result<(), KeyError>,
) -> Result<(), KeyError> {
    type Chunk = Vec<(u64, csv::StringRecord)>;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Chunk, ReadError>>(4);
    let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Chunk>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut chunk: Chunk = Vec::with_capacity(READ_AHEAD);
            let mut n = 0;
            loop {
                if n == chunk.len() {
                    chunk.push((0, csv::StringRecord::new()));
                }
                let (at, record) = &mut chunk[n];
                let (last, error) = match source.next_row(record) {
                    Ok(Some(row)) => {
                        *at = row;
                        if !record.iter().all(|c| c.trim().is_empty()) {
                            n += 1;
                        }
                        (false, None)
                    }
                    Ok(None) => (true, None),
                    Err(e) => (true, Some(e)),
                };
                if n == READ_AHEAD || last {
                    chunk.truncate(n);
                    if full_tx.send(Ok(chunk)).is_err() {
                        return;
                    }
                    chunk = spare_rx.try_recv().unwrap_or_default();
                    n = 0;
                }
                if let Some(e) = error {
                    let _ = full_tx.send(Err(e));
                }
                if last {
                    return;
                }
            }
        });
        for chunk in full_rx {
            let chunk = chunk.map_err(&read_err)?;
            f(&chunk)?;
            let _ = spare_tx.send(chunk);
        }
        Ok(())
    })
}
