//! CSV as Excel and case-management systems save it: UTF-8 with or without a
//! BOM, UTF-16 ("Unicode text"), or Windows-1252; comma, semicolon, tab or
//! pipe. Parsing is the `csv` crate's; decoding is `encoding_rs`'.

use super::{ReadError, RowSource, sniff_binary};
use crate::ingest::profile::Encoding;
use std::io::Cursor;

/// The text being parsed: decoded into memory, or the file itself mapped
/// (UTF-8 needs no decoding, so a large extract is not copied).
enum Text {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap, usize),
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        match self {
            Text::Owned(v) => v,
            Text::Mapped(m, offset) => &m[*offset..],
        }
    }
}

pub struct CsvSource {
    reader: ::csv::Reader<Cursor<Text>>,
    headers: Vec<String>,
    rows_seen: u64,
    /// Byte offset and line number of the last record start, to number lines as an editor does.
    line_at: (u64, u64),
}

/// Decode raw bytes into UTF-8 text as `encoding` says.
pub fn decode_text(bytes: Vec<u8>, encoding: Encoding) -> Result<Vec<u8>, ReadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _, bad) = enc.decode(&bytes);
        if bad {
            return Err(ReadError::Encoding {
                encoding: "UTF-16",
                line: 1,
            });
        }
        return Ok(text.into_owned().into_bytes());
    }
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec);
    let had_bom = body.is_some();
    let body = body.unwrap_or(bytes);
    match (encoding, std::str::from_utf8(&body)) {
        (Encoding::Windows1252, _) if !had_bom => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&body);
            Ok(text.into_owned().into_bytes())
        }
        (_, Ok(_)) => Ok(body),
        (Encoding::Auto, Err(_)) if !had_bom => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&body);
            Ok(text.into_owned().into_bytes())
        }
        (_, Err(e)) => {
            let line = body[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            Err(ReadError::Encoding {
                encoding: "UTF-8",
                line,
            })
        }
    }
}

/// The delimiter used in the header line (the most frequent candidate outside quotes).
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in text.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4)
        .max_by_key(|i| (counts[*i], usize::MAX - *i))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

impl CsvSource {
    pub fn new(bytes: Vec<u8>, encoding: Encoding, delimiter: &str) -> Result<Self, ReadError> {
        if let Some(hint) = sniff_binary(&bytes) {
            return Err(ReadError::Binary { hint });
        }
        Self::from_text(Text::Owned(decode_text(bytes, encoding)?), delimiter)
    }

    /// Open a file: UTF-8 text is parsed straight from a memory map; other encodings are decoded.
    pub fn open(
        path: &std::path::Path,
        encoding: Encoding,
        delimiter: &str,
    ) -> Result<Self, ReadError> {
        let file = std::fs::File::open(path).map_err(|_| ReadError::Missing(path.to_path_buf()))?;
        // Safety: the map is read-only and lives as long as the reader; an extract
        // changed on disk while it is read gives a parse error, not unsafety in our code.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|_| ReadError::Missing(path.to_path_buf()))?;
        if let Some(hint) = sniff_binary(&map) {
            return Err(ReadError::Binary { hint });
        }
        let bom = map.starts_with(b"\xEF\xBB\xBF");
        let utf16 = map.starts_with(&[0xFF, 0xFE]) || map.starts_with(&[0xFE, 0xFF]);
        let wants_utf8 = bom || encoding != Encoding::Windows1252;
        if !utf16 && wants_utf8 {
            let offset = if bom { 3 } else { 0 };
            if std::str::from_utf8(&map[offset..]).is_ok() {
                return Self::from_text(Text::Mapped(map, offset), delimiter);
            }
        }
        Self::new(map.to_vec(), encoding, delimiter)
    }

    fn from_text(text: Text, delimiter: &str) -> Result<Self, ReadError> {
        if text.as_ref().iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ReadError::Empty);
        }
        let delimiter = match delimiter {
            "auto" => sniff_delimiter(text.as_ref()),
            "\t" => b'\t',
            d => d.as_bytes()[0],
        };
        let mut reader = ::csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Cursor::new(text));
        let headers = reader.headers().map_err(|e| csv_error(&e))?;
        let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
        if headers.iter().all(String::is_empty) {
            return Err(ReadError::NoHeader);
        }
        Ok(CsvSource {
            reader,
            headers,
            rows_seen: 0,
            line_at: (0, 1),
        })
    }
}

fn csv_error(e: &::csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "text that is not valid UTF-8".to_string(),
        _ => "malformed quoting".to_string(),
    };
    ReadError::Csv { line, reason }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

impl RowSource for CsvSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, ReadError> {
        loop {
            if !self.reader.read_record(record).map_err(|e| csv_error(&e))? {
                if self.rows_seen == 0 {
                    return Err(ReadError::NoRows);
                }
                return Ok(None);
            }
            // A line with nothing on it is not a row (Excel often adds one at the end).
            if record.len() == 1 && record[0].trim().is_empty() {
                continue;
            }
            self.rows_seen += 1;
            // Count newlines from the previous record's start to this one's (CR LF counts once).
            let text = self.reader.get_ref().get_ref().as_ref();
            // With CR LF the reader may place a record's start on the LF it has not consumed yet.
            let mut start = record
                .position()
                .map(|p| p.byte())
                .unwrap_or(self.line_at.0) as usize;
            while start < text.len() && (text[start] == b'\r' || text[start] == b'\n') {
                start += 1;
            }
            let start = start as u64;
            let from = (self.line_at.0 as usize).min(text.len());
            let to = (start as usize).min(text.len());
            let newlines = count_newlines(&text[from..to]);
            self.line_at = (start, self.line_at.1 + newlines);
            return Ok(Some(self.line_at.1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(
        bytes: &[u8],
        encoding: Encoding,
    ) -> Result<(Vec<String>, Vec<(u64, Vec<String>)>), ReadError> {
        let mut src = CsvSource::new(bytes.to_vec(), encoding, "auto")?;
        let mut rec = ::csv::StringRecord::new();
        let mut out = Vec::new();
        while let Some(n) = src.next_row(&mut rec)? {
            out.push((n, rec.iter().map(String::from).collect()));
        }
        Ok((src.headers().to_vec(), out))
    }

    #[test]
    fn reads_utf8_bom_semicolons() {
        let (h, r) = rows("\u{feff}a;b\n1;é\n".as_bytes(), Encoding::Auto).unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(r, [(2, vec!["1".to_string(), "é".to_string()])]);
    }

    #[test]
    fn reads_windows_1252_accents() {
        let (_, r) = rows(b"nom,sexe\nx,F\xe9minin\n", Encoding::Windows1252).unwrap();
        assert_eq!(r[0].1[1], "Féminin");
        let (_, r) = rows(b"nom,sexe\nx,F\xe9minin\n", Encoding::Auto).unwrap();
        assert_eq!(r[0].1[1], "Féminin");
    }

    #[test]
    fn rejects_bad_utf8_when_utf8_is_required() {
        let err = rows(b"a,b\n1,2\n3,\xe9\n", Encoding::Utf8).unwrap_err();
        assert!(
            matches!(err, ReadError::Encoding { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn reads_tabs_and_keeps_row_numbers_across_multiline_cells() {
        let (h, r) = rows(b"a\tb\n1\t\"x\ny\"\n2\t3\n", Encoding::Auto).unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(r[1].0, 4);
    }

    #[test]
    fn header_only_and_binary_files_are_refused() {
        assert!(matches!(
            rows(b"a,b\n", Encoding::Auto),
            Err(ReadError::NoRows)
        ));
        assert!(matches!(
            rows(b"PK\x03\x04abc", Encoding::Auto),
            Err(ReadError::Binary { .. })
        ));
        assert!(matches!(
            rows(b"a,b\x00\x01\n", Encoding::Auto),
            Err(ReadError::Binary { .. })
        ));
        assert!(matches!(
            rows(b"\n\n  \n", Encoding::Auto),
            Err(ReadError::Empty)
        ));
    }

    #[test]
    fn numbers_rows_as_an_editor_does_with_crlf() {
        let (_, r) = rows(b"a,b\r\n1,2\r\n3,\"x\r\ny\"\r\n5,6\r\n", Encoding::Auto).unwrap();
        let numbers: Vec<u64> = r.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [2, 3, 5]);
    }

    #[test]
    fn reads_utf16_unicode_text() {
        let text: Vec<u8> = [0xFFu8, 0xFE]
            .into_iter()
            .chain("a\tb\n1\t2\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let (h, r) = rows(&text, Encoding::Auto).unwrap();
        assert_eq!(h, ["a", "b"]);
        assert_eq!(r[0].1, ["1", "2"]);
    }
}
