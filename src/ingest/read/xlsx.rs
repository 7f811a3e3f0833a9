//! XLSX workbooks through `calamine`: the first sheet, or the one named in the
//! profile or on the command line. Dates become ISO dates; whole-number floats
//! lose their `.0`; Excel error cells become `#ERROR` (never a valid value).
//!
//! A workbook is a zip of XML, so a small upload can describe a huge one. The
//! reader cannot be turned against the process:
//! - the zip's entries are checked first ([`MAX_INFLATED_BYTES`],
//!   [`MAX_ENTRIES`]) — before calamine reads the shared strings;
//! - cells are streamed (`worksheet_cells_reader`), never laid out as the
//!   dense rectangle a sheet's dimension claims (A1:XFD1048576 would be
//!   512 GiB), and capped at [`MAX_CELLS`] and [`super::MAX_COLUMNS`];
//! - rows are kept sparse and laid out one at a time, to their last filled
//!   cell only; a cell is capped at Excel's [`MAX_CELL_CHARS`] before it is
//!   copied, and a sheet's text at [`MAX_TEXT_BYTES`];
//! - the zip's parts are inflated once into nothing first, counting the
//!   bytes they really give, not the sizes they declare;
//! - calamine panics on some damaged workbooks (a shared-string index out of
//!   range, a missing `sharedStrings.xml`); as a last resort a panic inside
//!   calamine is caught at this boundary and reported as a damaged workbook.

use super::{ReadError, RowSource};
use calamine::{Data, DataRef, Reader, Xlsx, open_workbook};
use std::path::Path;

pub struct XlsxSource {
    /// The sheet's rows after the header: (row index, filled cells by column).
    rows: std::vec::IntoIter<(u32, Vec<(u32, String)>)>,
    headers: Vec<String>,
}

/// A workbook that cannot be read: `reason` is a variant of the catalogue's
/// `read-xlsx`; `detail` is calamine's own text when it gave one.
fn xlsx_error(reason: &'static str, detail: String) -> ReadError {
    ReadError::Xlsx { reason, detail }
}

fn excel_serial_to_iso(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    let days = serial.floor() as i64;
    base.checked_add_signed(chrono::Duration::days(days))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "#ERROR".into())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_serial_to_iso(dt.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => "#ERROR".into(),
    }
}

/// Most bytes a workbook's zip entries may inflate to, together (256 MiB).
pub const MAX_INFLATED_BYTES: u64 = 256 << 20;
/// Most entries in a workbook's zip.
pub const MAX_ENTRIES: usize = 10_000;
/// Most non-empty cells read from a sheet (5 million): a larger extract is
/// better sent as CSV, which is read in parallel and in bounded memory.
pub const MAX_CELLS: u64 = 5_000_000;
/// Most characters in one cell: Excel's own limit (32,767). A longer cell is
/// not a spreadsheet's, and one long shared string used by many cells would
/// otherwise be copied for each of them.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Most bytes of cell text read from a sheet, all cells together (256 MiB).
pub const MAX_TEXT_BYTES: u64 = 256 << 20;

/// A cell's text, or None when it is longer than [`MAX_CELL_CHARS`] (its
/// length is checked before anything is copied).
fn cell_ref_text(cell: &DataRef<'_>) -> Option<String> {
    let too_long = |s: &str| s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS;
    Some(match cell {
        DataRef::SharedString(s) if too_long(s) => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) if too_long(s) => {
            return None;
        }
        DataRef::SharedString(s) => s.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::Int(i) => cell_text(&Data::Int(*i)),
        DataRef::Float(f) => cell_text(&Data::Float(*f)),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => excel_serial_to_iso(dt.as_f64()),
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) => "#ERROR".into(),
        DataRef::Empty => String::new(),
    })
}

/// Check the zip before calamine opens it: the number of parts, and the
/// bytes each part really inflates to (the sizes a zip declares may lie: a
/// central directory can claim 1 KiB for a part that inflates to 8 GiB).
/// Each part is inflated into nothing, counting, and the count stops one
/// byte past the limit.
fn check_zip(path: &Path) -> Result<(), ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|_| xlsx_error("damaged-zip", String::new()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::Limit {
            what: "parts",
            limit: MAX_ENTRIES as u64,
        });
    }
    let too_big = || ReadError::Limit {
        what: "unpacked",
        limit: MAX_INFLATED_BYTES,
    };
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let declared = zip
            .by_index_raw(i)
            .map_err(|_| xlsx_error("damaged-zip", String::new()))?
            .size();
        inflated = inflated.saturating_add(declared);
        if inflated > MAX_INFLATED_BYTES {
            return Err(too_big());
        }
    }
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|_| xlsx_error("damaged-zip", String::new()))?;
        let left = MAX_INFLATED_BYTES - inflated;
        // A part that does not inflate cleanly (a wrong checksum, a size that
        // does not match) is damaged; calamine would stumble on it too.
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|_| xlsx_error("damaged-zip", String::new()))?;
        inflated += read;
        if inflated > MAX_INFLATED_BYTES {
            return Err(too_big());
        }
    }
    Ok(())
}

/// A sheet's non-empty cells, row by row: (row index, cells by column).
type SheetRows = std::collections::BTreeMap<u32, Vec<(u32, String)>>;

/// Stream the cells of a sheet, within the limits.
fn read_cells(path: &Path, sheet: Option<&str>) -> Result<SheetRows, ReadError> {
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e: calamine::XlsxError| xlsx_error("other", e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                // A sheet's name may be a person's ("Maria Santos"): those are
                // counted, not shown.
                let shown: Vec<String> = names
                    .iter()
                    .filter(|n| crate::ingest::guard::may_show_label(n))
                    .map(|n| format!("\"{n}\""))
                    .collect();
                ReadError::NoSheet {
                    wanted: wanted.into(),
                    withheld: names.len() - shown.len(),
                    available: shown.join(", "),
                }
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| xlsx_error("no-sheets", String::new()))?,
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| xlsx_error("other", e.to_string()))?;
    let mut rows = SheetRows::new();
    let (mut count, mut text_bytes) = (0u64, 0u64);
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| xlsx_error("other", e.to_string()))?
    {
        let text = cell_ref_text(cell.get_value()).ok_or(ReadError::Limit {
            what: "cell-chars",
            limit: MAX_CELL_CHARS as u64,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        text_bytes += text.len() as u64;
        if text_bytes > MAX_TEXT_BYTES {
            return Err(ReadError::Limit {
                what: "text",
                limit: MAX_TEXT_BYTES,
            });
        }
        let (row, column) = cell.get_position();
        if column as usize >= super::MAX_COLUMNS {
            return Err(ReadError::Limit {
                what: "columns",
                limit: super::MAX_COLUMNS as u64,
            });
        }
        count += 1;
        if count > MAX_CELLS {
            return Err(ReadError::Limit {
                what: "cells",
                limit: MAX_CELLS,
            });
        }
        rows.entry(row).or_default().push((column, text));
    }
    Ok(rows)
}

/// A row's cells laid out by column, from column A to its last filled cell
/// (never padded to the header's width: a stray header cell in column 1,000
/// would otherwise make every row a thousand cells).
fn lay_out(cells: &[(u32, String)], record: &mut ::csv::StringRecord) {
    record.clear();
    let mut next = 0u32;
    for (c, text) in cells {
        while next < *c {
            record.push_field("");
            next += 1;
        }
        record.push_field(text);
        next = c + 1;
    }
}

impl XlsxSource {
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Self, ReadError> {
        let mut magic = [0u8; 4];
        {
            use std::io::Read;
            let mut f =
                std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
            f.read_exact(&mut magic)
                .map_err(|_| xlsx_error("not-xlsx", String::new()))?;
        }
        if &magic != b"PK\x03\x04" {
            return Err(xlsx_error("not-xlsx", String::new()));
        }
        check_zip(path)?;
        // Last resort: calamine panics on some damaged workbooks; nothing of
        // ours is shared with it, so unwinding out of it leaves no broken state.
        let rows = super::quietly_catching_panics(|| read_cells(path, sheet))
            .unwrap_or_else(|| Err(xlsx_error("damaged", String::new())))?;
        let mut rows = rows.into_iter();
        let mut record = ::csv::StringRecord::new();
        let mut headers: Vec<String> = match rows.next() {
            Some((_, cells)) => {
                lay_out(&cells, &mut record);
                record.iter().map(|c| c.trim().to_string()).collect()
            }
            None => return Err(ReadError::Empty),
        };
        if headers.iter().all(String::is_empty) {
            return Err(ReadError::NoHeader);
        }
        let rows: Vec<(u32, Vec<(u32, String)>)> = rows.collect();
        if rows.is_empty() {
            return Err(ReadError::NoRows);
        }
        // Trailing empty header cells are Excel's formatting, not columns.
        while headers.last().is_some_and(String::is_empty) && headers.len() > 1 {
            headers.pop();
        }
        Ok(XlsxSource {
            rows: rows.into_iter(),
            headers,
        })
    }
}

impl RowSource for XlsxSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, ReadError> {
        let Some((row, cells)) = self.rows.next() else {
            return Ok(None);
        };
        lay_out(&cells, record);
        // A row's empty trailing cells are not stored, but the row has them:
        // one record at a time is padded to the header's width.
        for _ in record.len()..self.headers.len() {
            record.push_field("");
        }
        Ok(Some(u64::from(row) + 1))
    }
}
