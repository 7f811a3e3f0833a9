//! What the readers found, turned into the report: identifier findings (by a
//! column's name, then by its values) and unknown codes, each with the
//! profile line that would map it. A spelling that might identify a person
//! is never echoed.

use super::accumulator::{HeaderFinding, UnknownCodes};
use super::*;
use crate::ingest::report::{DetectedBy, Text};
use std::collections::BTreeMap;

/// Fields a person states about themself: an unknown spelling gets no suggested code.
const SELF_IDENTIFIED: &[&str] = &["gender", "indigenous_identity", "racialised_group"];

impl Plan<'_> {
    /// Identifier findings, by column name first, then by values; a column
    /// and kind is reported once.
    pub(super) fn report_identifiers(
        &self,
        header_findings: Vec<HeaderFinding>,
        scans: &[(usize, ColumnScan)],
        report: &mut Report,
    ) {
        let mut flagged: HashSet<(usize, IdentifierKind)> = HashSet::new();
        for (col, kind, count, rows) in header_findings {
            flagged.insert((col, kind));
            report.identifiers.push(IdentifierReport {
                column: self.labels[col].clone(),
                kind,
                detected_by: DetectedBy::ColumnName,
                rows,
                count,
                description: String::new(),
                fix: String::new(),
            });
        }
        for (col, scan) in scans {
            for Finding {
                kind, rows, count, ..
            } in scan.findings()
            {
                if flagged.insert((*col, kind)) {
                    report.identifiers.push(IdentifierReport {
                        column: self.labels[*col].clone(),
                        kind,
                        detected_by: DetectedBy::Values,
                        rows,
                        count,
                        description: String::new(),
                        fix: String::new(),
                    });
                }
            }
        }
    }

    /// Unknown codes, each once, in order of field, column and first row; a
    /// spelling that looks like personal data is withheld and reported as such.
    pub(super) fn report_unknown_codes(&self, unknown: UnknownCodes, report: &mut Report) {
        let UnknownCodes {
            spellings,
            uncounted,
        } = unknown;
        let mut unknown: Vec<_> = spellings.into_iter().collect();
        unknown.sort_by(|a, b| (a.0.0, a.0.1, a.1.rows[0]).cmp(&(b.0.0, b.0.1, b.1.rows[0])));
        // Spellings that look like identifiers: one finding per column and
        // kind, with their count, however many distinct values there are.
        let mut found: BTreeMap<(usize, IdentifierKind), UnknownTally> = BTreeMap::new();
        for ((fi, col, value), tally) in unknown {
            let field = &self.fields[fi];
            if let Some((id_kind, _)) = guard::detect(&value) {
                found
                    .entry((col, id_kind))
                    .or_default()
                    .add(tally.count, &tally.rows);
                continue;
            }
            report
                .error_counts
                .entry(ErrorCode::UnknownCode.as_str().into())
                .and_modify(|n| *n += tally.count)
                .or_insert(tally.count);
            if report.unknown_codes.len() >= MAX_UNKNOWN_LISTED {
                report.unknown_codes_not_listed += tally.count;
                continue;
            }
            let (table, mapper) = match &field.source {
                Source::ServicesLong { cat_col, cat, .. } if *cat_col == col => {
                    ("category_values", Some(cat))
                }
                Source::ServicesLong { status, .. } | Source::ServicesWide { status, .. } => {
                    ("status_values", Some(status))
                }
                Source::Code { mapper, .. } | Source::Set { mapper, .. } => {
                    ("values", Some(mapper))
                }
                _ => ("values", None),
            };
            let list = field.def.code_list().unwrap_or(&codes::SERVICE_CATEGORY);
            // How a person identifies (gender, Indigenous identity, racialised
            // group) is never guessed from a spelling: "Fem" may be a woman, a
            // trans woman or neither. The agency names the code itself.
            let suggestion = mapper
                .filter(|_| !SELF_IDENTIFIED.contains(&field.def.name))
                .and_then(|m| m.suggest(&value));
            let allowed = mapper
                .map_or(list, |m| m.list)
                .codes
                .iter()
                .map(|c| Text::Borrowed(c))
                .collect();
            // Shown only when it is near a spelling the field knows and looks
            // like a code; anything else might be a name or a note typed into
            // the wrong column, and is withheld.
            let near = mapper.is_some_and(|m| m.is_near(&value));
            let shown = (near && guard::looks_like_code(&value, true)).then_some(value);
            report.unknown_codes.push(UnknownCode {
                field: field.def.name.to_string(),
                column: self.labels[col].clone(),
                // The closest code says something about the spelling: kept
                // only with a spelling that may be shown.
                suggestion: shown.as_ref().and(suggestion).map(String::from),
                profile_line: None,
                value: shown,
                count: tally.count,
                rows: tally.rows,
                profile_table: format!("{}.fields.{}.{table}", self.kind.as_str(), field.def.name),
                allowed,
            });
        }
        // Past the distinct spellings remembered: counted, never listed.
        for tally in uncounted.into_values() {
            report
                .error_counts
                .entry(ErrorCode::UnknownCode.as_str().into())
                .and_modify(|n| *n += tally.count)
                .or_insert(tally.count);
            report.unknown_codes_not_listed += tally.count;
        }
        for ((col, kind), tally) in found {
            report.identifiers.push(IdentifierReport {
                column: self.labels[col].clone(),
                kind,
                detected_by: DetectedBy::Values,
                rows: tally.rows,
                count: tally.count,
                description: String::new(),
                fix: String::new(),
            });
        }
    }
}
