//! Writing an extract in the form an agency profile reads: CSV in the
//! profile's delimiter and encoding, XLSX on the profile's sheet, or Parquet.
//! Used by `safecount key` (the keyed extract) and the synthetic sample.
//!
//! The file appears whole or not at all: rows go to a temporary file beside
//! the destination, renamed into place by [`ExtractWriter::finish`]; a
//! writer dropped before that removes it. CSV is streamed (a keyed extract
//! of a million rows is never held in memory); XLSX and Parquet are built
//! in memory, as their formats require.

use super::profile::{Encoding, ExtractProfile, FileFormat};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an extract could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {message}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

/// CSV rows buffered before they are encoded and written.
const CSV_CHUNK: usize = 1 << 20;

enum Body {
    Csv {
        rows: csv::Writer<Vec<u8>>,
        delimiter: u8,
        file: std::io::BufWriter<std::fs::File>,
        encoding: Encoding,
    },
    /// XLSX or Parquet: the rows, written at the end.
    Whole(Vec<Vec<String>>),
}

/// A CSV writer of rows into memory, as the sample and the agencies' systems write them.
fn csv_rows(delimiter: u8) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// An extract being written; see the module documentation.
pub struct ExtractWriter {
    path: PathBuf,
    staged: PathBuf,
    format: FileFormat,
    sheet: Option<String>,
    headers: Vec<String>,
    numeric: Vec<String>,
    body: Body,
    done: bool,
}

impl Drop for ExtractWriter {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.staged);
        }
    }
}

impl ExtractWriter {
    /// Start writing `path` in the format of `section`, with these column
    /// names; `numeric` columns are written as numbers where the format has them.
    pub fn create(
        path: &Path,
        section: &ExtractProfile,
        headers: &[String],
        numeric: &[String],
    ) -> Result<ExtractWriter, WriteError> {
        let err = |message: String| WriteError {
            path: path.into(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staged = path.with_file_name(format!(".{name}.{:08x}.partial", rand::random::<u32>()));
        let body = match section.format {
            FileFormat::Csv => {
                let delimiter = match section.delimiter.as_deref() {
                    Some("\t") => b'\t',
                    Some(";") => b';',
                    Some("|") => b'|',
                    _ => b',',
                };
                let file = std::fs::File::create(&staged).map_err(|e| err(e.to_string()))?;
                let mut file = std::io::BufWriter::new(file);
                if section.encoding == Encoding::Utf8 {
                    file.write_all(b"\xEF\xBB\xBF")
                        .map_err(|e| err(e.to_string()))?;
                }
                let mut rows = csv_rows(delimiter);
                rows.write_record(headers).map_err(|e| err(e.to_string()))?;
                Body::Csv {
                    rows,
                    delimiter,
                    file,
                    encoding: section.encoding,
                }
            }
            FileFormat::Xlsx | FileFormat::Parquet => Body::Whole(Vec::new()),
        };
        Ok(ExtractWriter {
            path: path.into(),
            staged,
            format: section.format,
            sheet: section.sheet.clone(),
            headers: headers.to_vec(),
            numeric: numeric.to_vec(),
            body,
            done: false,
        })
    }

    fn err(&self, message: impl ToString) -> WriteError {
        WriteError {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// Append one row (as many cells as headers).
    pub fn write_row<S: AsRef<str>>(&mut self, row: &[S]) -> Result<(), WriteError> {
        match &mut self.body {
            Body::Csv { rows, .. } => {
                let written = rows.write_record(row.iter().map(|c| c.as_ref()));
                let full = rows.get_ref().len() >= CSV_CHUNK;
                written.map_err(|e| self.err(e))?;
                if full {
                    self.flush_csv()?;
                }
            }
            Body::Whole(rows) => rows.push(row.iter().map(|c| c.as_ref().to_string()).collect()),
        }
        Ok(())
    }

    /// Encode and write the buffered CSV rows (whole records, so a chunk
    /// never ends inside a character).
    fn flush_csv(&mut self) -> Result<(), WriteError> {
        let Body::Csv {
            rows,
            delimiter,
            file,
            encoding,
        } = &mut self.body
        else {
            return Ok(());
        };
        let full = std::mem::replace(rows, csv_rows(*delimiter));
        let result = full
            .into_inner()
            .map_err(|e| e.to_string())
            .and_then(|buffer| {
                let bytes = match encoding {
                    Encoding::Windows1252 => {
                        let text = String::from_utf8(buffer).map_err(|e| e.to_string())?;
                        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
                    }
                    Encoding::Utf8 | Encoding::Auto => buffer,
                };
                file.write_all(&bytes).map_err(|e| e.to_string())
            });
        result.map_err(|e| self.err(e))
    }

    /// Finish the file and move it into place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        self.flush_csv()?;
        let body = std::mem::replace(&mut self.body, Body::Whole(Vec::new()));
        match body {
            Body::Csv { mut file, .. } => file.flush().map_err(|e| self.err(e))?,
            Body::Whole(rows) => match self.format {
                FileFormat::Xlsx => self.write_xlsx(&rows)?,
                FileFormat::Parquet => self.write_parquet(&rows)?,
                FileFormat::Csv => unreachable!("CSV is streamed"),
            },
        }
        std::fs::rename(&self.staged, &self.path).map_err(|e| self.err(e))?;
        self.done = true;
        Ok(())
    }

    fn write_xlsx(&self, rows: &[Vec<String>]) -> Result<(), WriteError> {
        use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        // A fixed creation date: the same rows give the same bytes.
        let created = ExcelDateTime::from_ymd(2026, 1, 15).map_err(|e| self.err(e))?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        sheet
            .set_name(self.sheet.as_deref().unwrap_or("Sheet1"))
            .map_err(|e| self.err(e))?;
        for (c, h) in self.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(|e| self.err(e))?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                let result = match cell.parse::<f64>() {
                    Ok(v) if self.numeric.contains(&self.headers[c as usize]) => {
                        sheet.write_number(r, c, v).map(|_| ())
                    }
                    _ if cell.is_empty() => Ok(()),
                    _ => sheet.write_string(r, c, cell).map(|_| ()),
                };
                result.map_err(|e| self.err(e))?;
            }
        }
        book.save(&self.staged).map_err(|e| self.err(e))
    }

    fn write_parquet(&self, rows: &[Vec<String>]) -> Result<(), WriteError> {
        use polars::prelude::*;
        let mut columns = Vec::new();
        for (i, h) in self.headers.iter().enumerate() {
            let values: Vec<Option<&str>> = rows
                .iter()
                .map(|r| Some(r[i].as_str()).filter(|s| !s.is_empty()))
                .collect();
            let column = if self.numeric.contains(h) {
                let ints: Vec<Option<i64>> = values
                    .iter()
                    .map(|v| v.and_then(|s| s.parse().ok()))
                    .collect();
                Column::new(h.as_str().into(), ints)
            } else {
                Column::new(h.as_str().into(), values)
            };
            columns.push(column);
        }
        let mut df = DataFrame::new(columns).map_err(|e| self.err(e))?;
        let file = std::fs::File::create(&self.staged).map_err(|e| self.err(e))?;
        // Buffered: the writer makes many small writes (a syscall each otherwise).
        let mut out = std::io::BufWriter::new(file);
        ParquetWriter::new(&mut out)
            .finish(&mut df)
            .map_err(|e| self.err(e))?;
        std::io::Write::flush(&mut out).map_err(|e| self.err(e))
    }
}
