//! XLSX workbooks through `calamine`: the first sheet, or the one named in the
//! profile or on the command line. Dates become ISO dates; whole-number floats
//! lose their `.0`; Excel error cells become `#ERROR` (never a valid value).
//!
//! A workbook is a zip of XML, so a small upload can describe a huge one. The
//! reader cannot be turned against the process:
//! - the zip's declared entries are checked first ([`MAX_INFLATED_BYTES`],
//!   [`MAX_ENTRIES`]) — before calamine reads the shared strings;
//! - cells are streamed (`worksheet_cells_reader`), never laid out as the
//!   dense rectangle a sheet's dimension claims (A1:XFD1048576 would be
//!   512 GiB), and capped at [`MAX_CELLS`] and [`super::MAX_COLUMNS`];
//! - calamine panics on some damaged workbooks (a shared-string index out of
//!   range, a missing `sharedStrings.xml`); as a last resort a panic inside
//!   calamine is caught at this boundary and reported as a damaged workbook.

use super::{ReadError, RowSource};
use calamine::{Data, DataRef, Reader, Xlsx, open_workbook};
use std::path::Path;

pub struct XlsxSource {
    rows: std::vec::IntoIter<(u64, Vec<String>)>,
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

fn cell_ref_text(cell: &DataRef<'_>) -> String {
    match cell {
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
    }
}

/// Check the zip's declared sizes before anything is inflated.
fn check_zip(path: &Path) -> Result<(), ReadError> {
    let file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|_| xlsx_error("damaged-zip", String::new()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::Limit {
            what: "parts",
            limit: MAX_ENTRIES as u64,
        });
    }
    let mut inflated = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|_| xlsx_error("damaged-zip", String::new()))?;
        inflated = inflated.saturating_add(entry.size());
    }
    if inflated > MAX_INFLATED_BYTES {
        return Err(ReadError::Limit {
            what: "unpacked",
            limit: MAX_INFLATED_BYTES,
        });
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
            .ok_or_else(|| ReadError::NoSheet {
                wanted: wanted.into(),
                available: names.join(", "),
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
    let mut count = 0u64;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| xlsx_error("other", e.to_string()))?
    {
        let text = cell_ref_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
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

/// A row's cells laid out by column, from column A, at least `min_width` wide
/// (a row's empty trailing cells are not stored, but the row has them).
fn lay_out(cells: Vec<(u32, String)>, min_width: usize) -> Vec<String> {
    let width = cells
        .iter()
        .map(|(c, _)| *c as usize + 1)
        .max()
        .unwrap_or(0)
        .max(min_width);
    let mut out = vec![String::new(); width];
    for (c, text) in cells {
        out[c as usize] = text;
    }
    out
}

thread_local! {
    /// Set while this thread runs calamine under `catch_unwind`.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f`, turning a panic into `None` without the panic message and
/// backtrace on standard error (which would only alarm an agency worker:
/// the refusal says what is wrong). Other threads' panics are reported as before.
fn quietly_catching_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
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
        let rows = quietly_catching_panics(|| read_cells(path, sheet))
            .unwrap_or_else(|| Err(xlsx_error("damaged", String::new())))?;
        let mut rows = rows.into_iter();
        let headers: Vec<String> = match rows.next() {
            Some((_, cells)) => lay_out(cells, 0)
                .into_iter()
                .map(|c| c.trim().to_string())
                .collect(),
            None => return Err(ReadError::Empty),
        };
        if headers.iter().all(String::is_empty) {
            return Err(ReadError::NoHeader);
        }
        let rows: Vec<(u64, Vec<String>)> = rows
            .map(|(r, cells)| (u64::from(r) + 1, lay_out(cells, headers.len())))
            .collect();
        if rows.is_empty() {
            return Err(ReadError::NoRows);
        }
        // Trailing empty header cells are Excel's formatting, not columns.
        let mut headers = headers;
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
        let Some((number, mut cells)) = self.rows.next() else {
            return Ok(None);
        };
        // Excel pads rows to the used range; drop trailing empties beyond the header.
        while cells.len() > self.headers.len() && cells.last().is_some_and(|c| c.trim().is_empty())
        {
            cells.pop();
        }
        record.clear();
        for c in &cells {
            record.push_field(c);
        }
        Ok(Some(number))
    }
}
