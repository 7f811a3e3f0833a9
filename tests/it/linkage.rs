//! Collaborative linkage, end to end through the binary: `safecount key` at
//! two agencies, submission under the collaborative's epoch, and releases
//! that count one person once across agencies (and twice without linkage).

use crate::support::{files_under, safecount, write};
use polars::prelude::*;
use safecount::classify::DefinitionSet;
use safecount::release::coverage::Collaborative;
use safecount::release::{self, Layout};
use safecount::store::Store;
use std::path::Path;

/// Names and dates planted in the identity exports: none may appear in any output.
const PLANTED: &[&str] = &[
    "Zebulon",
    "Quixotte",
    "Marie-Claire",
    "Tremblay",
    "TREMBLAY",
    "Ignatius",
    "Wolowitz",
    "1911-11-11",
    "07/03/1990",
    "1990-03-07",
    "1984-02-29",
    "F-1001",
    "F-1002",
    "F-1003",
];

fn profile(slug: &str, kind: &str) -> String {
    format!(
        "[agency]\nslug = \"{slug}\"\nname = \"{slug} ({kind})\"\nprovince = \"CA-ON\"\n\n\
         [cases]\nperson_key = \"person_key\"\n\n[cases.fields.gender]\ncolumn = \"gender\"\n\n\
         [linkage]\nnames = [\"Given name\", \"Family name\"]\ndate_of_birth = \"Date of birth\"\njoin = \"File\"\n"
    )
}

/// Two agencies in one directory: a shelter that knows four people (one
/// without a date of birth) and a legal clinic that knows two, one of whom
/// (Marie-Claire Tremblay) the shelter also serves, her name written differently.
fn two_agencies(dir: &Path) {
    write(dir, "shelter.toml", profile("shelter-a", "shelter"));
    write(dir, "clinic.toml", profile("clinic-b", "legal"));
    write(
        dir,
        "id-shelter.csv",
        "File,Given name,Family name,Date of birth\n\
         F-1001,Marie-Claire,Tremblay,1990-03-07\n\
         F-1002,Zebulon,Quixotte,\n\
         F-1003,Ignatius,Wolowitz,1911-11-11\n\
         F-1004,Ana,Lopez,1984-02-29\n",
    );
    write(
        dir,
        "shelter.csv",
        "File,gender\nF-1001,woman\nF-1002,man\nF-1003,man\nF-1004,woman\nF-1001,woman\n",
    );
    write(
        dir,
        "id-clinic.csv",
        "File,Given name,Family name,Date of birth\n77,Marie Claire,TREMBLAY,07/03/1990\n78,Bob,Ng,1970-05-05\n",
    );
    write(dir, "clinic.csv", "File,gender\n77,woman\n78,man\n");
}

/// Both agencies keyed with one new secret and submitted to `store` under a
/// collaborative that links them; returns the epoch.
fn linked_store(d: &Path) -> String {
    two_agencies(d);
    let epoch = new_secret(d, "secret.txt");
    for agency in ["shelter", "clinic"] {
        let run = key(d, agency, "secret.txt");
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    collaborative(d, Some(&epoch));
    assert_eq!(submit(d, "shelter", "keyed-shelter.csv", true).code, 0);
    assert_eq!(submit(d, "clinic", "keyed-clinic.csv", true).code, 0);
    epoch
}

/// Release 2025Q1 of `store` through a pipeline of these `tables` (read
/// through collaborative.toml), with a budget for it; returns the run.
fn run_pipeline(d: &Path, name: &str, tables: &[&str]) -> crate::support::Run {
    let mut text =
        "name = \"p\"\n[inputs]\nperiods = [\"2025Q1\"]\ncollaborative = \"collaborative.toml\"\n\
         [privacy]\nrho_per_period = 1.0\n"
            .to_string();
    for t in tables {
        text.push_str(&format!("[[tables]]\ntable = \"{t}\"\n"));
    }
    write(d, name, text);
    let args = [
        "budget", "set", "--period", "2025Q1", "--rho", "3", "--store", "store",
    ];
    assert_eq!(safecount(d, &args).code, 0);
    safecount(d, &["run", name, "--store", "store"])
}

fn new_secret(dir: &Path, name: &str) -> String {
    let run = safecount(dir, &["key", "--new-secret", name]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    let epoch = text.split("epoch ").nth(1).unwrap()[..16].to_string();
    assert!(run.stdout.contains(&epoch));
    epoch
}

fn key(dir: &Path, agency: &str, secret: &str) -> crate::support::Run {
    safecount(
        dir,
        &[
            "key",
            &format!("{agency}.csv"),
            "--profile",
            &format!("{agency}.toml"),
            "--identity",
            &format!("id-{agency}.csv"),
            "--secret",
            secret,
            "--out",
            &format!("keyed-{agency}.csv"),
        ],
    )
}

fn collaborative(dir: &Path, epoch: Option<&str>) -> std::path::PathBuf {
    let linkage = match epoch {
        Some(e) => format!("linkage = \"collaborative\"\nepoch = \"{e}\"\n"),
        None => String::new(),
    };
    write(
        dir,
        "collaborative.toml",
        format!(
            "name = \"Test\"\n{linkage}\n[[member]]\nagency = \"shelter-a\"\nprovinces = [\"CA-ON\"]\nkind = \"shelter\"\n\n\
             [[member]]\nagency = \"clinic-b\"\nprovinces = [\"CA-ON\"]\nkind = \"legal\"\n"
        ),
    )
}

fn submit(dir: &Path, agency: &str, file: &str, collaborative: bool) -> crate::support::Run {
    let profile = format!("{agency}.toml");
    let mut args = vec![
        "submit",
        file,
        "--profile",
        &profile,
        "--quarter",
        "2025Q1",
        "--store",
        "store",
    ];
    if collaborative {
        args.extend(["--collaborative", "collaborative.toml"]);
    }
    safecount(dir, &args)
}

/// The national count of people, and the multi-agency cells, without noise,
/// through the release's own preparation under `layout`.
fn people(dir: &Path, layout: &Layout) -> i64 {
    let store = Store::open(&dir.join("store")).unwrap();
    let defs = DefinitionSet::embedded();
    let cells = release::exact_cells_in(&store, &defs, "people", "2025Q1", layout).unwrap();
    cells.column("value").unwrap().i64().unwrap().sum().unwrap()
}

fn linked_layout(dir: &Path) -> Layout {
    let c = Collaborative::load(&dir.join("collaborative.toml")).unwrap();
    Layout {
        linkage: c.linked(),
        ..Default::default()
    }
}

#[test]
fn the_same_person_counts_once_linked_and_twice_by_agency() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let epoch = linked_store(d);

    // Marie-Claire Tremblay is one person linked, two by agency.
    assert_eq!(people(d, &linked_layout(d)), 5);
    assert_eq!(people(d, &Layout::default()), 6);

    // The multi-agency table: one person served by a shelter and a legal clinic.
    let store = Store::open(&d.join("store")).unwrap();
    let defs = DefinitionSet::embedded();
    let cells = release::exact_cells_in(&store, &defs, "multi_agency", "2025Q1", &linked_layout(d))
        .unwrap();
    let value = |part: &str, key: &str| {
        let parts = cells.column("part").unwrap().str().unwrap().clone();
        let keys = cells.column("agencies").unwrap().str().unwrap().clone();
        let values = cells.column("value").unwrap().i64().unwrap().clone();
        parts
            .into_iter()
            .zip(keys.into_iter().zip(values.into_iter()))
            .find(|(p, (k, _))| *p == Some(part) && *k == Some(key))
            .and_then(|(_, (_, v))| v)
            .unwrap()
    };
    assert_eq!(value("agencies", "one"), 4);
    assert_eq!(value("agencies", "two"), 1);
    assert_eq!(value("agencies", "three_or_more"), 0);
    assert_eq!(value("kinds", "single_agency"), 4);
    assert_eq!(value("kinds", "shelter+legal"), 1);
    assert_eq!(value("kinds", "shelter"), 0);
    assert_eq!(value("kinds", "legal+other"), 0);

    // The pipeline runs it, states the mode in the provenance, and refuses it unlinked.
    let run = run_pipeline(d, "linked.toml", &["people", "multi_agency"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let released: Vec<_> = files_under(&d.join("store/releases"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    assert_eq!(released.len(), 2);
    for path in &released {
        let mut reader = ParquetReader::new(std::fs::File::open(path).unwrap());
        let provenance: serde_json::Value =
            serde_json::from_str(&release::provenance_text(&mut reader).unwrap().unwrap()).unwrap();
        assert_eq!(
            provenance["linkage"]["mode"], "collaborative",
            "{provenance}"
        );
        assert_eq!(provenance["linkage"]["epoch"], epoch.as_str());
        assert!(
            provenance["privacy_unit"]
                .as_str()
                .unwrap()
                .contains("merged across agencies")
        );
    }
    collaborative(d, None);
    let run = safecount(d, &["run", "linked.toml", "--store", "store", "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stdout);
    assert!(
        run.stderr.contains("needs collaborative linkage"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_secret_links_nobody_and_a_stale_epoch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    two_agencies(d);
    let epoch = new_secret(d, "secret.txt");
    let other = new_secret(d, "other.txt");
    assert_ne!(epoch, other);
    assert_eq!(key(d, "shelter", "secret.txt").code, 0);
    assert_eq!(key(d, "clinic", "other.txt").code, 0);
    collaborative(d, Some(&epoch));
    assert_eq!(submit(d, "shelter", "keyed-shelter.csv", true).code, 0);

    // The collaborative refuses keys of another epoch, and says why.
    let run = submit(d, "clinic", "keyed-clinic.csv", true);
    assert_eq!(run.code, 65, "{}", run.stdout);
    assert!(
        run.stdout.contains(&other) && run.stdout.contains(&epoch),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("the secret was changed"),
        "{}",
        run.stdout
    );
    // So does the upload page's server, in the agency's language.
    let run = safecount(
        d,
        &[
            "validate",
            "keyed-clinic.csv",
            "--profile",
            "clinic.toml",
            "--collaborative",
            "collaborative.toml",
            "--lang",
            "fr",
        ],
    );
    assert_eq!(run.code, 65);
    assert!(run.stdout.contains("le secret a changé"), "{}", run.stdout);
    // Extracts keyed by the agency's own pseudonyms are refused in linked mode too.
    write(
        d,
        "own.csv",
        "gender,person_key\nwoman,clinicown0000077\nman,clinicown0000078\n",
    );
    let run = submit(d, "clinic", "own.csv", true);
    assert_eq!(run.code, 65);
    assert!(run.stdout.contains("safecount key"), "{}", run.stdout);

    // Stored without the check, keys of another epoch are never merged.
    assert_eq!(submit(d, "clinic", "keyed-clinic.csv", false).code, 0);
    assert_eq!(people(d, &linked_layout(d)), 6);

    // A mix of keys in one file is refused.
    let keyed = std::fs::read_to_string(d.join("keyed-clinic.csv")).unwrap();
    let linked_row = keyed.lines().nth(1).unwrap();
    write(
        d,
        "mixed.csv",
        format!("gender,person_key\n{linked_row}\nman,agencyownkey12345\n"),
    );
    let run = safecount(d, &["validate", "mixed.csv", "--profile", "clinic.toml"]);
    assert_eq!(run.code, 65, "{}", run.stdout);
    assert!(run.stdout.contains("mix"), "{}", run.stdout);
}

#[test]
fn key_refuses_files_that_do_not_line_up_and_never_prints_an_identity() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    two_agencies(d);
    new_secret(d, "secret.txt");
    let mut outputs = Vec::new();
    let ok = key(d, "shelter", "secret.txt");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout.contains("Keyed for this agency only: one row"),
        "{}",
        ok.stdout
    );
    outputs.push(ok.stdout + &ok.stderr);
    let keyed = std::fs::read_to_string(d.join("keyed-shelter.csv")).unwrap();
    assert!(keyed.starts_with("gender,person_key\r\n"), "{keyed}");
    outputs.push(keyed);

    // An extract row whose file number the identity export lacks.
    write(d, "shelter.csv", "File,gender\nF-1001,woman\nF-1009,man\n");
    let run = key(d, "shelter", "secret.txt");
    assert_eq!(run.code, 65);
    assert!(run.stderr.contains("row 3"), "{}", run.stderr);
    outputs.push(run.stdout + &run.stderr);
    // One file number, two different people.
    write(
        d,
        "id-shelter.csv",
        "File,Given name,Family name,Date of birth\nF-1001,Marie-Claire,Tremblay,1990-03-07\nF-1001,Zebulon,Quixotte,1911-11-11\n",
    );
    write(d, "shelter.csv", "File,gender\nF-1001,woman\n");
    let run = key(d, "shelter", "secret.txt");
    assert_eq!(run.code, 65);
    assert!(run.stderr.contains("rows 2 and 3"), "{}", run.stderr);
    outputs.push(run.stdout + &run.stderr);
    // Without a join column, rows pair by position: the counts must agree.
    write(
        d,
        "shelter.toml",
        profile("shelter-a", "shelter").replace("join = \"File\"\n", ""),
    );
    write(d, "shelter.csv", "gender\nwoman\nman\nman\n");
    let run = key(d, "shelter", "secret.txt");
    assert_eq!(run.code, 65);
    assert!(
        run.stderr.contains("3 rows and the identity export 2"),
        "{}",
        run.stderr
    );
    outputs.push(run.stdout + &run.stderr);
    // By position, a person without a date of birth and without a reference
    // of the agency's own (no join value, no person key) is refused, the row
    // named: a row number would key one person on two rows as two people.
    write(
        d,
        "id-shelter.csv",
        "File,Given name,Family name,Date of birth\nF-1001,Marie-Claire,Tremblay,1990-03-07\nF-1002,Zebulon,Quixotte,\n",
    );
    write(d, "shelter.csv", "gender\nwoman\nman\n");
    let before = std::fs::read(d.join("keyed-shelter.csv")).unwrap();
    let run = key(d, "shelter", "secret.txt");
    assert_eq!(run.code, 65, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("row 3"), "{}", run.stderr);
    assert!(run.stderr.contains("join column"), "{}", run.stderr);
    assert_eq!(std::fs::read(d.join("keyed-shelter.csv")).unwrap(), before);
    outputs.push(run.stdout + &run.stderr);
    // A column the profile names is missing.
    write(
        d,
        "id-shelter.csv",
        "File,Given,Family name,Date of birth\nF-1001,Zebulon,Quixotte,1911-11-11\n",
    );
    let run = key(d, "shelter", "secret.txt");
    assert_eq!(run.code, 65);
    assert!(
        run.stderr.contains("no column \"Given name\""),
        "{}",
        run.stderr
    );
    outputs.push(run.stdout + &run.stderr);
    // A secret that is not one.
    write(d, "weak.txt", "Zebulon1911\n");
    let run = key(d, "clinic", "weak.txt");
    assert_eq!(run.code, 66);
    outputs.push(run.stdout + &run.stderr);
    // Nothing was written by a refusal.
    for f in files_under(d) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.ends_with(".partial"), "{name}");
    }
    assert!(!d.join("keyed-clinic.csv").exists());

    for text in &outputs {
        for planted in PLANTED {
            assert!(!text.contains(planted), "{planted:?} printed in:\n{text}");
        }
    }
}

#[test]
fn no_identity_value_reaches_the_store_or_a_release() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    two_agencies(d);
    let epoch = new_secret(d, "secret.txt");
    assert_eq!(key(d, "shelter", "secret.txt").code, 0);
    assert_eq!(key(d, "clinic", "secret.txt").code, 0);
    collaborative(d, Some(&epoch));
    let a = submit(d, "shelter", "keyed-shelter.csv", true);
    let b = submit(d, "clinic", "keyed-clinic.csv", true);
    assert_eq!((a.code, b.code), (0, 0));
    let run = run_pipeline(d, "linked.toml", &["multi_agency"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut texts = vec![a.stdout, b.stdout, run.stdout, run.stderr];
    for f in files_under(&d.join("store")) {
        texts.push(String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned());
    }
    for text in &texts {
        for planted in PLANTED {
            assert!(!text.contains(planted), "{planted:?} stored or printed");
        }
    }
}

#[test]
fn the_merge_keeps_one_row_per_person() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    linked_store(d);
    let store = Store::open(&d.join("store")).unwrap();
    let defs = DefinitionSet::embedded();
    for table in ["people", "services", "multi_agency", "shelter_nights"] {
        let linked =
            release::prepared_parts_in(&store, &defs, table, "2025Q1", &linked_layout(d)).unwrap();
        for (label, frame, spec) in linked {
            // OpenDP's truncation (one row per unit) against the group-by without it.
            let dims: Vec<Expr> = spec.dims.iter().map(|(d, _)| col(d.as_str())).collect();
            let mut select = dims.clone();
            if frame.column("__value").is_ok() {
                select.push(col("__value"));
            }
            let truncated = spec.exact(frame.clone().lazy()).unwrap();
            let plain = spec.plain(frame.clone().lazy().select(select)).unwrap();
            assert!(
                truncated.equals_missing(&plain),
                "{table} {label}: the truncation dropped rows\n{truncated}\n{plain}"
            );
            assert_eq!(frame.height(), 5, "{table} {label}: one row per person");
        }
    }
}

/// Under linkage, tables prepared together (the agencies' records merged
/// once) give each part the frame it gets prepared alone.
#[test]
fn linked_tables_prepared_together_get_their_own_frames() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    linked_store(d);
    let store = Store::open(&d.join("store")).unwrap();
    let defs = DefinitionSet::embedded();
    let tables = [
        "people",
        "services",
        "multi_agency",
        "shelter_nights",
        "who_is_served",
    ];
    let quarters = ["2025Q1".to_string()];
    let layout = linked_layout(d);
    let together = release::part_frames(&store, &defs, &tables, &quarters, &layout).unwrap();
    for table in tables {
        for (_, label, frame) in
            release::part_frames(&store, &defs, &[table], &quarters, &layout).unwrap()
        {
            let (_, _, shared) = together
                .iter()
                .find(|(t, l, _)| t == table && *l == label)
                .unwrap();
            assert_eq!(frame.height(), 5, "{table} {label}: one row per person");
            assert!(shared.equals_missing(&frame), "{table} {label}");
        }
    }
}

/// A large linked quarter is merged bucket by bucket (records split by
/// person key) so memory stays bounded: the buckets' union is exactly the
/// quarter merged at once, for any number of buckets.
#[test]
fn a_linked_quarter_merged_in_buckets_is_the_quarter_merged_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    linked_store(d);
    let store = Store::open(&d.join("store")).unwrap();
    let layout = linked_layout(d);
    for buckets in [1, 2, 3, 7] {
        let (whole, union) =
            release::linked_merge_whole_and_in_buckets(&store, "2025Q1", &layout, buckets).unwrap();
        assert_eq!(whole.height(), 5, "five people");
        assert!(whole.equals_missing(&union), "{buckets} buckets");
    }
}

/// The sample's unkeyed legal-clinic extract, keyed with the sample secret,
/// is byte for byte the extract the sample ships: the keys of the whole
/// sample are what `safecount key` computes.
#[test]
fn keying_the_sample_clinic_gives_back_its_shipped_extract() {
    let dir = tempfile::tempdir().unwrap();
    let sample = crate::support::repo().join("sample-data");
    let out = dir.path().join("keyed.csv");
    let run = safecount(
        &sample,
        &[
            "key",
            "linkage/lakeshore-legal-clinic-2025Q4-unkeyed.csv",
            "--profile",
            "profiles/lakeshore-legal-clinic.toml",
            "--identity",
            "linkage/lakeshore-legal-clinic-2025Q4-identity.csv",
            "--secret",
            "linkage/secret.txt",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shipped = std::fs::read(
        sample.join("extracts/lakeshore-legal-clinic/lakeshore-legal-clinic-2025Q4.csv"),
    )
    .unwrap();
    assert!(std::fs::read(&out).unwrap() == shipped, "the keys differ");
    // Some of its people have no date of birth on file: keyed for the clinic only.
    assert!(
        !run.stdout.contains("Keyed for this agency only: 0 rows"),
        "{}",
        run.stdout
    );
}

/// The report says which mode made its figures: what linkage cannot catch
/// in collaborative mode, the k-agency cost in agency mode.
#[test]
fn the_report_states_the_linkage_that_made_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    linked_store(d);
    let run = run_pipeline(d, "linked.toml", &["people", "multi_agency"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = |name: &str| {
        let run = safecount(
            d,
            &["report", "store/releases", "--out", name, "--lang", "en"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read_to_string(d.join(name).join("report.en.html")).unwrap()
    };
    let linked = report("linked-report");
    assert!(
        linked.contains("made with collaborative linkage"),
        "no statement"
    );
    assert!(linked.contains("cannot catch a typo"));
    assert!(linked.contains("People served by more than one agency"));
    assert!(!linked.contains("made in agency mode"));

    // The same records released in agency mode, in a fresh store.
    collaborative(d, None);
    std::fs::remove_dir_all(d.join("store")).unwrap();
    assert_eq!(submit(d, "shelter", "keyed-shelter.csv", false).code, 0);
    assert_eq!(submit(d, "clinic", "keyed-clinic.csv", false).code, 0);
    let run = run_pipeline(d, "agency.toml", &["people"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let agency = report("agency-report");
    assert!(agency.contains("made in agency mode"), "no statement");
    assert!(agency.contains("counts as k people"));
    assert!(!agency.contains("made with collaborative linkage"));
}

/// `key` writes the extract in the profile's own format: an XLSX workbook
/// and a Parquet file of the sample, keyed by position, validate as before.
#[test]
fn key_writes_workbooks_and_parquet_as_the_profile_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = crate::support::repo().join("sample-data");
    new_secret(d, "secret.txt");
    for (slug, ext, rows) in [
        ("island-safe-harbour", "xlsx", 43),
        ("coastal-workers-centre", "parquet", 106),
    ] {
        let profile = std::fs::read_to_string(sample.join(format!("profiles/{slug}.toml")))
            .unwrap()
            + "\n[linkage]\nnames = [\"Name\"]\ndate_of_birth = \"DOB\"\n";
        write(d, &format!("{slug}.toml"), profile);
        let identity: String = (0..rows)
            .map(|i| format!("Person {i},19{}-01-{:02}\n", 50 + i % 40, 1 + i % 28))
            .collect();
        write(
            d,
            &format!("id-{slug}.csv"),
            format!("Name,DOB\n{identity}"),
        );
        let extract = sample.join(format!("extracts/{slug}/{slug}-2025Q4.{ext}"));
        let out = format!("keyed-{slug}.{ext}");
        let run = safecount(
            d,
            &[
                "key",
                extract.to_str().unwrap(),
                "--profile",
                &format!("{slug}.toml"),
                "--identity",
                &format!("id-{slug}.csv"),
                "--secret",
                "secret.txt",
                "--out",
                &out,
            ],
        );
        assert_eq!(run.code, 0, "{slug}: {}", run.stderr);
        let run = safecount(d, &["validate", &out, "--profile", &format!("{slug}.toml")]);
        assert_eq!(run.code, 0, "{slug}: {}", run.stdout);
        assert!(
            run.stdout
                .contains(&format!("{rows} rows read, {rows} people")),
            "{}",
            run.stdout
        );
    }
}
