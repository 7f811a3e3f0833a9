//! CSV as Excel and case-management systems save it: UTF-8 with or without a
//! BOM, UTF-16 ("Unicode text"), or Windows-1252; comma, semicolon, tab or
//! pipe. Parsing is the `csv` crate's; decoding is `encoding_rs`'.
//!
//! A large file is read in [`Share`]s: consecutive runs of rows, each parsed
//! on its own thread. A share starts just after a line break; whether that is
//! really the start of a row (and not a line break inside a quoted cell) is
//! only known to the reader of the share before it, which parses from a known
//! row start and reports where its last row ended ([`Share::reached`]). The
//! caller keeps a share's rows only when it began exactly there and reads it
//! again from the true row start otherwise, so the rows are those of one
//! reader going through the whole file.

use super::{Cells, ReadError, RowSource, sniff_binary};
use crate::ingest::profile::Encoding;
use std::io::Cursor;
use std::sync::Arc;

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

/// The text from one reader's first byte to the end.
struct Tail {
    text: Arc<Text>,
    from: usize,
}

impl AsRef<[u8]> for Tail {
    fn as_ref(&self) -> &[u8] {
        &(*self.text).as_ref()[self.from..]
    }
}

/// Files smaller than this are read by one reader: threads would cost more than they save.
pub const SHARE_MIN_BYTES: usize = 4 << 20;

/// A CSV file, or one share of its rows.
/// Longest column name accepted (bytes).
pub const MAX_HEADER_BYTES: usize = 200;
/// Longest row accepted (bytes of its cells): no cell of an extract needs
/// more, and a quote left open can otherwise swallow a whole file into one cell.
pub const MAX_ROW_BYTES: usize = 1 << 20;

pub struct CsvSource {
    parser: Parser,
    text: Arc<Text>,
    delimiter: u8,
    headers: Vec<String>,
    rows_seen: u64,
    /// Lines of the file before this reader's first byte (what the `csv` crate's line numbers are off by).
    lines_before: u64,
    /// Where this reader starts in the text, and the offset at which it stops (the next share's start).
    from: usize,
    until: Option<usize>,
    /// The first row start at or after `until`, once reached.
    reached: Option<usize>,
    /// The quote-free parser's last row: where it lies in this reader's
    /// text, and where each of its cells ends (offsets in the row).
    row_span: std::ops::Range<usize>,
    ends: Vec<usize>,
}

/// One share of a file's rows; see the module documentation.
pub type Share = CsvSource;

/// The parser of one reader.
enum Parser {
    /// The `csv` crate: any quoting, and lines ended by CR alone (old Mac files).
    Csv(::csv::Reader<Cursor<Tail>>),
    /// A share without a quote character or a lone CR, where every line is a
    /// row and every delimiter ends a cell: `simd-csv`'s zero-copy reader,
    /// about three times faster, whose cells are read in place. The end of
    /// the last row read (an offset in this reader's text) and its line
    /// number track line numbers.
    QuoteFree {
        reader: simd_csv::ZeroCopyReader<Cursor<Tail>>,
        after: usize,
        line: u64,
    },
}

/// Whether `text` can be read by [`Parser::QuoteFree`] with the same result as by the `csv` crate.
fn is_quote_free(text: &[u8]) -> bool {
    memchr::memchr(b'"', text).is_none()
        && memchr::memchr_iter(b'\r', text).all(|i| text.get(i + 1) == Some(&b'\n'))
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

/// Whether `bytes` is UTF-8 text; a large file is checked in halves on two
/// threads (split after a line feed, which is never inside a character).
fn is_utf8(bytes: &[u8]) -> bool {
    let middle = bytes.len() / 2;
    let split = match memchr::memchr(b'\n', &bytes[middle..]) {
        Some(at) if bytes.len() >= SHARE_MIN_BYTES => middle + at + 1,
        _ => return std::str::from_utf8(bytes).is_ok(),
    };
    let (head, tail) = bytes.split_at(split);
    std::thread::scope(|scope| {
        let tail = scope.spawn(|| std::str::from_utf8(tail).is_ok());
        std::str::from_utf8(head).is_ok() && tail.join().unwrap_or(false)
    })
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
        if let Some(refused) = sniff_binary(&bytes) {
            return Err(refused);
        }
        Self::from_text(Text::Owned(decode_text(bytes, encoding)?), delimiter)
    }

    /// Open a file: UTF-8 text is parsed straight from a memory map; other encodings are decoded.
    /// Refuses more than [`super::MAX_COLUMNS`] columns or a column name over
    /// [`MAX_HEADER_BYTES`].
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
        if let Some(refused) = sniff_binary(&map) {
            return Err(refused);
        }
        let bom = map.starts_with(b"\xEF\xBB\xBF");
        let utf16 = map.starts_with(&[0xFF, 0xFE]) || map.starts_with(&[0xFE, 0xFF]);
        let wants_utf8 = bom || encoding != Encoding::Windows1252;
        if !utf16 && wants_utf8 {
            let offset = if bom { 3 } else { 0 };
            if is_utf8(&map[offset..]) {
                return Self::from_text(Text::Mapped(map, offset), delimiter);
            }
        }
        Self::new(map.to_vec(), encoding, delimiter)
    }

    fn from_text(text: Text, delimiter: &str) -> Result<Self, ReadError> {
        if text.as_ref().iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ReadError::Empty);
        }
        // Lines ended by a carriage return alone (old Mac files): the parser
        // would split them, but every row would be "line 1" in the report.
        let head = &text.as_ref()[..text.as_ref().len().min(1 << 20)];
        if memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some() {
            return Err(ReadError::LineEndings);
        }
        let delimiter = match delimiter {
            "auto" => sniff_delimiter(text.as_ref()),
            "\t" => b'\t',
            d => d.as_bytes()[0],
        };
        let mut source = Self::reader(Arc::new(text), delimiter, 0, None);
        let Parser::Csv(reader) = &mut source.parser else {
            unreachable!("a whole file is read by the csv crate")
        };
        let headers = reader.headers().map_err(|e| csv_error(&e, 0))?;
        if headers.len() > super::MAX_COLUMNS {
            return Err(ReadError::Limit {
                what: "columns",
                limit: super::MAX_COLUMNS as u64,
            });
        }
        // A quote opened in the header and never closed swallows the rows
        // below it into one "column name": say so, rather than report the
        // columns that then seem to be missing.
        if headers.iter().any(|h| h.contains(['\n', '\r'])) {
            return Err(ReadError::Csv {
                line: 1,
                reason: "unclosed-header-quote",
            });
        }
        if headers.iter().any(|h| h.len() > MAX_HEADER_BYTES) {
            return Err(ReadError::Limit {
                what: "header-chars",
                limit: MAX_HEADER_BYTES as u64,
            });
        }
        source.headers = headers.iter().map(|h| h.trim().to_string()).collect();
        if source.headers.iter().all(String::is_empty) {
            return Err(ReadError::NoHeader);
        }
        Ok(source)
    }

    /// A reader of `text` from byte `from` (0: the header first) to the row
    /// start at or after `until`; a share of quote-free text gets the faster parser.
    fn reader(text: Arc<Text>, delimiter: u8, from: usize, until: Option<usize>) -> Self {
        let bytes = (*text).as_ref();
        let line = 1 + count_newlines(&bytes[..from]);
        let tail = Cursor::new(Tail {
            text: Arc::clone(&text),
            from,
        });
        let share = from > 0 || until.is_some();
        // A share re-read from where the one before it stopped may start past
        // its own end (a quoted cell ran over the whole share): it is empty.
        let end = until.unwrap_or(bytes.len()).max(from);
        let parser = if share && is_quote_free(&bytes[from..end]) {
            Parser::QuoteFree {
                reader: simd_csv::ZeroCopyReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .has_headers(from == 0)
                    .from_reader(tail),
                after: 0,
                line: line - 1,
            }
        } else {
            Parser::Csv(
                ::csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(true)
                    .has_headers(from == 0)
                    .from_reader(tail),
            )
        };
        CsvSource {
            parser,
            text,
            delimiter,
            headers: Vec::new(),
            rows_seen: 0,
            lines_before: line - 1,
            from,
            until,
            // Past its own end already: nothing to read, and the next row starts here.
            reached: until.filter(|u| from >= *u).map(|_| from),
            row_span: 0..0,
            ends: Vec::new(),
        }
    }

    /// Up to `n` consecutive shares of the rows, each starting just after a
    /// line break; none when the file is smaller than `min_bytes` per share.
    pub fn split(&self, n: usize, min_bytes: usize) -> Option<Vec<Share>> {
        let text = (*self.text).as_ref();
        let n = n.min(text.len() / min_bytes.max(1));
        if n < 2 || self.rows_seen > 0 {
            return None;
        }
        let header_end = match &self.parser {
            Parser::Csv(reader) => reader.position().byte() as usize,
            Parser::QuoteFree { .. } => return None,
        };
        let mut starts = vec![0];
        for k in 1..n {
            let target = (text.len() * k / n).max(header_end);
            let Some(newline) = memchr::memchr(b'\n', &text[target..]) else {
                break;
            };
            // Not on a blank line, so the share's first row starts exactly here.
            let mut start = target + newline + 1;
            while start < text.len() && (text[start] == b'\r' || text[start] == b'\n') {
                start += 1;
            }
            if start >= text.len() || start <= *starts.last().unwrap_or(&0) {
                break;
            }
            starts.push(start);
        }
        if starts.len() < 2 {
            return None;
        }
        let ends = starts.iter().skip(1).map(|s| Some(*s)).chain([None]);
        let shares = starts
            .iter()
            .zip(ends)
            .map(|(from, until)| {
                let mut share = Self::reader(Arc::clone(&self.text), self.delimiter, *from, until);
                share.headers = self.headers.clone();
                share
            })
            .collect();
        Some(shares)
    }

    /// Where this share starts in the file's text.
    pub fn start(&self) -> usize {
        self.from
    }

    /// Where the next share's rows truly start: the first row start at or
    /// after this share's end (None when this share read to the end of the file).
    pub fn reached(&self) -> Option<usize> {
        self.reached
    }

    /// Let the system drop the pages of the file this share has read (a
    /// large extract is not kept in memory while its columns are built). They
    /// are read from the file again should anything touch them later.
    pub fn release(&self) {
        if let Text::Mapped(map, offset) = &*self.text {
            let end = self.reached.unwrap_or(map.len() - offset);
            let len = end.saturating_sub(self.from);
            // SAFETY: the map is a shared, read-only mapping of a file; after
            // MADV_DONTNEED its pages are read from the file again on access,
            // with the same bytes, so no reference into the map is invalidated.
            let _ = unsafe {
                map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    offset + self.from,
                    len,
                )
            };
        }
    }

    /// The same share read again from `from`, a known row start.
    pub fn restart_at(&self, from: usize) -> Share {
        let mut share = Self::reader(Arc::clone(&self.text), self.delimiter, from, self.until);
        share.headers = self.headers.clone();
        share
    }
}

/// A parse error, its line counted from the file's start (`lines_before`: lines before this reader's text).
fn csv_error(e: &::csv::Error, lines_before: u64) -> ReadError {
    let line = e.position().map(|p| p.line() + lines_before).unwrap_or(0);
    let reason = match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not-utf8",
        _ => "quoting",
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

    fn shares(&self, n: usize) -> Option<Vec<Share>> {
        self.split(n, SHARE_MIN_BYTES)
    }

    fn next_row(&mut self, record: &mut ::csv::StringRecord) -> Result<Option<u64>, ReadError> {
        let (line, copy) = match self.next_cells(record)? {
            None => return Ok(None),
            Some((line, Cells::Record(_))) => (line, None),
            Some((line, cells)) => {
                let cells: Vec<String> = (0..cells.len())
                    .map(|i| cells.get(i).unwrap_or("").to_string())
                    .collect();
                (line, Some(cells))
            }
        };
        if let Some(cells) = copy {
            *record = ::csv::StringRecord::from(cells);
        }
        Ok(Some(line))
    }
}

impl CsvSource {
    /// The next row's line number and cells: read into `record` by the `csv`
    /// crate, or in place from quote-free text.
    pub fn next_cells<'a>(
        &'a mut self,
        record: &'a mut ::csv::StringRecord,
    ) -> Result<Option<(u64, Cells<'a>)>, ReadError> {
        let line = loop {
            if self.reached.is_some() {
                return Ok(None);
            }
            let read = match &mut self.parser {
                Parser::Csv(reader) => read_csv(reader, record, self.lines_before)?,
                Parser::QuoteFree {
                    reader,
                    after,
                    line,
                } => {
                    let text = &(*self.text).as_ref()[self.from..];
                    read_quote_free(
                        reader,
                        after,
                        line,
                        text,
                        &mut self.row_span,
                        &mut self.ends,
                    )?
                }
            };
            let Some((start, line)) = read else {
                if self.rows_seen == 0 && self.from == 0 && self.until.is_none() {
                    return Err(ReadError::NoRows);
                }
                return Ok(None);
            };
            if let Some(until) = self.until {
                if self.from + start >= until {
                    self.reached = Some(self.from + start);
                    return Ok(None);
                }
            }
            let row_bytes = match self.parser {
                Parser::Csv(_) => record.as_slice().len(),
                Parser::QuoteFree { .. } => self.row_span.len(),
            };
            if row_bytes > MAX_ROW_BYTES {
                return Err(ReadError::Limit {
                    what: "row-chars",
                    limit: MAX_ROW_BYTES as u64,
                });
            }
            // (Only a row of one cell can be blank: most rows are not looked at twice.)
            let one_cell = match self.parser {
                Parser::Csv(_) => record.len() == 1,
                Parser::QuoteFree { .. } => self.ends.len() == 1,
            };
            if !one_cell || !self.cells(record)?.is_blank() {
                self.rows_seen += 1;
                break line;
            }
        };
        Ok(Some((line, self.cells(record)?)))
    }

    /// The cells of the row just read.
    fn cells<'a>(&'a self, record: &'a ::csv::StringRecord) -> Result<Cells<'a>, ReadError> {
        Ok(match self.parser {
            Parser::Csv(_) => Cells::Record(record),
            Parser::QuoteFree { line, .. } => {
                let bytes = &(*self.text).as_ref()[self.from..][self.row_span.clone()];
                let text = std::str::from_utf8(bytes).map_err(|_| ReadError::Csv {
                    line,
                    reason: "not-utf8",
                })?;
                Cells::Line {
                    text,
                    ends: &self.ends,
                }
            }
        })
    }
}

/// The next record by the `csv` crate, with where it starts in the reader's text and its line.
fn read_csv(
    reader: &mut ::csv::Reader<Cursor<Tail>>,
    record: &mut ::csv::StringRecord,
    lines_before: u64,
) -> Result<Option<(usize, u64)>, ReadError> {
    if !reader
        .read_record(record)
        .map_err(|e| csv_error(&e, lines_before))?
    {
        return Ok(None);
    }
    // The line as an editor numbers it: the reader counts every LF it
    // has consumed, but with CR LF it may place a record's start on the
    // LF it has not consumed yet, and before blank lines it skips.
    let text = reader.get_ref().get_ref().as_ref();
    let (mut start, mut line) = match record.position() {
        Some(p) => (p.byte() as usize, lines_before + p.line()),
        None => (0, lines_before + 1),
    };
    while start < text.len() && (text[start] == b'\r' || text[start] == b'\n') {
        line += u64::from(text[start] == b'\n');
        start += 1;
    }
    Ok(Some((start, line)))
}

/// The next row of quote-free text (`text`: the reader's text): where it
/// starts, and its line, one more than the last row's plus the blank lines
/// skipped since. The row's place in `text` goes to `span`, and where each
/// of its cells ends (an offset in the row) to `ends`.
fn read_quote_free(
    reader: &mut simd_csv::ZeroCopyReader<Cursor<Tail>>,
    after: &mut usize,
    line: &mut u64,
    text: &[u8],
    span: &mut std::ops::Range<usize>,
    ends: &mut Vec<usize>,
) -> Result<Option<(usize, u64)>, ReadError> {
    let malformed = |_| ReadError::Csv {
        line: *line + 1,
        reason: "unsplittable",
    };
    let Some(row) = reader.read_byte_record().map_err(malformed)? else {
        return Ok(None);
    };
    let bytes = row.as_slice();
    ends.clear();
    ends.extend(
        row.iter()
            .map(|cell| cell.as_ptr() as usize - bytes.as_ptr() as usize + cell.len()),
    );
    let row_len = bytes.len();
    let end = reader.position() as usize;
    // The row's bytes were given without their line end (LF or CR LF).
    let ending = match (
        end.checked_sub(1).map(|i| text[i]),
        end.checked_sub(2).map(|i| text[i]),
    ) {
        (Some(b'\n'), Some(b'\r')) => 2,
        (Some(b'\n'), _) => 1,
        _ => 0,
    };
    let start = end - ending - row_len;
    *line += 1 + count_newlines(&text[(*after).min(start)..start]);
    *after = end;
    *span = start..start + row_len;
    Ok(Some((start, *line)))
}

#[cfg(test)]
mod tests;
