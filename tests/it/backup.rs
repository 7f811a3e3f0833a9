//! Backup and restore: a backup taken while uploads go on restores to a
//! store whose ledger and releases verify and serve again; a restore never
//! overwrites a store; a backup killed part-way leaves the live store as it was.

use crate::support::{repo, safecount, submit_command, submit_sample};
use std::path::Path;

/// A store with three agencies' 2025Q4 cases and one release.
fn store_with_a_release(dir: &Path) -> std::path::PathBuf {
    let store = dir.join("store");
    for (slug, ext) in [
        ("maison-esperance", "csv"),
        ("danforth-refuge", "csv"),
        ("coastal-workers-centre", "parquet"),
    ] {
        submit_sample(&store, slug, ext, "cases");
    }
    let s = store.to_str().unwrap();
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", "1", "--store", s,
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let release = safecount(
        &repo(),
        &[
            "release",
            "--period",
            "2025Q4",
            "--table",
            "exploitation",
            "--rho",
            "0.02",
            "--store",
            s,
        ],
    );
    assert_eq!(release.code, 0, "{}{}", release.stdout, release.stderr);
    store
}

/// `safecount store ACTION FOLDER --store STORE` (backup or restore).
fn store_action(action: &str, folder: &Path, store: &Path) -> crate::support::Run {
    safecount(
        &repo(),
        &[
            "store",
            action,
            folder.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ],
    )
}

/// `safecount budget --verify` of a store.
fn verify(store: &Path) -> crate::support::Run {
    safecount(
        &repo(),
        &["budget", "--verify", "--store", store.to_str().unwrap()],
    )
}

#[test]
fn a_backup_taken_during_uploads_restores_to_a_store_that_verifies_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_release(dir.path());
    // Uploads go on while the backup is taken.
    let uploads: Vec<_> = [
        ("lakeshore-legal-clinic", "csv"),
        ("hamilton-bridge", "csv"),
    ]
    .into_iter()
    .map(|(slug, ext)| submit_command(&store, slug, ext, "cases").spawn().unwrap())
    .collect();
    let backup = dir.path().join("backup");
    let run = store_action("backup", &backup, &store);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for mut u in uploads {
        assert!(u.wait().unwrap().success());
    }
    // The backup is as private as the store: owner only.
    {
        use std::os::unix::fs::PermissionsExt;
        for path in [
            backup.clone(),
            backup.join("secret.key"),
            backup.join("ledger.sqlite"),
        ] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o077;
            assert_eq!(mode, 0, "{} is readable by others", path.display());
        }
    }
    let restored = dir.path().join("restored");
    let run = store_action("restore", &backup, &restored);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Release files verified: 1 files"),
        "{}",
        run.stdout
    );
    // The restored store answers as the live one did for what the backup holds.
    let verify = verify(&restored);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    let report = safecount(
        &repo(),
        &[
            "report",
            restored.join("releases").to_str().unwrap(),
            "--out",
            dir.path().join("report").to_str().unwrap(),
        ],
    );
    assert_eq!(report.code, 0, "{}{}", report.stdout, report.stderr);
    // A restore never lands on a store that exists.
    let live_before = crate::support::files_under(&store).len();
    let over = store_action("restore", &backup, &store);
    assert_ne!(over.code, 0);
    assert!(over.stderr.contains("not empty"), "{}", over.stderr);
    assert_eq!(crate::support::files_under(&store).len(), live_before);
}

#[test]
fn a_backup_killed_part_way_leaves_the_live_store_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_release(dir.path());
    let before = verify(&store);
    assert_eq!(before.code, 0);
    let backup = dir.path().join("backup");
    let killed = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"))
        .args([
            "store",
            "backup",
            backup.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ])
        .env("SAFECOUNT_FAILPOINT", "backup-after-ledger")
        .output()
        .unwrap();
    assert!(!killed.status.success());
    assert!(
        !backup.exists(),
        "no backup is taken for whole when it is not"
    );
    let after = verify(&store);
    assert_eq!(after.code, 0, "{}{}", after.stdout, after.stderr);
    assert_eq!(before.stdout, after.stdout);
    // The next backup replaces what the killed one left.
    let run = store_action("backup", &backup, &store);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn backups_taken_while_a_pipeline_releases_restore_and_finish_without_a_second_debit() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_a_release(dir.path());
    let pipeline = crate::support::write(
        dir.path(),
        "p.toml",
        "name = \"p\"\n[inputs]\nperiods = [\"2025Q4\"]\n[privacy]\nrho_per_period = 0.9\n[[tables]]\ntable = \"people\"\n[[tables]]\ntable = \"definitions\"\n[[tables]]\ntable = \"services\"\n[[tables]]\ntable = \"shelter_type\"\n[[tables]]\ntable = \"trp_status\"\n[[tables]]\ntable = \"housing_outcome\"\n",
    );
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_safecount"))
        .args(["run", pipeline.to_str().unwrap(), "--store"])
        .arg(&store)
        .current_dir(repo())
        .env("LANG", "C.UTF-8")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Backups, one after another, for as long as the pipeline runs.
    let mut backups = Vec::new();
    loop {
        let done = run.try_wait().unwrap().is_some();
        let backup = dir.path().join(format!("backup-{}", backups.len()));
        let taken = store_action("backup", &backup, &store);
        assert_eq!(taken.code, 0, "{}{}", taken.stdout, taken.stderr);
        backups.push(backup);
        if done || backups.len() >= 12 {
            break;
        }
    }
    assert!(run.wait().unwrap().success());
    assert!(
        backups.len() >= 2,
        "the pipeline ended before a second backup"
    );
    let spent = |store: &Path| -> f64 {
        let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
        safecount::privacy::ledger::spent(&conn, "2025Q4").unwrap()
    };
    let live = spent(&store);
    // At least one backup caught the run part-way (less spent than in the end).
    assert!(
        backups.iter().any(|b| spent(b) < live - 1e-9),
        "every backup was taken after the run"
    );
    for (i, backup) in backups.iter().enumerate() {
        // Each restores to a store that verifies ...
        let restored = dir.path().join(format!("restored-{i}"));
        let run = store_action("restore", backup, &restored);
        assert_eq!(run.code, 0, "backup {i}: {}{}", run.stdout, run.stderr);
        // ... and the same pipeline on it finishes what the backup caught
        // part-way, spending exactly what the live run spent, not more.
        let rerun = safecount(
            &repo(),
            &[
                "run",
                pipeline.to_str().unwrap(),
                "--store",
                restored.to_str().unwrap(),
            ],
        );
        assert_eq!(
            rerun.code, 0,
            "backup {i}: {}{}",
            rerun.stdout, rerun.stderr
        );
        assert!((spent(&restored) - live).abs() < 1e-9, "backup {i}");
        let verified = verify(&restored);
        assert_eq!(
            verified.code, 0,
            "backup {i}: {}{}",
            verified.stdout, verified.stderr
        );
    }
}
