//! Merging the rows of one person: after it there is one row per person per quarter,
//! which the release's contribution bound (one row per unit) relies on.

use super::*;

/// Fields whose known values should agree across one person's rows (a disagreement is reported).
const IDENTITY_FIELDS: [&str; 3] = ["gender", "age_band", "citizenship"];

pub(super) fn not_missing(c: Expr) -> Expr {
    codes::MISSING
        .codes
        .iter()
        .fold(c.clone().is_not_null(), |acc, m| {
            acc.and(c.clone().neq(lit(*m)))
        })
}

/// Merge several rows of one person in one quarter into one record: sets
/// united (unknown only when no row knows), services combined (the most
/// complete status kept), nights summed (at most 92), tri-states "yes" when
/// any row says yes, other codes the last known value.
pub(super) fn merge_people(df: DataFrame, report: &mut Report) -> Option<DataFrame> {
    let merged = df
        .lazy()
        .group_by_stable([col("person_key"), col("quarter")])
        .agg(person_aggregations(true))
        .collect();
    finish_merge(merged, report)
}

/// Merge the records of one person in one quarter that several agencies
/// sent (collaborative linkage) into one record, by the same rules as
/// intake merges one agency's rows ([`merge_people`]). Records group by
/// person key, quarter and the `scope` column (which keeps apart keys that
/// must not meet, e.g. agencies' own pseudonyms); `extra` adds aggregations
/// of the caller's (e.g. how many agencies served the person). The result
/// has one row per group: the canonical columns the records have, in
/// schema order, `scope`, then `extra`'s. Removing one person's records
/// removes exactly one row.
pub fn merge_across_agencies(mut records: LazyFrame, scope: &str, extra: Vec<Expr>) -> LazyFrame {
    // Records projected to some columns (what one table reads) merge those
    // columns only: each field's aggregation reads its own columns alone.
    let schema = records.collect_schema().ok();
    let present = |name: &str| schema.as_ref().is_none_or(|s| s.contains(name));
    let mut order: Vec<Expr> = crate::schema::canonical_schema(ExtractKind::Cases)
        .iter_names()
        .filter(|n| present(n))
        .map(|n| col(n.clone()))
        .collect();
    order.push(col(scope));
    for e in &extra {
        if let Ok(name) = e.clone().meta().output_name() {
            order.push(col(name));
        }
    }
    let aggs: Vec<Expr> = person_aggregations(false)
        .into_iter()
        .filter(|e| {
            e.clone()
                .meta()
                .output_name()
                .is_ok_and(|n| present(n.as_str()))
        })
        .chain(extra)
        .collect();
    records
        .group_by([col("person_key"), col("quarter"), col(scope)])
        .agg(aggs)
        .select(order)
}

/// The aggregation of each canonical field over one person's rows; with
/// `conflicts`, one flag per identity field whose known values disagree.
fn person_aggregations(conflicts: bool) -> Vec<Expr> {
    let mut aggs = Vec::new();
    for def in crate::schema::fields::CASE_FIELDS {
        let c = || col(def.name);
        match def.kind {
            FieldKind::PersonKey | FieldKind::Quarter => {}
            FieldKind::Agency | FieldKind::Fsa => {
                aggs.push(c().drop_nulls().last().alias(def.name))
            }
            FieldKind::Code(list) if def.is_tri_state() => {
                let code = |v: &str| lit(v).cast(fields::code_dtype(list));
                aggs.push(
                    when(c().eq(lit("yes")).any(true))
                        .then(code("yes"))
                        .when(c().eq(lit("no")).any(true))
                        .then(code("no"))
                        .otherwise(c().filter(not_missing(c())).first())
                        .fill_null(c().first())
                        .alias(def.name),
                );
            }
            FieldKind::Code(_) => {
                aggs.push(
                    c().filter(not_missing(c()))
                        .last()
                        .fill_null(c().first())
                        .alias(def.name),
                );
                if conflicts && IDENTITY_FIELDS.contains(&def.name) {
                    aggs.push(
                        c().filter(not_missing(c()))
                            .n_unique()
                            .gt(lit(1))
                            .alias(format!("__conflict__{}", def.name)),
                    );
                }
            }
            FieldKind::Set(list) => {
                for code in list.codes {
                    let name = fields::set_column(def.name, code);
                    aggs.push(col(&name).max().alias(&name));
                }
            }
            FieldKind::Services => {
                for cat in codes::SERVICE_CATEGORY.codes {
                    let (n, s) = fields::service_columns(cat);
                    aggs.push(col(&n).max().alias(&n));
                    // The most complete status any row gives (received first).
                    let dtype = fields::code_dtype(&codes::SERVICE_STATUS);
                    let mut best = lit(NULL).cast(dtype.clone());
                    for status in codes::SERVICE_STATUS.codes.iter().rev() {
                        best = when(col(&s).eq(lit(*status)).any(true))
                            .then(lit(*status).cast(dtype.clone()))
                            .otherwise(best);
                    }
                    aggs.push(best.alias(&s));
                }
            }
            FieldKind::Count { max } => aggs.push(
                when(c().count().gt(lit(0)))
                    .then(
                        when(c().sum().gt(lit(max)))
                            .then(lit(max))
                            .otherwise(c().sum()),
                    )
                    .otherwise(lit(NULL).cast(DataType::Int64))
                    .alias(def.name),
            ),
            FieldKind::Cents | FieldKind::Decimal { .. } => aggs.push(c().sum().alias(def.name)),
        }
    }
    aggs
}

/// Intake's merged frame: report a failure or conflicting identities, and put the columns in schema order.
fn finish_merge(merged: PolarsResult<DataFrame>, report: &mut Report) -> Option<DataFrame> {
    let mut merged = match merged {
        Ok(m) => m,
        Err(e) => {
            report.error(
                None,
                None,
                None,
                ErrorCode::MergeError,
                Message::new("intake-merge").with("detail", e.to_string()),
            );
            return None;
        }
    };
    for field in IDENTITY_FIELDS {
        let name = format!("__conflict__{field}");
        if let Ok(c) = merged.column(&name) {
            let n = c.as_materialized_series().sum::<u32>().unwrap_or(0);
            if n > 0 {
                report.warnings.push(
                    Message::new("intake-warning-conflict")
                        .with("count", n)
                        .with("field", field),
                );
            }
            let _ = merged.drop_in_place(&name);
        }
    }
    let order: Vec<PlSmallStr> = crate::schema::canonical_schema(ExtractKind::Cases)
        .iter_names()
        .cloned()
        .collect();
    merged.select(order).ok()
}
