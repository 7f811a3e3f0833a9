//! Large synthetic canonical data for benchmarks: records drawn column by
//! column from the code lists, with realistic shares of unknown facts. Not a
//! population model (see `population` for that): it exercises scale.

use crate::schema::{ExtractKind, FieldKind, codes, fields};
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// `n` canonical case records of one quarter, spread over `agencies` agencies.
pub fn canonical_cases(
    n: usize,
    agencies: usize,
    quarter: &str,
    seed: u64,
) -> PolarsResult<DataFrame> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut columns = Vec::new();
    for def in ExtractKind::Cases.fields() {
        match def.kind {
            FieldKind::PersonKey => columns.push(Column::new(
                def.name.into(),
                (0..n).map(|i| format!("{i:016x}")).collect::<Vec<_>>(),
            )),
            FieldKind::Quarter => columns.push(Column::new(def.name.into(), vec![quarter; n])),
            FieldKind::Agency => columns.push(Column::new(
                def.name.into(),
                (0..n)
                    .map(|i| format!("agency-{:03}", i % agencies.max(1)))
                    .collect::<Vec<_>>(),
            )),
            FieldKind::Code(list) => {
                let choices: Vec<&str> = list
                    .codes
                    .iter()
                    .copied()
                    .chain(["not_collected"])
                    .collect();
                let v: Vec<&str> = (0..n)
                    .map(|_| choices[rng.random_range(0..choices.len())])
                    .collect();
                columns.push(Column::new(def.name.into(), v));
            }
            FieldKind::Set(list) => {
                let known: Vec<bool> = (0..n).map(|_| rng.random::<f32>() > 0.08).collect();
                for code in list.codes {
                    let v: Vec<Option<bool>> = known
                        .iter()
                        .map(|k| k.then(|| rng.random::<f32>() < 0.25))
                        .collect();
                    columns.push(Column::new(fields::set_column(def.name, code).into(), v));
                }
            }
            FieldKind::Services => {
                for cat in codes::SERVICE_CATEGORY.codes {
                    let (nc, sc) = fields::service_columns(cat);
                    let needed: Vec<Option<bool>> = (0..n)
                        .map(|_| (rng.random::<f32>() > 0.05).then(|| rng.random::<f32>() < 0.4))
                        .collect();
                    let status: Vec<Option<&str>> = needed
                        .iter()
                        .map(|nd| {
                            (*nd == Some(true)).then(|| {
                                codes::SERVICE_STATUS.codes
                                    [rng.random_range(0..codes::SERVICE_STATUS.codes.len())]
                            })
                        })
                        .collect();
                    columns.push(Column::new(nc.into(), needed));
                    columns.push(Column::new(sc.into(), status));
                }
            }
            FieldKind::Count { max } => {
                let v: Vec<Option<i64>> = (0..n)
                    .map(|_| (rng.random::<f32>() < 0.4).then(|| rng.random_range(0..=max)))
                    .collect();
                columns.push(Column::new(def.name.into(), v));
            }
            FieldKind::Fsa => columns.push(Column::new(def.name.into(), vec![None::<&str>; n])),
            FieldKind::Cents | FieldKind::Decimal { .. } => {}
        }
    }
    fields::typed_as_canonical(DataFrame::new(columns)?, ExtractKind::Cases)
}

/// One quarterly return for each of `agencies` agencies.
pub fn canonical_returns(agencies: usize, quarter: &str, seed: u64) -> PolarsResult<DataFrame> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut columns = Vec::new();
    for def in ExtractKind::Returns.fields() {
        let col = match def.kind {
            FieldKind::Agency => Column::new(
                def.name.into(),
                (0..agencies)
                    .map(|i| format!("agency-{i:03}"))
                    .collect::<Vec<_>>(),
            ),
            FieldKind::Quarter => Column::new(def.name.into(), vec![quarter; agencies]),
            FieldKind::Code(list) => Column::new(
                def.name.into(),
                (0..agencies)
                    .map(|_| list.codes[rng.random_range(0..list.codes.len())])
                    .collect::<Vec<_>>(),
            ),
            FieldKind::Cents => Column::new(
                def.name.into(),
                (0..agencies)
                    .map(|_| rng.random_range(0..20_000_000i64))
                    .collect::<Vec<_>>(),
            ),
            FieldKind::Count { max } => Column::new(
                def.name.into(),
                (0..agencies)
                    .map(|_| rng.random_range(0..=max.min(500)))
                    .collect::<Vec<_>>(),
            ),
            FieldKind::Decimal { .. } => Column::new(
                def.name.into(),
                (0..agencies)
                    .map(|_| rng.random_range(1.0..30.0f64))
                    .collect::<Vec<_>>(),
            ),
            _ => continue,
        };
        columns.push(col);
    }
    fields::typed_as_canonical(DataFrame::new(columns)?, ExtractKind::Returns)
}
