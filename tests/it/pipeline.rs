//! Pipelines: the spec's checks, the dry run that spends nothing, runs, reruns and budget refusals.

use crate::support::{repo, safecount, write};

#[test]
fn a_misspelt_key_is_refused_with_the_line_and_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let bad = std::fs::read_to_string(repo().join("pipelines/quarterly-national.toml"))
        .unwrap()
        .replace("rho_per_period", "rho_per_periods");
    let path = write(dir.path(), "bad.toml", bad);
    let run = safecount(&repo(), &["run", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.toml:") && run.stderr.contains("did you mean `rho_per_period`"),
        "{}",
        run.stderr
    );
    let unknown_table = std::fs::read_to_string(repo().join("pipelines/quarterly-national.toml"))
        .unwrap()
        .replace("\"turnaways\"", "\"turnaway\"");
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
    let sample = repo().join("sample-data");
    for (slug, ext) in [
        ("maison-esperance", "csv"),
        ("coastal-workers-centre", "parquet"),
    ] {
        let file = sample.join(format!("extracts/{slug}/{slug}-2025Q4.{ext}"));
        let profile = sample.join(format!("profiles/{slug}.toml"));
        let r = safecount(
            &repo(),
            &[
                "submit",
                file.to_str().unwrap(),
                "--profile",
                profile.to_str().unwrap(),
                "--quarter",
                "2025Q4",
                "--store",
                s,
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let ret = sample.join(format!("returns/{slug}/{slug}-returns-2025Q4.{ext}"));
        let r = safecount(
            &repo(),
            &[
                "submit",
                ret.to_str().unwrap(),
                "--profile",
                profile.to_str().unwrap(),
                "--quarter",
                "2025Q4",
                "--kind",
                "returns",
                "--store",
                s,
            ],
        );
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    let pipeline = repo().join("pipelines/quarterly-national.toml");
    let p = pipeline.to_str().unwrap();
    // No budget yet: the run is refused with the budget exit code, and nothing is spent.
    assert_eq!(safecount(&repo(), &["run", p, "--store", s]).code, 75);
    assert_eq!(
        safecount(
            &repo(),
            &[
                "budget", "set", "--period", "2025Q4", "--rho", "0.6", "--store", s
            ]
        )
        .code,
        0
    );
    let dry = safecount(&repo(), &["run", p, "--dry-run", "--json", "--store", s]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let v: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    assert_eq!(v["planned"].as_array().unwrap().len(), 7);
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
    let spent = budget()["periods"][0]["spent_rho"].as_f64().unwrap();
    assert!((spent - 0.5).abs() < 1e-9, "spent {spent}");
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
        (budget()["periods"][0]["spent_rho"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "a rerun spends nothing"
    );
    // A bigger pipeline over the same period would exceed what remains.
    let bigger = std::fs::read_to_string(&pipeline)
        .unwrap()
        .replace("rho_per_period = 0.5", "rho_per_period = 0.3");
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
        for t in spec["tables"].as_array().unwrap() {
            let name = t["table"].as_str().unwrap();
            assert!(
                schema["properties"]["tables"]["items"]["properties"]["table"]["enum"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v == name)
            );
        }
    }
}
