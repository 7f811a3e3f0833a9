//! Readers: turn an extract file (CSV, XLSX or Parquet) into a header and a
//! stream of rows of text cells, each with the row number the file shows.
//!
//! Every reader refuses, before reading rows, what cannot be an extract:
//! a missing, empty, oversized or binary file, an undecodable encoding, a
//! missing sheet. Those refusals are [`ReadError`]s; everything about single
//! cells is the validator's business.

mod csv;
mod parquet;
mod xlsx;

use super::profile::{Encoding, ExtractProfile, FileFormat};
use std::path::{Path, PathBuf};

pub use csv::{SHARE_MIN_BYTES, Share, decode_text};

/// Largest extract accepted by default (1 GiB). Split larger extracts by quarter.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// Most columns an extract may have, in any format (the canonical schema has
/// about 40; agencies' own layouts a few dozen more).
pub const MAX_COLUMNS: usize = 1_000;

/// Why a file could not be read as an extract at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file {0} does not exist or cannot be opened")]
    Missing(PathBuf),
    #[error("the file is empty (0 bytes): export the extract again")]
    Empty,
    #[error(
        "the file is {size} bytes, more than the limit of {limit} bytes: split the extract (one file per quarter) or ask the collaborative to raise the limit"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("the file is not a text (CSV) file ({why})")]
    Binary { why: &'static str, line: usize },
    #[error(
        "the file is not valid {encoding} text (first bad byte on line {line}): save it again as \"CSV UTF-8\", or set `encoding = \"windows-1252\"` in the profile"
    )]
    Encoding { encoding: &'static str, line: usize },
    #[error("the lines end with a carriage return alone (an old Mac format)")]
    LineEndings,
    #[error("the file has no header row: the first row must hold the column names")]
    NoHeader,
    #[error("the file has a header but no data rows")]
    NoRows,
    #[error("line {line}: the CSV cannot be parsed ({reason}); check for an unclosed quote")]
    Csv { line: u64, reason: &'static str },
    #[error(
        "the workbook has no sheet named \"{wanted}\"; its sheets are: {available} (+{withheld})"
    )]
    NoSheet {
        wanted: String,
        available: String,
        withheld: usize,
    },
    #[error(
        "the workbook cannot be read ({reason}: {detail}); open it in Excel and save it again as .xlsx"
    )]
    Xlsx {
        reason: &'static str,
        detail: String,
    },
    #[error("the Parquet file cannot be read ({reason}: {detail})")]
    Parquet {
        reason: &'static str,
        detail: String,
    },
    #[error(
        "the file has more {what} than safecount reads (at most {limit}); check that this is the right file, or split it"
    )]
    Limit { what: &'static str, limit: u64 },
}

use super::report::ErrorCode;
use crate::i18n::Message;

impl ReadError {
    /// What is wrong, as a catalogue message for the validation report.
    pub fn message(&self) -> Message {
        match self {
            ReadError::Missing(path) => Message::new("read-missing").with(
                "file",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
            ReadError::Empty => Message::new("read-empty"),
            ReadError::TooLarge { size, limit } => Message::new("read-too-large")
                .with("size", *size)
                .with("limit", *limit),
            ReadError::Binary { why, line } => Message::new("read-binary")
                .with("why", *why)
                .with("line", *line),
            ReadError::Encoding { encoding, line } => Message::new("read-encoding")
                .with("encoding", *encoding)
                .with("line", *line),
            ReadError::LineEndings => Message::new("read-line-endings"),
            ReadError::NoHeader => Message::new("read-no-header"),
            ReadError::NoRows => Message::new("read-no-rows"),
            ReadError::Csv { line, reason } => Message::new("read-csv")
                .with("line", *line)
                .with("reason", *reason),
            ReadError::NoSheet {
                wanted,
                available,
                withheld,
            } => Message::new("read-no-sheet")
                .with("sheet", wanted.as_str())
                .with("sheets", available.as_str())
                .with("withheld", *withheld),
            // A library's own words (calamine's, polars') can quote the file:
            // they are never shown; a column's name only when it may be.
            ReadError::Xlsx { reason, .. } => Message::new("read-xlsx").with("reason", *reason),
            ReadError::Parquet { reason, detail } => Message::new("read-parquet")
                .with("reason", *reason)
                .with("detail", detail.as_str()),
            ReadError::Limit { what, limit } => Message::new("read-limit")
                .with("what", *what)
                .with("limit", *limit),
        }
    }

    /// Frictionless-style error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ReadError::Missing(_) => ErrorCode::SourceError,
            ReadError::Empty | ReadError::NoRows => ErrorCode::EmptyFile,
            ReadError::TooLarge { .. } | ReadError::Limit { .. } => ErrorCode::SizeError,
            ReadError::Binary { .. } | ReadError::Xlsx { .. } | ReadError::Parquet { .. } => {
                ErrorCode::FormatError
            }
            ReadError::Encoding { .. } => ErrorCode::EncodingError,
            ReadError::NoHeader => ErrorCode::BlankHeader,
            ReadError::Csv { .. } | ReadError::LineEndings => ErrorCode::FormatError,
            ReadError::NoSheet { .. } => ErrorCode::SourceError,
        }
    }
}

/// One row's cells as a reader gives them: a record of the `csv` crate, or
/// a line of quote-free text with the offset where each of its cells ends.
#[derive(Clone, Copy)]
pub enum Cells<'a> {
    Record(&'a ::csv::StringRecord),
    Line { text: &'a str, ends: &'a [usize] },
}

impl<'a> Cells<'a> {
    pub fn len(&self) -> usize {
        match self {
            Cells::Record(record) => record.len(),
            Cells::Line { ends, .. } => ends.len(),
        }
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        match *self {
            Cells::Record(record) => record.get(i),
            Cells::Line { text, ends } => {
                let start = match i {
                    0 => 0,
                    _ => ends.get(i - 1)? + 1,
                };
                text.get(start..*ends.get(i)?)
            }
        }
    }

    /// A line with nothing on it, which is not a row (Excel often adds one at the end).
    pub fn is_blank(&self) -> bool {
        self.len() == 1 && self.get(0).is_none_or(|c| c.trim().is_empty())
    }
}

/// A table being read row by row.
pub trait RowSource {
    /// Column names, as in the file (trimmed).
    fn headers(&self) -> &[String];
    /// Read the next row into `record`; returns its row number, or None at the end.
    fn next_row(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, ReadError>;
    /// The rows in up to `n` consecutive shares to read on separate threads,
    /// before any row is read; None when the format or size does not allow it.
    fn shares(&self, _n: usize) -> Option<Vec<Share>> {
        None
    }
}

/// Options that the command line may add to the profile.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub sheet: Option<String>,
    pub max_bytes: Option<u64>,
    /// How many threads read a large CSV extract (default: one per core).
    pub threads: Option<usize>,
}

/// Open `path` as the profile's format says.
pub fn open(
    path: &Path,
    section: &ExtractProfile,
    options: &ReadOptions,
) -> Result<Box<dyn RowSource + Send>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
    if !meta.is_file() {
        return Err(ReadError::Missing(path.to_path_buf()));
    }
    let limit = options.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    if meta.len() == 0 {
        return Err(ReadError::Empty);
    }
    match section.format {
        FileFormat::Csv => {
            let delimiter = section.delimiter.as_deref().unwrap_or("auto");
            Ok(Box::new(csv::CsvSource::open(
                path,
                section.encoding,
                delimiter,
            )?))
        }
        FileFormat::Xlsx => {
            let sheet = options.sheet.as_deref().or(section.sheet.as_deref());
            Ok(Box::new(xlsx::XlsxSource::open(path, sheet)?))
        }
        FileFormat::Parquet => Ok(Box::new(parquet::ParquetSource::open(path)?)),
    }
}

thread_local! {
    /// Set while this thread runs calamine under `catch_unwind`.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into `None` without the panic message and
/// backtrace on standard error (which would only alarm an agency worker:
/// the refusal says what is wrong). Other threads' panics are reported as before.
pub(super) fn quietly_catching_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    CATCHING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    result.ok()
}

/// What a binary file probably is, to tell the user how to fix the profile.
/// Why bytes are not a text file, as the `why` of [`ReadError::Binary`]
/// (a variant of the catalogue's `read-binary`), with the line of a NUL byte.
fn sniff_binary(bytes: &[u8]) -> Option<ReadError> {
    let binary = |why| Some(ReadError::Binary { why, line: 0 });
    if bytes.starts_with(b"PK\x03\x04") {
        return binary("xlsx");
    }
    if bytes.starts_with(b"PAR1") {
        return binary("parquet");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return binary("xls");
    }
    if bytes.starts_with(b"%PDF") {
        return binary("pdf");
    }
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return binary("utf32");
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if utf16 || !head.contains(&0) {
        return None;
    }
    // Plain text saved as UTF-16 without its byte-order mark: every other byte is 0.
    let zeros_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = head.len() / 2;
    if half > 0 && (zeros_at(0) * 10 > half * 8 || zeros_at(1) * 10 > half * 8) {
        return binary("utf16");
    }
    let at = memchr::memchr(0, bytes).unwrap_or(0);
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
    Some(ReadError::Binary { why: "nul", line })
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Auto | Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}
