//! XLSX workbooks through `calamine`: the first sheet, or the one named in the
//! profile or on the command line. Dates become ISO dates; whole-number floats
//! lose their `.0`; Excel error cells become `#ERROR` (never a valid value).

use super::{ReadError, RowSource};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::Path;

pub struct XlsxSource {
    rows: std::vec::IntoIter<(u64, Vec<String>)>,
    headers: Vec<String>,
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

impl XlsxSource {
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Self, ReadError> {
        let head = std::fs::read(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
        if !head.starts_with(b"PK\x03\x04") {
            return Err(ReadError::Xlsx("it is not an .xlsx workbook".into()));
        }
        drop(head);
        let mut book: Xlsx<_> =
            open_workbook(path).map_err(|e: calamine::XlsxError| ReadError::Xlsx(e.to_string()))?;
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
                .ok_or_else(|| ReadError::Xlsx("it has no sheets".into()))?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::Xlsx(e.to_string()))?;
        let first_row = range.start().map(|(r, _)| r as u64 + 1).unwrap_or(1);
        let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
        let mut iter = range.rows();
        let headers: Vec<String> = match iter.next() {
            Some(r) => std::iter::repeat_n(String::new(), first_col)
                .chain(r.iter().map(|c| cell_text(c).trim().to_string()))
                .collect(),
            None => return Err(ReadError::Empty),
        };
        if headers.iter().all(String::is_empty) {
            return Err(ReadError::NoHeader);
        }
        let mut rows = Vec::new();
        for (i, r) in iter.enumerate() {
            let cells: Vec<String> = std::iter::repeat_n(String::new(), first_col)
                .chain(r.iter().map(cell_text))
                .collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((first_row + 1 + i as u64, cells));
        }
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
