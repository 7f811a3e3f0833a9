//! Benchmark: classify N canonical records (default 10,000,000) under every
//! shipped definition, in one lazy pass. Run with
//! `cargo bench --bench classify [-- ROWS]`. Not a test: figures go in BENCHMARKS.md.

use polars::prelude::*;
use safecount::classify::{DefinitionSet, classify};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let set = DefinitionSet::embedded();
    let t = Instant::now();
    let df = safecount::sample::synthetic::canonical_cases(n, 50, "2025Q3", 2013).unwrap();
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
