//! Releases and the budget ledger: noise distribution, interval coverage,
//! contribution bounds, overspend, concurrent debits, idempotence (crashes: `guarantee`),
//! and the store's atomic, superseding submissions.

use crate::support::{repo, safecount, write};
use polars::prelude::*;
use safecount::classify::DefinitionSet;
use safecount::ingest::Profile;
use safecount::privacy::ledger::{self, Debit, LedgerError};
use safecount::privacy::measure::{UNIT, VALUE};
use safecount::privacy::{Accounting, MeasurementSpec, Statistic};
use safecount::release::{self, ReleaseError, ReleaseRequest};
use safecount::schema::ExtractKind;
use safecount::store::{Store, SubmitOutcome};

fn one_cell(statistic: Statistic) -> MeasurementSpec {
    MeasurementSpec {
        dims: vec![("g".into(), vec!["a".into(), "b".into()])],
        statistic,
        accounting: Accounting::Zcdp,
        open_keys_delta: None,
    }
}

fn units(n: usize) -> LazyFrame {
    let ids: Vec<String> = (0..n).map(|i| format!("agency:{i:012}")).collect();
    df!(UNIT => ids, "g" => vec!["a"; n], VALUE => vec![5i64; n])
        .unwrap()
        .lazy()
}

/// Discrete Gaussian pmf at k with scale sigma (unnormalised).
fn dg(k: i64, sigma: f64) -> f64 {
    (-(k as f64).powi(2) / (2.0 * sigma * sigma)).exp()
}

/// `draws` releases of the one-cell measurement over `frame`: the noise in cell "a" each time.
fn draw_noise(
    built: &safecount::privacy::measure::Built,
    frame: &LazyFrame,
    truth: i64,
    draws: usize,
) -> Vec<i64> {
    (0..draws)
        .map(|_| {
            let df = built.release(frame.clone()).unwrap();
            let row = (0..df.height())
                .find(|i| df.column("g").unwrap().str().unwrap().get(*i) == Some("a"))
                .unwrap();
            df.column("value").unwrap().i64().unwrap().get(row).unwrap() - truth
        })
        .collect()
}

/// Pearson chi-square of `noise` against the (unnormalised) pmf, in bins split at `edges`.
/// Returns the statistic, observed and expected counts.
fn chi_square(
    noise: &[i64],
    pmf: impl Fn(i64) -> f64,
    support: i64,
    edges: &[i64],
) -> (f64, Vec<f64>, Vec<f64>) {
    let z: f64 = (-support..=support).map(&pmf).sum();
    let bin = |k: i64| edges.iter().position(|e| k < *e).unwrap_or(edges.len());
    let mut expected = vec![0.0; edges.len() + 1];
    for k in -support..=support {
        expected[bin(k)] += pmf(k) / z * noise.len() as f64;
    }
    let mut observed = vec![0.0; edges.len() + 1];
    for k in noise {
        observed[bin(*k)] += 1.0;
    }
    let chi2 = observed
        .iter()
        .zip(&expected)
        .map(|(o, e)| (o - e).powi(2) / e)
        .sum();
    (chi2, observed, expected)
}

#[test]
fn noise_follows_the_discrete_gaussian_and_95_percent_intervals_cover() {
    let spec = one_cell(Statistic::Count);
    let rho = 0.0005; // sigma = 1/sqrt(2 rho) = 31.6
    let (built, cal) = spec.calibrate(rho, 0.05).unwrap();
    assert!(cal.rho <= rho * (1.0 + 1e-9), "{cal:?}");
    let sigma = (1.0 / (2.0 * rho)).sqrt();
    assert!(
        (cal.scale - sigma).abs() / sigma < 0.01,
        "declared scale {} vs {sigma}",
        cal.scale
    );
    let true_count = 100i64;
    let frame = units(true_count as usize);
    let draws = 4000;
    let noise = draw_noise(&built, &frame, true_count, draws);
    // Goodness of fit: chi-square over 10 bins of the declared distribution.
    let (chi2, observed, expected) = chi_square(
        &noise,
        |k| dg(k, cal.scale),
        400,
        &[-40, -25, -15, -8, 0, 8, 15, 25, 40],
    );
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    assert!(
        chi2 < 27.9,
        "chi-square {chi2:.1}: observed {observed:?} expected {expected:?}"
    );
    let mean = noise.iter().sum::<i64>() as f64 / draws as f64;
    assert!(
        mean.abs() < 4.0 * sigma / (draws as f64).sqrt(),
        "mean noise {mean}"
    );
    // Coverage of the published inclusive interval.
    let h = cal.half_width;
    let covered = noise.iter().filter(|n| (n.abs() as f64) <= h).count() as f64 / draws as f64;
    assert!(
        (covered - 0.95).abs() <= 0.02,
        "95% intervals covered {covered:.3} (half-width {h})"
    );
}

/// Counts are released signed: an empty cell's noisy count is unbiased and
/// spreads like the noise, not max(0, noise). 250 releases of a 20-cell table
/// with 3 cells occupied (5, 50 and 1 people).
#[test]
fn empty_cells_are_unbiased_and_intervals_cover_every_cell() {
    let g: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    let f: Vec<String> = ["w", "x", "y", "z"].map(String::from).to_vec();
    let spec = MeasurementSpec {
        dims: vec![("g".into(), g.clone()), ("f".into(), f.clone())],
        statistic: Statistic::Count,
        accounting: Accounting::Zcdp,
        open_keys_delta: None,
    };
    let rho = 0.001; // sigma = 1/sqrt(2 rho) = 22.4
    let (built, cal) = spec.calibrate(rho, 0.05).unwrap();
    let sigma = cal.scale;
    let occupied = [(("a", "x"), 5usize), (("b", "y"), 50), (("c", "z"), 1)];
    let (mut ids, mut gs, mut fs) = (Vec::new(), Vec::new(), Vec::new());
    for ((gv, fv), n) in occupied {
        for i in 0..n {
            ids.push(format!("{gv}{fv}-{i:04}"));
            gs.push(gv);
            fs.push(fv);
        }
    }
    let frame = df!(UNIT => ids, "g" => gs, "f" => fs).unwrap().lazy();
    let truth = |gv: &str, fv: &str| {
        occupied
            .iter()
            .find(|((a, b), _)| *a == gv && *b == fv)
            .map(|(_, n)| *n as i64)
            .unwrap_or(0)
    };
    let (mut empty, mut covered, mut cells) = (Vec::new(), 0usize, 0usize);
    for _ in 0..250 {
        let df = built.release(frame.clone()).unwrap();
        assert_eq!(df.height(), 20, "every public cell is released");
        let gcol = df.column("g").unwrap().str().unwrap().clone();
        let fcol = df.column("f").unwrap().str().unwrap().clone();
        let values = df.column("value").unwrap().i64().unwrap().clone();
        for i in 0..df.height() {
            let t = truth(gcol.get(i).unwrap(), fcol.get(i).unwrap());
            let noise = values.get(i).unwrap() - t;
            cells += 1;
            covered += usize::from((noise.abs() as f64) <= cal.half_width);
            if t == 0 {
                empty.push(noise as f64);
            }
        }
    }
    let n = empty.len() as f64;
    let mean = empty.iter().sum::<f64>() / n;
    let sd = (empty.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        mean.abs() < 4.0 * sigma / n.sqrt(),
        "empty cells average {mean:.2} (sigma {sigma:.1}, {n} draws)"
    );
    assert!(
        (sd / sigma - 1.0).abs() < 0.05,
        "empty cells spread {sd:.2}, the noise scale is {sigma:.2}"
    );
    assert!(
        empty.iter().any(|x| *x < 0.0),
        "negative noisy counts are kept"
    );
    let coverage = covered as f64 / cells as f64;
    assert!(
        (coverage - 0.95).abs() <= 0.015,
        "intervals covered {coverage:.4} of {cells} cells"
    );
}

#[test]
fn a_person_with_fifty_records_moves_a_count_by_at_most_one() {
    let spec = one_cell(Statistic::Count);
    let others = units(20).collect().unwrap();
    let heavy = df!(UNIT => vec!["agency:heavy"; 50], "g" => [vec!["a"; 25], vec!["b"; 25]].concat(), VALUE => vec![90i64; 50]).unwrap();
    let with = spec.exact(others.vstack(&heavy).unwrap().lazy()).unwrap();
    let without = spec.exact(others.clone().lazy()).unwrap();
    let total = |df: &DataFrame| df.column("value").unwrap().i64().unwrap().sum().unwrap();
    assert_eq!(
        total(&with) - total(&without),
        1,
        "the person adds exactly one row to all cells together"
    );
    let sums = one_cell(Statistic::Sum {
        lower: 0,
        upper: 10,
    });
    let with = sums.exact(others.vstack(&heavy).unwrap().lazy()).unwrap();
    let without = sums.exact(others.lazy()).unwrap();
    assert_eq!(
        total(&with) - total(&without),
        10,
        "a sum moves by its clipping bound, no more"
    );
}

fn sample_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn sample_profile(slug: &str) -> Profile {
    Profile::load(&repo().join(format!("sample-data/profiles/{slug}.toml"))).unwrap()
}

fn submit_sample(store: &Store, slug: &str, ext: &str, quarter: &str) -> SubmitOutcome {
    let file = repo().join(format!(
        "sample-data/extracts/{slug}/{slug}-{quarter}.{ext}"
    ));
    store
        .submit(
            &file,
            &sample_profile(slug),
            ExtractKind::Cases,
            crate::support::quarter(quarter),
        )
        .unwrap()
}

fn request(table: &str, rho: f64) -> ReleaseRequest {
    ReleaseRequest {
        layout: Default::default(),
        protection: Default::default(),
        pool: None,
        governance: None,
        part_rho: None,
        table: table.into(),
        period: "2025Q3".into(),
        rho,
        accounting: Accounting::Zcdp,
        level: 0.95,
        agencies: None,
        custom: None,
    }
}

fn spent(store: &Store) -> f64 {
    ledger::status(&store.connect().unwrap())
        .unwrap()
        .iter()
        .map(|p| p.spent_rho)
        .sum()
}

#[test]
fn a_rerun_spends_nothing_and_returns_identical_numbers_and_new_inputs_spend() {
    let (_dir, store) = sample_store();
    let defs = DefinitionSet::embedded();
    assert!(matches!(
        submit_sample(&store, "coastal-workers-centre", "parquet", "2025Q3"),
        SubmitOutcome::Stored(_)
    ));
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 1.0, "test").unwrap();
    let first = release::release(&store, &defs, &request("definitions", 0.2)).unwrap();
    assert!(!first.reserved && (first.spent_rho - 0.2).abs() < 1e-9);
    let again = release::release(&store, &defs, &request("definitions", 0.2)).unwrap();
    assert!(again.reserved);
    assert_eq!(again.spent_rho, 0.0);
    assert!(
        first.cells.equals_missing(&again.cells),
        "identical numbers"
    );
    assert!((spent(&store) - 0.2).abs() < 1e-9);
    // The file carries per-cell noise facts and the provenance.
    for c in [
        "value",
        "mechanism",
        "noise_scale",
        "ci_half_width",
        "province",
        "membership",
    ] {
        assert!(first.cells.column(c).is_ok(), "{c}");
    }
    assert_eq!(again.provenance["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(again.provenance["definitions_version"], defs.version);
    assert_eq!(again.provenance["opendp_version"], "0.16.0");
    // New inputs: a new release, a new debit.
    submit_sample(&store, "prairie-haven", "xlsx", "2025Q3");
    let third = release::release(&store, &defs, &request("definitions", 0.2)).unwrap();
    assert!(!third.reserved && third.id != first.id);
    assert!((spent(&store) - 0.4).abs() < 1e-9);
}

#[test]
fn an_overspend_is_refused_and_nothing_is_written() {
    let (dir, store) = sample_store();
    let defs = DefinitionSet::embedded();
    submit_sample(&store, "lakeshore-legal-clinic", "csv", "2025Q3");
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 0.1, "test").unwrap();
    let err = release::release(&store, &defs, &request("exploitation", 0.2))
        .err()
        .unwrap();
    match err {
        ReleaseError::Ledger(LedgerError::Overspend {
            budget,
            spent,
            requested,
            ..
        }) => {
            assert_eq!((budget, spent), (0.1, 0.0));
            assert!((requested - 0.2).abs() < 1e-9);
        }
        other => panic!("{other}"),
    }
    assert_eq!(spent(&store), 0.0);
    assert!(
        std::fs::read_dir(dir.path().join("releases"))
            .unwrap()
            .next()
            .is_none(),
        "nothing written"
    );
}

#[test]
fn twenty_four_concurrent_debits_never_overspend() {
    let (_dir, store) = sample_store();
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 1.0, "test").unwrap();
    let handles: Vec<_> = (0..24)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut conn = store.connect().unwrap();
                ledger::debit(
                    &mut conn,
                    "2025Q3",
                    &format!("rel-{i}"),
                    0.1,
                    None,
                    None,
                    &serde_json::json!({}),
                )
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ok = results
        .iter()
        .filter(|r| matches!(r, Ok(Debit::Debited { .. })))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(LedgerError::Overspend { .. })))
        .count();
    assert_eq!((ok, refused), (10, 14), "{results:?}");
    assert!(spent(&store) <= 1.0 + 1e-9);
    assert_eq!(ledger::verify(&store.connect().unwrap()).unwrap(), 11);
}

#[test]
fn submissions_are_idempotent_supersede_and_a_rejection_leaves_nothing() {
    let (dir, store) = sample_store();
    let first = match submit_sample(&store, "lakeshore-legal-clinic", "csv", "2025Q3") {
        SubmitOutcome::Stored(r) => r,
        _ => panic!("stored"),
    };
    let file = repo()
        .join("sample-data/extracts/lakeshore-legal-clinic/lakeshore-legal-clinic-2025Q3.csv");
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(
        first.sha256,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
    match submit_sample(&store, "lakeshore-legal-clinic", "csv", "2025Q3") {
        SubmitOutcome::AlreadyStored(r) => assert_eq!(r, first),
        _ => panic!("same bytes, same receipt"),
    }
    // A corrected extract for the same quarter supersedes the first, which is kept.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let corrected = write(
        dir.path(),
        "corrected.csv",
        text.lines().take(10).collect::<Vec<_>>().join("\r\n") + "\r\n",
    );
    let second = match store
        .submit(
            &corrected,
            &sample_profile("lakeshore-legal-clinic"),
            ExtractKind::Cases,
            crate::support::quarter("2025Q3"),
        )
        .unwrap()
    {
        SubmitOutcome::Stored(r) => r,
        _ => panic!("stored"),
    };
    assert_eq!(
        second.supersedes.as_deref(),
        Some(first.submission_id.as_str())
    );
    assert!(store.is_superseded(&first.submission_id).unwrap());
    let current = store.submissions(None, false).unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(store.submissions(None, true).unwrap().len(), 2);
    let (records, inputs) = store
        .canonical_records(ExtractKind::Cases, "2025Q3", None)
        .unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(records.collect().unwrap().height() as u64, second.records);
    // A rejected file leaves nothing behind.
    let before: Vec<_> = walk(dir.path());
    let bad = repo().join("sample-data/bad/lakeshore-legal-clinic-2025Q2-bad.csv");
    assert!(matches!(
        store
            .submit(
                &bad,
                &sample_profile("lakeshore-legal-clinic"),
                ExtractKind::Cases,
                crate::support::quarter("2025Q2")
            )
            .unwrap(),
        SubmitOutcome::Rejected(_)
    ));
    assert_eq!(walk(dir.path()), before);
    assert_eq!(store.submissions(None, true).unwrap().len(), 2);
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if !p.to_string_lossy().contains("ledger.sqlite") {
            out.push(p.display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn an_open_key_set_goes_through_opendps_threshold_and_reports_its_delta() {
    let (_dir, store) = sample_store();
    let defs = DefinitionSet::embedded();
    submit_sample(&store, "coastal-workers-centre", "parquet", "2025Q3");
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 1.0, "test").unwrap();
    let r = release::release(&store, &defs, &request("citizenship", 0.1)).unwrap();
    let delta = r.provenance["delta"].as_f64().expect("delta reported");
    assert!(
        delta > 0.0 && delta <= release::tables::OPEN_KEYS_DELTA,
        "delta {delta}"
    );
    let threshold = r.provenance["parts"][0]["calibration"]["threshold"]
        .as_u64()
        .expect("threshold reported");
    assert!(threshold > 1);
    assert!(
        r.cells.height() < 252,
        "only countries that pass the threshold are released"
    );
    let values = r.cells.column("value").unwrap().i64().unwrap();
    assert!(
        values.into_iter().flatten().all(|v| v >= threshold as i64),
        "released groups passed the threshold"
    );
    let events = ledger::events(&store.connect().unwrap()).unwrap();
    assert_eq!(
        events.last().unwrap().event,
        safecount::privacy::ledger::EventKind::Complete
    );
    assert!(
        events
            .iter()
            .any(|e| e.event == safecount::privacy::ledger::EventKind::Debit
                && e.delta == Some(delta)),
        "the ledger records delta"
    );
}

#[test]
fn pure_dp_noise_follows_the_discrete_laplace() {
    let spec = MeasurementSpec {
        accounting: Accounting::Pure,
        ..one_cell(Statistic::Count)
    };
    let epsilon = 0.1; // scale = 1/epsilon = 10 for a count
    let (built, cal) = spec.calibrate(epsilon, 0.05).unwrap();
    assert!(cal.loss <= epsilon * (1.0 + 1e-9), "{cal:?}");
    assert_eq!(cal.mechanism, "discrete_laplace");
    assert!(
        (cal.rho - epsilon * epsilon / 2.0).abs() < 1e-12,
        "debited as rho = eps^2/2"
    );
    let frame = units(50);
    let draws = 3000;
    let noise = draw_noise(&built, &frame, 50, draws);
    let (chi2, observed, expected) = chi_square(
        &noise,
        |k| (-(k.abs() as f64) / cal.scale).exp(),
        300,
        &[-20, -10, -5, -2, 0, 2, 5, 10, 20],
    );
    assert!(
        chi2 < 27.9,
        "chi-square {chi2:.1}: observed {observed:?} expected {expected:?}"
    );
    let covered = noise
        .iter()
        .filter(|n| (n.abs() as f64) <= cal.half_width)
        .count() as f64
        / draws as f64;
    assert!(
        covered >= 0.93 && covered <= 0.975,
        "95% intervals covered {covered:.3}"
    );
}

/// The sample holds one record per person per agency and quarter (intake
/// merged the rest), and person keys recur across agencies. So the
/// per-person truncation must drop nothing: if unit numbering ever gave two
/// people one id, or a part read another part's column, the truncated cells
/// would differ from plain polars' group-bys.
#[test]
fn truncation_keeps_every_sample_person_and_every_part_reads_its_own_columns() {
    let (_dir, store) = sample_store();
    let sample = repo().join("sample-data");
    let manifest = safecount::sample::read_manifest(&sample).unwrap();
    for entry in manifest.extracts.iter().filter(|e| e.expect == "valid") {
        let profile = Profile::load(&sample.join(&entry.profile)).unwrap();
        let quarter = entry.quarter.expect("the manifest gives every quarter");
        store
            .submit(&sample.join(&entry.file), &profile, entry.kind, quarter)
            .unwrap();
    }
    let defs = safecount::classify::DefinitionSet::embedded();
    let sorted = |df: DataFrame| {
        let by: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .filter(|c| c != "value")
            .collect();
        df.sort(by, Default::default()).unwrap()
    };
    let same = |store: &Store, period: &str| {
        for table in safecount::release::STANDARD {
            if *table == "citizenship" {
                continue; // no public key frame: plain polars has nothing to join
            }
            let truncated = release::exact_cells(store, &defs, table, period, true).unwrap();
            let plain = release::exact_cells(store, &defs, table, period, false).unwrap();
            assert!(truncated.height() > 0, "{table} {period}");
            assert!(
                sorted(truncated).equals(&sorted(plain)),
                "{table} {period}: truncation changed a cell"
            );
        }
    };
    for period in ["2024Q1", "2025Q3"] {
        same(&store, period);
    }
    // Two agencies using the same person keys for different people: only the
    // agency tells them apart.
    let (_dir, shared) = sample_store();
    for agency in ["agency-a", "agency-b"] {
        let mut cases =
            safecount::sample::synthetic::canonical_cases(300, 3, "2025Q3", 11).unwrap();
        shared
            .import_canonical(&mut cases, agency, ExtractKind::Cases, "2025Q3")
            .unwrap();
    }
    let mut returns = safecount::sample::synthetic::canonical_returns(1, "2025Q3", 11).unwrap();
    shared
        .import_canonical(&mut returns, "agency-a", ExtractKind::Returns, "2025Q3")
        .unwrap();
    same(&shared, "2025Q3");
}

/// The case tables of a quarter, and of a pool of quarters, prepared
/// together (one read, one classification, one span merge) give each part
/// exactly the frame — rows, units, values — it gets prepared alone: the
/// premise of the shared preparation's privacy argument.
#[test]
fn shared_preparation_gives_each_table_its_own_frame() {
    let (_dir, store) = sample_store();
    for quarter in ["2025Q2", "2025Q3"] {
        submit_sample(&store, "lakeshore-legal-clinic", "csv", quarter);
        submit_sample(&store, "maison-esperance", "csv", quarter);
        submit_sample(&store, "prairie-haven", "xlsx", quarter);
    }
    let defs = DefinitionSet::embedded();
    let cases: Vec<&str> = release::STANDARD
        .iter()
        .filter(|t| !release::tables::RETURNS_TABLES.contains(t))
        .copied()
        .collect();
    let layout = release::Layout::default();
    for quarters in [
        vec!["2025Q3".to_string()],
        vec!["2025Q2".into(), "2025Q3".into()],
    ] {
        let together = release::part_frames(&store, &defs, &cases, &quarters, &layout).unwrap();
        let mut compared = 0;
        for table in &cases {
            let alone = release::part_frames(&store, &defs, &[table], &quarters, &layout).unwrap();
            for (_, label, frame) in &alone {
                let (_, _, shared) = together
                    .iter()
                    .find(|(t, l, _)| t == table && l == label)
                    .unwrap();
                assert!(frame.height() > 0, "{table} {label}");
                assert!(
                    shared.equals_missing(frame),
                    "{table} {label} {quarters:?}: prepared together\n{shared}\nalone\n{frame}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, together.len());
    }
}

/// `release --table all` on a quarter with case records and no returns
/// releases every case table, names the returns tables it skipped and what
/// to do, and succeeds; asked for a returns table by name, it still refuses.
#[test]
fn releasing_all_tables_of_a_quarter_without_returns_skips_them_and_says_so() {
    let (_dir, store) = crate::guarantee::store_with_cases("1");
    let s = store.to_str().unwrap();
    let all = safecount(
        &repo(),
        &[
            "release", "--period", "2025Q4", "--rho", "0.5", "--store", s,
        ],
    );
    assert_eq!(all.code, 0, "{}{}", all.stdout, all.stderr);
    assert!(
        all.stdout
            .contains("Skipped 4 tables: no returns are stored for 2025Q4")
            && all.stdout.contains("funding"),
        "{}",
        all.stdout
    );
    assert!(all.stdout.contains("definitions"), "{}", all.stdout);
    let one = safecount(
        &repo(),
        &[
            "release", "--period", "2025Q4", "--table", "funding", "--rho", "0.1", "--store", s,
        ],
    );
    assert_eq!(one.code, 65, "{}{}", one.stdout, one.stderr);
}
