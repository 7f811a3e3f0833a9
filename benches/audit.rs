//! Audit of the demo's releases against their exact values (issue 29): the
//! demo is run N times (default 20, each a fresh store, so fresh noise), and
//! every released cell of every person-level table is compared with its
//! exact value.
//!
//! Two comparisons, kept apart because they share different amounts of the
//! release's code:
//! - **Every cell** against the library's noise-free path
//!   (`release::exact_cells_over`: the same preparation and merge, no
//!   noise): the share of cells whose 95% interval holds the exact value,
//!   and the largest error in units of the cell's noise σ. This tests the
//!   noise and the intervals, not the preparation.
//! - **The unit**, independently of the release's preparation: for every
//!   part of the tables that put each person in exactly one cell (people,
//!   definitions, services, housing outcome, service gaps, who is served),
//!   the sum of its released cells against the number of distinct people in
//!   its quarter or year, counted here from the stored submissions' person
//!   keys alone (a key of the collaborative's epoch is one person at every
//!   agency, any other key one person at its agency). A yearly part that
//!   counted person-quarters would sit many σ above it.
//!
//!     cargo build --release && cargo bench --bench audit [-- RUNS]

use polars::prelude::*;
use safecount::pipeline::PipelineSpec;
use safecount::privacy::ledger::Scope;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Tables whose every part puts each person in exactly one cell.
const ONE_CELL_PER_PERSON: &[&str] = &[
    "people",
    "definitions",
    "services",
    "housing_outcome",
    "service_gaps",
    "who_is_served",
];

/// The release binary: `SAFECOUNT_BIN`, else the one beside this benchmark (target/release/safecount).
fn binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SAFECOUNT_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let dir = exe.parent().and_then(Path::parent).expect("target/release");
    dir.join("safecount")
}

/// A released cell: (part, "dim=key;..."), raw noisy value, noise σ, half-width.
type Cells = Vec<((String, String), f64, f64, f64)>;

/// A column as text (missing values empty).
fn column_text(df: &DataFrame, name: &str) -> anyhow::Result<Vec<String>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?
        .into_iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// Every person-level release of a store: (table, period) → its cells.
fn released(store: &Path) -> anyhow::Result<BTreeMap<(String, String), Cells>> {
    let mut out = BTreeMap::new();
    for quarter in std::fs::read_dir(store.join("releases"))? {
        let quarter = quarter?.path();
        if !quarter.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&quarter)? {
            let path = file?.path();
            let mut reader = ParquetReader::new(std::fs::File::open(&path)?);
            let provenance: serde_json::Value = serde_json::from_str(
                &safecount::release::provenance_text(&mut reader)?.unwrap_or_default(),
            )?;
            if provenance["budget_scope"] != "person" {
                continue;
            }
            let df = reader.finish()?;
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            let start = names.iter().position(|n| n == "part").unwrap() + 1;
            let end = names.iter().position(|n| n == "statistic").unwrap();
            let text = |n: &str| column_text(&df, n);
            let number = |n: &str| -> anyhow::Result<Vec<f64>> {
                let c = df.column(n)?.cast(&DataType::Float64)?;
                Ok(c.f64()?
                    .into_iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect())
            };
            let parts = text("part")?;
            let dims: Vec<(String, Vec<String>)> = names[start..end]
                .iter()
                .map(|n| Ok((n.clone(), text(n)?)))
                .collect::<anyhow::Result<_>>()?;
            let (values, scales, widths) = (
                number("value")?,
                number("noise_scale")?,
                number("ci_half_width")?,
            );
            let cells = (0..df.height())
                .map(|i| {
                    let key = dims
                        .iter()
                        .map(|(d, v)| format!("{d}={}", v[i]))
                        .collect::<Vec<_>>()
                        .join(";");
                    ((parts[i].clone(), key), values[i], scales[i], widths[i])
                })
                .collect();
            let table = provenance["table"].as_str().unwrap_or_default().to_string();
            let period = provenance["period"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            out.insert((table, period), cells);
        }
    }
    Ok(out)
}

/// The exact value of every cell of a release, keyed as in [`released`] by the release's own dimensions.
fn exact_of(df: &DataFrame, dims: &[String]) -> anyhow::Result<HashMap<(String, String), f64>> {
    let text = |n: &str| column_text(df, n);
    let parts = text("part")?;
    let values: Vec<f64> = df
        .column("value")?
        .cast(&DataType::Float64)?
        .f64()?
        .into_iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    let columns: Vec<(String, Vec<String>)> = dims
        .iter()
        .map(|d| {
            Ok((
                d.clone(),
                text(d).unwrap_or_else(|_| vec![String::new(); df.height()]),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok((0..df.height())
        .map(|i| {
            let key = columns
                .iter()
                .map(|(d, v)| format!("{d}={}", v[i]))
                .collect::<Vec<_>>()
                .join(";");
            ((parts[i].clone(), key), values[i])
        })
        .collect())
}

/// Distinct people and person-quarters in some quarters, from the stored person keys alone.
fn people_in(
    store: &safecount::store::Store,
    quarters: &[String],
    epoch: Option<&str>,
) -> anyhow::Result<(usize, usize)> {
    let mut people = BTreeSet::new();
    let mut person_quarters = 0;
    for q in quarters {
        let mut of_quarter = BTreeSet::new();
        for (receipt, frame) in
            store.canonical_submissions(safecount::schema::ExtractKind::Cases, q, None)?
        {
            let scope = match receipt.linkage_epoch.as_deref() == epoch && epoch.is_some() {
                true => String::new(),
                false => receipt.agency.clone(),
            };
            let keys = frame.select([col("person_key")]).collect()?;
            for key in keys.column("person_key")?.str()?.into_iter().flatten() {
                of_quarter.insert((scope.clone(), key.to_string()));
            }
        }
        person_quarters += of_quarter.len();
        people.extend(of_quarter);
    }
    Ok((people.len(), person_quarters))
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = binary();
    anyhow::ensure!(
        bin.is_file(),
        "build the binary first: cargo build --release ({} is missing)",
        bin.display()
    );
    let spec = PipelineSpec::load(&repo.join("pipelines/demo.toml"))?;
    let defs = spec.definitions()?;
    let epoch = spec
        .coverage
        .as_ref()
        .and_then(|c| c.linked())
        .map(|l| l.epoch);
    let tmp = tempfile::tempdir()?;
    let started = std::time::Instant::now();
    let mut exact: HashMap<(String, String), DataFrame> = HashMap::new();
    let mut exact_cells: HashMap<(String, String), HashMap<(String, String), f64>> = HashMap::new();
    let mut spans: HashMap<String, (usize, usize)> = HashMap::new();
    let (mut cells, mut within) = (0usize, 0usize);
    let mut beyond = [0usize; 3]; // beyond 3, 4, 5 σ
    let mut worst: (f64, String) = (0.0, String::new());
    // Unit check: (table, span kind) → z of each part's total against people, and against person-quarters.
    let mut unit: BTreeMap<(String, &str), (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut watched: Vec<(f64, f64)> = Vec::new();
    for run in 0..runs {
        let dir = tmp.path().join(format!("run{run}"));
        let store_dir = dir.join("store");
        let status = std::process::Command::new(&bin)
            .args(["demo", "--lang", "en", "--store"])
            .arg(&store_dir)
            .arg("--report")
            .arg(dir.join("report"))
            .current_dir(repo)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        anyhow::ensure!(status.success(), "safecount demo failed in run {run}");
        let store = safecount::store::Store::open(&store_dir)?;
        if run == 0 {
            for (t, req) in spec.planned_requests() {
                if t.scope() != Scope::Person {
                    continue;
                }
                let quarters = req.quarters();
                let df = safecount::release::exact_cells_over(
                    &store,
                    &defs,
                    &req.table,
                    &quarters,
                    &req.layout,
                )?;
                exact.insert((req.table.clone(), req.period.clone()), df);
                if !spans.contains_key(&req.period) {
                    spans.insert(
                        req.period.clone(),
                        people_in(&store, &quarters, epoch.as_deref())?,
                    );
                }
            }
        }
        let mut run_cells = 0;
        let mut run_within = 0;
        for ((table, period), released_cells) in released(&store_dir)? {
            let Some(df) = exact.get(&(table.clone(), period.clone())) else {
                continue;
            };
            let map = match exact_cells.get(&(table.clone(), period.clone())) {
                Some(m) => m,
                None => {
                    let dims: Vec<String> = released_cells
                        .first()
                        .map(|((_, k), ..)| {
                            k.split(';')
                                .filter_map(|kv| kv.split('=').next())
                                .map(String::from)
                                .collect()
                        })
                        .unwrap_or_default();
                    exact_cells.insert((table.clone(), period.clone()), exact_of(df, &dims)?);
                    &exact_cells[&(table.clone(), period.clone())]
                }
            };
            let mut totals: BTreeMap<String, (f64, f64)> = BTreeMap::new();
            for ((part, key), value, sigma, half_width) in &released_cells {
                let Some(truth) = map.get(&(part.clone(), key.clone())) else {
                    anyhow::bail!("{table} {period}: no exact value for {part} {key}");
                };
                let z = (value - truth) / sigma;
                run_cells += 1;
                run_within += usize::from((value - truth).abs() <= *half_width + 1e-9);
                for (i, k) in [3.0, 4.0, 5.0].iter().enumerate() {
                    beyond[i] += usize::from(z.abs() > *k);
                }
                if z.abs() > worst.0 {
                    worst = (
                        z.abs(),
                        format!(
                            "run {run}: {table} {period} {part} {key}: released {value}, exact {truth}, sigma {sigma:.2}"
                        ),
                    );
                }
                if !key.split(';').any(|kv| kv == "province=CA") {
                    let t = totals.entry(part.clone()).or_default();
                    t.0 += value;
                    t.1 += sigma * sigma;
                }
                if table == "who_is_served" && period == "2025" && key.contains("trans_wom") {
                    watched.push((*value, *truth));
                }
            }
            if ONE_CELL_PER_PERSON.contains(&table.as_str()) {
                let (people, person_quarters) = spans[&period];
                let kind = if period.len() == 6 { "quarter" } else { "year" };
                let entry = unit.entry((table.clone(), kind)).or_default();
                for (sum, var) in totals.values() {
                    entry.0.push((sum - people as f64) / var.sqrt());
                    entry.1.push((sum - person_quarters as f64) / var.sqrt());
                }
            }
        }
        cells += run_cells;
        within += run_within;
        println!(
            "run {:>2}: {run_cells} cells, {:.1}% within their 95% interval ({:.0} s so far)",
            run + 1,
            100.0 * run_within as f64 / run_cells as f64,
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "\nevery cell, {runs} runs: {cells} cells, {:.2}% within their 95% interval; beyond 3 / 4 / 5 sigma: {} / {} / {}",
        100.0 * within as f64 / cells as f64,
        beyond[0],
        beyond[1],
        beyond[2]
    );
    println!("largest error: {:.2} sigma ({})", worst.0, worst.1);
    println!(
        "\nthe unit: each part's released total against the people it should count (z, in sigma of the total)"
    );
    println!(
        "{:<18} {:<8} {:>6} {:>12} {:>12} {:>22}",
        "table", "span", "parts", "mean z", "max |z|", "mean z if person-qtrs"
    );
    for ((table, kind), (z, zq)) in &unit {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let max = z.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        println!(
            "{table:<18} {kind:<8} {:>6} {:>12.2} {:>12.2} {:>22.1}",
            z.len(),
            mean(z),
            max,
            mean(zq)
        );
    }
    if !watched.is_empty() {
        let values: Vec<f64> = watched.iter().map(|w| w.0).collect();
        println!(
            "\nwho_is_served 2025, trans women: exact {} people; released over {} runs: mean {:.1}, min {:.0}, max {:.0}",
            watched[0].1,
            values.len(),
            values.iter().sum::<f64>() / values.len() as f64,
            values.iter().cloned().fold(f64::INFINITY, f64::min),
            values.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
        );
    }
    println!("({:.0} s in all)", started.elapsed().as_secs_f64());
    Ok(())
}
