//! The store's canonical format: coded fields stored as Enums over their code
//! lists, files of the older text format read the same and migrated
//! atomically, and nothing ever misread.

use crate::support::{files_under, safecount, submit_sample};
use polars::prelude::*;
use safecount::schema::{ExtractKind, canonical_schema, fields};
use safecount::store::Store;
use std::path::{Path, PathBuf};

/// Every current case record of 2025Q4, coded fields decoded to text.
fn decoded(store: &Path) -> DataFrame {
    let (records, _) = Store::open(store)
        .unwrap()
        .canonical_records(ExtractKind::Cases, "2025Q4", None)
        .unwrap();
    let df = records.collect().unwrap();
    let text: Vec<Column> = df
        .get_columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::Enum(..) => c.cast(&DataType::String).unwrap(),
            _ => c.clone(),
        })
        .collect();
    DataFrame::new(text).unwrap()
}

fn canonical_files(store: &Path) -> Vec<PathBuf> {
    files_under(&store.join("canonical"))
}

/// Rewrite one stored canonical file as a version-1 store wrote it: coded
/// fields as text, and no format recorded.
fn downgrade(store: &Path, file: &Path) {
    let mut df = ParquetReader::new(std::fs::File::open(file).unwrap())
        .finish()
        .unwrap();
    let enums: Vec<String> = df
        .get_columns()
        .iter()
        .filter(|c| matches!(c.dtype(), DataType::Enum(..)))
        .map(|c| c.name().to_string())
        .collect();
    assert!(enums.len() > 20, "coded fields are stored as Enums");
    for name in enums {
        let text = df.column(&name).unwrap().cast(&DataType::String).unwrap();
        df.with_column(text).unwrap();
    }
    ParquetWriter::new(std::fs::File::create(file).unwrap())
        .finish(&mut df)
        .unwrap();
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    conn.execute("UPDATE submissions SET canonical_format = NULL", [])
        .unwrap();
}

#[test]
fn coded_fields_are_enums_over_their_code_lists_in_memory_and_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let files = canonical_files(&store);
    assert_eq!(files.len(), 1);
    let on_disk = ParquetReader::new(std::fs::File::open(&files[0]).unwrap())
        .finish()
        .unwrap();
    let schema = canonical_schema(ExtractKind::Cases);
    for (name, dtype) in schema.iter() {
        if let DataType::Enum(..) = dtype {
            assert_eq!(on_disk.column(name).unwrap().dtype(), dtype, "{name}");
        }
    }
    assert_eq!(
        schema.get("gender"),
        Some(&fields::code_dtype(&safecount::schema::codes::GENDER))
    );
    // The records read through the store carry the same types.
    let (records, _) = Store::open(&store)
        .unwrap()
        .canonical_records(ExtractKind::Cases, "2025Q4", None)
        .unwrap();
    let df = records.collect().unwrap();
    assert_eq!(
        df.column("gender").unwrap().dtype(),
        schema.get("gender").unwrap()
    );
}

#[test]
fn an_older_store_is_read_the_same_and_migrated_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let today = decoded(&store);
    let file = canonical_files(&store).remove(0);
    downgrade(&store, &file);
    // Read as today's records before any migration.
    assert!(decoded(&store).equals_missing(&today));
    let s = store.to_str().unwrap();
    let run = safecount(dir.path(), &["store", "migrate", "--store", s]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Migrated 1 canonical files"),
        "{}",
        run.stdout
    );
    let files = canonical_files(&store);
    assert_eq!(files.len(), 1, "the old file is removed: {files:?}");
    assert_ne!(files[0], file);
    assert!(decoded(&store).equals_missing(&today));
    // The new file holds the same columns as one written today: the
    // partition columns stay in the path.
    let written = ParquetReader::new(std::fs::File::open(&files[0]).unwrap())
        .finish()
        .unwrap();
    assert!(written.column("agency").is_err() && written.column("quarter").is_err());
    assert_eq!(
        written.width(),
        canonical_schema(ExtractKind::Cases).len() - 2
    );
    let again = safecount(dir.path(), &["store", "migrate", "--store", s]);
    assert!(
        again.stdout.contains("Nothing to migrate"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_code_outside_its_list_or_a_newer_format_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let file = canonical_files(&store).remove(0);
    downgrade(&store, &file);
    // A text file whose gender column holds a value no code list has.
    let mut df = ParquetReader::new(std::fs::File::open(&file).unwrap())
        .finish()
        .unwrap();
    let n = df.height();
    df.with_column(Column::new("gender".into(), vec!["womn"; n]))
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&file).unwrap())
        .finish(&mut df)
        .unwrap();
    let (records, _) = Store::open(&store)
        .unwrap()
        .canonical_records(ExtractKind::Cases, "2025Q4", None)
        .unwrap();
    assert!(
        records.collect().is_err(),
        "a value outside the list is not read as null"
    );
    let run = safecount(
        dir.path(),
        &["store", "migrate", "--store", store.to_str().unwrap()],
    );
    assert_ne!(run.code, 0);
    assert_eq!(
        canonical_files(&store),
        vec![file.clone()],
        "nothing changed"
    );
    // A file recorded as written by a newer format.
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    conn.execute("UPDATE submissions SET canonical_format = 99", [])
        .unwrap();
    let err = Store::open(&store)
        .unwrap()
        .canonical_records(ExtractKind::Cases, "2025Q4", None)
        .err()
        .expect("a newer format is refused");
    assert!(err.to_string().contains("newer safecount"), "{err}");
}

#[test]
fn a_file_written_before_the_forum_fields_reads_them_as_not_collected() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let today = decoded(&store);
    // The file as a format-2 store wrote it: none of the fields format 3 added
    // (the coded ones here; the racialised-group set's columns below).
    let added: Vec<&str> = fields::ADDED_IN_FORMAT_3
        .iter()
        .copied()
        .filter(|f| *f != "racialised_group")
        .collect();
    assert_eq!(added.len(), fields::ADDED_IN_FORMAT_3.len() - 1);
    let file = canonical_files(&store).remove(0);
    let df = ParquetReader::new(std::fs::File::open(&file).unwrap())
        .finish()
        .unwrap();
    let racialised: Vec<String> = df
        .get_column_names()
        .iter()
        .filter(|n| n.starts_with("racialised_group__"))
        .map(|n| n.to_string())
        .collect();
    assert!(!racialised.is_empty());
    let dropped: Vec<String> = added
        .iter()
        .map(|s| s.to_string())
        .chain(racialised.iter().cloned())
        .collect();
    let mut df = df.drop_many(dropped.iter().map(String::as_str));
    ParquetWriter::new(std::fs::File::create(&file).unwrap())
        .finish(&mut df)
        .unwrap();
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    conn.execute("UPDATE submissions SET canonical_format = 2", [])
        .unwrap();
    let read = decoded(&store);
    assert_eq!(read.width(), today.width());
    for name in &added {
        let values = read.column(name).unwrap().str().unwrap().clone();
        assert!(
            values.into_iter().all(|v| v == Some("not_collected")),
            "{name} reads as not collected"
        );
    }
    for name in &racialised {
        assert_eq!(read.column(name).unwrap().null_count(), read.height());
    }
    // Everything else as before; the Maison's own answers were really there.
    let kept: Vec<&str> = today
        .get_column_names()
        .into_iter()
        .map(|n| n.as_str())
        .filter(|n| !dropped.iter().any(|d| d == n))
        .collect();
    assert!(
        read.select(kept.clone())
            .unwrap()
            .equals_missing(&today.select(kept).unwrap())
    );
    assert!(
        today
            .column("police_involved")
            .unwrap()
            .str()
            .unwrap()
            .into_iter()
            .any(|v| v == Some("yes"))
    );
    // Migrated: the added fields are written, as not collected.
    let run = safecount(
        dir.path(),
        &["store", "migrate", "--store", store.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(decoded(&store).equals_missing(&read));
}

#[test]
fn a_store_records_its_schema_version_and_one_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    safecount::store::Store::open(&store).unwrap();
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    let version = |c: &rusqlite::Connection| -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&conn), safecount::store::SCHEMA_VERSION);
    // A store written before versions were recorded (0) is brought to the current one.
    conn.execute_batch("PRAGMA user_version = 0").unwrap();
    safecount::store::Store::open(&store).unwrap();
    assert_eq!(version(&conn), safecount::store::SCHEMA_VERSION);
    // One a newer build migrated is refused, by name, and left as it was.
    let newer = safecount::store::SCHEMA_VERSION + 1;
    conn.execute_batch(&format!("PRAGMA user_version = {newer}"))
        .unwrap();
    let run = crate::support::safecount(
        &crate::support::repo(),
        &["budget", "--store", store.to_str().unwrap()],
    );
    assert_eq!(run.code, 74, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!("schema version {newer}")),
        "{}",
        run.stderr
    );
    assert_eq!(version(&conn), newer);
}
