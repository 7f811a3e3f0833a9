//! A span of quarters (a year, or any pool) as one record per person: the
//! unit of a pooled table is the person, counted once over the span.
//!
//! Each quarter's records are first what a quarterly table reads (intake
//! merged a person's rows of a quarter at one agency; under collaborative
//! linkage [`super::linked`] merged them across agencies). The quarters are
//! then stacked in time order and each person's records over the span merged
//! into one by intake's own rules ([`crate::ingest::merge_across_agencies`]),
//! which read, per field, as:
//! - a yes/no/unknown field (a need, a status flag): "yes" if any quarter
//!   says yes, else "no" if any says no: a need *at any time in the span*;
//! - a set field (forms of exploitation, referral sources): the union;
//! - a service: needed if needed in any quarter, its most complete status
//!   (received before referred, waitlisted, not available, declined);
//! - any other code (province, gender, immigration or TRP status, housing
//!   outcome): its *latest* known value in the span;
//! - nights in shelter: summed over the span and capped at the field's
//!   bound (92), so a yearly figure counts nights up to 92 per person;
//! - amounts: summed.
//!
//! Persons are keyed by the agency's person key within its agency in agency
//! mode, and by the collaborative key within its scope under linkage (see
//! [`super::linked`]); the number of agencies becomes the most that served
//! the person in one quarter, and an agency kind counts if it served the
//! person in any quarter.
//!
//! Privacy argument. After the merge there is exactly one record per
//! (scope, key) in the whole span. Adding or removing all of one person's
//! records, in any or all of the span's quarters, adds or removes exactly
//! one record, so every count moves by at most 1 and a clipped sum by at most
//! its bound: OpenDP's calibration at rho per unit holds unchanged, and the
//! person loses rho however many of the span's quarters they were served in
//! (where a pool of person-quarters made a person present in n quarters n
//! units, losing n² rho: Bun & Steinke 2016, Prop. 1.9). The release is still
//! debited rho from every quarter it reads, so each quarter's budget bounds
//! the loss of a person present in that quarter alone; the ledger counts the
//! release once in a person's lifetime loss
//! ([`crate::privacy::ledger::lifetime_spent`]). The merge is 1-stable in the
//! person (one person's records in, one record out), done before OpenDP,
//! whose truncation to one row per unit then never drops a row (checked by
//! the test `a_span_merge_keeps_one_record_per_person`).
//!
//! What the merge cannot do: it joins a person's quarters only through an
//! unchanged key. A person whose key changes within the span (an agency
//! that changed its pseudonyms, a collaborative that moved to a new linkage
//! epoch between quarters) is one unit per key, and with k keys loses k² rho
//! from the release (group privacy, as across agencies). Keys must therefore
//! stay the same across quarters; the ledger's worst case
//! (`unmatched_person_rho`) counts agencies, not key changes.

use super::linked;
use polars::prelude::*;

/// One record per person over a span: `frames` are the span's records in
/// quarter order (each already one record per person and quarter), carrying
/// the [`linked::SCOPE`] column under linkage; in agency mode the scope is
/// the agency. Every record's `quarter` becomes `label`.
pub(super) fn merged_span(
    frames: Vec<LazyFrame>,
    label: &str,
    under_linkage: bool,
) -> PolarsResult<DataFrame> {
    let mut records =
        concat(frames, UnionArgs::default())?.with_column(lit(label).alias("quarter"));
    if !under_linkage {
        records = records.with_column(col("agency").alias(linked::SCOPE));
    }
    let records = records.collect()?;
    let extra = match under_linkage {
        true => linked::span_aggregations(),
        false => Vec::new(),
    };
    // A person seen once in the span is already their one record, linkage's
    // columns as they are; only the others are merged.
    let alone: Vec<Expr> = extra
        .iter()
        .filter_map(|e| e.clone().meta().output_name().ok())
        .map(col)
        .collect();
    linked::merge_shared(records, alone, |many| {
        crate::ingest::merge_across_agencies(many, linked::SCOPE, extra)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(agency: &str, key: &str, quarter: &str, province: &str, legal: &str) -> DataFrame {
        let (needed, status) = crate::schema::fields::service_columns("legal");
        df!(
            "agency" => [agency],
            "person_key" => [key],
            "quarter" => [quarter],
            "province" => [province],
            needed.as_str() => [legal == "yes"],
            status.as_str() => [None::<&str>],
        )
        .unwrap()
    }

    /// One person in three quarters, another in one, the same key at another
    /// agency (another person in agency mode): three records, the latest
    /// province, a need at any time.
    #[test]
    fn a_span_merge_keeps_one_record_per_person() {
        let frames: Vec<LazyFrame> = [
            record("a", "k1", "2025Q1", "CA-ON", "no"),
            record("a", "k2", "2025Q1", "CA-ON", "no"),
            record("a", "k1", "2025Q2", "CA-QC", "yes"),
            record("b", "k1", "2025Q2", "CA-BC", "no"),
            record("a", "k1", "2025Q3", "CA-QC", "no"),
        ]
        .into_iter()
        .map(DataFrame::lazy)
        .collect();
        let merged = merged_span(frames, "2025", false)
            .unwrap()
            .sort(["agency", "person_key"], Default::default())
            .unwrap();
        assert_eq!(merged.height(), 3);
        let (needed, _) = crate::schema::fields::service_columns("legal");
        let province: Vec<Option<&str>> = merged
            .column("province")
            .unwrap()
            .str()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(province, [Some("CA-QC"), Some("CA-ON"), Some("CA-BC")]);
        let need: Vec<Option<bool>> = merged
            .column(&needed)
            .unwrap()
            .bool()
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(need, [Some(true), Some(false), Some(false)]);
        let quarter = merged.column("quarter").unwrap().str().unwrap();
        assert!(quarter.into_iter().all(|q| q == Some("2025")));
    }
}
