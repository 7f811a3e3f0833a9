//! The validation report: shaped like a Frictionless report (row number as
//! the file shows it, field, error code, message), rendered as plain words for
//! an intake worker or as one JSON document. No cell value of a person ever
//! appears in it: identifier findings carry rows and kinds only, and an
//! unknown agency code is shown only after the identifier guard has cleared it.

use super::guard::IdentifierKind;
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
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentifierReport {
    pub column: String,
    pub kind: IdentifierKind,
    pub description: Text,
    /// "column name" or "values".
    pub detected_by: Text,
    pub rows: Vec<u64>,
    pub count: u64,
    pub fix: Text,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnknownCode {
    pub field: String,
    pub column: String,
    /// The agency's spelling, or None when it was withheld because it might identify a person.
    pub value: Option<String>,
    pub count: u64,
    pub rows: Vec<u64>,
    /// The profile line that would map it (with the closest canonical code when one is close).
    pub profile_line: Option<String>,
    /// Where that line goes in the profile.
    pub profile_table: String,
    pub allowed: Vec<Text>,
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
    pub generalised: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub warnings: Vec<String>,
}

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
        }
    }

    pub fn error(
        &mut self,
        row: Option<u64>,
        column: Option<&str>,
        field: Option<&str>,
        code: ErrorCode,
        message: String,
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

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report serialises")
    }

    /// Plain-language text for an intake worker.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let kind = match self.kind {
            ExtractKind::Cases => "case records",
            ExtractKind::Returns => "quarterly return",
        };
        let _ = writeln!(out, "File:    {}", self.file);
        let _ = writeln!(
            out,
            "Profile: {} (agency {}, {kind})",
            self.profile, self.agency
        );
        if self.valid {
            let _ = writeln!(
                out,
                "\nOK: the file is valid. {} rows read, {} {} after merging rows of the same person.",
                self.rows_read,
                self.records,
                if self.kind == ExtractKind::Cases {
                    "people"
                } else {
                    "quarters"
                }
            );
        } else {
            let _ = writeln!(
                out,
                "\nNOT ACCEPTED: this file has problems to fix before it can be submitted."
            );
        }
        let mut section = 0;
        let mut heading = |out: &mut String, title: &str| {
            section += 1;
            let _ = writeln!(out, "\n{section}. {title}");
        };
        if !self.identifiers.is_empty() {
            heading(
                &mut out,
                "Personal information that must never be uploaded (the values are not shown here)",
            );
            for f in &self.identifiers {
                let _ = writeln!(
                    out,
                    "   - Column {} holds {} (found by its {}; {} in all: {}).\n     What to do: {}.",
                    f.column,
                    f.description,
                    f.detected_by,
                    plural(f.count, "row"),
                    row_list(&f.rows, f.count),
                    f.fix
                );
            }
        }
        let unknown_rows = self.error_counts.get("unknown-code").copied().unwrap_or(0);
        let problems = self.error_total() - unknown_rows;
        if problems > 0 {
            heading(
                &mut out,
                &format!("Problems in the file ({})", plural(problems, "problem")),
            );
            for e in &self.errors {
                let mut place = Vec::new();
                if let Some(r) = e.row {
                    place.push(format!("row {r}"));
                }
                if let Some(c) = &e.column {
                    place.push(format!("column {c}"));
                }
                if let Some(f) = &e.field {
                    place.push(format!("field {f}"));
                }
                let place = if place.is_empty() {
                    "file".to_string()
                } else {
                    place.join(", ")
                };
                let _ = writeln!(out, "   - {place} [{}]: {}", e.code, e.message);
            }
            let hidden = problems.saturating_sub(self.errors.len() as u64);
            if hidden > 0 {
                let by_code: Vec<String> = self
                    .error_counts
                    .iter()
                    .filter(|(c, _)| **c != "unknown-code")
                    .map(|(c, n)| format!("{c}: {n}"))
                    .collect();
                let _ = writeln!(out, "   ... and {hidden} more ({})", by_code.join(", "));
            }
        }
        if !self.unknown_codes.is_empty() {
            heading(
                &mut out,
                "Codes the profile does not know (each listed once)",
            );
            for u in &self.unknown_codes {
                let value = match &u.value {
                    Some(v) => format!("\"{v}\""),
                    None => "a value that looks like personal information (not shown)".to_string(),
                };
                let _ = writeln!(
                    out,
                    "   - {value} in column {} (field {}), {}: {}",
                    u.column,
                    u.field,
                    plural(u.count, "row"),
                    row_list(&u.rows, u.count)
                );
                match &u.profile_line {
                    Some(line) => {
                        let _ = writeln!(
                            out,
                            "     To accept it, add under [{}] in the profile:  {line}",
                            u.profile_table
                        );
                        if line.contains("<one of") {
                            let _ = writeln!(out, "     Allowed codes: {}", u.allowed.join(", "));
                        }
                    }
                    None => {
                        let _ = writeln!(out, "     Allowed codes: {}", u.allowed.join(", "));
                    }
                }
            }
            if self.unknown_codes_not_listed > 0 {
                let _ = writeln!(
                    out,
                    "   ... and {} more unknown spellings, not listed: check that the columns are the ones the profile names",
                    self.unknown_codes_not_listed
                );
            }
        }
        if !self.generalised.is_empty() {
            let _ = writeln!(
                out,
                "\nGeneralised at intake (nothing finer is kept): {}",
                self.generalised.join("; ")
            );
        }
        if !self.ignored_columns.is_empty() {
            let _ = writeln!(
                out,
                "Columns not used by the profile (not kept): {}",
                self.ignored_columns.join(", ")
            );
        }
        for w in &self.warnings {
            let _ = writeln!(out, "Note: {w}");
        }
        out
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn row_list(rows: &[u64], count: u64) -> String {
    let list: Vec<String> = rows.iter().map(u64::to_string).collect();
    let more = if count as usize > rows.len() {
        ", ..."
    } else {
        ""
    };
    format!(
        "row{} {}{more}",
        if rows.len() == 1 { "" } else { "s" },
        list.join(", ")
    )
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
