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
    columns: Option<&[PlSmallStr]>,
) -> PolarsResult<DataFrame> {
    // Only the columns the table reads (each field merges on its own), with
    // what identifies the person and the agency.
    let keep: Option<Vec<Expr>> = columns.map(|c| {
        ["person_key", "quarter", "agency"]
            .iter()
            .map(|n| PlSmallStr::from(*n))
            .chain(c.iter().cloned())
            .fold(Vec::<PlSmallStr>::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            })
            .into_iter()
            .map(col)
            .collect()
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
                lit(kind.to_string()).alias("__agency_kind"),
            ])
        })
        .collect();
    let records = concat(frames, UnionArgs::default())?.collect()?;
    // Only the records whose (scope, key) another record shares need the
    // merge; every other record is already its person's one record (a
    // group of one aggregates to itself), so it passes through, with one
    // agency and its agency's kind. The merge is the costly step.
    let shared = shared_keys(&records)?;
    let many = records.filter(&shared)?;
    let single = records.filter(&!&shared)?;
    let flags = |kind_of_row: &dyn Fn(&str) -> Expr| -> Vec<Expr> {
        AGENCY_KINDS
            .iter()
            .map(|k| kind_of_row(k).alias(kind_flag(k)))
            .collect()
    };
    let mut columns: Vec<Expr> = crate::schema::canonical_schema(crate::schema::ExtractKind::Cases)
        .iter_names()
        .filter(|n| records.schema().contains(n))
        .map(|n| col(n.clone()))
        .collect();
    columns.push(col(SCOPE));
    columns.push(lit(1u32).cast(DataType::UInt32).alias(AGENCIES));
    columns.extend(flags(&|k| col("__agency_kind").eq(lit(k))));
    let single = single.lazy().select(columns).collect()?;
    if many.height() == 0 {
        return Ok(single);
    }
    let mut extra = vec![
        col("agency")
            .n_unique()
            .cast(DataType::UInt32)
            .alias(AGENCIES),
    ];
    extra.extend(flags(&|k| col("__agency_kind").eq(lit(k)).any(true)));
    let merged = crate::ingest::merge_across_agencies(many.lazy(), SCOPE, extra);
    // In the pass-through records' types (the aggregations may widen some).
    let typed: Vec<Expr> = single
        .schema()
        .iter()
        .map(|(name, dtype)| col(name.clone()).cast(dtype.clone()))
        .collect();
    let mut out = single;
    out.vstack_mut_owned(merged.select(typed).collect()?)?;
    Ok(out)
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
        let all: Vec<LazyFrame> = submissions
            .iter()
            .map(|(r, lf)| {
                let kind = linked.kinds.get(&r.agency).map_or("other", String::as_str);
                lf.clone().with_columns([
                    lit(scope_of(r, &linked)).alias(SCOPE),
                    lit(kind.to_string()).alias("__agency_kind"),
                ])
            })
            .collect();
        let mut extra = vec![
            col("agency")
                .n_unique()
                .cast(DataType::UInt32)
                .alias(AGENCIES),
        ];
        for k in AGENCY_KINDS {
            extra.push(
                col("__agency_kind")
                    .eq(lit(*k))
                    .any(true)
                    .alias(kind_flag(k)),
            );
        }
        let typed: Vec<Expr> = fast
            .schema()
            .iter()
            .map(|(n, t)| col(n.clone()).cast(t.clone()))
            .collect();
        let slow = crate::ingest::merge_across_agencies(
            concat(all, UnionArgs::default()).unwrap(),
            SCOPE,
            extra,
        )
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
