//! Benchmark: disclosure control of the agencies' returns on the demo.
//! Times the protection and the audit of each quarter's four returns tables
//! (one linear programme per sensitive item and intruder group), and reports
//! the information lost: the share of funding dollars in withheld interior
//! cells, from the release files and each submission's own figures.
//!
//! `cargo bench --bench disclosure [-- STORE]`: with a store directory, only
//! the share of that store's published funding (for example a store made by
//! an older `safecount demo`, the baseline); without one, a fresh demo.
//! Not a test: figures go in BENCHMARKS.md.

use polars::prelude::*;
use safecount::classify::DefinitionSet;
use safecount::release::establishment::{Rules, quarter};
use safecount::store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Each returns submission's funding per (source, province), in hundreds of dollars.
fn funding_truth(store: &Store, id: &str) -> BTreeMap<(String, String), i64> {
    let (_, lf) = store.canonical_submission(id).unwrap().unwrap();
    let df = lf.collect().unwrap();
    let mut out = BTreeMap::new();
    let province = df
        .column("province")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    for s in safecount::schema::codes::FUNDING_SOURCE.codes {
        let v = df
            .column(&format!("funding_{s}_cents"))
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap();
        for i in 0..df.height() {
            let p = province.str().unwrap().get(i).unwrap_or("").to_string();
            *out.entry((s.to_string(), p)).or_default() +=
                v.i64().unwrap().get(i).unwrap_or(0).div_euclid(10_000);
        }
    }
    out
}

/// (withheld, total) funding in hundreds of dollars, per quarter, over the
/// newest funding release of each quarter. A province outside the declared
/// coverage is counted under `elsewhere` by the release; such dollars are
/// counted as withheld only if that key's cell is.
fn withheld_share(store_dir: &Path) -> BTreeMap<String, (i64, i64)> {
    let store = Store::open(store_dir).unwrap();
    let mut out = BTreeMap::new();
    let mut newest: BTreeMap<String, (i64, DataFrame, serde_json::Value)> = BTreeMap::new();
    let mut files = Vec::new();
    let mut stack = vec![store_dir.join("releases")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "parquet") {
                files.push(p);
            }
        }
    }
    for f in files {
        let mut reader = ParquetReader::new(std::fs::File::open(&f).unwrap());
        let provenance: serde_json::Value = serde_json::from_str(
            &safecount::release::provenance_text(&mut reader)
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        if provenance["table"] != "funding" {
            continue;
        }
        let order = provenance["ledger_seq"].as_i64().unwrap_or(0);
        let period = provenance["period"].as_str().unwrap().to_string();
        let df = reader.finish().unwrap();
        if newest.get(&period).is_none_or(|(o, _, _)| *o <= order) {
            newest.insert(period, (order, df, provenance));
        }
    }
    for (period, (_, df, provenance)) in newest {
        let mut truth: BTreeMap<(String, String), i64> = BTreeMap::new();
        for input in provenance["inputs"].as_array().unwrap() {
            for (k, v) in funding_truth(&store, input["submission_id"].as_str().unwrap()) {
                *truth.entry(k).or_default() += v;
            }
        }
        let parts = df.column("part").unwrap().str().unwrap().clone();
        let provinces = df.column("province").unwrap().str().unwrap().clone();
        let values = df.column("value").unwrap().i64().unwrap().clone();
        let keys: Vec<String> = provinces.into_iter().flatten().map(String::from).collect();
        let (mut withheld, mut total) = (0, 0);
        for ((source, province), v) in &truth {
            let key = if keys.contains(province) {
                province.as_str()
            } else {
                "elsewhere"
            };
            total += v;
            let published = (0..df.height()).any(|i| {
                parts.get(i) == Some(source.as_str())
                    && keys_at(&df, i) == key
                    && values.get(i).is_some()
            });
            if !published {
                withheld += v;
            }
        }
        out.insert(period, (withheld, total));
    }
    out
}

fn keys_at(df: &DataFrame, i: usize) -> String {
    df.column("province")
        .unwrap()
        .str()
        .unwrap()
        .get(i)
        .unwrap_or("")
        .to_string()
}

fn report_share(label: &str, shares: &BTreeMap<String, (i64, i64)>) {
    let (w, t) = shares
        .values()
        .fold((0, 0), |(a, b), (w, t)| (a + w, b + t));
    for (period, (w, t)) in shares {
        println!(
            "{label} {period}: {:.1}% of funding dollars withheld",
            100.0 * *w as f64 / *t as f64
        );
    }
    println!(
        "{label} all quarters: {:.1}% of funding dollars withheld ({w} of {t} hundreds of dollars)",
        100.0 * w as f64 / t as f64
    );
}

fn main() {
    if let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        report_share("store", &withheld_share(&PathBuf::from(dir)));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    let t = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"))
        .args([
            "demo",
            "--store",
            store_dir.to_str().unwrap(),
            "--report",
            dir.path().join("report").to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("demo in {:.1} s", t.elapsed().as_secs_f64());
    report_share("demo", &withheld_share(&store_dir));

    // Protection and audit of each quarter, as a release does it (with every
    // version already published: the demo's own).
    let store = Store::open(&store_dir).unwrap();
    let defs = DefinitionSet::embedded();
    // The demo's key layout for returns: the collaborative's declared provinces.
    let collaborative = safecount::release::coverage::Collaborative::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/collaborative.toml"),
    )
    .unwrap();
    let layout = safecount::release::Layout {
        coverage: Some(collaborative.provinces()),
        national_share: None,
        linkage: collaborative.linked(),
    };
    let rules = Rules::default();
    for period in [
        "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4",
    ] {
        let mut protect = Vec::new();
        let mut audit = Vec::new();
        for _ in 0..5 {
            let (q, _) = quarter::load(
                &store,
                &defs,
                period,
                safecount::privacy::Accounting::Zcdp,
                &layout,
            )
            .unwrap();
            let t = Instant::now();
            let cells = q.protect(rules);
            protect.push(t.elapsed().as_secs_f64());
            let statuses = cells.iter().map(|(c, (_, s))| (*c, *s)).collect();
            let t = Instant::now();
            let shortfalls = q.audit(&statuses, rules);
            audit.push(t.elapsed().as_secs_f64());
            assert!(shortfalls.is_empty());
        }
        protect.sort_by(f64::total_cmp);
        audit.sort_by(f64::total_cmp);
        println!(
            "{period}: protect {:.3} s, audit {:.3} s (median of 5; four returns tables, every version)",
            protect[2], audit[2]
        );
    }
}
