//! Cell parsers: multi-value items, formulas, pseudonyms, whole numbers, dollars, dates and quarters.

use super::*;

/// Items of a multi-value cell, split by `sep` (by a `char` when it is one:
/// a search for one byte, and no allocation per cell).
pub(super) enum Items<'a> {
    ByChar(std::str::Split<'a, char>),
    ByText(std::str::Split<'a, &'a str>),
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Items::ByChar(items) => items.next(),
            Items::ByText(items) => items.next(),
        }
    }
}

pub(super) fn split_items<'a>(raw: &'a str, sep: &'a str) -> Items<'a> {
    let mut chars = sep.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Items::ByChar(raw.split(c)),
        _ => Items::ByText(raw.split(sep)),
    }
}

/// `cell` without surrounding white space; most cells have none, and a cell
/// whose first and last bytes are ASCII letters or digits is returned without
/// decoding any character.
pub(super) fn trimmed(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

pub(super) fn looks_like_formula(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=') | Some('@') => cell.len() > 1,
        Some('+') | Some('-') => chars
            .next()
            .is_some_and(|c| !(c.is_ascii_digit() || c == '.' || c == ' ')),
        _ => false,
    }
}

pub(super) fn is_pseudonym(key: &str) -> bool {
    (12..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=+/.:".contains(&b))
}

pub(super) fn parse_int(raw: &str) -> Option<i64> {
    if raw.len() < 19 && !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse().ok();
    }
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | ','))
        .collect();
    let cleaned = cleaned.strip_suffix(".0").unwrap_or(&cleaned);
    cleaned.parse().ok()
}

/// Whether a cell is written as a number (digits with separators, a
/// currency sign, a decimal point), whatever its size: one that does not
/// parse is then too large, not "not a number".
pub(super) fn is_numeral(raw: &str) -> bool {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    digits > 0
        && raw.trim().chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_' | ',' | '.' | '$' | '-')
        })
}

/// Dollars ("12,500.50", "12 500,50 $", "$1,200") to integer cents.
pub(super) fn parse_dollars(raw: &str) -> Option<i64> {
    let mut s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '$' | '_'))
        .collect();
    // A decimal comma: one comma followed by one or two digits at the end, and no point.
    if !s.contains('.') {
        if let Some(pos) = s.rfind(',') {
            if (1..=2).contains(&(s.len() - pos - 1)) && s.matches(',').count() == 1 {
                s.replace_range(pos..=pos, ".");
            }
        }
    }
    let s = s.replace(',', "");
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole
        .checked_mul(100)?
        .checked_add(if whole < 0 { -frac } else { frac })
}

/// Why a date cell could not be read.
#[derive(Debug, PartialEq)]
pub(super) enum DateProblem {
    /// Written in the expected shape, but no such day exists (30 February).
    NoSuchDay,
    /// Not in the profile's format (nor ISO).
    Format,
}

pub(super) fn parse_date(raw: &str, format: &str) -> Result<chrono::NaiveDate, DateProblem> {
    use chrono::format::ParseErrorKind;
    let raw = raw.trim();
    let raw = raw.split(['T', ' ']).next().unwrap_or(raw);
    let mut no_such_day = false;
    for f in [format, "%Y-%m-%d"] {
        match chrono::NaiveDate::parse_from_str(raw, f) {
            Ok(d) => return Ok(d),
            Err(e)
                if matches!(
                    e.kind(),
                    ParseErrorKind::OutOfRange | ParseErrorKind::Impossible
                ) =>
            {
                no_such_day = true
            }
            Err(_) => {}
        }
    }
    Err(if no_such_day {
        DateProblem::NoSuchDay
    } else {
        DateProblem::Format
    })
}

pub(super) fn quarter_of(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format_quarter(date.year(), ((date.month() - 1) / 3 + 1) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_in_english_and_french_forms() {
        assert_eq!(parse_dollars("12,500.50"), Some(1_250_050));
        assert_eq!(parse_dollars("12 500,50 $"), Some(1_250_050));
        assert_eq!(parse_dollars("$1,200"), Some(120_000));
        assert_eq!(parse_dollars("7"), Some(700));
        assert_eq!(parse_dollars("1.234"), None);
        assert_eq!(parse_dollars("abc"), None);
    }

    #[test]
    fn formulas_are_recognised_but_negative_numbers_are_not() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")"));
        assert!(looks_like_formula("@SUM(A1)"));
        assert!(looks_like_formula("+cmd"));
        assert!(!looks_like_formula("-5"));
        assert!(!looks_like_formula("woman"));
    }

    #[test]
    fn pseudonyms_are_long_opaque_tokens() {
        assert!(is_pseudonym("a1b2c3d4e5f6a7b8"));
        assert!(!is_pseudonym("2024-0153"));
        assert!(!is_pseudonym("Maria Santos"));
    }

    #[test]
    fn dates_become_quarters() {
        let d = parse_date("15/08/2025", "%d/%m/%Y").unwrap();
        assert_eq!(quarter_of(d), "2025Q3");
        assert_eq!(
            quarter_of(parse_date("2025-01-01T10:00", "%d/%m/%Y").unwrap()),
            "2025Q1"
        );
    }

    #[test]
    fn an_impossible_day_is_not_called_a_format_problem() {
        assert_eq!(
            parse_date("2025-02-30", "%Y-%m-%d"),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(
            parse_date("31/04/2025", "%d/%m/%Y"),
            Err(DateProblem::NoSuchDay)
        );
        assert_eq!(parse_date("Feb 3rd", "%d/%m/%Y"), Err(DateProblem::Format));
    }

    #[test]
    fn a_number_too_large_is_still_a_number() {
        assert!(parse_int("123456789012345678901234").is_none());
        assert!(is_numeral("123456789012345678901234"));
        assert!(is_numeral("$1,000,000,000,000,000,000,000.00"));
        assert!(!is_numeral("twelve"));
        assert!(!is_numeral("12 beds"));
    }
}
