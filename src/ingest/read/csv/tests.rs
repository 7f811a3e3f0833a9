//! Unit tests of the module beside this file.

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

/// Read the shares one after another as intake does: a share counts only
/// if it starts where the one before it stopped, else it is read again from there.
fn rows_by_shares(text: &[u8], n: usize) -> Vec<(u64, Vec<String>)> {
    let whole = CsvSource::new(text.to_vec(), Encoding::Auto, "auto").unwrap();
    // A text that cannot be cut (no row start after the header) is read whole, as intake does.
    let Some(shares) = whole.split(n, 1) else {
        return rows(text, Encoding::Auto).unwrap().1;
    };
    let mut out = Vec::new();
    let mut next_start = Some(0);
    for share in shares {
        let Some(start) = next_start else { break };
        let mut share = if share.start() == start {
            share
        } else {
            share.restart_at(start)
        };
        let mut rec = ::csv::StringRecord::new();
        while let Some((line, cells)) = share.next_cells(&mut rec).unwrap() {
            let cells = (0..cells.len()).map(|i| cells.get(i).unwrap().to_string());
            out.push((line, cells.collect()));
        }
        next_start = share.reached();
    }
    out
}

/// Cut into 2 to 24 shares (so at many places), `text` reads as one reader reads it.
fn assert_shares_read_as_one_reader(text: &str, rows_expected: usize) {
    let (_, expected) = rows(text.as_bytes(), Encoding::Auto).unwrap();
    assert_eq!(expected.len(), rows_expected);
    for n in 2..=24 {
        assert_eq!(rows_by_shares(text.as_bytes(), n), expected, "{n} shares");
    }
}

#[test]
fn shares_read_the_rows_of_one_reader_even_when_split_inside_a_quoted_cell() {
    let mut text = String::from("key,acts,n\r\n");
    for i in 0..40 {
        match i % 4 {
            0 => text.push_str(&format!("k{i},\"threats;\r\ndebt\nbondage\",{i}\r\n")),
            1 => text.push_str(&format!("k{i},\"say \"\"no\"\"\n\",{i}\n\n")),
            2 => text.push_str(&format!("k{i},plain,{i}\r\n")),
            _ => text.push_str(&format!("k{i},\"\n\n\n\",{i}\n")),
        }
    }
    assert_shares_read_as_one_reader(&text, 40);
}

#[test]
fn quote_free_shares_read_as_the_csv_crate_does() {
    let mut text = String::from("key;acts;n\r\n");
    for i in 0..60 {
        match i % 5 {
            0 => text.push_str(&format!("k{i};threats, debt;{i}\r\n")),
            1 => text.push_str(&format!("k{i};;{i}\n\n")),
            2 => text.push_str(&format!("k{i};too;many;cells;{i}\r\n\r\n")),
            3 => text.push_str(&format!("k{i}\n   \n")),
            _ => text.push_str(&format!("k{i};é ü;{i}\n")),
        }
    }
    text.push_str("last;row;without line end");
    assert!(is_quote_free(text.as_bytes()));
    assert_shares_read_as_one_reader(&text, 61);
}

#[test]
fn lone_carriage_returns_and_quotes_are_left_to_the_csv_crate() {
    assert!(!is_quote_free(b"a,b\r1,2\r"));
    assert!(!is_quote_free(b"a,b\n1,\"2\"\n"));
    assert!(is_quote_free(b"a,b\r\n1,2\r\n"));
}

#[test]
fn large_text_is_checked_as_utf8_in_halves() {
    let mut text = "é,ü\n".repeat(SHARE_MIN_BYTES / 3).into_bytes();
    assert!(is_utf8(&text));
    let last = text.len() - 2;
    text[last] = 0xC3; // a character cut short in the second half
    assert!(!is_utf8(&text));
}

#[test]
fn small_files_are_not_split() {
    let source = CsvSource::new(b"a,b\n1,2\n3,4\n".to_vec(), Encoding::Auto, "auto").unwrap();
    assert!(source.split(2, SHARE_MIN_BYTES).is_none());
}

/// A random text made of the pieces that matter to a CSV reader: cells,
/// delimiters, quotes (doubled or not), CR, LF, blank lines, accents.
pub(crate) fn random_csv(rng: &mut impl rand::Rng, pieces: usize) -> String {
    const PIECES: &[&str] = &[
        "a", "bc", "k1", ",", ",", ";", "\"", "\"\"", "\n", "\r\n", "\r", " ", "é", "\n\n",
        "\"x\ny\"", "12", "\t",
    ];
    let mut text = String::from("key,acts,n\n");
    for _ in 0..pieces {
        text.push_str(PIECES[rng.random_range(0..PIECES.len())]);
    }
    text
}

/// Fuzzing of the share reader: random texts never panic, and wherever a
/// whole-file reader reads them, every split into shares reads the same
/// rows with the same numbers. `SAFECOUNT_FUZZ_SECS` (default 2) sets how
/// long; `benches/fuzz.sh` runs it for ten minutes.
#[test]
fn fuzz_shares_read_as_one_reader() {
    use rand::Rng;
    let seconds: u64 = std::env::var("SAFECOUNT_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut rng = rand::rng();
    let mut cases = 0u64;
    while std::time::Instant::now() < deadline {
        let pieces = rng.random_range(1..400);
        let text = random_csv(&mut rng, pieces);
        cases += 1;
        let whole = std::panic::catch_unwind(|| rows(text.as_bytes(), Encoding::Auto));
        let Ok(whole) = whole else {
            panic!("the reader panicked on {text:?}");
        };
        let Ok((_, expected)) = whole else { continue };
        for n in [2, 3, 5, 8] {
            let got = std::panic::catch_unwind(|| rows_by_shares(text.as_bytes(), n));
            match got {
                Ok(got) => assert_eq!(got, expected, "{n} shares of {text:?}"),
                Err(_) => panic!("the shares panicked ({n}) on {text:?}"),
            }
        }
    }
    eprintln!("fuzz_shares_read_as_one_reader: {cases} texts in {seconds} s");
}

/// What fuzzing found: a share re-read from past its own end (the share
/// before it ran over it inside a quoted cell) panicked, and then read a
/// row of the next share with the wrong parser.
#[test]
fn a_share_overrun_by_a_quoted_cell_is_empty() {
    let panicked =
        "key,acts,n\n,;a,\"\t\r\n12\n\n\"\"\r\nk1 \n\n\t\r\n \"\"x\ny\"\r\n\r\n12  12a\"x\ny\"bc";
    let (_, expected) = rows(panicked.as_bytes(), Encoding::Auto).unwrap();
    assert_eq!(rows_by_shares(panicked.as_bytes(), 5), expected);
    let misread = "key,acts,n\n\"x\ny\"\n\n\"abc\n\n";
    let (_, expected) = rows(misread.as_bytes(), Encoding::Auto).unwrap();
    assert_eq!(expected[1].1, ["abc\n\n"]);
    assert_eq!(rows_by_shares(misread.as_bytes(), 3), expected);
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
