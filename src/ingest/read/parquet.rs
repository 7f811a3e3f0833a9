//! Parquet extracts through polars' reader. Every column is cast to text so
//! that the validator sees Parquet cells exactly as it sees CSV cells; row
//! numbers count data rows from 1.

use super::{ReadError, RowSource};
use polars::prelude::*;
use std::path::Path;

pub struct ParquetSource {
    columns: Vec<StringChunked>,
    headers: Vec<String>,
    next: usize,
    len: usize,
}

impl ParquetSource {
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
        let df = ParquetReader::new(file)
            .finish()
            .map_err(|e| ReadError::Parquet(short(&e)))?;
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
            let text = col.cast(&DataType::String).map_err(|_| {
                ReadError::Parquet(format!("column \"{}\" cannot be read as text", col.name()))
            })?;
            columns.push(
                text.str()
                    .map_err(|e| ReadError::Parquet(short(&e)))?
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
