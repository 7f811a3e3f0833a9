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
    pub fn open(path: &Path) -> Result<Self, ReadError> {
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
        for col in df.get_columns() {
            let text = col
                .cast(&DataType::String)
                .map_err(|_| ReadError::Parquet {
                    reason: "not-text",
                    detail: col.name().to_string(),
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
            record.push_field(col.get(self.next).unwrap_or(""));
        }
        self.next += 1;
        Ok(Some(self.next as u64))
    }
}
