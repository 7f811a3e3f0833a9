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
/// The kind of the agency that sent a record, before the merge.
const AGENCY_KIND: &str = "__agency_kind";

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

/// One quarter's records of every agency (only `columns` of them, when
/// given, with what identifies the person and the agency), each tagged with
/// its scope and its agency's kind.
fn tagged_records(
    submissions: &[(Receipt, LazyFrame)],
    linked: &Linked,
    columns: Option<&[PlSmallStr]>,
) -> PolarsResult<LazyFrame> {
    let keep: Option<Vec<Expr>> = columns.map(|c| {
        let mut names: Vec<PlSmallStr> = ["person_key", "quarter", "agency"]
            .map(PlSmallStr::from)
            .to_vec();
        for n in c {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        names.into_iter().map(col).collect()
    });
    let frames: Vec<LazyFrame> = submissions
        .iter()
        .map(|(receipt, lf)| {
            let kind = linked
                .kinds
                .get(&receipt.agency)
                .map_or("other", String::as_str);
            let lf = match &keep {
                Some(k) => lf.clone().select(k.clone()),
                None => lf.clone(),
            };
            lf.with_columns([
                lit(scope_of(receipt, linked)).alias(SCOPE),
                lit(kind.to_string()).alias(AGENCY_KIND),
            ])
        })
        .collect();
    concat(frames, UnionArgs::default())
}

/// One flag per kind of agency: whether the record's agency is of that
/// kind, or (`any`, aggregated over a person's records) whether any is.
fn kind_flags(any: bool) -> Vec<Expr> {
    AGENCY_KINDS
        .iter()
        .map(|k| {
            let is = col(AGENCY_KIND).eq(lit(*k));
            match any {
                true => is.any(true),
                false => is,
            }
            .alias(kind_flag(k))
        })
        .collect()
}

/// Tagged records merged to one record per (scope, key, quarter), with the
/// number of agencies and the kind flags.
fn merge_tagged(records: LazyFrame) -> LazyFrame {
    let mut extra = vec![
        col("agency")
            .n_unique()
            .cast(DataType::UInt32)
            .alias(AGENCIES),
    ];
    extra.extend(kind_flags(true));
    crate::ingest::merge_across_agencies(records, SCOPE, extra)
}

/// One quarter's records of every agency, merged to one record per person
/// (see the module documentation), with the scope column, the number of
/// agencies that served each person, and one flag per kind of agency. With
/// `columns`, only those (a table's) are read and merged: each field merges
/// on its own columns.
pub(super) fn merged_quarter(
    submissions: &[(Receipt, LazyFrame)],
    linked: &Linked,
    columns: Option<&[PlSmallStr]>,
) -> PolarsResult<DataFrame> {
    let records = tagged_records(submissions, linked, columns)?.collect()?;
    // A record alone is its person's, with one agency and its agency's kind.
    let mut alone = vec![lit(1u32).cast(DataType::UInt32).alias(AGENCIES)];
    alone.extend(kind_flags(false));
    merge_shared(records, alone, merge_tagged)
}

/// The most records of a quarter merged at once. A larger quarter is
/// merged bucket by bucket ([`bucket_filter`]): at 20M records merging at
/// once peaked at 6.4 GB, and at 100M it ran out of memory. Below this, one
/// merge is faster: every bucket reads the quarter's files again.
pub(super) const AT_ONCE_RECORDS: u64 = 10_000_000;

/// Records per bucket when a large quarter is merged bucket by bucket: a
/// bucket is read whole (every column its tables use) and merged before it
/// is narrowed, so this bounds that memory.
pub(super) const BUCKET_RECORDS: u64 = 2_000_000;

/// The records of bucket `index` of `buckets`: a partition of a quarter's
/// records by the last two characters of the person key, so that all of a
/// person's records (one key) fall in one bucket and the buckets, merged one
/// at a time, give exactly the quarter merged at once (up to row order).
/// Collaborative keys are keyed digests, uniform in their last characters,
/// so the buckets are about equal. Each two-character ending of printable
/// ASCII is given to a bucket; the last bucket takes every other record
/// (other endings, keys shorter than two, none).
pub(super) fn bucket_filter(index: u64, buckets: u64) -> Expr {
    let ending = col("person_key").str().slice(lit(-2i64), lit(2u64));
    let printable = (0x20u8..0x7f).map(char::from);
    let endings: Vec<String> = printable
        .clone()
        .flat_map(|a| printable.clone().map(move |b| format!("{a}{b}")))
        .collect();
    let of = |b: u64| -> Series {
        let mine: Vec<&str> = endings
            .iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 % buckets == b)
            .map(|(_, e)| e.as_str())
            .collect();
        Series::new("endings".into(), mine)
    };
    let is_in = |set: Series| {
        ending
            .clone()
            .is_in(lit(set).implode(), false)
            .fill_null(false)
    };
    if index + 1 < buckets {
        return is_in(of(index));
    }
    // The last bucket: every record no other bucket takes.
    let mut others = Series::new_empty("endings".into(), &DataType::String);
    for b in 0..buckets - 1 {
        others.append(&of(b)).expect("text series append");
    }
    is_in(others).not()
}

/// One bucket of a quarter's records merged ([`merged_quarter`] of the
/// records [`bucket_filter`] keeps).
pub(super) fn merged_bucket(
    submissions: &[(Receipt, LazyFrame)],
    linked: &Linked,
    columns: Option<&[PlSmallStr]>,
    (index, buckets): (u64, u64),
) -> PolarsResult<DataFrame> {
    let filtered: Vec<(Receipt, LazyFrame)> = submissions
        .iter()
        .map(|(r, lf)| (r.clone(), lf.clone().filter(bucket_filter(index, buckets))))
        .collect();
    merged_quarter(&filtered, linked, columns)
}

/// Records merged to one per (scope, person key). Only the records whose
/// (scope, key) another record shares need the merge (`merge`, the costly
/// step); every other record is already its person's one record (a group
/// of one aggregates to itself), so it passes through: its canonical
/// columns, the scope, then `alone` (what the merge's extra aggregations
/// give for one record).
pub(super) fn merge_shared(
    records: DataFrame,
    alone: Vec<Expr>,
    merge: impl FnOnce(LazyFrame) -> LazyFrame,
) -> PolarsResult<DataFrame> {
    let shared = shared_keys(&records)?;
    let many = records.filter(&shared)?;
    let mut out: Vec<Expr> = crate::schema::canonical_schema(crate::schema::ExtractKind::Cases)
        .iter_names()
        .filter(|n| records.schema().contains(n))
        .map(|n| col(n.clone()))
        .collect();
    out.push(col(SCOPE));
    out.extend(alone);
    let mut single = records.filter(&!&shared)?.lazy().select(out).collect()?;
    if many.height() > 0 {
        // In the pass-through records' types (the aggregations may widen some).
        let typed: Vec<Expr> = single
            .schema()
            .iter()
            .map(|(name, dtype)| col(name.clone()).cast(dtype.clone()))
            .collect();
        single.vstack_mut_owned(merge(many.lazy()).select(typed).collect()?)?;
    }
    Ok(single)
}

/// The aggregations of linkage's own columns when a person's quarters are
/// merged over a span (see [`super::span`]): the most agencies that served
/// the person in one quarter, and each kind of agency that served them in any.
pub(super) fn span_aggregations() -> Vec<Expr> {
    let mut aggs = vec![col(AGENCIES).max().alias(AGENCIES)];
    aggs.extend(
        AGENCY_KINDS
            .iter()
            .map(|k| col(kind_flag(k)).any(true).alias(kind_flag(k))),
    );
    aggs
}

/// For each record, whether another record has the same scope and person key.
fn shared_keys(records: &DataFrame) -> PolarsResult<BooleanChunked> {
    let scope = records.column(SCOPE)?.str()?;
    let key = records.column("person_key")?.str()?;
    let pairs: Vec<(Option<&str>, Option<&str>)> = scope.into_iter().zip(key).collect();
    let mut seen: std::collections::HashMap<(Option<&str>, Option<&str>), u32> =
        std::collections::HashMap::with_capacity(pairs.len());
    for pair in &pairs {
        *seen.entry(*pair).or_default() += 1;
    }
    Ok(pairs
        .iter()
        .map(|pair| seen[pair] > 1)
        .collect::<BooleanChunked>())
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
/// The key of people served by agencies of three kinds or more.
pub const THREE_OR_MORE_KINDS: &str = "three_or_more_kinds";
/// The keys of the `multi_agency` table's count of agencies.
pub const AGENCY_COUNTS: [&str; 3] = ["one", "two", "three_or_more"];

/// How many agencies served a merged record's person: `one`, `two` or
/// `three_or_more`. Row-wise.
pub fn agency_count() -> Expr {
    when(col(AGENCIES).lt_eq(lit(1u32)))
        .then(lit(AGENCY_COUNTS[0]))
        .when(col(AGENCIES).eq(lit(2u32)))
        .then(lit(AGENCY_COUNTS[1]))
        .otherwise(lit(AGENCY_COUNTS[2]))
        .alias("agencies")
}

/// The pairs of kinds, in [`kinds_of`] order.
fn pairs<'a>(kinds: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            out.push((*a, *b));
        }
    }
    out
}

/// The public keys of the `multi_agency` table's mix of kinds:
/// `single_agency`; a kind alone (several agencies, all of that kind); a
/// pair of kinds `a+b`; `three_or_more_kinds`. Public: from
/// `collaborative.toml`, never from the records.
pub fn agency_mix_keys(linked: &Linked) -> Vec<String> {
    let kinds = kinds_of(linked);
    std::iter::once(SINGLE_AGENCY.to_string())
        .chain(kinds.iter().map(|k| k.to_string()))
        .chain(pairs(&kinds).into_iter().map(|(a, b)| format!("{a}+{b}")))
        .chain(std::iter::once(THREE_OR_MORE_KINDS.to_string()))
        .collect()
}

/// A merged record's key in [`agency_mix_keys`], in the table's one
/// dimension `agencies` (the part tells which key set). Row-wise.
pub fn agency_mix(linked: &Linked) -> Expr {
    let kinds = kinds_of(linked);
    let flag = |k: &str| col(kind_flag(k));
    let served_kinds = kinds
        .iter()
        .fold(lit(0u32), |acc, k| acc + flag(k).cast(DataType::UInt32));
    let one_kind = kinds.iter().rev().fold(lit(SINGLE_AGENCY), |otherwise, k| {
        when(flag(k)).then(lit(*k)).otherwise(otherwise)
    });
    let two_kinds =
        pairs(&kinds)
            .into_iter()
            .rev()
            .fold(lit(THREE_OR_MORE_KINDS), |otherwise, (a, b)| {
                when(flag(a).and(flag(b)))
                    .then(lit(format!("{a}+{b}")))
                    .otherwise(otherwise)
            });
    when(col(AGENCIES).lt_eq(lit(1u32)))
        .then(lit(SINGLE_AGENCY))
        .when(served_kinds.clone().eq(lit(1u32)))
        .then(one_kind)
        .when(served_kinds.eq(lit(2u32)))
        .then(two_kinds)
        .otherwise(lit(THREE_OR_MORE_KINDS))
        .alias("agencies")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass-through of records no other record shares gives exactly
    /// what merging every record would: two sample agencies that refer
    /// people to each other, one quarter.
    #[test]
    fn passing_unshared_records_through_equals_merging_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).unwrap();
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
        for slug in ["danforth-refuge", "lakeshore-legal-clinic"] {
            let profile =
                crate::ingest::Profile::load(&sample.join(format!("profiles/{slug}.toml")))
                    .unwrap();
            let file = sample.join(format!("extracts/{slug}/{slug}-2025Q4.csv"));
            store
                .submit(
                    &file,
                    &profile,
                    crate::schema::ExtractKind::Cases,
                    "2025Q4".parse().unwrap(),
                )
                .unwrap();
        }
        let c = super::super::coverage::Collaborative::load(&sample.join("collaborative.toml"))
            .unwrap();
        let linked = c.linked().unwrap();
        let submissions = store
            .canonical_submissions(crate::schema::ExtractKind::Cases, "2025Q4", None)
            .unwrap();
        let fast = merged_quarter(&submissions, &linked, None).unwrap();
        // Everything through the merge, by the same aggregations.
        let typed: Vec<Expr> = fast
            .schema()
            .iter()
            .map(|(n, t)| col(n.clone()).cast(t.clone()))
            .collect();
        let slow = merge_tagged(tagged_records(&submissions, &linked, None).unwrap())
            .select(typed)
            .collect()
            .unwrap();
        let sorted = |df: DataFrame| {
            df.sort(["person_key"], SortMultipleOptions::default())
                .unwrap()
        };
        let (fast, slow) = (sorted(fast), sorted(slow));
        assert!(
            fast.height() < 200 && fast.height() > 50,
            "{}",
            fast.height()
        );
        let shared = fast
            .column(AGENCIES)
            .unwrap()
            .u32()
            .unwrap()
            .into_iter()
            .filter(|n| *n == Some(2))
            .count();
        assert!(shared > 0, "the sample's referrals are merged");
        assert!(fast.equals_missing(&slow));
        // A table's few columns, read and merged alone, are those columns of the whole merge.
        let (n, s) = crate::schema::fields::service_columns("legal");
        let few: Vec<PlSmallStr> = ["province", "shelter_nights", n.as_str(), s.as_str()]
            .iter()
            .map(|c| PlSmallStr::from(*c))
            .collect();
        let projected = sorted(merged_quarter(&submissions, &linked, Some(&few)).unwrap());
        let names: Vec<PlSmallStr> = projected.get_column_names_owned();
        assert!(names.len() < fast.width() / 2, "{names:?}");
        assert!(projected.equals_missing(&fast.select(names).unwrap()));
    }
}
