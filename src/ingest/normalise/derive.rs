//! A row's derived values: what the profile's generalisers compute from
//! columns that are read but never stored (a date, an exact age, a birth
//! year, a postal code).

use super::*;

impl Plan<'_> {
    /// The row's values computed by the generalisers: its quarter from a date,
    /// its age band from an age or a birth year, whether the person was a
    /// minor when recruited, its FSA and province from a postal code.
    pub(super) fn derive(&self, row: u64, record: &Cells, report: &mut Report) -> Derived {
        let mut d = Derived::default();
        // Quarter: a quarter column (read with the fields), a date, or the submission's quarter.
        if let Some(col) = self.generalisers.date {
            let raw = self.cell(record, col, row, "quarter", report);
            if raw.is_empty() {
                report.error(
                    Some(row),
                    Some(&self.labels[col]),
                    Some("quarter"),
                    ErrorCode::ConstraintError,
                    Message::new("intake-date-empty"),
                );
            } else {
                match parse_date(raw, &self.generalisers.date_format) {
                    Ok(date) => d.quarter = Some(quarter_of(date)),
                    Err(DateProblem::NoSuchDay) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        ErrorCode::ConstraintError,
                        Message::new("intake-date-no-such-day"),
                    ),
                    Err(DateProblem::Format) => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("quarter"),
                        ErrorCode::TypeError,
                        Message::new("intake-date-format")
                            .with("format", &self.generalisers.date_format),
                    ),
                }
            }
        }
        let quarter_year = d
            .quarter
            .as_deref()
            .or(self.quarter_option.as_deref())
            .and_then(parse_quarter)
            .map(|(y, _)| y);
        let age = |plan: &Self, col: usize, field: &str, report: &mut Report| -> Option<u32> {
            let raw = plan.cell(record, col, row, field, report);
            if raw.is_empty() {
                return None;
            }
            match parse_int(raw) {
                Some(a) if (0..=120).contains(&a) => Some(a as u32),
                _ => {
                    report.error(
                        Some(row),
                        Some(&plan.labels[col]),
                        Some(field),
                        ErrorCode::TypeError,
                        Message::new("intake-age"),
                    );
                    None
                }
            }
        };
        if let Some(col) = self.generalisers.age {
            d.age_band = Some(
                age(self, col, "age_band", report)
                    .map(codes::age_band_for)
                    .unwrap_or("not_collected"),
            );
        }
        if let Some(col) = self.generalisers.age_at_recruitment {
            d.minor = Some(match age(self, col, "minor_at_recruitment", report) {
                Some(a) if a < 18 => "yes",
                Some(_) => "no",
                None => "not_collected",
            });
        }
        if let Some(col) = self.generalisers.birth_year {
            let raw = self.cell(record, col, row, "age_band", report);
            d.age_band = Some("not_collected");
            if !raw.is_empty() {
                match (parse_int(raw), quarter_year) {
                    (Some(by), Some(year)) if (1900..=year as i64).contains(&by) => {
                        d.age_band = Some(codes::age_band_for((year as i64 - by) as u32));
                    }
                    (Some(_), None) => d.birth_year_without_quarter = true,
                    _ => report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("age_band"),
                        ErrorCode::TypeError,
                        Message::new("intake-birth-year"),
                    ),
                }
            }
        }
        if let Some(col) = self.generalisers.postal {
            let raw = self.cell(record, col, row, "fsa", report);
            let compact: String = raw
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect::<String>()
                .to_uppercase();
            if !compact.is_empty() {
                let fsa = compact.get(..3).unwrap_or("");
                let ok = codes::is_fsa(fsa) && (compact.len() == 3 || compact.len() == 6);
                if ok {
                    d.fsa_province = codes::province_of_fsa(fsa);
                    d.fsa = Some(fsa.to_string());
                } else {
                    report.error(
                        Some(row),
                        Some(&self.labels[col]),
                        Some("fsa"),
                        ErrorCode::ConstraintError,
                        Message::new("intake-postal-code"),
                    );
                }
            }
        }
        d
    }
}
