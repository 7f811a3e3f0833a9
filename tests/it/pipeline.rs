//! Pipelines: the spec's checks, the dry run that spends nothing, runs, reruns and budget refusals.

use crate::support::{repo, safecount, submit_sample, write};

#[test]
fn a_misspelt_key_is_refused_with_the_line_and_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let bad = shipped("quarterly-national").replace("rho_per_period", "rho_per_periods");
    let path = write(dir.path(), "bad.toml", bad);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.toml:") && run.stderr.contains("did you mean `rho_per_period`"),
        "{}",
        run.stderr
    );
    let unknown_table = shipped("quarterly-national").replace("\"turnaways\"", "\"turnaway\"");
    let path = write(dir.path(), "bad2.toml", unknown_table);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78);
    assert!(
        run.stderr.contains("did you mean \"turnaways\""),
        "{}",
        run.stderr
    );
}

#[test]
fn dry_run_spends_nothing_then_the_run_spends_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    for (slug, ext) in [
        ("maison-esperance", "csv"),
        ("coastal-workers-centre", "parquet"),
    ] {
        submit_sample(&store, slug, ext, "cases");
        submit_sample(&store, slug, ext, "returns");
    }
    // The shipped pipeline, with its report written here rather than in the repository.
    let reports = dir.path().join("reports");
    let pipeline = write(
        dir.path(),
        "quarterly-national.toml",
        // Without the collaborative's coverage: this store holds two of its twelve agencies.
        shipped("quarterly-national")
            .lines()
            .filter(|l| !l.starts_with("collaborative ="))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("reports/quarterly-national", reports.to_str().unwrap()),
    );
    let p = pipeline.to_str().unwrap();
    // No budget yet: the run is refused with the budget exit code, and nothing is spent.
    assert_eq!(safecount(&repo(), &["run", p, "--store", s]).code, 75);
    assert_eq!(
        safecount(
            &repo(),
            &[
                "budget",
                "set",
                "--period",
                "2025Q4",
                "--rho",
                "0.6",
                "--agency-rho",
                "0.6",
                "--store",
                s
            ]
        )
        .code,
        0
    );
    let dry = safecount(&repo(), &["run", p, "--dry-run", "--json", "--store", s]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let v: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(v["planned"].as_array().unwrap().len(), 8);
    assert_eq!(v["budgets"][0]["spent_rho"], 0.0);
    let budget = || -> serde_json::Value {
        serde_json::from_str(&safecount(&repo(), &["budget", "--json", "--store", s]).stdout)
            .unwrap()
    };
    assert_eq!(
        budget()["periods"][0]["spent_rho"],
        0.0,
        "a dry run spends nothing"
    );
    let run = safecount(&repo(), &["run", p, "--json", "--store", s]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(reports.join("report.en.html").is_file() && reports.join("report.fr.html").is_file());
    let spent = budget()["periods"][0]["spent_rho"].as_f64().unwrap();
    assert!((spent - 0.2).abs() < 1e-9, "spent {spent}");
    let again = safecount(&repo(), &["run", p, "--json", "--store", s]);
    let v: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert!(
        v["releases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["re_served"] == true && r["spent_rho"] == 0.0)
    );
    assert!(
        (budget()["periods"][0]["spent_rho"].as_f64().unwrap() - 0.2).abs() < 1e-9,
        "a rerun spends nothing"
    );
    // A bigger pipeline over the same period would exceed what remains.
    let bigger = std::fs::read_to_string(&pipeline)
        .unwrap()
        .replace("rho_per_period = 0.2 ", "rho_per_period = 0.5 ");
    let path = write(dir.path(), "bigger.toml", bigger);
    let refused = safecount(&repo(), &["run", path.to_str().unwrap(), "--store", s]);
    assert_eq!(refused.code, 75, "{}", refused.stderr);
    assert!(refused.stderr.contains("remains"), "{}", refused.stderr);
}

#[test]
fn the_json_schema_covers_every_key_the_shipped_pipelines_use() {
    let run = safecount(&repo(), &["pipeline", "schema"]);
    assert_eq!(run.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for file in ["pipelines/demo.toml", "pipelines/quarterly-national.toml"] {
        let spec: toml::Value =
            toml::from_str(&std::fs::read_to_string(repo().join(file)).unwrap()).unwrap();
        for (key, value) in spec.as_table().unwrap() {
            let declared = &schema["properties"][key];
            assert!(declared.is_object(), "{file}: `{key}` is not in the schema");
            if let Some(table) = value.as_table() {
                for k in table.keys() {
                    assert!(
                        declared["properties"][k].is_object(),
                        "{file}: `{key}.{k}` is not in the schema"
                    );
                }
            }
        }
        let item = &schema["properties"]["tables"]["items"]["properties"];
        for t in spec["tables"].as_array().unwrap() {
            for key in t.as_table().unwrap().keys() {
                assert!(
                    item[key].is_object(),
                    "{file}: tables.{key} is not in the schema"
                );
            }
            let name = t["table"].as_str().unwrap();
            let standard = item["table"]["examples"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v == name);
            assert!(standard || t.get("dimensions").is_some(), "{name}");
        }
    }
}

/// A table of your own may leave the missing-data codes out of its
/// dimensions (`missing = "drop"`): its cells are the product of the real
/// codes only, so a three-dimension table is not mostly noise around zero;
/// an unknown setting is refused at its line.
#[test]
fn a_table_of_your_own_may_leave_missing_data_codes_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let text = r#"
name = "three"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.5
[[tables]]
table = "kept"
dimensions = ["gender", "housing_need", "housing_outcome"]
[[tables]]
table = "dropped"
dimensions = ["gender", "housing_need", "housing_outcome"]
missing = "drop"
"#;
    let path = write(dir.path(), "three.toml", text);
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", "0.5", "--store", s,
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let run = safecount(
        &repo(),
        &["run", path.to_str().unwrap(), "--json", "--store", s],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let cells = |i: usize| {
        use polars::prelude::SerReader;
        let path = v["releases"][i]["path"].as_str().unwrap().to_string();
        polars::prelude::ParquetReader::new(std::fs::File::open(path).unwrap())
            .finish()
            .unwrap()
    };
    let (kept, dropped) = (cells(0), cells(1));
    let missing = safecount::schema::codes::MISSING.codes;
    let holds_missing = |df: &polars::prelude::DataFrame| {
        ["gender", "housing_need", "housing_outcome"]
            .iter()
            .any(|d| {
                let c = df
                    .column(d)
                    .unwrap()
                    .cast(&polars::prelude::DataType::String)
                    .unwrap();
                c.str()
                    .unwrap()
                    .into_iter()
                    .flatten()
                    .any(|v| missing.contains(&v))
            })
    };
    assert!(holds_missing(&kept));
    assert!(!holds_missing(&dropped));
    // Each dimension loses its three missing-data codes.
    let keys = |list: &safecount::schema::CodeList| {
        list.codes.len() - list.codes.iter().filter(|c| missing.contains(c)).count()
    };
    use safecount::schema::codes::{GENDER, HOUSING_NEED, HOUSING_OUTCOME};
    assert_eq!(
        dropped.height(),
        keys(&GENDER) * keys(&HOUSING_NEED) * keys(&HOUSING_OUTCOME)
    );
    assert!(
        kept.height() > 2 * dropped.height(),
        "{} vs {}",
        kept.height(),
        dropped.height()
    );
    let bad = text.replace("missing = \"drop\"", "missing = \"dropp\"");
    let path = write(dir.path(), "three.toml", bad);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(run.stderr.contains("three.toml:13"), "{}", run.stderr);
}

#[test]
fn tables_of_your_own_may_use_derived_groups_and_one_code_of_a_set() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let text = r#"
name = "groups"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.5
[[tables]]
table = "housing_by_form_and_status"
dimensions = ["exploitation_group", "status_group", "housing_outcome"]
[[tables]]
table = "debt_by_racialised_group"
dimensions = ["means:debt_bondage", "racialised_group:black", "citizen_or_not", "age_group"]
"#;
    let path = write(dir.path(), "groups.toml", text);
    let p = path.to_str().unwrap();
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", "0.5", "--store", s,
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let run = safecount(&repo(), &["run", p, "--json", "--store", s]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let releases = v["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 2);
    // Every cell's keys come from the public key sets: the derived groups'
    // and yes / no / unknown for one code of a set.
    use polars::prelude::SerReader;
    let cells = polars::prelude::ParquetReader::new(
        std::fs::File::open(releases[1]["path"].as_str().unwrap()).unwrap(),
    )
    .finish()
    .unwrap();
    let answers = cells
        .column("means:debt_bondage")
        .unwrap()
        .cast(&polars::prelude::DataType::String)
        .unwrap();
    let mut seen: Vec<String> = answers
        .str()
        .unwrap()
        .into_iter()
        .flatten()
        .map(String::from)
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["no", "unknown", "yes"]);
    // A code the set does not have is refused with what a dimension may be.
    let bad = text.replace("means:debt_bondage", "means:debt");
    let path = write(dir.path(), "groups.toml", bad);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(run.stderr.contains("set:code"), "{}", run.stderr);
}

#[test]
fn a_table_about_indigenous_people_needs_the_governance_approval_named() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
name = "equity"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.2
[[tables]]
table = "people"
[[tables]]
table = "indigenous_housing"
dimensions = ["indigenous_identity", "housing_outcome"]
"#;
    let path = write(dir.path(), "equity.toml", text);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}{}", run.stdout, run.stderr);
    // The other tables are still planned; the held-back one is named with
    // the line of its dimensions and the exact key to add.
    assert!(run.stdout.contains("people"), "{}", run.stdout);
    assert!(!run.stdout.contains("indigenous_housing"), "{}", run.stdout);
    assert!(run.stderr.contains("equity.toml:11:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("[governance]\nindigenous_data = \"approved by"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("OCAP"), "{}", run.stderr);
    let approved = format!(
        "{text}[governance]\nindigenous_data = \"approved by the partners' data-governance committee on 2026-11-30\"\n"
    );
    let path = write(dir.path(), "equity.toml", approved);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("indigenous_housing"), "{}", run.stdout);
    // The standard table is refused the same way, by a pipeline and by a
    // bare `release`, which has no approval to give.
    let standard = text.replace(
        "table = \"indigenous_housing\"\ndimensions = [\"indigenous_identity\", \"housing_outcome\"]",
        "table = \"indigenous_identity\"",
    );
    let path = write(dir.path(), "equity.toml", standard);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("equity.toml:10:"), "{}", run.stderr);
    // A real run releases the other tables, then says what it held back.
    let store = dir.path().join("store");
    let st = store.to_str().unwrap();
    submit_sample(&store, "maison-esperance", "csv", "cases");
    let set = safecount(
        &repo(),
        &[
            "budget", "set", "--period", "2025Q4", "--rho", "0.2", "--store", st,
        ],
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    let run = safecount(
        &repo(),
        &["run", path.to_str().unwrap(), "--json", "--store", st],
    );
    assert_eq!(run.code, 78, "{}{}", run.stdout, run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let tables: Vec<&str> = v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["table"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["people"]);
    assert!(run.stderr.contains("indigenous_data"), "{}", run.stderr);
    let run = safecount(
        &repo(),
        &[
            "release",
            "--period",
            "2025Q4",
            "--table",
            "indigenous_identity",
            "--rho",
            "0.1",
            "--dry-run",
        ],
    );
    assert_eq!(run.code, 78, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("indigenous_data"), "{}", run.stderr);
}

#[test]
fn tables_of_your_own_are_checked_with_a_line_and_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let base = r#"
name = "own"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.2
[[tables]]
table = "NAME"
EXTRA
"#;
    let cases = [
        (
            "nights_by_gender",
            "dimensions = [\"gendr\"]",
            "did you mean \"gender\"",
        ),
        (
            "nights",
            "dimensions = [\"province\"]\nmeasure = \"sum\"\nvalue = \"shelter_nights\"",
            "needs `value`",
        ),
        (
            "nights",
            "dimensions = [\"province\"]\nmeasure = \"sum\"\nvalue = \"shelter_night\"\nupper = 92",
            "did you mean \"shelter_nights\"",
        ),
        (
            "housing_outcome",
            "dimensions = [\"province\"]",
            "name of a standard table",
        ),
        (
            "x",
            "dimensions = [\"province\", \"turnaways\"]",
            "cannot be a dimension",
        ),
        (
            "x",
            "source = \"returns\"\ndimensions = [\"gender\"]",
            "cannot be a dimension of a returns table",
        ),
    ];
    for (name, extra, expected) in cases {
        let text = base.replace("NAME", name).replace("EXTRA", extra);
        let path = write(dir.path(), "own.toml", &text);
        let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
        assert_eq!(run.code, 78, "{text}\n{}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("own.toml:"), "{}", run.stderr);
        assert!(run.stderr.contains(expected), "{expected}: {}", run.stderr);
    }
    // Budget per table: the tables with their own rho take it, the others share the rest by
    // weight, within each scope (the returns table draws on the agencies' budget).
    let text = r#"
name = "own"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.5
agency_rho_per_period = 0.1
[[tables]]
table = "definitions"
rho = 0.2
[[tables]]
table = "nights_by_shelter"
dimensions = ["shelter_type", "CC_279_01"]
measure = "sum"
value = "shelter_nights"
upper = 92
weight = 2
[[tables]]
table = "turnaways"
protection = "dp"
"#;
    let path = write(dir.path(), "own.toml", text);
    let run = safecount(
        &repo(),
        &["run", path.to_str().unwrap(), "--dry-run", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rho: Vec<f64> = v["planned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["preview"]["rho"].as_f64().unwrap())
        .collect();
    assert_eq!(rho.len(), 3);
    for (got, want) in rho.iter().zip([0.2, 0.3, 0.1]) {
        assert!((got - want).abs() < 1e-9, "{rho:?}");
    }
    assert_eq!(
        v["planned"][1]["preview"]["cells"],
        11 * 3,
        "8 shelter types and 3 missing-data codes, by 3 memberships"
    );
    let no_total = text.replace("rho_per_period = 0.5", "interval_level = 0.9");
    let path = write(dir.path(), "own.toml", no_total);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78);
    assert!(
        run.stderr.contains("rho_per_period is needed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pipeline_can_release_some_agencies_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    for (slug, ext) in [("maison-esperance", "csv"), ("prairie-haven", "xlsx")] {
        submit_sample(&store, slug, ext, "cases");
    }
    assert_eq!(
        safecount(
            &repo(),
            &[
                "budget", "set", "--period", "2025Q4", "--rho", "1", "--store", s
            ]
        )
        .code,
        0
    );
    let text = r#"
name = "one-agency"
[inputs]
periods = ["2025Q4"]
agencies = ["prairie-haven"]
[privacy]
rho_per_period = 0.1
[[tables]]
table = "housing_by_gender"
dimensions = ["gender", "housing_outcome"]
"#;
    let path = write(dir.path(), "one.toml", text);
    let run = safecount(
        &repo(),
        &["run", path.to_str().unwrap(), "--json", "--store", s],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let set = safecount::report::data::ReleaseSet::load(&store.join("releases")).unwrap();
    let r = set.get("housing_by_gender", "2025Q4").unwrap();
    let inputs = r.provenance["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["agency"], "prairie-haven");
    assert_eq!(r.provenance["request"]["agencies"][0], "prairie-haven");
}

#[test]
fn a_table_may_ask_for_its_accuracy_and_gets_the_least_rho_that_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"
name = "accuracy-first"
[inputs]
periods = ["2025Q4"]
[privacy]
rho_per_period = 0.5
[[tables]]
table = "definitions"
half_width = 10
[[tables]]
table = "housing_outcome"
"#;
    let path = write(dir.path(), "acc.toml", text);
    let run = safecount(
        &repo(),
        &["run", path.to_str().unwrap(), "--dry-run", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let planned = &v["planned"][0];
    assert_eq!(planned["target_half_width"], 10.0);
    let widest = planned["widest_half_width"].as_f64().unwrap();
    assert!(widest <= 10.0, "{widest}");
    let rho = planned["preview"]["rho"].as_f64().unwrap();
    // The least such rho: a little less gives a wider interval.
    let defs = safecount::classify::DefinitionSet::embedded();
    let less = safecount::release::preview(
        &defs,
        &safecount::release::ReleaseRequest {
            layout: safecount::release::Layout {
                coverage: None,
                national_share: Some(safecount::pipeline::DEFAULT_NATIONAL_SHARE),
                linkage: None,
            },
            protection: Default::default(),
            pool: None,
            governance: None,
            part_rho: None,
            table: "definitions".into(),
            period: "2025Q4".into(),
            rho: rho / 1.05,
            accounting: safecount::privacy::Accounting::Zcdp,
            level: 0.95,
            agencies: None,
            custom: None,
        },
    )
    .unwrap();
    assert!(less.parts.iter().any(|(_, c)| c.half_width > 10.0));
    // The other table shares what is left of the quarter's budget.
    let other = v["planned"][1]["preview"]["rho"].as_f64().unwrap();
    assert!((rho + other - 0.5).abs() < 1e-9);
    let human = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert!(
        human.stdout.contains("±10 (rho solved)"),
        "{}",
        human.stdout
    );

    // Targets the budget cannot pay for, or no reasonable budget can reach: refused with the line.
    for (table_text, expected) in [
        (
            text.replace("half_width = 10", "half_width = 2"),
            "raise the budget or ask for wider half-widths",
        ),
        (
            text.replace(
                "table = \"definitions\"\nhalf_width = 10",
                "table = \"shelter_nights\"\nhalf_width = 1",
            ),
            "no reasonable budget",
        ),
        (
            text.replace("half_width = 10", "half_width = 10\nrho = 0.1"),
            "both rho and half_width",
        ),
    ] {
        let path = write(dir.path(), "bad.toml", &table_text);
        let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
        assert_eq!(run.code, 78, "{table_text}\n{}", run.stderr);
        assert!(
            run.stderr.contains("bad.toml:") && run.stderr.contains(expected),
            "{expected}: {}",
            run.stderr
        );
    }
}

/// A shipped pipeline's text, its collaborative file named by absolute path
/// (so that a copy written elsewhere still finds it).
pub(crate) fn shipped(name: &str) -> String {
    let text = std::fs::read_to_string(repo().join(format!("pipelines/{name}.toml"))).unwrap();
    let collaborative = repo().join("sample-data/collaborative.toml");
    text.replace(
        "\"../sample-data/collaborative.toml\"",
        &format!("{:?}", collaborative.to_str().unwrap()),
    )
}

#[test]
fn the_same_failure_exits_the_same_way_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.toml");
    let store = dir.path().join("store");
    let run = safecount(&repo(), &["run", missing.to_str().unwrap(), "--dry-run"]);
    let demo = safecount(
        &repo(),
        &[
            "demo",
            "--pipeline",
            missing.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
            "--report",
            dir.path().join("r").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 66, "{}", run.stderr);
    assert_eq!(demo.code, 66, "{}", demo.stderr);
    // A broken pipeline: 78 in both.
    let broken = write(
        dir.path(),
        "broken.toml",
        "name = \"x\"\n[inputs]\nperiods = []\n",
    );
    let run = safecount(&repo(), &["run", broken.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    // One table of codes, in --help.
    let help = safecount(&repo(), &["--help"]);
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("75 refused for now"),
        "{}",
        help.stdout
    );
}

#[test]
fn raising_a_spent_budget_needs_a_reason_kept_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let set = |extra: &[&str]| {
        let mut args = vec!["budget", "set", "--store", store, "--lang", "en"];
        args.extend_from_slice(extra);
        crate::support::safecount(&crate::support::repo(), &args)
    };
    assert_eq!(set(&["--period", "2025Q4", "--rho", "0.5"]).code, 0);
    // Nothing spent yet: raising is a plain setting.
    assert_eq!(set(&["--period", "2025Q4", "--rho", "0.6"]).code, 0);
    let mut conn = rusqlite::Connection::open(dir.path().join("store/ledger.sqlite")).unwrap();
    safecount::privacy::ledger::debit(
        &mut conn,
        "2025Q4",
        "rel-x",
        0.6,
        None,
        None,
        &serde_json::json!({}),
    )
    .unwrap();
    let silent = set(&["--period", "2025Q4", "--rho", "0.8"]);
    assert_eq!(silent.code, 2, "{}{}", silent.stdout, silent.stderr);
    assert!(silent.stderr.contains("say whose"), "{}", silent.stderr);
    let said = set(&[
        "--period",
        "2025Q4",
        "--rho",
        "0.8",
        "--note",
        "agreed by the steering committee on 2026-12-01",
    ]);
    assert_eq!(said.code, 0, "{}", said.stderr);
    assert!(
        said.stdout.contains("raised from 0.6000 to 0.8000"),
        "{}",
        said.stdout
    );
    let kept: String = conn
        .query_row(
            "SELECT detail FROM budget_ledger WHERE event = 'budget' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept.contains("steering committee"), "{kept}");
}
