//! The definition crosswalk: the hand-written case table, the definition
//! files in the repository, and the `definitions` command.

use crate::support::{repo, safecount, write};
use polars::prelude::*;
use safecount::classify::{DefinitionSet, classify, proxy_column};
use safecount::schema::{ExtractKind, FieldKind, canonical_schema, fields};
use std::collections::BTreeMap;

#[derive(serde::Deserialize)]
struct Table {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    id: u32,
    name: String,
    expect: BTreeMap<String, String>,
    #[serde(default)]
    proxy: Vec<String>,
    #[serde(flatten)]
    facts: BTreeMap<String, toml::Value>,
}

/// Canonical records with the given facts; everything else unknown.
fn records(cases: &[Case]) -> DataFrame {
    let schema = canonical_schema(ExtractKind::Cases);
    let mut columns = Vec::new();
    for def in ExtractKind::Cases.fields() {
        let fact = |c: &Case| c.facts.get(def.name).cloned();
        match def.kind {
            FieldKind::Set(list) => {
                for code in list.codes {
                    let values: Vec<Option<bool>> = cases
                        .iter()
                        .map(|c| {
                            fact(c).map(|v| {
                                v.as_array()
                                    .unwrap()
                                    .iter()
                                    .any(|x| x.as_str() == Some(code))
                            })
                        })
                        .collect();
                    columns.push(Column::new(
                        fields::set_column(def.name, code).into(),
                        values,
                    ));
                }
            }
            FieldKind::Code(_) => {
                let values: Vec<String> = cases
                    .iter()
                    .map(|c| {
                        fact(c)
                            .map(|v| v.as_str().unwrap().to_string())
                            .unwrap_or_else(|| "not_collected".into())
                    })
                    .collect();
                columns.push(Column::new(def.name.into(), values));
            }
            _ => {}
        }
    }
    let mut df = DataFrame::new(columns).unwrap();
    // The remaining canonical columns, all null, so the frame has the real schema.
    for (name, dtype) in schema.iter() {
        if df.column(name).is_err() {
            df.with_column(Column::full_null(name.clone(), cases.len(), dtype))
                .unwrap();
        }
    }
    df
}

/// A definition column's labels (the column is an Enum).
fn label(df: &DataFrame, name: &str, row: usize) -> String {
    let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
    c.str().unwrap().get(row).unwrap().to_string()
}

fn load_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(repo().join("tests/data/definition-cases.toml")).unwrap();
    toml::from_str::<Table>(&text).unwrap().case
}

#[test]
fn the_case_table_passes_under_every_definition() {
    let cases = load_cases();
    assert!(cases.len() >= 40, "at least 40 hand-written cases");
    let set = DefinitionSet::load_dir(&repo().join("definitions")).unwrap();
    let out = classify(records(&cases).lazy(), &set).collect().unwrap();
    let mut failures = Vec::new();
    for (row, case) in cases.iter().enumerate() {
        for d in &set.definitions {
            let got = label(&out, &d.name, row);
            let want = case
                .expect
                .get(&d.name)
                .unwrap_or_else(|| panic!("case {} lacks {}", case.id, d.name));
            if &got != want {
                failures.push(format!(
                    "case {} ({}): {} is {got}, expected {want}",
                    case.id, case.name, d.name
                ));
            }
            let flag = out
                .column(&proxy_column(&d.name))
                .unwrap()
                .bool()
                .unwrap()
                .get(row)
                .unwrap();
            if flag != case.proxy.contains(&d.name) {
                failures.push(format!(
                    "case {} ({}): {} proxy flag is {flag}",
                    case.id, case.name, d.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn missing_facts_never_give_does_not_meet_where_they_matter() {
    // Removing any one fact from a case that meets can only keep it meeting or make it indeterminate.
    let cases = load_cases();
    let set = DefinitionSet::embedded();
    let base = &cases[1]; // migrant worker, meets everything legal
    let mut variants = Vec::new();
    for key in base
        .facts
        .keys()
        .filter(|k| !["id", "name"].contains(&k.as_str()))
    {
        let mut facts = base.facts.clone();
        facts.remove(key);
        variants.push(Case {
            id: 0,
            name: key.clone(),
            expect: BTreeMap::new(),
            proxy: vec![],
            facts,
        });
    }
    let out = classify(records(&variants).lazy(), &set).collect().unwrap();
    for (row, v) in variants.iter().enumerate() {
        for d in &set.definitions {
            let before = base.expect[&d.name].as_str();
            let after = label(&out, &d.name, row);
            if before == "meets" {
                assert!(
                    after != "does_not_meet",
                    "dropping {} turned {} into does_not_meet",
                    v.name,
                    d.name
                );
            }
        }
    }
}

#[test]
fn a_new_definition_is_an_edit_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("definitions")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    write(
        dir.path(),
        "LABOUR_ONLY.toml",
        "name = \"LABOUR_ONLY\"\ntitle = \"t\"\nversion = \"0.1\"\ncitation = \"c\"\nsummary = \"s\"\nrule = \"exploitation_types has_any [forced_labour] and MIGRANT\"\n",
    );
    let set = DefinitionSet::load_dir(dir.path()).unwrap();
    assert_eq!(set.definitions.len(), 8);
    let original = DefinitionSet::load_dir(&repo().join("definitions")).unwrap();
    assert_ne!(
        set.version, original.version,
        "the version changes with the files"
    );
    let run = safecount(
        &repo(),
        &["definitions", "--dir", dir.path().to_str().unwrap()],
    );
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("LABOUR_ONLY"));
    write(
        dir.path(),
        "LABOUR_ONLY.toml",
        "name = \"LABOUR_ONLY\"\ntitle = \"t\"\nversion = \"0.1\"\ncitation = \"c\"\nsummary = \"s\"\nrule = \"exploitation_types has_any [forced_labor]\"\n",
    );
    let run = safecount(
        &repo(),
        &["definitions", "--dir", dir.path().to_str().unwrap()],
    );
    assert_eq!(run.code, 78);
    assert!(
        run.stderr.contains("LABOUR_ONLY.toml:6") && run.stderr.contains("forced_labour"),
        "{}",
        run.stderr
    );
}

#[test]
fn definitions_command_lists_and_explains() {
    let run = safecount(&repo(), &["definitions"]);
    assert_eq!(run.code, 0);
    for name in [
        "CC_279_01",
        "CC_279_011",
        "IRPA_118",
        "PALERMO_3A",
        "IOM_ASSIST",
        "NGO_BROAD",
        "AGENCY_LABEL",
    ] {
        assert!(run.stdout.contains(name), "{name}");
    }
    assert!(
        run.stdout
            .contains("Immigration and Refugee Protection Act")
    );
    let run = safecount(&repo(), &["definitions", "--explain", "CC_279_01"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("In plain words")
            && run
                .stdout
                .contains("Fields it reads: acts, exploitation_types, means, safety_fear"),
        "{}",
        run.stdout
    );
    assert_eq!(
        safecount(&repo(), &["definitions", "--explain", "NOPE"]).code,
        2
    );
}
