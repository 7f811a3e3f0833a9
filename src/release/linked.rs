//! Collaborative linkage at release: one person, one unit, across agencies.
//!
//! In collaborative mode (`linkage = "collaborative"` in `collaborative.toml`)
//! agencies key people with `safecount key` (see [`crate::linkage`]), so one
//! person served by a shelter, a legal clinic and a settlement agency carries
//! one key at all three. Before a quarter's records are prepared, the
//! records of each key are merged into one record by the rules intake uses
//! for one agency's rows ([`crate::ingest::merge_across_agencies`]: sets
//! united, the most complete service status kept, nights summed and capped
//! at 92). Keys are merged only within the collaborative's current epoch:
//! a submission keyed under another epoch, or with the agency's own
//! pseudonyms, keeps its keys apart under its agency's *scope*, exactly as
//! in agency mode.
//!
//! Privacy argument. The unit is the person key within its scope (the
//! collaborative, or one agency) in one quarter. Each quarter is numbered
//! apart, and after the merge there is exactly one record per (scope, key,
//! quarter), so the contribution bound stays one row per unit, which
//! OpenDP's truncation (a group-by on the unit id, see
//! [`crate::privacy::measure`]) enforces and, here, never needs to use: the
//! test `linkage::the_merge_keeps_one_row_per_person` checks that it drops
//! nothing. Adding or removing all of one person's records (at every agency)
//! adds or removes exactly one merged row, so every count moves by at most 1
//! and a clipped sum by at most its bound: OpenDP's calibration at rho per
//! unit holds unchanged, and the person's loss in a quarter is rho, where in
//! agency mode a person keyed separately by k agencies was k units and lost
//! k² rho (group privacy; Bun & Steinke 2016, Prop. 1.9).
//!
//! What the merge cannot do is stated with the figures: people whose keys
//! differ (a typo or changed name, a different or missing date of birth, an
//! agency in agency mode or keyed under an old epoch) are still one unit per
//! agency, with the k² loss above; two people with the same normalised name
//! and date of birth share a key and are protected together as one unit.

use super::coverage::{AGENCY_KINDS, Linked};
use crate::store::Receipt;
use polars::prelude::*;

/// The column that keeps keys of different scopes apart: empty for the
/// collaborative's current epoch, the agency's slug otherwise.
pub const SCOPE: &str = "__scope";
/// How many agencies served the person in the quarter.
const AGENCIES: &str = "__agencies";

/// The column flagging that an agency of `kind` served the person.
fn kind_flag(kind: &str) -> String {
    format!("__kind/{kind}")
}

/// The scope of a submission's keys: the collaborative's when they are keys
/// of the current epoch, else its agency's.
fn scope_of(receipt: &Receipt, linked: &Linked) -> String {
    if receipt.linkage_epoch.as_deref() == Some(linked.epoch.as_str()) {
        String::new()
    } else {
        receipt.agency.clone()
    }
}

/// One quarter's records of every agency, merged to one record per person
/// (see the module documentation), with the scope column, the number of
/// agencies that served each person, and one flag per kind of agency.
pub(super) fn merged_quarter(
    submissions: &[(Receipt, LazyFrame)],
    linked: &Linked,
) -> PolarsResult<DataFrame> {
    let frames: Vec<LazyFrame> = submissions
        .iter()
        .map(|(receipt, lf)| {
            let kind = linked
                .kinds
                .get(&receipt.agency)
                .map_or("other", String::as_str);
            lf.clone().with_columns([
                lit(scope_of(receipt, linked)).alias(SCOPE),
                lit(kind.to_string()).alias("__agency_kind"),
            ])
        })
        .collect();
    let records = concat(frames, UnionArgs::default())?;
    let mut extra = vec![
        col("agency")
            .n_unique()
            .cast(DataType::UInt32)
            .alias(AGENCIES),
    ];
    for kind in AGENCY_KINDS {
        extra.push(
            col("__agency_kind")
                .eq(lit(*kind))
                .any(true)
                .alias(kind_flag(kind)),
        );
    }
    crate::ingest::merge_across_agencies(records, SCOPE, extra).collect()
}

/// The kinds of agency the collaborative declares, in [`AGENCY_KINDS`] order, `other` always.
fn kinds_of(linked: &Linked) -> Vec<&'static str> {
    AGENCY_KINDS
        .iter()
        .copied()
        .filter(|k| *k == "other" || linked.kinds.values().any(|v| v == k))
        .collect()
}

/// The key of people served by one agency in the quarter.
pub const SINGLE_AGENCY: &str = "single_agency";

/// The public keys of the `multi_agency` table: `single_agency`, then every
/// non-empty set of the declared kinds (joined by `+`), by size. Public:
/// from `collaborative.toml`, never from the records.
pub fn agency_mix_keys(linked: &Linked) -> Vec<String> {
    let kinds = kinds_of(linked);
    let mut sets: Vec<u32> = (1..(1u32 << kinds.len())).collect();
    sets.sort_by_key(|m| (m.count_ones(), *m));
    std::iter::once(SINGLE_AGENCY.to_string())
        .chain(sets.into_iter().map(|m| mix_label(&kinds, m)))
        .collect()
}

fn mix_label(kinds: &[&str], mask: u32) -> String {
    kinds
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, k)| *k)
        .collect::<Vec<_>>()
        .join("+")
}

/// A merged record's key in the `multi_agency` table: `single_agency`, or
/// the set of kinds of the agencies that served the person. Row-wise.
pub fn agency_mix(linked: &Linked) -> Expr {
    let kinds = kinds_of(linked);
    let mask = kinds.iter().enumerate().fold(lit(0u32), |acc, (i, k)| {
        acc + col(kind_flag(k)).cast(DataType::UInt32) * lit(1u32 << i)
    });
    let by_kinds = (1..(1u32 << kinds.len()))
        .rev()
        .fold(lit(SINGLE_AGENCY), |otherwise, m| {
            when(mask.clone().eq(lit(m)))
                .then(lit(mix_label(&kinds, m)))
                .otherwise(otherwise)
        });
    when(col(AGENCIES).lt_eq(lit(1u32)))
        .then(lit(SINGLE_AGENCY))
        .otherwise(by_kinds)
        .alias("agencies")
}

/// Most kinds of agency a collaborative may declare for the `multi_agency`
/// table (its keys grow as 2^kinds).
pub const MAX_KINDS: usize = 6;
