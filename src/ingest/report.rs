//! The validation report: shaped like a Frictionless report (row number as
//! the file shows it, field, error code, message), rendered as plain words for
//! an intake worker or as one JSON document. No cell value of a person ever
//! appears in it: identifier findings carry rows and kinds only, and an
//! unknown agency code is shown only after the identifier guard has cleared it.

use super::guard::IdentifierKind;
use crate::i18n::{Args, Lang, Message};
use crate::schema::ExtractKind;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A text of the report: a fixed phrase when safecount writes it, owned when
/// a report is read back (a server's answer to `submit --server`).
pub type Text = Cow<'static, str>;

/// Row-level errors kept in detail; the rest are only counted.
pub const MAX_DETAILED_ERRORS: usize = 200;

/// A row-level or file-level problem's code, Frictionless-style; serialised
/// as its kebab-case name (`type-error`, `missing-cell`, ...), the strings the
/// report has always carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// A cell of the wrong kind: not a number, a date, a quarter.
    TypeError,
    /// A value out of range, a missing required value, a quarter that disagrees.
    ConstraintError,
    /// A row with fewer cells than the header.
    MissingCell,
    /// A row with more cells than the header.
    ExtraCell,
    /// A cell starting like a spreadsheet formula.
    FormulaCell,
    /// Two columns with one name.
    DuplicateLabel,
    /// A column the profile expects is absent.
    MissingLabel,
    /// A spelling the profile does not know.
    UnknownCode,
    /// Rows of one person that cannot be merged.
    MergeError,
    /// The file or sheet cannot be found.
    SourceError,
    /// Nothing to read.
    EmptyFile,
    /// Over a size limit.
    SizeError,
    /// Not a readable CSV, XLSX or Parquet file.
    FormatError,
    /// Not in the declared text encoding.
    EncodingError,
    /// No header row.
    BlankHeader,
    /// A column's name, a sheet's name or a person key looks like personal data.
    IdentifyingLabel,
}

impl ErrorCode {
    /// The code as the report writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TypeError => "type-error",
            ErrorCode::ConstraintError => "constraint-error",
            ErrorCode::MissingCell => "missing-cell",
            ErrorCode::ExtraCell => "extra-cell",
            ErrorCode::FormulaCell => "formula-cell",
            ErrorCode::DuplicateLabel => "duplicate-label",
            ErrorCode::MissingLabel => "missing-label",
            ErrorCode::UnknownCode => "unknown-code",
            ErrorCode::MergeError => "merge-error",
            ErrorCode::SourceError => "source-error",
            ErrorCode::EmptyFile => "empty-file",
            ErrorCode::SizeError => "size-error",
            ErrorCode::FormatError => "format-error",
            ErrorCode::EncodingError => "encoding-error",
            ErrorCode::BlankHeader => "blank-header",
            ErrorCode::IdentifyingLabel => "identifying-label",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportError {
    /// Row number as the file shows it (the header is row 1 in CSV and XLSX).
    pub row: Option<u64>,
    /// Column label as in the file (or "column N" when the label itself looks like personal data).
    pub column: Option<String>,
    /// Canonical field.
    pub field: Option<String>,
    /// Frictionless-style code: type-error, constraint-error, missing-cell, extra-cell, ...
    pub code: ErrorCode,
    /// What is wrong, as a catalogue message (`message_id`, `args`, `message`).
    #[serde(flatten)]
    pub message: Message,
}

/// How an identifier column was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectedBy {
    ColumnName,
    Values,
}

impl DetectedBy {
    fn as_str(self) -> &'static str {
        match self {
            DetectedBy::ColumnName => "column_name",
            DetectedBy::Values => "values",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentifierReport {
    pub column: String,
    pub kind: IdentifierKind,
    pub detected_by: DetectedBy,
    pub rows: Vec<u64>,
    pub count: u64,
    /// What the column holds, in the reader's language (written by [`Report::localise`]).
    #[serde(default)]
    pub description: String,
    /// What to do, in the reader's language (written by [`Report::localise`]).
    #[serde(default)]
    pub fix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnknownCode {
    pub field: String,
    pub column: String,
    /// The agency's spelling, or None when it was withheld because it might identify a person.
    pub value: Option<String>,
    pub count: u64,
    pub rows: Vec<u64>,
    /// The closest canonical code, when one is close.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// The profile line that would map it (written by [`Report::localise`]).
    #[serde(default)]
    pub profile_line: Option<String>,
    /// Where that line goes in the profile.
    pub profile_table: String,
    pub allowed: Vec<Text>,
}

impl UnknownCode {
    /// The profile line that maps the spelling, when it may be shown.
    fn line(&self, lang: Lang) -> Option<String> {
        let value = self.value.as_ref()?;
        let code = match &self.suggestion {
            Some(s) => s.clone(),
            None => lang.t("intake-unknown-placeholder").to_string(),
        };
        Some(format!("\"{}\" = \"{code}\"", value.replace('"', "\\\"")))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub file: String,
    pub profile: String,
    pub agency: String,
    pub kind: ExtractKind,
    pub valid: bool,
    pub rows_read: u64,
    /// Canonical records after merging several rows of one person.
    pub records: u64,
    pub identifiers: Vec<IdentifierReport>,
    pub errors: Vec<ReportError>,
    pub error_counts: BTreeMap<Text, u64>,
    pub unknown_codes: Vec<UnknownCode>,
    /// Further unknown spellings beyond the ones listed (the list is capped).
    pub unknown_codes_not_listed: u64,
    pub generalised: Vec<Message>,
    pub ignored_columns: Vec<String>,
    pub warnings: Vec<Message>,
    /// The linkage epoch of the person keys, when they are collaborative
    /// keys from `safecount key` (its secret's public fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linkage_epoch: Option<String>,
    /// Rows whose own quarter is not the one the file is submitted for, by
    /// their quarter: how many, and the first few rows. Told once per
    /// quarter when the report is finished (the fix is one choice, not one
    /// per row).
    #[serde(skip)]
    quarter_mismatch: BTreeMap<String, (u64, Vec<u64>)>,
}

/// How many rows a grouped finding lists before "…".
const ROWS_LISTED: usize = 10;

impl Report {
    pub fn new(file: String, profile: String, agency: String, kind: ExtractKind) -> Report {
        Report {
            file,
            profile,
            agency,
            kind,
            valid: false,
            rows_read: 0,
            records: 0,
            identifiers: Vec::new(),
            errors: Vec::new(),
            error_counts: BTreeMap::new(),
            unknown_codes: Vec::new(),
            unknown_codes_not_listed: 0,
            generalised: Vec::new(),
            ignored_columns: Vec::new(),
            warnings: Vec::new(),
            linkage_epoch: None,
            quarter_mismatch: BTreeMap::new(),
        }
    }

    /// A row that belongs to `row_quarter` in a file submitted for another quarter.
    pub fn quarter_mismatch(&mut self, row: u64, row_quarter: &str) {
        let (n, rows) = self
            .quarter_mismatch
            .entry(row_quarter.to_string())
            .or_default();
        *n += 1;
        if rows.len() < ROWS_LISTED {
            rows.push(row);
        }
    }

    /// One finding per quarter the rows belong to, instead of one per row:
    /// when every row belongs to it, the fix is to submit the file for that
    /// quarter.
    pub(crate) fn tell_quarter_mismatches(&mut self, given: &str) {
        for (row_quarter, (n, mut rows)) in std::mem::take(&mut self.quarter_mismatch) {
            rows.sort_unstable();
            let mut listed: Vec<String> = rows.iter().map(u64::to_string).collect();
            if n > rows.len() as u64 {
                listed.push("…".into());
            }
            let all = n == self.rows_read;
            let id = match all {
                true => "intake-quarter-mismatch-all",
                false => "intake-quarter-mismatch",
            };
            self.error(
                rows.first().copied().filter(|_| !all),
                None,
                Some("quarter"),
                ErrorCode::ConstraintError,
                Message::new(id)
                    .with("row_quarter", row_quarter.as_str())
                    .with("quarter", given)
                    .with("count", n)
                    .with("rows", listed.join(", ")),
            );
        }
    }

    /// Count a finding, and keep it in detail while fewer than
    /// [`MAX_DETAILED_ERRORS`] are kept. The message is put into words only
    /// when a report is shown, so findings past the cap cost no formatting.
    pub fn error(
        &mut self,
        row: Option<u64>,
        column: Option<&str>,
        field: Option<&str>,
        code: ErrorCode,
        message: Message,
    ) {
        *self.error_counts.entry(code.as_str().into()).or_default() += 1;
        if self.errors.len() < MAX_DETAILED_ERRORS {
            self.errors.push(ReportError {
                row,
                column: column.map(String::from),
                field: field.map(String::from),
                code,
                message,
            });
        }
    }

    /// Add the row-level findings of another share of the same file.
    pub fn absorb(&mut self, other: Report) {
        self.rows_read += other.rows_read;
        for (q, (n, rows)) in other.quarter_mismatch {
            let (total, kept) = self.quarter_mismatch.entry(q).or_default();
            *total += n;
            kept.extend(rows);
            kept.sort_unstable();
            kept.truncate(ROWS_LISTED);
        }
        for (code, n) in other.error_counts {
            *self.error_counts.entry(code).or_default() += n;
        }
        self.errors.extend(other.errors);
        self.errors.sort_by_key(|e| e.row);
        self.errors.truncate(MAX_DETAILED_ERRORS);
    }

    pub fn error_total(&self) -> u64 {
        self.error_counts.values().sum()
    }

    /// Settle `valid` once everything is known.
    pub fn finish(&mut self) {
        self.valid = self.identifiers.is_empty() && self.error_total() == 0;
    }

    /// Write every message of the report in `lang` (for a JSON answer).
    pub fn localise(&mut self, lang: Lang) {
        for e in &mut self.errors {
            e.message.localise(lang);
        }
        for f in &mut self.identifiers {
            f.description = lang.t(f.kind.description_id()).to_string();
            f.fix = lang.t(f.kind.fix_id()).to_string();
        }
        for u in &mut self.unknown_codes {
            u.profile_line = u.line(lang);
        }
        for m in self.generalised.iter_mut().chain(&mut self.warnings) {
            m.localise(lang);
        }
    }

    /// The report as one JSON document, its messages in `lang`.
    pub fn to_json_in(&self, lang: Lang) -> String {
        let mut localised = self.clone();
        localised.localise(lang);
        serde_json::to_string_pretty(&localised).expect("report serialises")
    }

    /// The report as JSON, in English.
    pub fn to_json(&self) -> String {
        self.to_json_in(Lang::En)
    }

    /// The report in plain words, in English.
    pub fn to_text(&self) -> String {
        self.to_text_in(Lang::En)
    }

    /// Plain words for an intake worker, in `lang` (as the CLI prints it,
    /// with each problem's field and code for whoever fixes the export).
    pub fn to_text_in(&self, lang: Lang) -> String {
        self.render(lang, false)
    }

    /// The report as the upload page shows it: the same findings, without
    /// the schema's field names, error codes or profile sections, which
    /// stay in `--json` and the CLI's text.
    pub fn to_page_text_in(&self, lang: Lang) -> String {
        self.render(lang, true)
    }

    fn render(&self, lang: Lang, page: bool) -> String {
        let mut out = String::new();
        let kind = self.kind.as_str();
        let line = |out: &mut String, id: &str, args: Args| {
            let _ = writeln!(out, "{}", lang.msg(id, &args));
        };
        line(
            &mut out,
            "intake-file",
            Args::new().with("file", &self.file),
        );
        line(
            &mut out,
            "intake-profile",
            Args::new()
                .with("profile", &self.profile)
                .with("agency", &self.agency)
                .with("kind", kind),
        );
        out.push('\n');
        if self.valid {
            let args = Args::new()
                .with("rows", self.rows_read)
                .with("records", self.records)
                .with("kind", kind);
            line(&mut out, "intake-valid", args);
        } else {
            line(&mut out, "intake-refused", Args::new());
        }
        let mut section = 0;
        let mut heading = |out: &mut String, title: String| {
            section += 1;
            let _ = writeln!(out, "\n{section}. {title}");
        };
        if !self.identifiers.is_empty() {
            heading(&mut out, lang.t("intake-identifiers-heading").into());
            for f in &self.identifiers {
                let args = Args::new()
                    .with("column", &f.column)
                    .with("what", lang.t(f.kind.description_id()))
                    .with("by", f.detected_by.as_str())
                    .with("count", f.count)
                    .with("rows", row_list(lang, &f.rows, f.count));
                let fix = Args::new().with("fix", lang.t(f.kind.fix_id()));
                let _ = writeln!(
                    out,
                    "   - {}\n     {}",
                    lang.msg("intake-identifier", &args),
                    lang.msg("intake-what-to-do", &fix)
                );
            }
        }
        let unknown_rows = self.error_counts.get("unknown-code").copied().unwrap_or(0);
        let problems = self.error_total() - unknown_rows;
        if problems > 0 {
            let args = Args::new().with("count", problems);
            heading(&mut out, lang.msg("intake-problems-heading", &args));
            for e in &self.errors {
                let args = Args::new()
                    .with("place", e.place(lang, page))
                    .with("code", e.code.as_str())
                    .with("message", e.message.render(lang));
                let id = if page {
                    "intake-problem-page"
                } else {
                    "intake-problem"
                };
                let _ = writeln!(out, "   - {}", lang.msg(id, &args));
            }
            let hidden = problems.saturating_sub(self.errors.len() as u64);
            if hidden > 0 {
                let by_code: Vec<String> = self
                    .error_counts
                    .iter()
                    .filter(|(c, _)| **c != "unknown-code")
                    .map(|(c, n)| format!("{c}: {}", lang.int(*n as f64)))
                    .collect();
                let args = Args::new()
                    .with("count", hidden)
                    .with("codes", by_code.join(", "));
                let id = if page {
                    "intake-more-problems-page"
                } else {
                    "intake-more-problems"
                };
                let _ = writeln!(out, "   {}", lang.msg(id, &args));
            }
        }
        if !self.unknown_codes.is_empty() {
            heading(&mut out, lang.t("intake-unknown-heading").into());
            for u in &self.unknown_codes {
                self.write_unknown_code(&mut out, lang, u, page);
            }
            if self.unknown_codes_not_listed > 0 {
                let args = Args::new().with("count", self.unknown_codes_not_listed);
                let _ = writeln!(out, "   {}", lang.msg("intake-unknown-more", &args));
            }
        }
        if !self.generalised.is_empty() {
            let list: Vec<String> = self.generalised.iter().map(|m| m.render(lang)).collect();
            let args = Args::new().with("list", list.join(", "));
            let _ = writeln!(out, "\n{}", lang.msg("intake-generalised", &args));
        }
        if !self.ignored_columns.is_empty() {
            let args = Args::new().with("columns", self.ignored_columns.join(", "));
            line(&mut out, "intake-ignored-columns", args);
        }
        for w in &self.warnings {
            line(
                &mut out,
                "intake-note",
                Args::new().with("note", w.render(lang)),
            );
        }
        // Nothing from a file reaches a terminal as a control sequence (an
        // escape, a NUL): the report keeps its own line breaks only.
        out.retain(|c| !c.is_control() || c == '\n');
        out
    }

    fn write_unknown_code(&self, out: &mut String, lang: Lang, u: &UnknownCode, page: bool) {
        let value = match &u.value {
            Some(v) => format!("\"{v}\""),
            None => lang.t("intake-value-withheld").to_string(),
        };
        let args = Args::new()
            .with("value", value)
            .with("column", &u.column)
            .with("field", &u.field)
            .with("count", u.count)
            .with("rows", row_list(lang, &u.rows, u.count));
        let (code, add) = match page {
            true => ("intake-unknown-code-page", "intake-unknown-add-page"),
            false => ("intake-unknown-code", "intake-unknown-add"),
        };
        let _ = writeln!(out, "   - {}", lang.msg(code, &args));
        let allowed = Args::new().with("codes", u.allowed.join(", "));
        if let Some(line) = u.line(lang) {
            let args = Args::new()
                .with("table", &u.profile_table)
                .with("line", line);
            let _ = writeln!(out, "     {}", lang.msg(add, &args));
        }
        if u.value.is_none() || u.suggestion.is_none() {
            let _ = writeln!(out, "     {}", lang.msg("intake-allowed-codes", &allowed));
        }
    }
}

impl ReportError {
    /// Where the problem is: "row 4, column Sexe, field gender" or "file".
    /// On the page (`page`), the row and the agency's own column only.
    fn place(&self, lang: Lang, page: bool) -> String {
        let mut place = Vec::new();
        if let Some(r) = self.row {
            place.push(lang.msg("intake-place-row", &Args::new().with("row", r)));
        }
        if let Some(c) = &self.column {
            place.push(lang.msg("intake-place-column", &Args::new().with("column", c)));
        }
        if let Some(f) = self.field.as_ref().filter(|_| !page) {
            place.push(lang.msg("intake-place-field", &Args::new().with("field", f)));
        }
        if place.is_empty() {
            lang.t("intake-place-file").to_string()
        } else {
            place.join(", ")
        }
    }
}

/// "rows 3, 5, 9, ..." — the listed rows, and an ellipsis when there are more.
fn row_list(lang: Lang, rows: &[u64], count: u64) -> String {
    let mut list: Vec<String> = rows.iter().map(u64::to_string).collect();
    if count as usize > rows.len() {
        list.push("...".into());
    }
    let args = Args::new()
        .with("count", rows.len())
        .with("list", list.join(", "));
    lang.msg("intake-row-list", &args)
}

#[cfg(test)]
mod error_code_tests {
    use super::ErrorCode::{self, *};

    #[test]
    fn error_codes_serialise_as_the_names_reports_have_always_carried() {
        let all: [ErrorCode; 15] = [
            TypeError,
            ConstraintError,
            MissingCell,
            ExtraCell,
            FormulaCell,
            DuplicateLabel,
            MissingLabel,
            UnknownCode,
            MergeError,
            SourceError,
            EmptyFile,
            SizeError,
            FormatError,
            EncodingError,
            BlankHeader,
        ];
        for c in all {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert_eq!(TypeError.as_str(), "type-error");
        assert_eq!(BlankHeader.as_str(), "blank-header");
    }
}
