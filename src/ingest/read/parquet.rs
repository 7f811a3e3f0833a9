//! Parquet extracts through polars' reader. Every column is cast to text so
//! that the validator sees Parquet cells exactly as it sees CSV cells; row
//! numbers count data rows from 1.
//!
//! The file's own metadata is checked before any column is decompressed: a
//! few kilobytes of Parquet can declare gigabytes of repeated values.

use super::{ReadError, RowSource};
use polars::prelude::*;
use std::path::Path;

pub struct ParquetSource {
    columns: Vec<StringChunked>,
    headers: Vec<String>,
    next: usize,
    len: usize,
}

/// Most rows a Parquet extract may hold (5 million).
pub const MAX_ROWS: usize = 5_000_000;
/// Most bytes its columns may take once decompressed (512 MiB).
pub const MAX_INFLATED_BYTES: u64 = 512 << 20;
/// Most bytes of its footer, the description of its columns and row groups
/// (4 MiB: a thousand columns in a hundred row groups take about 2 MiB).
/// Checked from the file's last eight bytes, before polars parses it: a
/// footer declaring five million columns took 3.4 GB to parse.
pub const MAX_FOOTER_BYTES: u64 = 4 << 20;

/// The footer's length, from the file's last eight bytes (its length, then `PAR1`).
fn check_footer(path: &Path) -> Result<(), ReadError> {
    use std::io::{Read, Seek, SeekFrom};
    let damaged = || ReadError::Parquet {
        reason: "other",
        detail: String::new(),
    };
    let mut file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
    let size = file.metadata().map_err(|_| damaged())?.len();
    if size < 12 {
        return Err(damaged());
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::End(-8))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|_| damaged())?;
    if &tail[4..] != b"PAR1" {
        return Err(damaged());
    }
    let footer = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer > MAX_FOOTER_BYTES {
        return Err(ReadError::Limit {
            what: "footer",
            limit: MAX_FOOTER_BYTES,
        });
    }
    if footer + 8 > size {
        return Err(damaged());
    }
    Ok(())
}

/// Rows, columns and decompressed size from the footer, within the limits.
fn check_metadata(reader: &mut ParquetReader<std::fs::File>) -> Result<(), ReadError> {
    let meta = reader.get_metadata().map_err(|e| ReadError::Parquet {
        reason: "other",
        detail: short(&e),
    })?;
    if meta.num_rows > MAX_ROWS {
        return Err(ReadError::Limit {
            what: "rows",
            limit: MAX_ROWS as u64,
        });
    }
    if meta.schema().columns().len() > super::MAX_COLUMNS {
        return Err(ReadError::Limit {
            what: "columns",
            limit: super::MAX_COLUMNS as u64,
        });
    }
    let inflated: u64 = meta
        .row_groups
        .iter()
        .flat_map(|g| g.parquet_columns())
        .map(|c| c.uncompressed_size().max(0) as u64)
        .fold(0u64, u64::saturating_add);
    if inflated > MAX_INFLATED_BYTES {
        return Err(ReadError::Limit {
            what: "decompressed",
            limit: MAX_INFLATED_BYTES,
        });
    }
    Ok(())
}

impl ParquetSource {
    /// Check the footer's size, then read within the limits. polars-arrow
    /// panics on some values (a date out of its range); a panic inside the
    /// reader is caught at this boundary and reported as an unreadable file.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        check_footer(path)?;
        super::quietly_catching_panics(|| Self::read(path)).unwrap_or_else(|| {
            Err(ReadError::Parquet {
                reason: "damaged",
                detail: String::new(),
            })
        })
    }

    fn read(path: &Path) -> Result<Self, ReadError> {
        let file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
        let mut reader = ParquetReader::new(file);
        check_metadata(&mut reader)?;
        let df = reader.finish().map_err(|e| ReadError::Parquet {
            reason: "other",
            detail: short(&e),
        })?;
        if df.height() == 0 {
            return Err(ReadError::NoRows);
        }
        let headers = df
            .get_column_names()
            .iter()
            .map(|n| n.trim().to_string())
            .collect();
        let mut columns = Vec::with_capacity(df.width());
        for (i, col) in df.get_columns().iter().enumerate() {
            let text = col
                .cast(&DataType::String)
                .map_err(|_| ReadError::Parquet {
                    reason: "not-text",
                    // The column's name, unless it may be personal data.
                    detail: if crate::ingest::guard::may_show_label(col.name()) {
                        col.name().to_string()
                    } else {
                        format!("#{}", i + 1)
                    },
                })?;
            columns.push(
                text.str()
                    .map_err(|e| ReadError::Parquet {
                        reason: "other",
                        detail: short(&e),
                    })?
                    .rechunk()
                    .into_owned(),
            );
        }
        Ok(ParquetSource {
            columns,
            headers,
            next: 0,
            len: df.height(),
        })
    }
}

fn short(e: &PolarsError) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("unreadable")
        .to_string()
}

impl RowSource for ParquetSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, ReadError> {
        if self.next >= self.len {
            return Ok(None);
        }
        record.clear();
        for col in &self.columns {
            let cell = col.get(self.next).unwrap_or("");
            // One long value repeated by a dictionary would otherwise be
            // copied and scanned for every row (6 GB for 64 MB over 5,000 rows).
            if cell.len() > super::xlsx::MAX_CELL_CHARS
                && cell.chars().count() > super::xlsx::MAX_CELL_CHARS
            {
                return Err(ReadError::Limit {
                    what: "cell-chars",
                    limit: super::xlsx::MAX_CELL_CHARS as u64,
                });
            }
            record.push_field(cell);
        }
        self.next += 1;
        Ok(Some(self.next as u64))
    }
}
