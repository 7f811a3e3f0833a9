//! The privacy guarantee as enforced: one draw per debit under concurrency
//! and crashes, totals from the ledger, the lifetime cap, the interval level
//! outside a release's identity, and a ledger that must know its releases.

use crate::support::{files_under, quarter, repo, safecount, submit_sample};
use safecount::classify::DefinitionSet;
use safecount::ingest::Profile;
use safecount::privacy::Accounting;
use safecount::privacy::ledger::{self, LedgerError};
use safecount::release::{self, CustomTable, ReleaseError, ReleaseRequest};
use safecount::report::{self, data::ReleaseSet, i18n::Lang};
use safecount::schema::ExtractKind;
use safecount::store::Store;
use std::path::{Path, PathBuf};

/// A store holding one agency's 2025Q4 case records, with budgets set through the binary.
pub(crate) fn store_with_cases(rho: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let s = store.to_str().unwrap();
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", rho, "--store", s,
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    (dir, store)
}

fn release_cmd(store: &Path, failpoint: Option<&str>) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"));
    cmd.args([
        "release",
        "--period",
        "2025Q4",
        "--table",
        "exploitation",
        "--rho",
        "0.02",
        "--store",
        store.to_str().unwrap(),
    ])
    .current_dir(repo());
    if let Some(f) = failpoint {
        cmd.env("SAFECOUNT_FAILPOINT", f);
    }
    cmd
}

fn debits(store: &Path) -> usize {
    let conn = Store::open(store).unwrap().connect().unwrap();
    ledger::events(&conn)
        .unwrap()
        .iter()
        .filter(|e| e.event == safecount::privacy::ledger::EventKind::Debit)
        .count()
}

fn sha(path: &Path) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(path).unwrap(),
    ))
}

fn verify(store: &Path) -> crate::support::Run {
    safecount(
        &repo(),
        &["budget", "--verify", "--store", store.to_str().unwrap()],
    )
}

#[test]
fn eight_concurrent_identical_releases_debit_once_and_draw_once() {
    let (_dir, store) = store_with_cases("1");
    // Eight processes started together, as eight researchers might.
    let running: Vec<_> = (0..8)
        .map(|_| {
            release_cmd(&store, None)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = running
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let stdout: Vec<String> = outputs
        .iter()
        .map(|o| {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8_lossy(&o.stdout).into_owned()
        })
        .collect();
    assert_eq!(debits(&store), 1, "exactly one debit");
    let drew = stdout
        .iter()
        .filter(|s| s.contains("spent rho 0.0200"))
        .count();
    let served = stdout.iter().filter(|s| s.contains("(re-served)")).count();
    assert_eq!(
        (drew, served),
        (1, 7),
        "one draw, seven re-served: {stdout:?}"
    );
    let ids: Vec<&str> = stdout
        .iter()
        .map(|s| s.split_whitespace().nth(1).unwrap())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    let files = files_in(&store.join("releases"), ".parquet");
    assert_eq!(files.len(), 1);
    let v = verify(&store);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

/// Crash at `point`, check the debit stands, rerun, and return (the staged or
/// published draw's SHA-256 before the rerun, if any; the published file's after).
fn crash_then_rerun(point: &str) -> (Option<String>, String, String) {
    let (_dir, store) = store_with_cases("1");
    let crashed = release_cmd(&store, Some(point)).output().unwrap();
    assert!(!crashed.status.success(), "the failpoint aborts");
    assert_eq!(debits(&store), 1, "debited before any noise is drawn");
    assert!(
        files_in(&store.join("releases"), ".parquet").is_empty(),
        "nothing is visible before the ledger completes it"
    );
    let staged = files_in(&store.join("tmp"), ".drawn")
        .first()
        .map(|p| sha(p));
    let rerun = release_cmd(&store, None).output().unwrap();
    let out = String::from_utf8_lossy(&rerun.stdout).into_owned();
    assert!(
        rerun.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    assert_eq!(debits(&store), 1, "no second debit");
    let files = files_in(&store.join("releases"), ".parquet");
    assert_eq!(files.len(), 1);
    assert!(
        files_in(&store.join("tmp"), "").is_empty(),
        "staging is empty after the rerun"
    );
    let v = verify(&store);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    assert!(!v.stdout.contains("left over"), "{}", v.stdout);
    (staged, sha(&files[0]), out)
}

#[test]
fn a_crash_after_the_draw_was_staged_is_finished_with_the_same_bytes() {
    let (staged, published, out) = crash_then_rerun("after-stage");
    assert_eq!(staged.as_deref(), Some(published.as_str()), "the same draw");
    assert!(out.contains("spent rho 0.0000"), "{out}");
}

#[test]
fn a_crash_after_complete_before_publish_serves_the_same_bytes() {
    let (staged, published, _) = crash_then_rerun("after-complete");
    assert_eq!(staged.as_deref(), Some(published.as_str()), "the same draw");
}

#[test]
fn a_crash_before_anything_was_written_draws_once_more_without_a_second_debit() {
    let (staged, _, out) = crash_then_rerun("after-debit");
    assert_eq!(staged, None, "nothing was staged");
    assert!(out.contains("spent rho 0.0000"), "{out}");
}

fn profile(slug: &str) -> Profile {
    Profile::load(&repo().join(format!("sample-data/profiles/{slug}.toml"))).unwrap()
}

fn request(table: &str, period: &str, rho: f64, level: f64) -> ReleaseRequest {
    ReleaseRequest {
        layout: Default::default(),
        protection: Default::default(),
        pool: None,
        governance: None,
        part_rho: None,
        table: table.into(),
        period: period.into(),
        rho,
        accounting: Accounting::Zcdp,
        level,
        agencies: None,
        custom: None,
    }
}

#[test]
fn the_reports_total_is_the_ledgers_with_a_superseded_input_and_a_custom_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let defs = DefinitionSet::embedded();
    let file = repo()
        .join("sample-data/extracts/lakeshore-legal-clinic/lakeshore-legal-clinic-2025Q3.csv");
    let p = profile("lakeshore-legal-clinic");
    store
        .submit(&file, &p, ExtractKind::Cases, quarter("2025Q3"))
        .unwrap();
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 1.0, "test").unwrap();
    release::release(&store, &defs, &request("definitions", "2025Q3", 0.2, 0.95)).unwrap();
    // A corrected extract (one more blank line at the end) supersedes the first.
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n");
    let corrected = dir.path().join("lakeshore-legal-clinic-2025Q3.csv");
    std::fs::write(&corrected, bytes).unwrap();
    store
        .submit(&corrected, &p, ExtractKind::Cases, quarter("2025Q3"))
        .unwrap();
    release::release(&store, &defs, &request("definitions", "2025Q3", 0.2, 0.95)).unwrap();
    let mut custom = request("by_gender", "2025Q3", 0.1, 0.95);
    custom.custom = Some(CustomTable {
        name: "by_gender".into(),
        source: ExtractKind::Cases,
        dimensions: vec!["gender".into()],
        sum: None,
        drop_missing: false,
    });
    release::release(&store, &defs, &custom).unwrap();
    let ledger_total = ledger::statement(&store.connect().unwrap())
        .unwrap()
        .person_rho;
    assert!((ledger_total - 0.5).abs() < 1e-9, "{ledger_total}");

    let set = ReleaseSet::load(&dir.path().join("releases")).unwrap();
    assert_eq!(
        set.releases.len(),
        2,
        "the report reads the newest of each table"
    );
    let out = dir.path().join("report");
    report::write(&set, &out, Lang::En).unwrap();
    let html = std::fs::read_to_string(out.join("report.en.html")).unwrap();
    assert!(
        html.contains("has lost the sum: ρ = 0.500"),
        "the report states the ledger's total, not its own releases' 0.300"
    );
}

#[test]
fn a_lifetime_cap_refuses_the_release_that_would_cross_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let defs = DefinitionSet::embedded();
    let p = profile("maison-esperance");
    for q in ["2025Q3", "2025Q4"] {
        let file = repo().join(format!(
            "sample-data/extracts/maison-esperance/maison-esperance-{q}.csv"
        ));
        store
            .submit(&file, &p, ExtractKind::Cases, quarter(q))
            .unwrap();
        ledger::set_budget(&mut store.connect().unwrap(), q, 1.0, "test").unwrap();
    }
    ledger::set_lifetime(&mut store.connect().unwrap(), 0.3, "test").unwrap();
    release::release(&store, &defs, &request("trp_status", "2025Q3", 0.2, 0.95)).unwrap();
    let err = release::release(&store, &defs, &request("trp_status", "2025Q4", 0.2, 0.95))
        .err()
        .expect("refused");
    assert!(
        matches!(err, ReleaseError::Ledger(LedgerError::Lifetime { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("0.300000"), "{err}");
    assert!(files_in(&dir.path().join("releases/2025Q4"), ".parquet").is_empty());
    release::release(&store, &defs, &request("trp_status", "2025Q4", 0.1, 0.95)).unwrap();
}

#[test]
fn the_interval_level_is_not_part_of_a_release_and_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let defs = DefinitionSet::embedded();
    let file = repo().join("sample-data/extracts/maison-esperance/maison-esperance-2025Q3.csv");
    store
        .submit(
            &file,
            &profile("maison-esperance"),
            ExtractKind::Cases,
            quarter("2025Q3"),
        )
        .unwrap();
    ledger::set_budget(&mut store.connect().unwrap(), "2025Q3", 1.0, "test").unwrap();
    let at95 =
        release::release(&store, &defs, &request("trp_status", "2025Q3", 0.01, 0.95)).unwrap();
    let at90 =
        release::release(&store, &defs, &request("trp_status", "2025Q3", 0.01, 0.90)).unwrap();
    assert_eq!(at95.id, at90.id);
    assert!(at90.reserved && at90.spent_rho == 0.0);
    assert_eq!(
        at95.cells.column("value").unwrap(),
        at90.cells.column("value").unwrap()
    );
    let h = |r: &release::Released| {
        r.cells
            .column("ci_half_width")
            .unwrap()
            .f64()
            .unwrap()
            .get(0)
            .unwrap()
    };
    assert!(h(&at90) < h(&at95), "{} {}", h(&at90), h(&at95));
    let level = at90
        .cells
        .column("ci_level")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(level, 0.90);
}

#[test]
fn a_recreated_ledger_beside_release_files_is_refused_and_altered_files_are_found() {
    let (_dir, store) = store_with_cases("1");
    assert!(release_cmd(&store, None).status().unwrap().success());
    // An altered release file fails verification.
    let file = files_in(&store.join("releases"), ".parquet").remove(0);
    let original = std::fs::read(&file).unwrap();
    let mut altered = original.clone();
    let n = altered.len();
    altered[n / 2] ^= 1;
    std::fs::write(&file, &altered).unwrap();
    let v = verify(&store);
    assert_eq!(v.code, 65, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.contains("altered"), "{}", v.stderr);
    std::fs::write(&file, &original).unwrap();
    assert_eq!(verify(&store).code, 0);
    // The ledger removed: a new one does not know the release beside it.
    for f in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"] {
        let _ = std::fs::remove_file(store.join(f));
    }
    let s = store.to_str().unwrap();
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", "1", "--store", s,
        ],
    );
    assert_eq!(set.code, 0);
    let refused = release_cmd(&store, None).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(stderr.contains("the ledger does not know"), "{stderr}");
    assert_eq!(debits(&store), 0, "nothing was spent");
}

/// The files under `dir` whose names end with `suffix`.
fn files_in(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

/// Pure DP cannot account an open key set's threshold (it has a delta): a
/// pure release of `citizenship` is refused before any debit, in words that
/// say what to do, and spends nothing.
#[test]
fn a_pure_release_of_an_open_key_set_is_refused_before_any_debit() {
    let (_dir, store) = store_with_cases("1");
    let run = safecount(
        &repo(),
        &[
            "--lang",
            "fr",
            "release",
            "--period",
            "2025Q4",
            "--table",
            "citizenship",
            "--rho",
            "0.02",
            "--pure",
            "--store",
            store.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("exige la comptabilité zCDP"),
        "{}",
        run.stderr
    );
    assert_eq!(debits(&store), 0);
    assert!(files_in(&store.join("releases"), ".parquet").is_empty());
}
