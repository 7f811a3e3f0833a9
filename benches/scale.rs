//! Benchmark: end to end at scale. N synthetic canonical records (default
//! 100,000,000) are stored as agencies of at most 1,000,000 records each
//! (one Parquet file per agency, as submissions are), with 200 agency
//! returns; then every standard table of the quarter is released through
//! OpenDP, and the funders' report is drawn from the releases. Prints each
//! phase's time and the process's peak memory (VmHWM); the target is 8 GB at
//! 100M records. `cargo bench --bench scale [-- ROWS]`; with
//! `SAFECOUNT_BENCH_STORE=DIR` the store is kept in DIR and reused by the next
//! run (which then only releases and reports). With `SAFECOUNT_BENCH_LINKED=1`
//! the person-level tables are released in collaborative-linkage mode (each
//! quarter's records merged per person across agencies first; the synthetic
//! keys are agency-scoped, so the merge does all its work and merges
//! nothing). Figures go in BENCHMARKS.md. The store takes about 2 GB of disk
//! per 100M records.

use safecount::classify::DefinitionSet;
use safecount::privacy::Accounting;
use safecount::privacy::ledger;
use safecount::release::{self, ReleaseRequest, STANDARD};
use safecount::report::{self, data::ReleaseSet, i18n::Lang};
use safecount::store::Store;
use std::time::Instant;

mod support;

/// Peak resident memory of this process so far, in GB (Linux).
fn peak_gb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1e6)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000_000);
    let period = "2025Q3";
    // SAFECOUNT_BENCH_STORE=DIR keeps the generated store in DIR and, when DIR
    // already holds one, releases from it without generating again.
    let (dir, keep) = match std::env::var_os("SAFECOUNT_BENCH_STORE") {
        Some(d) => (std::path::PathBuf::from(d), true),
        None => (
            std::env::temp_dir().join(format!("safecount-bench-scale-{}", std::process::id())),
            false,
        ),
    };
    let reuse = dir.join("ledger.sqlite").exists();
    let store = Store::open(&dir).unwrap();

    let t = Instant::now();
    let agencies = if reuse {
        0
    } else {
        support::store_cases(&store, period, n)
    };
    if !reuse {
        support::store_returns(&store, period, 200);
        eprintln!(
            "generated and stored {n} records ({agencies} agencies) and 200 returns in {:.1} s; peak {:.2} GB",
            t.elapsed().as_secs_f64(),
            peak_gb()
        );
    }

    // A budget share not asked before, so that every run computes (and spends) anew.
    let rho = 0.05 + 1e-6 * std::process::id() as f64;
    ledger::set_budget(&mut store.connect().unwrap(), period, 1e9, "benchmark").unwrap();
    let agencies = ledger::ledger_key(ledger::Scope::Agency, period);
    ledger::set_budget(&mut store.connect().unwrap(), &agencies, 1e9, "benchmark").unwrap();
    let defs = DefinitionSet::embedded();
    let layout = release::Layout {
        linkage: std::env::var_os("SAFECOUNT_BENCH_LINKED").map(|_| release::coverage::Linked {
            epoch: "0123456789abcdef".into(),
            kinds: Default::default(),
        }),
        ..Default::default()
    };
    let t = Instant::now();
    let mut released = Vec::new();
    let requests: Vec<ReleaseRequest> = STANDARD
        .iter()
        .map(|table| ReleaseRequest {
            layout: layout.clone(),
            protection: Default::default(),
            pool: None,
            table: table.to_string(),
            period: period.into(),
            rho,
            accounting: Accounting::Zcdp,
            level: 0.95,
            agencies: None,
            custom: None,
            // Synthetic records: the approval a table about Indigenous people needs.
            governance: Some("benchmark on synthetic records".into()),
            part_rho: None,
        })
        .collect();
    // As `safecount release` runs them: tables reading the same records share
    // one preparation, within the bound of `release::SHARED_CELLS`.
    let mut batch = release::Batch::new(&defs, &requests);
    for req in &requests {
        let table = &req.table;
        let started = Instant::now();
        released.push(release::release_in(&store, &defs, req, &mut batch).unwrap());
        eprintln!(
            "  {table}: {:.1} s; peak so far {:.2} GB",
            started.elapsed().as_secs_f64(),
            peak_gb()
        );
    }
    eprintln!(
        "released {} tables over {n} records in {:.1} s; peak {:.2} GB",
        released.len(),
        t.elapsed().as_secs_f64(),
        peak_gb()
    );

    let t = Instant::now();
    let set = ReleaseSet::from_released(&released).unwrap();
    let out = dir.join("report");
    report::write(&set, &out, Lang::En).unwrap();
    eprintln!(
        "report written in {:.1} s; peak {:.2} GB",
        t.elapsed().as_secs_f64(),
        peak_gb()
    );
    eprintln!("end to end at {n} records: peak memory {:.2} GB", peak_gb());
    if keep {
        eprintln!("store kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
