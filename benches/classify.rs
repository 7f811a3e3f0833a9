//! Benchmark: classify N canonical records (default 10,000,000) under every
//! shipped definition, in one lazy pass. Run with
//! `cargo bench --bench classify [-- ROWS]`. Not a test: figures go in BENCHMARKS.md.

use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use safecount::classify::{DefinitionSet, classify};
use safecount::schema::{ExtractKind, FieldKind, fields};
use std::time::Instant;

fn records(n: usize) -> DataFrame {
    let mut rng = StdRng::seed_from_u64(2013);
    let mut columns = Vec::new();
    for def in ExtractKind::Cases.fields() {
        match def.kind {
            FieldKind::Set(list) => {
                let known: Vec<bool> = (0..n).map(|_| rng.random::<f32>() > 0.08).collect();
                for code in list.codes {
                    let p = 0.25f32;
                    let v: Vec<Option<bool>> = known
                        .iter()
                        .map(|k| k.then(|| rng.random::<f32>() < p))
                        .collect();
                    columns.push(Column::new(fields::set_column(def.name, code).into(), v));
                }
            }
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
                columns.push(
                    Column::new(def.name.into(), v)
                        .cast(&DataType::String)
                        .unwrap(),
                );
            }
            _ => {}
        }
    }
    DataFrame::new(columns).unwrap()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let set = DefinitionSet::embedded();
    let t = Instant::now();
    let df = records(n);
    eprintln!(
        "generated {n} records x {} columns in {:.2?}",
        df.width(),
        t.elapsed()
    );
    let mut times = Vec::new();
    for run in 1..=5 {
        let t = Instant::now();
        let out = classify(df.clone().lazy(), &set)
            .select(
                set.definitions
                    .iter()
                    .map(|d| col(d.name.as_str()))
                    .collect::<Vec<_>>(),
            )
            .collect()
            .unwrap();
        let elapsed = t.elapsed();
        assert_eq!(out.height(), n);
        eprintln!(
            "run {run}: classified {n} records under {} definitions in {elapsed:.2?}",
            set.definitions.len()
        );
        times.push(elapsed.as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "classify: {n} records x {} definitions: median {:.3} s",
        set.definitions.len(),
        times[times.len() / 2]
    );
}
