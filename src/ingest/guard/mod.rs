//! The identifier guard: finds direct identifiers (fields.md, "never
//! accepted") by column name and by the values a column holds, and reports
//! the column, the rows and the kind of identifier — never the value.
//!
//! High-precision patterns (an e-mail address, a full postal code, a phone
//! number written with separators, a Luhn-valid SIN written 3-3-3, a street
//! address, a long free-text note) reject a file on a single match.
//! Low-precision patterns (a personal name, an exact date, a bare run of
//! digits) reject a column when at least [`SHARE_THRESHOLD`] of its non-empty
//! values match, so that a column of quarter codes or amounts is not flagged.

mod names;

use super::profile::fold;
use names::{
    GIVEN_NAMES, is_foreign_script_name, looks_like_name, name_in_any_case, names_a_person,
};
pub use names::{label_identifies, may_show_label, person_key_reveals};
use polars::prelude::PlHashMap as HashMap;
use regex::Regex;
use std::sync::LazyLock;

/// Share of a column's non-empty values that must match a low-precision pattern.
pub const SHARE_THRESHOLD: f64 = 0.3;

/// Kinds of direct identifier (shared/domain/fields.md).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    PersonName,
    Email,
    Phone,
    PostalCode,
    SocialInsuranceNumber,
    HealthCard,
    DocumentNumber,
    CaseFileNumber,
    DateOfBirth,
    StreetAddress,
    FreeText,
}

impl IdentifierKind {
    /// The catalogue id of what such a column holds ("personal names").
    pub fn description_id(self) -> &'static str {
        match self {
            IdentifierKind::PersonName => "identifier-person-name",
            IdentifierKind::Email => "identifier-email",
            IdentifierKind::Phone => "identifier-phone",
            IdentifierKind::PostalCode => "identifier-postal-code",
            IdentifierKind::SocialInsuranceNumber => "identifier-social-insurance-number",
            IdentifierKind::HealthCard => "identifier-health-card",
            IdentifierKind::DocumentNumber => "identifier-document-number",
            IdentifierKind::CaseFileNumber => "identifier-case-file-number",
            IdentifierKind::DateOfBirth => "identifier-date-of-birth",
            IdentifierKind::StreetAddress => "identifier-street-address",
            IdentifierKind::FreeText => "identifier-free-text",
        }
    }

    /// The catalogue id of what the agency should do about it.
    pub fn fix_id(self) -> &'static str {
        match self {
            IdentifierKind::PostalCode => "identifier-fix-postal-code",
            IdentifierKind::DateOfBirth => "identifier-fix-date",
            IdentifierKind::CaseFileNumber | IdentifierKind::PersonName => {
                "identifier-fix-pseudonym"
            }
            _ => "identifier-fix-remove",
        }
    }
}

struct Pattern {
    kind: IdentifierKind,
    high_precision: bool,
    re: Regex,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("identifier pattern compiles")
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    use IdentifierKind::*;
    let p = |kind, high_precision, s: &str| Pattern {
        kind,
        high_precision,
        re: re(s),
    };
    vec![
        p(
            Email,
            true,
            r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
        ),
        p(
            PostalCode,
            true,
            r"(?i)^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d$",
        ),
        p(
            Phone,
            true,
            r"^(\+?1[\s.-]?)?(\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(\s*(x|ext\.?|poste)\s*\d+)?$",
        ),
        p(
            HealthCard,
            true,
            r"(?i)^[A-Z]{4}\s?\d{4}\s?\d{4}$|^\d{4}[\s-]\d{3}[\s-]\d{3}(\s?[A-Z]{2})?$|^\d{10}\s?[A-Z]{2}$",
        ),
        p(
            DocumentNumber,
            true,
            r"(?i)^[A-Z]{2}\d{6}$|^\d{2}-\d{4}-\d{4}$|^\d{4}-\d{4}$|^[A-Z]\d{9}$",
        ),
        p(
            StreetAddress,
            true,
            r"(?i)^\d+[A-Z]?(-\d+)?,?\s+([\w'.-]+\s+){0,4}(street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|crescent|cres|court|ct|place|pl|terrace|highway|hwy)\.?\b|^\d+[A-Z]?(-\d+)?,?\s+(rue|avenue|av|boulevard|boul|chemin|ch|rang|route|place|montée|montee|côte|cote)\b",
        ),
        p(Phone, false, r"^(\+?1)?[2-9]\d{2}[2-9]\d{6}$"),
        p(
            DateOfBirth,
            false,
            r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$|^\d{4}/\d{1,2}/\d{1,2}$",
        ),
    ]
});

static SIN_FORMAT: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{3}([ -]?)\d{3}([ -]?)\d{3}$"));
/// A pseudonym-shaped token (12+ letters and digits, both present, no
/// separators) matches no identifier pattern except ten digits followed by
/// two letters (an Ontario health card with its version code).
fn is_opaque_token(value: &str) -> bool {
    let b = value.as_bytes();
    let (mut letters, mut digits) = (0usize, 0usize);
    for c in b {
        match c {
            b'0'..=b'9' => digits += 1,
            b'a'..=b'z' | b'A'..=b'Z' => letters += 1,
            b'_' => {}
            _ => return false,
        }
    }
    let health_card = b.len() == 12 && digits == 10 && b[..10].iter().all(u8::is_ascii_digit);
    b.len() >= 12 && letters > 0 && digits > 0 && !health_card
}

fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = (d - b'0') as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// A SIN: nine digits, Luhn-valid, not starting with 0 or 8. Written with
/// separators it is high precision; as nine bare digits, low precision.
fn sin_match(value: &str) -> Option<bool> {
    let caps = SIN_FORMAT.captures(value)?;
    let digits: Vec<u8> = value.bytes().filter(u8::is_ascii_digit).collect();
    if digits[0] == b'0' || digits[0] == b'8' || !luhn_valid(&digits) {
        return None;
    }
    let separated = !caps[1].is_empty() && !caps[2].is_empty();
    Some(separated)
}

fn word_count(value: &str) -> usize {
    value
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// Whether an unknown spelling may be shown back in a report: it looks like a
/// code, not like something about a person. Short (at most 40 characters and
/// 3 words), no identifier pattern, and not shaped like a name ("Bob
/// Tremblay": capitalised words; or one common given name, "Maria") unless it is close to a canonical code
/// (`near_code`, e.g. "Forced Labour"). When in doubt, withhold.
pub fn looks_like_code(value: &str, near_code: bool) -> bool {
    let value = value.trim();
    if value.chars().count() > 40 || value.split_whitespace().count() > 3 {
        return false;
    }
    if detect(value).is_some() || value.contains('@') || value.chars().any(char::is_control) {
        return false;
    }
    if value.chars().filter(char::is_ascii_digit).count() > 4 {
        return false;
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_lowercase)
    };
    if value.chars().any(|c| c.is_alphabetic() && c > '\u{024F}') || names_a_person(value) {
        return false;
    }
    let name_shaped = (words.len() >= 2 && words.iter().all(capitalised))
        || (words.len() == 1 && GIVEN_NAMES.contains(fold(words[0]).as_str()));
    !name_shaped || near_code
}

/// Classify one value: the identifier kind it looks like, and whether that
/// match alone is enough to reject (high precision).
pub fn detect(value: &str) -> Option<(IdentifierKind, bool)> {
    let value = value.trim();
    if value.len() < 3 || is_opaque_token(value) {
        return None;
    }
    let has_digit = value.bytes().any(|b| b.is_ascii_digit());
    let has_at = value.contains('@');
    if has_digit || has_at {
        if let Some(high) = sin_match(value) {
            return Some((IdentifierKind::SocialInsuranceNumber, high));
        }
        for p in PATTERNS.iter() {
            if p.re.is_match(value) {
                return Some((p.kind, p.high_precision));
            }
        }
    }
    let words = word_count(value);
    if words >= 10 {
        return Some((IdentifierKind::FreeText, true));
    }
    if words >= 5 && value.contains(' ') && value.chars().filter(|c| c.is_lowercase()).count() > 12
    {
        return Some((IdentifierKind::FreeText, false));
    }
    if !has_digit {
        if let Some(high) = name_in_any_case(value) {
            return Some((IdentifierKind::PersonName, high));
        }
        if looks_like_name(value) || is_foreign_script_name(value) {
            return Some((IdentifierKind::PersonName, false));
        }
    }
    if has_digit && SPELLED_DATE.is_match(value) {
        return Some((IdentifierKind::DateOfBirth, false));
    }
    None
}

/// A date written with its month in words: "April 12, 1987", "12 avril
/// 1987", "12-Apr-1987".
static SPELLED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(\d{1,2}(er)?[\s./-]+)?(jan|feb|f[ée]v|mar|apr|avr|may|mai|jun|juin|jul|juil|aug|ao[uû]|sep|oct|nov|d[ée]c)[a-zéû]*\.?[\s./-]+(\d{1,2}(st|nd|rd|th)?,?[\s./-]+)?(19|20)\d{2}$",
    )
});

/// What a column's name says it holds, if it names a direct identifier.
pub fn header_kind(header: &str) -> Option<IdentifierKind> {
    use IdentifierKind::*;
    let h = fold(header).replace(['_', '-', '.', '/', '(', ')', ':', '#'], " ");
    let words: Vec<&str> = h.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let phrase = |p: &str| format!(" {} ", words.join(" ")).contains(&format!(" {p} "));
    let benign = [
        "agency",
        "program",
        "programme",
        "organisation",
        "organization",
        "service",
        "project",
        "shelter",
        "sheet",
    ];
    if words.iter().any(|w| benign.contains(w)) {
        return None;
    }
    if has("email") || has("e") && has("mail") || has("courriel") || has("mail") {
        return Some(Email);
    }
    if has("phone")
        || has("telephone")
        || has("tel")
        || has("cell")
        || has("mobile")
        || has("cellulaire")
    {
        return Some(Phone);
    }
    if phrase("postal code") || phrase("code postal") || has("postcode") || has("zip") {
        return Some(PostalCode);
    }
    if has("sin") || has("nas") || phrase("social insurance") || phrase("assurance sociale") {
        return Some(SocialInsuranceNumber);
    }
    if phrase("health card")
        || phrase("carte sante")
        || has("ohip")
        || has("ramq")
        || has("phn")
        || phrase("health number")
    {
        return Some(HealthCard);
    }
    if has("passport")
        || has("passeport")
        || has("uci")
        || has("iuc")
        || phrase("permit number")
        || phrase("numero de permis")
    {
        return Some(DocumentNumber);
    }
    if has("dob")
        || has("ddn")
        || has("birthdate")
        || phrase("date of birth")
        || phrase("birth date")
        || phrase("date de naissance")
    {
        return Some(DateOfBirth);
    }
    if has("address") || has("adresse") || has("street") || has("rue") {
        return Some(StreetAddress);
    }
    let notes = [
        "notes",
        "note",
        "comment",
        "comments",
        "commentaire",
        "commentaires",
        "remarque",
        "remarques",
        "narrative",
        "observations",
        "description",
        "details",
    ];
    if words.iter().any(|w| notes.contains(w)) {
        return Some(FreeText);
    }
    if phrase("file number")
        || phrase("case number")
        || phrase("file no")
        || phrase("case no")
        || phrase("numero de dossier")
        || phrase("no dossier")
        || phrase("case id")
        || phrase("file id")
    {
        return Some(CaseFileNumber);
    }
    let named = has("name")
        || has("nom")
        || has("prenom")
        || has("surname")
        || has("firstname")
        || has("lastname")
        || has("fullname");
    named.then_some(PersonName)
}

/// Rows kept per finding in a report.
pub const ROWS_SHOWN: usize = 20;

/// One identifier found in one column.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Finding {
    pub kind: IdentifierKind,
    /// True when the column's name gave it away, false when its values did.
    pub by_header: bool,
    /// Data rows where a value matched (the first [`ROWS_SHOWN`]).
    pub rows: Vec<u64>,
    /// How many rows matched in all.
    pub count: u64,
}

/// Accumulates value matches for one column.
#[derive(Debug, Default)]
pub struct ColumnScan {
    non_empty: u64,
    hits: HashMap<IdentifierKind, (bool, u64, Vec<u64>)>,
    cache: HashMap<String, Option<(IdentifierKind, bool)>>,
}

const CACHE_LIMIT: usize = 20_000;

impl ColumnScan {
    pub fn observe(&mut self, row: u64, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.non_empty += 1;
        // Pseudonyms (mostly distinct, so never in the cache) are settled without hashing.
        if is_opaque_token(value) {
            return;
        }
        let hit = match self.cache.get(value) {
            Some(hit) => *hit,
            None => {
                let hit = detect(value);
                if self.cache.len() < CACHE_LIMIT {
                    self.cache.insert(value.to_string(), hit);
                }
                hit
            }
        };
        if let Some((kind, high)) = hit {
            let entry = self.hits.entry(kind).or_insert((false, 0, Vec::new()));
            entry.0 |= high;
            entry.1 += 1;
            if entry.2.len() < ROWS_SHOWN {
                entry.2.push(row);
            }
        }
    }

    /// Add another scan of the same column (another share of its rows).
    pub fn merge(&mut self, other: ColumnScan) {
        self.non_empty += other.non_empty;
        for (kind, (high, count, rows)) in other.hits {
            let entry = self.hits.entry(kind).or_insert((false, 0, Vec::new()));
            entry.0 |= high;
            entry.1 += count;
            entry.2.extend(rows);
            entry.2.sort_unstable();
            entry.2.truncate(ROWS_SHOWN);
        }
    }

    /// The findings this column's values support.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .hits
            .iter()
            .filter(|(_, (high, count, _))| {
                *high || *count as f64 >= SHARE_THRESHOLD * self.non_empty as f64
            })
            .map(|(kind, (_, count, rows))| Finding {
                kind: *kind,
                by_header: false,
                rows: rows.clone(),
                count: *count,
            })
            .collect();
        out.sort_by_key(|f| f.kind);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_code_like_spellings_are_shown_back() {
        for code in ["Got it", "Waitlist", "F", "Femme", "2", "N/A", "sex work"] {
            assert!(looks_like_code(code, false), "{code}");
        }
        assert!(looks_like_code("Forced Labour", true));
        for person in [
            "Maria",
            "Bob Tremblay",
            "Marie-Claude Roy",
            "bob@example.org",
            "514-555-0199",
            "she came to us after leaving the farm in june",
            "H2X 1Y4",
        ] {
            assert!(!looks_like_code(person, false), "{person}");
        }
    }
    use IdentifierKind::*;

    fn kind(v: &str) -> Option<IdentifierKind> {
        detect(v).map(|(k, _)| k)
    }

    #[test]
    fn detects_each_kind_by_value() {
        assert_eq!(kind("maria.s@example.org"), Some(Email));
        assert_eq!(kind("(416) 555-0199"), Some(Phone));
        assert_eq!(kind("416-555-0199"), Some(Phone));
        assert_eq!(kind("4165550199"), Some(Phone));
        assert_eq!(kind("H2X 1Y4"), Some(PostalCode));
        assert_eq!(kind("130 692 544"), Some(SocialInsuranceNumber));
        assert_eq!(kind("046 454 286"), None, "never starts with 0");
        assert_eq!(kind("130692544"), Some(SocialInsuranceNumber));
        assert_eq!(kind("130 692 545"), None, "fails the Luhn check");
        assert_eq!(kind("TREM 1234 5678"), Some(HealthCard));
        assert_eq!(kind("1234-567-890 AB"), Some(HealthCard));
        assert_eq!(kind("AB123456"), Some(DocumentNumber));
        assert_eq!(kind("12-3456-7890"), Some(DocumentNumber));
        assert_eq!(kind("1987-04-12"), Some(DateOfBirth));
        assert_eq!(kind("12/04/1987"), Some(DateOfBirth));
        assert_eq!(kind("221 Baker Street"), Some(StreetAddress));
        assert_eq!(kind("4520, rue Saint-Denis"), Some(StreetAddress));
        assert_eq!(kind("Maria Santos"), Some(PersonName));
        assert_eq!(kind("Santos, Maria"), Some(PersonName));
        assert_eq!(detect("maria santos"), Some((PersonName, true)));
        assert_eq!(detect("MARIA SANTOS"), Some((PersonName, true)));
        assert_eq!(kind("maria"), None, "one word is not enough");
        assert_eq!(kind("王秀英"), Some(PersonName));
        assert_eq!(kind("محمد علي"), Some(PersonName));
        assert_eq!(kind("Мария Иванова"), Some(PersonName));
        assert_eq!(kind("April 12, 1987"), Some(DateOfBirth));
        assert_eq!(kind("12 avril 1987"), Some(DateOfBirth));
        assert_eq!(kind("12-Apr-1987"), Some(DateOfBirth));
        assert_eq!(kind("+1 613 555 0123"), Some(Phone));
        assert_eq!(kind("613.555.0123"), Some(Phone));
        assert_eq!(
            kind(
                "She arrived at the shelter after her employer took her passport and refused to pay"
            ),
            Some(FreeText)
        );
    }

    #[test]
    fn codes_and_quarters_are_not_identifiers() {
        for v in [
            "2024Q3",
            "woman",
            "Debt Bondage",
            "Temporary Foreign Worker",
            "CA-ON",
            "H2X",
            "18-20",
            "48+",
            "a1b2c3d4e5f6a7b8",
            "12",
            "1500000",
            "Travail forcé",
        ] {
            assert_eq!(kind(v), None, "{v}");
        }
    }

    #[test]
    fn person_keys_that_say_who_the_person_is_are_caught() {
        assert_eq!(
            person_key_reveals("Tremblay_Marie_19870412"),
            Some("birth-date")
        );
        assert_eq!(
            person_key_reveals("maria-santos-1987-04-12"),
            Some("birth-date")
        );
        assert_eq!(
            person_key_reveals("SIN130692544"),
            Some("government-number")
        );
        assert_eq!(
            person_key_reveals("OHIP1234567890"),
            Some("government-number")
        );
        assert_eq!(person_key_reveals("client-maria-santos"), Some("name"));
        assert_eq!(
            person_key_reveals("client130692544"),
            Some("government-number"),
            "a SIN inside letters that are not hexadecimal"
        );
        for opaque in [
            "aaaaaaaaaaaa0001",
            "3f9a0c17e2b44d81",
            "b69e7c7f91ecbfd0.756c503fc1dd769b8283526e8807c513",
            "b69e7c7f91ecbfd0.1234567890123456",
            "3f9a0c1306925440",
            "a130692544b2",
            "PH-2025-000123",
        ] {
            assert_eq!(person_key_reveals(opaque), None, "{opaque}");
        }
    }

    #[test]
    fn labels_are_shown_only_when_they_cannot_be_a_person() {
        for shown in [
            "Client Ref",
            "Gender",
            "Asked to cooperate with police?",
            "Tranche d'âge",
        ] {
            assert!(may_show_label(shown), "{shown}");
            assert!(!label_identifies(shown), "{shown}");
        }
        for withheld in [
            "Maria Santos",
            "Tremblay",
            "王秀英",
            "maria@example.org",
            "x\u{1b}[31m",
        ] {
            assert!(!may_show_label(withheld), "{withheld}");
        }
        assert!(label_identifies("Maria Santos"));
        assert!(label_identifies("Gagnon-Roy"));
    }

    #[test]
    fn headers_that_name_identifiers() {
        assert_eq!(header_kind("Client name"), Some(PersonName));
        assert_eq!(header_kind("Prénom"), Some(PersonName));
        assert_eq!(header_kind("Courriel"), Some(Email));
        assert_eq!(header_kind("Date de naissance"), Some(DateOfBirth));
        assert_eq!(header_kind("NAS"), Some(SocialInsuranceNumber));
        assert_eq!(header_kind("Notes"), Some(FreeText));
        assert_eq!(header_kind("Case number"), Some(CaseFileNumber));
        assert_eq!(header_kind("Agency name"), None);
        assert_eq!(header_kind("Quarter"), None);
        assert_eq!(header_kind("Statut TRP"), None);
    }

    #[test]
    fn a_column_is_flagged_by_share_of_low_precision_matches() {
        let mut names = ColumnScan::default();
        let mut codes = ColumnScan::default();
        for row in 2..102 {
            names.observe(
                row,
                if row % 2 == 0 {
                    "Maria Santos"
                } else {
                    "Jose Cruz"
                },
            );
            codes.observe(row, if row % 50 == 0 { "Grace" } else { "woman" });
        }
        let f = names.findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PersonName);
        assert_eq!(f[0].count, 100);
        assert_eq!(f[0].rows.len(), ROWS_SHOWN);
        assert!(
            codes.findings().is_empty(),
            "2% name-like values do not flag a column"
        );
    }

    #[test]
    fn one_email_flags_a_column() {
        let mut scan = ColumnScan::default();
        for row in 2..1000 {
            scan.observe(row, "ok");
        }
        scan.observe(1000, "x@y.ca");
        assert_eq!(scan.findings()[0].rows, vec![1000]);
    }
}
