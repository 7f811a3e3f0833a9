//! Intake: readers, profiles, validation report, identifier guard,
//! generalisation, merging, exit codes — through the library and the binary.

use crate::support::{repo, safecount, write};
use polars::prelude::*;
use safecount::ingest::guard::IdentifierKind;
use safecount::ingest::read::ReadOptions;
use safecount::ingest::{IngestOptions, Profile, validate_file};
use safecount::schema::ExtractKind;
use std::path::Path;

const PROFILE: &str = r#"
[agency]
slug = "test-agency"
name = "Test agency"
province = "CA-ON"

[cases]
person_key = "key"

[cases.fields.gender]
column = "gender"
values = { "F" = "woman", "Femme" = "woman", "M" = "man" }

[cases.fields.means]
column = "means"
separator = ";"
values = { "threats" = "physical_threats", "debt" = "debt_bondage", "aucun" = "none" }

[cases.fields.exploitation_types]
flags = { "x_sex" = "sexual", "x_labour" = "forced_labour" }

[cases.fields.shelter_nights]
column = "nights"

[cases.fields.services]
category_column = "service"
status_column = "status"

[cases.generalise]
age = "age"
quarter_from_date = "date"
postal_code = "postal"
"#;

const HEADER: &str = "key,gender,means,x_sex,x_labour,nights,service,status,age,date,postal\n";

fn profile(dir: &Path) -> Profile {
    let path = write(dir, "test-agency.toml", PROFILE);
    Profile::load(&path).expect("test profile loads")
}

fn validate(dir: &Path, name: &str, body: &str) -> safecount::ingest::Outcome {
    let file = write(dir, name, body);
    validate_file(&file, &profile(dir), &IngestOptions::default()).expect("validation runs")
}

/// A cell as text (coded columns are Enums, decoded here).
fn string_at(df: &DataFrame, column: &str, row: usize) -> Option<String> {
    df.column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .get(row)
        .map(String::from)
}

fn bool_at(df: &DataFrame, column: &str, row: usize) -> Option<bool> {
    df.column(column).unwrap().bool().unwrap().get(row)
}

#[test]
fn generalises_age_dates_and_postal_codes_and_keeps_nothing_finer() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        format!("{HEADER}aaaaaaaaaaaa0001,Femme,threats; debt,1,0,10,,,16,2025-08-15,M5V 2T6\n");
    let outcome = validate(dir.path(), "x.csv", &body);
    assert!(outcome.report.valid, "{}", outcome.report.to_text());
    let df = outcome.records.unwrap();
    assert_eq!(string_at(&df, "age_band", 0).as_deref(), Some("9-17"));
    assert_eq!(string_at(&df, "quarter", 0).as_deref(), Some("2025Q3"));
    assert_eq!(string_at(&df, "fsa", 0).as_deref(), Some("M5V"));
    assert_eq!(string_at(&df, "province", 0).as_deref(), Some("CA-ON"));
    assert_eq!(string_at(&df, "gender", 0).as_deref(), Some("woman"));
    assert_eq!(bool_at(&df, "means__debt_bondage", 0), Some(true));
    assert_eq!(bool_at(&df, "means__deception", 0), Some(false));
    assert_eq!(bool_at(&df, "exploitation_types__sexual", 0), Some(true));
    // Nothing finer than the canonical schema survives: no age, date or postal column.
    for name in df.get_column_names() {
        assert!(
            !["age", "date", "postal"].contains(&name.as_str()),
            "{name} kept"
        );
    }
    let text = format!("{:?}", df);
    assert!(!text.contains("2T6") && !text.contains("2025-08-15"));
}

#[test]
fn settlement_comes_from_the_fsa_and_a_settlement_column_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    // Derived: a rural FSA (second character 0) and an urban one.
    let body = format!(
        "{HEADER}aaaaaaaaaaaa0001,F,,1,0,,,,30,2025-08-15,K0A 1B0\naaaaaaaaaaaa0002,F,,1,0,,,,30,2025-08-15,M5V 2T6\n"
    );
    let outcome = validate(dir.path(), "x.csv", &body);
    assert!(outcome.report.valid, "{}", outcome.report.to_text());
    let df = outcome.records.unwrap();
    let settlements: Vec<Option<String>> =
        (0..2).map(|i| string_at(&df, "settlement", i)).collect();
    assert_eq!(settlements, [Some("rural".into()), Some("urban".into())]);
    // Given: it must agree with the FSA, and the row that disagrees is named.
    let profile = PROFILE.replace(
        "[cases.generalise]",
        "[cases.fields.settlement]\ncolumn = \"area\"\n\n[cases.generalise]",
    );
    let path = write(dir.path(), "test-agency.toml", profile);
    let profile = Profile::load(&path).unwrap();
    let body = format!(
        "{},area\naaaaaaaaaaaa0001,F,,1,0,,,,30,2025-08-15,K0A 1B0,rural\naaaaaaaaaaaa0002,F,,1,0,,,,30,2025-08-15,M5V 2T6,rural\n",
        HEADER.trim_end()
    );
    let file = write(dir.path(), "y.csv", body);
    let outcome = validate_file(&file, &profile, &IngestOptions::default()).unwrap();
    assert!(!outcome.report.valid);
    let errors: Vec<_> = outcome
        .report
        .errors
        .iter()
        .filter(|e| e.field.as_deref() == Some("settlement"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", outcome.report.to_text());
    assert_eq!(errors[0].row, Some(3));
    let message = errors[0].message.render(safecount::i18n::Lang::En);
    assert!(message.contains("urban") && message.contains("rural"));
    assert!(!message.contains("M5V"), "the FSA is not echoed");
}

#[test]
fn several_rows_of_one_person_become_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{HEADER}\
         aaaaaaaaaaaa0001,F,threats,1,0,10,legal,waitlisted,30,2025-01-10,\n\
         aaaaaaaaaaaa0001,F,debt,0,1,5,legal,received,30,2025-02-10,\n\
         aaaaaaaaaaaa0001,F,,,,,health,referred_out,30,2025-03-01,\n\
         bbbbbbbbbbbb0002,M,aucun,0,1,,,,40,2025-03-01,\n"
    );
    let outcome = validate(dir.path(), "x.csv", &body);
    assert!(outcome.report.valid, "{}", outcome.report.to_text());
    assert_eq!(outcome.report.rows_read, 4);
    let df = outcome.records.unwrap();
    assert_eq!(df.height(), 2, "one record per person per quarter");
    let first = (0..2)
        .find(|i| string_at(&df, "person_key", *i).as_deref() == Some("aaaaaaaaaaaa0001"))
        .unwrap();
    let second = 1 - first;
    assert_eq!(bool_at(&df, "means__physical_threats", first), Some(true));
    assert_eq!(bool_at(&df, "means__debt_bondage", first), Some(true));
    assert_eq!(
        bool_at(&df, "exploitation_types__sexual", first),
        Some(true)
    );
    assert_eq!(
        bool_at(&df, "exploitation_types__forced_labour", first),
        Some(true)
    );
    assert_eq!(
        df.column("shelter_nights")
            .unwrap()
            .i64()
            .unwrap()
            .get(first),
        Some(15)
    );
    assert_eq!(bool_at(&df, "services__legal__needed", first), Some(true));
    assert_eq!(
        string_at(&df, "services__legal__status", first).as_deref(),
        Some("received")
    );
    assert_eq!(
        string_at(&df, "services__health__status", first).as_deref(),
        Some("referred_out")
    );
    assert_eq!(
        bool_at(&df, "services__housing__needed", first),
        Some(false)
    );
    // "aucun" is a known empty set, not an unknown one.
    assert_eq!(bool_at(&df, "means__physical_threats", second), Some(false));
    assert_eq!(bool_at(&df, "services__legal__needed", second), Some(false));
}

#[test]
fn missing_facts_stay_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{HEADER}aaaaaaaaaaaa0001,,,,,,,,,2025-01-10,\n");
    let outcome = validate(dir.path(), "x.csv", &body);
    assert!(outcome.report.valid, "{}", outcome.report.to_text());
    let df = outcome.records.unwrap();
    assert_eq!(
        string_at(&df, "gender", 0).as_deref(),
        Some("not_collected")
    );
    assert_eq!(bool_at(&df, "means__debt_bondage", 0), None);
    assert_eq!(bool_at(&df, "exploitation_types__sexual", 0), None);
    assert_eq!(
        string_at(&df, "age_band", 0).as_deref(),
        Some("not_collected")
    );
    assert_eq!(
        string_at(&df, "safety_fear", 0).as_deref(),
        Some("not_collected"),
        "unmapped field"
    );
}

#[test]
fn every_identifier_kind_is_caught_and_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(IdentifierKind, &[&str])] = &[
        (
            IdentifierKind::PersonName,
            &["Maria Santos", "Ana Reyes", "Jose Cruz"],
        ),
        (IdentifierKind::Email, &["maria.santos@example.org", "", ""]),
        (
            IdentifierKind::Phone,
            &["(416) 555-0199", "416-555-0142", ""],
        ),
        (IdentifierKind::PostalCode, &["M5V 2T6", "", ""]),
        (
            IdentifierKind::SocialInsuranceNumber,
            &["130 692 544", "", ""],
        ),
        (IdentifierKind::HealthCard, &["TREM 1234 5678", "", ""]),
        (IdentifierKind::DocumentNumber, &["AB123456", "", ""]),
        (
            IdentifierKind::DateOfBirth,
            &["1987-04-12", "1990-11-30", "1979-02-02"],
        ),
        (
            IdentifierKind::StreetAddress,
            &["4520, rue Saint-Denis", "", ""],
        ),
        (
            IdentifierKind::FreeText,
            &[
                "She said her employer kept her passport and threatened to call immigration on her",
                "",
                "",
            ],
        ),
    ];
    let p = profile(dir.path());
    for (kind, values) in cases {
        let mut body = String::from(
            "key,gender,means,x_sex,x_labour,nights,service,status,age,date,postal,info\n",
        );
        for (i, v) in values.iter().enumerate() {
            body.push_str(&format!(
                "aaaaaaaaaaaa000{i},F,,,,,,,30,2025-01-10,,\"{v}\"\n"
            ));
        }
        let file = write(dir.path(), "ids.csv", &body);
        let outcome = validate_file(&file, &p, &IngestOptions::default()).unwrap();
        let report = &outcome.report;
        assert!(!report.valid, "{kind:?} not caught");
        let finding = report.identifiers.iter().find(|f| f.kind == *kind);
        assert!(finding.is_some(), "{kind:?}: {}", report.to_text());
        assert_eq!(
            finding.unwrap().rows[0],
            2,
            "row number as the file shows it"
        );
        for v in values.iter().filter(|v| !v.is_empty()) {
            assert!(
                !report.to_text().contains(v),
                "{kind:?} value echoed in text"
            );
            assert!(
                !report.to_json().contains(v),
                "{kind:?} value echoed in JSON"
            );
        }
    }
}

#[test]
fn a_column_of_names_called_client_is_caught_and_quarters_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from(
        "key,gender,means,x_sex,x_labour,nights,service,status,age,date,postal,client,period\n",
    );
    for i in 0..20 {
        let name = [
            "Maria Santos",
            "Jennifer Li",
            "Olga Petrenko",
            "Mohammed Ali",
        ][i % 4];
        body.push_str(&format!(
            "aaaaaaaaaaaa{i:04},F,,,,,,,30,2025-01-10,,{name},2025Q1\n"
        ));
    }
    let outcome = validate(dir.path(), "c.csv", &body);
    let ids = &outcome.report.identifiers;
    assert_eq!(ids.len(), 1, "{}", outcome.report.to_text());
    assert_eq!(ids[0].kind, IdentifierKind::PersonName);
    assert_eq!(ids[0].column, "\"client\"");
    assert_eq!(ids[0].count, 20);
}

#[test]
fn unknown_codes_are_listed_once_with_the_profile_line_that_maps_them() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{HEADER}aaaaaaaaaaaa0001,Fem,,,,,,,30,2025-01-10,\naaaaaaaaaaaa0002,Fem,,,,,,,30,2025-01-10,\naaaaaaaaaaaa0003,Maria Santos,,,,,,,30,2025-01-10,\n"
    );
    let mut outcome = validate(dir.path(), "u.csv", &body);
    // The profile line is written with the report's other words.
    outcome.report.localise(safecount::i18n::Lang::En);
    let report = &outcome.report;
    assert!(!report.valid);
    assert_eq!(report.unknown_codes.len(), 1, "{}", report.to_text());
    let u = &report.unknown_codes[0];
    assert_eq!(
        (u.value.as_deref(), u.count, u.rows.clone()),
        (Some("Fem"), 2, vec![2, 3])
    );
    // How a person identifies is never guessed from a spelling ("Fem" may
    // be a woman, a trans woman or neither): the line leaves the code to the
    // agency, and the allowed codes are listed.
    assert_eq!(
        u.profile_line.as_deref(),
        Some("\"Fem\" = \"<one of the allowed codes>\"")
    );
    assert!(u.allowed.iter().any(|c| c == "trans_woman"));
    assert_eq!(u.profile_table, "cases.fields.gender.values");
    // The name in a code column is an identifier, reported without its value.
    assert!(
        report
            .identifiers
            .iter()
            .any(|f| f.kind == IdentifierKind::PersonName && f.rows == vec![4])
    );
    assert!(!report.to_json().contains("Maria"));
}

#[test]
fn bad_input_gets_a_clear_error_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = profile(d);
    let check = |name: &str, bytes: &[u8], code: &str| {
        let file = write(d, name, bytes);
        let outcome = validate_file(&file, &p, &IngestOptions::default()).unwrap();
        assert!(!outcome.report.valid, "{name}");
        assert!(
            outcome.report.error_counts.contains_key(code),
            "{name}: {}",
            outcome.report.to_text()
        );
    };
    check("empty.csv", b"", "empty-file");
    check("header-only.csv", HEADER.as_bytes(), "empty-file");
    check("binary.csv", b"PK\x03\x04\x00\x00binary", "format-error");
    check("nul.csv", b"key,gender\n\x00\x01\x02\x03", "format-error");
    let ragged = format!(
        "{HEADER}aaaaaaaaaaaa0001,F,,,,,,,30,2025-01-10\naaaaaaaaaaaa0002,F,,,,,,,30,2025-01-10,,x\n"
    );
    check("ragged.csv", ragged.as_bytes(), "missing-cell");
    check("ragged2.csv", ragged.as_bytes(), "extra-cell");
    let formula = format!(
        "{HEADER}aaaaaaaaaaaa0001,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,,,,,,30,2025-01-10,\n"
    );
    check("formula.csv", formula.as_bytes(), "formula-cell");
    let dup = "key,gender,gender,means,x_sex,x_labour,nights,service,status,age,date,postal\naaaaaaaaaaaa0001,F,F,,,,,,,30,2025-01-10,\n";
    check("dup.csv", dup.as_bytes(), "duplicate-label");
    let missing_col = "key,means\naaaaaaaaaaaa0001,\n";
    check("missing.csv", missing_col.as_bytes(), "missing-label");
    let file_number = format!("{HEADER}2024-0153,F,,,,,,,30,2025-01-10,\n");
    check("filenumber.csv", file_number.as_bytes(), "constraint-error");
    let bad_postal = format!("{HEADER}aaaaaaaaaaaa0001,F,,,,,,,30,2025-01-10,H2X 1Y4\n");
    check("province.csv", bad_postal.as_bytes(), "constraint-error");
    // Undecodable: the profile says UTF-8 and the bytes are not.
    let utf8_profile = PROFILE.replace("[cases]\n", "[cases]\nencoding = \"utf-8\"\n");
    let p8 = Profile::parse(&utf8_profile, Path::new("p.toml")).unwrap();
    let file = write(
        d,
        "latin.csv",
        [
            HEADER.as_bytes(),
            b"aaaaaaaaaaaa0001,F\xe9m,,,,,,,30,2025-01-10,\n",
        ]
        .concat(),
    );
    let outcome = validate_file(&file, &p8, &IngestOptions::default()).unwrap();
    assert!(
        outcome.report.error_counts.contains_key("encoding-error"),
        "{}",
        outcome.report.to_text()
    );
}

#[test]
fn a_two_gigabyte_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap(); // sparse: costs no disk
    let start = std::time::Instant::now();
    let outcome = validate_file(&path, &profile(dir.path()), &IngestOptions::default()).unwrap();
    assert!(
        outcome.report.error_counts.contains_key("size-error"),
        "{}",
        outcome.report.to_text()
    );
    assert!(start.elapsed().as_secs() < 2, "refused without reading");
    let small = IngestOptions {
        read: ReadOptions {
            max_bytes: Some(10),
            ..Default::default()
        },
        ..Default::default()
    };
    let file = write(
        dir.path(),
        "s.csv",
        format!("{HEADER}aaaaaaaaaaaa0001,F,,,,,,,30,2025-01-10,\n"),
    );
    let outcome = validate_file(&file, &profile(dir.path()), &small).unwrap();
    assert!(outcome.report.error_counts.contains_key("size-error"));
}

#[test]
fn a_row_for_another_quarter_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "q.csv",
        format!("{HEADER}aaaaaaaaaaaa0001,F,,,,,,,30,2025-05-10,\n"),
    );
    let options = IngestOptions {
        quarter: "2025Q1".parse().ok(),
        ..Default::default()
    };
    let outcome = validate_file(&file, &profile(dir.path()), &options).unwrap();
    assert!(!outcome.report.valid);
    assert!(outcome.report.to_text().contains("2025Q2"));
}

#[test]
fn generated_sample_validates_through_its_profiles_and_the_bad_extract_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = safecount::sample::generate(dir.path(), 7).unwrap();
    assert!(manifest.extracts.len() >= 5 * 8 + 5 + 1);
    let formats: std::collections::HashSet<String> = manifest
        .extracts
        .iter()
        .filter_map(|e| e.file.rsplit('.').next().map(String::from))
        .collect();
    assert!(formats.contains("csv") && formats.contains("xlsx") && formats.contains("parquet"));
    for entry in &manifest.extracts {
        let profile = Profile::load(&dir.path().join(&entry.profile)).unwrap();
        let options = IngestOptions {
            kind: entry.kind,
            quarter: entry.quarter.clone(),
            ..Default::default()
        };
        let outcome = validate_file(&dir.path().join(&entry.file), &profile, &options).unwrap();
        let valid = entry.expect == "valid";
        assert_eq!(
            outcome.report.valid,
            valid,
            "{}: {}",
            entry.file,
            outcome.report.to_text()
        );
        if valid && entry.kind == ExtractKind::Cases {
            assert!(
                outcome.records.as_ref().is_some_and(|df| df.height() > 10),
                "{}",
                entry.file
            );
        }
        if !valid {
            let r = &outcome.report;
            let kinds: Vec<IdentifierKind> = r.identifiers.iter().map(|f| f.kind).collect();
            for k in [
                IdentifierKind::PersonName,
                IdentifierKind::Phone,
                IdentifierKind::FreeText,
            ] {
                assert!(kinds.contains(&k), "{k:?} missing: {}", r.to_text());
            }
            for code in ["missing-cell", "extra-cell", "formula-cell", "unknown-code"] {
                assert!(r.error_counts.contains_key(code), "{code}: {}", r.to_text());
            }
            assert!(!r.to_json().contains("Maria") && !r.to_json().contains("555-01"));
        }
    }
}

#[test]
fn committed_sample_data_validates_with_the_binary_and_exit_codes() {
    let root = repo();
    let manifest = safecount::sample::read_manifest(&root.join("sample-data"))
        .expect("sample-data/manifest.toml");
    for entry in manifest.extracts.iter().filter(|e| {
        e.file.contains("2025Q4") || e.kind == ExtractKind::Returns || e.expect != "valid"
    }) {
        let file = format!("sample-data/{}", entry.file);
        let profile = format!("sample-data/{}", entry.profile);
        let mut args = vec![
            "validate",
            &file,
            "--profile",
            &profile,
            "--kind",
            entry.kind.as_str(),
        ];
        let q = entry.quarter.map(|q| q.to_string());
        if let Some(q) = &q {
            args.extend(["--quarter", q]);
        }
        let run = safecount(&root, &args);
        let expected = if entry.expect == "valid" { 0 } else { 65 };
        assert_eq!(run.code, expected, "{file}\n{}{}", run.stdout, run.stderr);
        if expected == 65 {
            assert!(
                run.stdout.contains("NOT ACCEPTED") && run.stdout.contains("What to do"),
                "{}",
                run.stdout
            );
            let json = safecount(&root, &[&args[..], &["--json"]].concat());
            let value: serde_json::Value =
                serde_json::from_str(&json.stdout).expect("--json prints one JSON document");
            assert_eq!(value["valid"], false);
            assert_eq!(json.code, 65);
        }
    }
}

#[test]
fn exit_codes_distinguish_usage_missing_input_and_bad_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "p.toml", PROFILE);
    write(
        d,
        "broken.toml",
        PROFILE.replace("[cases.fields.gender]", "[cases.fields.gendr]"),
    );
    write(
        d,
        "ok.csv",
        format!("{HEADER}aaaaaaaaaaaa0001,F,,,,,,,30,2025-01-10,\n"),
    );
    assert_eq!(
        safecount(d, &["validate", "ok.csv", "--profile", "p.toml"]).code,
        0
    );
    assert_eq!(
        safecount(d, &["validate", "nope.csv", "--profile", "p.toml"]).code,
        66
    );
    assert_eq!(
        safecount(d, &["validate", "ok.csv", "--profile", "nope.toml"]).code,
        66
    );
    assert_eq!(safecount(d, &["validate", "ok.csv"]).code, 2);
    assert_eq!(safecount(d, &["frobnicate"]).code, 2);
    let broken = safecount(d, &["validate", "ok.csv", "--profile", "broken.toml"]);
    assert_eq!(broken.code, 78);
    assert!(
        broken.stderr.contains("broken.toml:") && broken.stderr.contains("gender"),
        "{}",
        broken.stderr
    );
}

#[test]
fn schema_prints_a_table_schema_per_kind() {
    let run = safecount(&repo(), &["schema", "--format", "table-schema"]);
    assert_eq!(run.code, 0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for kind in ["cases", "returns"] {
        assert!(
            value[kind]["fields"]
                .as_array()
                .is_some_and(|f| f.len() > 10),
            "{kind}"
        );
    }
    // The canonical layout the schema describes is read by the built-in profile.
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<&str> = value["cases"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let cells: Vec<&str> = names
        .iter()
        .map(|n| match *n {
            "person_key" => "aaaaaaaaaaaa0001",
            "quarter" => "2025Q1",
            "gender" => "woman",
            "means" => "debt_bondage;deception",
            "service_legal" => "waitlisted",
            "province" => "CA-MB",
            "fsa" => "R3C",
            _ => "",
        })
        .collect();
    let file = write(
        dir.path(),
        "c.csv",
        format!("{}\n{}\n", names.join(","), cells.join(",")),
    );
    let run = safecount(
        dir.path(),
        &["validate", file.to_str().unwrap(), "--profile", "canonical"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// A file of more than three shares' worth of rows, one per line or (`quoted`)
/// each with a line break inside a quoted cell, with findings spread through it.
fn large_extract(quoted: bool) -> (String, u64) {
    let rows: u64 = 260_000;
    let mut body = String::from(
        "key,gender,means,x_sex,x_labour,nights,service,status,age,date,postal,extra\n",
    );
    for i in 0..rows {
        let key = match i {
            150_000 => "aaaaaaaa00000003".to_string(),
            _ => format!("aaaaaaaa{i:08}"),
        };
        let gender = match i {
            12_345 => "Fem",
            150_000 => "M",
            _ => "F",
        };
        let means = if quoted {
            "\"threats;\r\ndebt\""
        } else {
            "threats;debt"
        };
        let extra = if i == rows - 1 {
            "someone@example.org"
        } else {
            ""
        };
        let nights = if i == 3 || i == 150_000 { "10" } else { "" };
        body.push_str(&format!(
            "{key},{gender},{means},1,0,{nights},,,30,2025-01-10,,{extra}\r\n"
        ));
    }
    (body, rows)
}

#[test]
fn large_files_are_read_in_shares_as_one_reader_would() {
    let dir = tempfile::tempdir().unwrap();
    for quoted in [false, true] {
        let (body, rows) = large_extract(quoted);
        assert!(body.len() > 3 * safecount::ingest::read::SHARE_MIN_BYTES);
        let file = write(dir.path(), "big.csv", &body);
        let line_of = |i: u64| if quoted { 2 + 2 * i } else { 2 + i };
        for threads in [1, 2, 3] {
            let options = IngestOptions {
                read: ReadOptions {
                    threads: Some(threads),
                    ..Default::default()
                },
                ..Default::default()
            };
            let outcome = validate_file(&file, &profile(dir.path()), &options).unwrap();
            let report = &outcome.report;
            let what = format!("quoted: {quoted}, threads: {threads}");
            assert_eq!(report.rows_read, rows, "{what}");
            assert_eq!(
                report.records,
                rows - 1,
                "the person on rows 4 and 150,001 is merged ({what})"
            );
            let u = &report.unknown_codes[0];
            assert_eq!(
                (u.count, u.rows.clone()),
                (1, vec![line_of(12_345)]),
                "{what}"
            );
            let email = report
                .identifiers
                .iter()
                .find(|f| f.kind == IdentifierKind::Email)
                .expect("email found");
            assert_eq!(email.rows, vec![line_of(rows - 1)], "{what}");
            let df = outcome.records.unwrap();
            let merged = df
                .lazy()
                .filter(col("person_key").eq(lit("aaaaaaaa00000003")))
                .collect()
                .unwrap();
            let nights = merged
                .column("shelter_nights")
                .unwrap()
                .i64()
                .unwrap()
                .get(0);
            assert_eq!(nights, Some(20), "{what}");
            // The later row (in a later share) gives the last known gender.
            assert_eq!(
                string_at(&merged, "gender", 0).as_deref(),
                Some("man"),
                "{what}"
            );
            assert_eq!(
                bool_at(&merged, "means__debt_bondage", 0),
                Some(true),
                "{what}"
            );
        }
    }
}

#[test]
fn a_file_of_another_quarter_is_told_once_with_the_one_choice_that_fixes_it() {
    let sample = repo().join("sample-data");
    let file = sample.join("extracts/maison-esperance/maison-esperance-2025Q3.csv");
    let profile_file = sample.join("profiles/maison-esperance.toml");
    let run = safecount(
        &repo(),
        &[
            "validate",
            file.to_str().unwrap(),
            "--profile",
            profile_file.to_str().unwrap(),
            "--quarter",
            "2025Q4",
            "--lang",
            "en",
        ],
    );
    assert_eq!(run.code, 65, "{}{}", run.stdout, run.stderr);
    let told: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("belong"))
        .collect();
    assert_eq!(told.len(), 1, "{}", run.stdout);
    assert!(
        told[0].contains("every row")
            && told[0].contains("write 2025Q3 in “Quarter the file covers”"),
        "{}",
        told[0]
    );
    // A few rows of another quarter among the right ones: counted, the first listed.
    let dir = tempfile::tempdir().unwrap();
    let mut body = HEADER.to_string();
    for i in 0..12 {
        let date = if i % 4 == 0 {
            "2025-07-10"
        } else {
            "2025-10-10"
        };
        body.push_str(&format!("aaaaaaaaaaaa{i:04},F,,,,,,,30,{date},\n"));
    }
    let file = write(dir.path(), "q.csv", &body);
    let options = IngestOptions {
        quarter: Some("2025Q4".parse().unwrap()),
        ..Default::default()
    };
    let outcome = validate_file(&file, &profile(dir.path()), &options).unwrap();
    let text = outcome.report.to_text();
    let told: Vec<&str> = text.lines().filter(|l| l.contains("belong")).collect();
    assert_eq!(told.len(), 1, "{text}");
    assert!(told[0].contains("3 rows (rows "), "{}", told[0]);
}
