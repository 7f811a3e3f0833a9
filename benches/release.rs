//! Benchmark: release the standard tables of one quarter (citizenship left
//! out) over N synthetic canonical records (default 1,000,000, stored as
//! agencies of at most 1M records) and 200 agency returns, against the same
//! group-bys in plain polars without DP, in one run so the ratio holds on a
//! noisy machine. `cargo bench --bench release [-- ROWS]`; peak memory with
//! GNU time (`/usr/bin/time -v`). Figures go in BENCHMARKS.md.

use safecount::classify::DefinitionSet;
use safecount::privacy::Accounting;
use safecount::privacy::ledger;
use safecount::release::{self, ReleaseRequest, STANDARD};
use safecount::store::Store;
use std::time::Instant;

mod support;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Write every part's prepared frame and its spec for the OpenDP-Python comparator.
fn export(
    store: &Store,
    defs: &DefinitionSet,
    tables: &[&str],
    period: &str,
    dir: &std::path::Path,
) {
    use polars::prelude::*;
    std::fs::create_dir_all(dir).unwrap();
    let mut manifest = Vec::new();
    for table in tables {
        let parts = release::prepared_parts(store, defs, table, period).unwrap();
        let n = parts.len();
        for (i, (label, mut df, spec)) in parts.into_iter().enumerate() {
            let file = format!("{table}-{i}.parquet");
            ParquetWriter::new(std::fs::File::create(dir.join(&file)).unwrap())
                .finish(&mut df)
                .unwrap();
            manifest.push(serde_json::json!({
                "table": table, "part": label, "file": file, "parts_in_table": n,
                "dims": spec.dims.iter().map(|(d, k)| serde_json::json!({"name": d, "keys": k})).collect::<Vec<_>>(),
                "statistic": spec.statistic,
            }));
        }
    }
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    eprintln!(
        "exported {} prepared parts to {}",
        manifest.len(),
        dir.display()
    );
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let period = "2025Q3";
    let dir = std::env::temp_dir().join(format!("safecount-bench-release-{}", std::process::id()));
    let store = Store::open(&dir).unwrap();
    let t = Instant::now();
    support::store_cases(&store, period, n);
    support::store_returns(&store, period, 200);
    eprintln!("stored {n} records and 200 returns in {:.2?}", t.elapsed());
    ledger::set_budget(&mut store.connect().unwrap(), period, 1e9, "benchmark").unwrap();
    let agencies = ledger::ledger_key(ledger::Scope::Agency, period);
    ledger::set_budget(&mut store.connect().unwrap(), &agencies, 1e9, "benchmark").unwrap();
    let defs = DefinitionSet::embedded();
    let tables: Vec<&str> = STANDARD
        .iter()
        .copied()
        .filter(|t| *t != "citizenship")
        .collect();
    if let Some(dir) = std::env::var_os("SAFECOUNT_BENCH_EXPORT") {
        export(&store, &defs, &tables, period, std::path::Path::new(&dir));
    }
    let (mut dp, mut plain) = (Vec::new(), Vec::new());
    for run in 0..3 {
        let t = Instant::now();
        // A new budget share each run, so every run computes (and spends) anew.
        let requests: Vec<ReleaseRequest> = tables
            .iter()
            .map(|table| ReleaseRequest {
                layout: Default::default(),
                protection: Default::default(),
                pool: None,
                table: table.to_string(),
                period: period.into(),
                rho: 0.01 + run as f64 * 1e-6,
                accounting: Accounting::Zcdp,
                level: 0.95,
                agencies: None,
                custom: None,
                // Synthetic records: the approval a table about Indigenous people needs.
                governance: Some("benchmark on synthetic records".into()),
                part_rho: None,
            })
            .collect();
        // As `safecount release` and a pipeline run them: prepared once per source.
        let mut batch = release::Batch::new(&defs, &requests);
        for req in &requests {
            let r = release::release_in(&store, &defs, req, &mut batch).unwrap();
            assert!(!r.reserved);
        }
        dp.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for table in &tables {
            release::exact_cells(&store, &defs, table, period, false).unwrap();
        }
        plain.push(t.elapsed().as_secs_f64());
        eprintln!(
            "run {}: DP release {:.2} s, plain polars {:.2} s",
            run + 1,
            dp[run],
            plain[run]
        );
    }
    let (d, p) = (median(dp), median(plain));
    println!(
        "release: {} tables over {n} records: DP median {d:.2} s, plain polars median {p:.2} s, ratio {:.2}",
        tables.len(),
        d / p
    );
    // SAFECOUNT_BENCH_KEEP=1 keeps the store, to time `safecount release` on it alone.
    if std::env::var_os("SAFECOUNT_BENCH_KEEP").is_some() {
        eprintln!("store kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
