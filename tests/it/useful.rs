//! Useful numbers at honest budgets (issue 14), checked on the demo's own
//! releases and report: returns under disclosure-control rules, national and
//! provincial counts that agree, the declared coverage, and the accuracy
//! targets read from `report.json`.

use crate::report::demo;
use crate::support::{repo, safecount, write};
use safecount::report::data::{Estimate, ReleaseSet};
use std::collections::BTreeMap;

fn releases() -> ReleaseSet {
    let (store, _, _) = demo();
    ReleaseSet::load(&store.join("releases")).unwrap()
}

fn report_json() -> serde_json::Value {
    let (_, report, _) = demo();
    serde_json::from_str(&std::fs::read_to_string(report.join("report.json")).unwrap()).unwrap()
}

fn points<'a>(v: &'a serde_json::Value, chart: &str) -> Vec<&'a serde_json::Value> {
    v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["chart"] == chart)
        .unwrap_or_else(|| panic!("no chart {chart}"))["points"]
        .as_array()
        .unwrap()
        .iter()
        .collect()
}

/// An attacker's attempt to recover withheld cells of a returns table by
/// subtraction, written apart from the library's rank test: every additivity
/// equation (part = sum over provinces; province total = sum over parts), and
/// every difference of two equations, is scanned for a single unknown, until
/// nothing more is learnt. Returns the cells it recovered.
fn subtraction_attack(
    known: &BTreeMap<(String, String), Option<i64>>,
    parts: &[String],
    provinces: &[String],
) -> Vec<(String, String)> {
    let cell = |p: &str, q: &str| (p.to_string(), q.to_string());
    // Each equation: a list of (cell, coefficient) summing to zero.
    let mut equations: Vec<Vec<((String, String), i64)>> = Vec::new();
    for p in parts {
        let mut e = vec![(cell(p, "CA"), 1)];
        e.extend(provinces.iter().map(|q| (cell(p, q), -1)));
        equations.push(e);
    }
    for q in provinces.iter().map(String::as_str).chain(["CA"]) {
        let mut e = vec![(cell("total", q), 1)];
        e.extend(parts.iter().map(|p| (cell(p, q), -1)));
        equations.push(e);
    }
    let mut pairs: Vec<Vec<((String, String), i64)>> = equations.clone();
    for a in &equations {
        for b in &equations {
            let mut sum: BTreeMap<(String, String), i64> = BTreeMap::new();
            for (c, k) in a {
                *sum.entry(c.clone()).or_default() += k;
            }
            for (c, k) in b {
                *sum.entry(c.clone()).or_default() -= k;
            }
            pairs.push(sum.into_iter().filter(|(_, k)| *k != 0).collect());
        }
    }
    let mut known = known.clone();
    let mut recovered = Vec::new();
    loop {
        let mut learnt = false;
        for e in &pairs {
            let unknown: Vec<&(String, String)> = e
                .iter()
                .map(|(c, _)| c)
                .filter(|c| known.get(*c).is_some_and(Option::is_none))
                .collect();
            if unknown.len() == 1 && e.iter().all(|(c, _)| known.contains_key(c)) {
                let u = unknown[0].clone();
                known.insert(u.clone(), Some(0));
                recovered.push(u);
                learnt = true;
            }
        }
        if !learnt {
            return recovered;
        }
    }
}

#[test]
fn returns_are_exact_aggregates_with_suppression_no_one_can_undo() {
    let set = releases();
    let mut dominant = 0;
    let mut suppressed = 0;
    for period in set.periods() {
        let release = set.get("funding", &period).unwrap();
        assert_eq!(
            release.provenance["protection"]["method"],
            "disclosure_control"
        );
        assert_eq!(release.provenance["rho"], 0.0);
        let mut known: BTreeMap<(String, String), Option<i64>> = BTreeMap::new();
        let mut provinces: Vec<String> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        for c in &release.cells {
            let province = c.dims["province"].clone();
            let e = c.estimate;
            if e.is_suppressed() {
                suppressed += 1;
            } else {
                // Exact: no noise, never negative.
                assert_eq!(e.half_width, 0.0);
                assert!(e.value >= 0.0 && e.value.fract() == 0.0, "{e:?}");
            }
            known.insert(
                (c.part.clone(), province.clone()),
                (!e.is_suppressed()).then_some(e.value as i64),
            );
            if province != "CA" && !provinces.contains(&province) {
                provinces.push(province);
            }
            if c.part != "total" && !parts.contains(&c.part) {
                parts.push(c.part.clone());
            }
        }
        let recovered = subtraction_attack(&known, &parts, &provinces);
        assert!(recovered.is_empty(), "{period}: recovered {recovered:?}");
        // The Ontario agency with the large federal grant dominates its cell.
        let (store, _, _) = demo();
        let df = polars::prelude::ParquetReader::new(
            std::fs::File::open(store.join(format!(
                "releases/{period}/{}.parquet",
                release.provenance["release_id"].as_str().unwrap()
            )))
            .unwrap(),
        );
        use polars::prelude::SerReader;
        let df = df.finish().unwrap();
        let status = df
            .column("disclosure_status")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        // One status for every withheld cell, never the rule that fired.
        for s in status.into_iter() {
            assert!(
                matches!(s, Some("published" | "empty" | "suppressed")),
                "{s:?}"
            );
        }
        // The Ontario federal cell: one agency holds most of it.
        let (store, _, _) = demo();
        let grid = safecount::release::establishment::quarter::load(
            &safecount::store::Store::open(store).unwrap(),
            &safecount::classify::DefinitionSet::embedded(),
            &period,
            safecount::privacy::Accounting::Zcdp,
            &Default::default(),
        )
        .unwrap()
        .0;
        let federal = &grid.blocks[0][0];
        let row = federal.rows.iter().position(|r| r == "federal").unwrap();
        let ontario = federal.cols.iter().position(|c| c == "CA-ON").unwrap();
        dominant += usize::from(
            federal.cells[row][ontario]
                .primary(safecount::release::establishment::Rules::default())
                == safecount::release::establishment::Status::Dominant,
        );
    }
    assert!(
        suppressed > 0 && dominant > 0,
        "{suppressed} suppressed, {dominant} quarters with a dominant Ontario federal cell"
    );
}

/// The demo's processed copies (`value_processed`) are whole, never
/// negative, and their provinces add up to their one national row in every
/// group of every person-level table, whether the table measured its
/// national margin or the copy sums the provinces.
#[test]
fn processed_copies_are_non_negative_and_add_up_to_the_nation() {
    use polars::prelude::*;
    let (_, report, _) = crate::report::demo();
    let mut checked = 0;
    for period in std::fs::read_dir(report.join("tables")).unwrap() {
        for file in std::fs::read_dir(period.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "parquet") {
                continue;
            }
            let df = ParquetReader::new(std::fs::File::open(&path).unwrap())
                .finish()
                .unwrap();
            let names: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            if !names.iter().any(|n| n == "province")
                || names.iter().any(|n| n == "disclosure_status")
            {
                continue;
            }
            let start = names.iter().position(|n| n == "part").unwrap();
            let end = names.iter().position(|n| n == "statistic").unwrap();
            let keys: Vec<Expr> = names[start..end]
                .iter()
                .filter(|n| *n != "province")
                .map(|n| col(n.as_str()))
                .collect();
            let national = col("province").eq(lit("CA"));
            let sums = df
                .clone()
                .lazy()
                .group_by(keys)
                .agg([
                    col("value_processed")
                        .filter(national.clone().not())
                        .sum()
                        .alias("provinces"),
                    col("value_processed")
                        .filter(national.clone())
                        .sum()
                        .alias("nation"),
                    national.clone().sum().alias("national_rows"),
                    col("value_processed").min().alias("least"),
                ])
                .filter(
                    col("provinces")
                        .neq(col("nation"))
                        .or(col("national_rows").neq(lit(1)))
                        .or(col("least").lt(lit(0))),
                )
                .collect()
                .unwrap();
            assert_eq!(sums.height(), 0, "{}: {sums}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} tables checked");
}

#[test]
fn provinces_add_up_to_the_measured_national_figure() {
    let set = releases();
    for period in set.periods() {
        let release = set.get("definitions", &period).unwrap();
        let mut sums: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        for c in &release.cells {
            let key = (c.part.clone(), c.dims["membership"].clone());
            let s = sums.entry(key).or_default();
            if c.dims["province"] == "CA" {
                s.1 += c.estimate.value;
            } else {
                s.0 += c.estimate.value;
            }
        }
        assert_eq!(sums.len(), 7 * 3);
        for (key, (provinces, nation)) in sums {
            assert!(
                (provinces - nation).abs() < 1e-6,
                "{period} {key:?}: {provinces} vs {nation}"
            );
        }
    }
}

#[test]
fn the_demo_meets_its_accuracy_targets_and_shows_only_the_coverage() {
    let v = report_json();
    // National people served per quarter: half-width at most 5% of the value.
    let people: Vec<_> = points(&v, "people_trend")
        .into_iter()
        .filter(|p| p["series"] == "All people")
        .collect();
    assert_eq!(people.len(), 8);
    for p in &people {
        let (value, h) = (
            p["value"].as_f64().unwrap(),
            p["half_width"].as_f64().unwrap(),
        );
        assert!(h <= 0.05 * value, "{p}");
    }
    // Each definition's national count: half-width at most max(10% of the value, 10 people).
    for p in points(&v, "people_trend")
        .into_iter()
        .filter(|p| p["series"] != "All people")
    {
        let (value, h) = (
            p["value"].as_f64().unwrap(),
            p["half_width"].as_f64().unwrap(),
        );
        assert!(h <= (0.1 * value).max(10.0) + 1e-9, "{p}");
    }
    // Funding by source: published exactly or marked suppressed; never negative, never noise.
    for p in points(&v, "funding_source") {
        if p["suppressed"] == true {
            assert!(p["value"].is_null());
        } else {
            assert!(
                p["value"].as_f64().unwrap() >= 0.0 && p["half_width"] == 0.0,
                "{p}"
            );
        }
    }
    // Funding per person served: interval within ±15%.
    let per_person = points(&v, "funding_person");
    assert_eq!(per_person.len(), 8);
    for p in per_person {
        let (value, h) = (
            p["value"].as_f64().unwrap(),
            p["half_width"].as_f64().unwrap(),
        );
        assert!(h <= 0.15 * value, "{p}");
    }
    // Service-gap heat map, yearly by covered province: at most 25% of its
    // 12 x 5 cells not shown (too few needs to estimate a share) or too uncertain.
    let heat = points(&v, "gap_heat");
    let unclear = 12 * 5 - heat.len() + heat.iter().filter(|p| p["too_uncertain"] == true).count();
    assert!(
        unclear <= 15,
        "{unclear} of 60 heat-map cells not shown or too uncertain"
    );
    // Beds and turnaways: exact, non-negative.
    for p in points(&v, "turnaways") {
        assert!(p["suppressed"] == true || p["value"].as_f64().unwrap() >= 0.0);
    }
    // Nowhere a province outside the coverage.
    let collaborative = safecount::release::coverage::Collaborative::load(
        &repo().join("sample-data/collaborative.toml"),
    )
    .unwrap();
    let covered = collaborative.provinces();
    for p in points(&v, "gap_heat") {
        let label = format!("CA-{}", p["label"].as_str().unwrap());
        assert!(covered.contains(&label), "{p}");
    }
    let names: Vec<&str> = ["Yukon", "Nova Scotia", "Saskatchewan", "Newfoundland"].to_vec();
    let text = v.to_string();
    for n in names {
        assert!(!text.contains(n), "{n} appears in report.json");
    }
}

#[test]
fn a_coverage_with_an_unknown_province_or_agency_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let pipeline = |collaborative: &str| {
        write(
            dir.path(),
            "p.toml",
            format!(
                "name = \"p\"\n[inputs]\nperiods = [\"2025Q4\"]\ncollaborative = \"c.toml\"\n[privacy]\nrho_per_period = 0.5\n[[tables]]\ntable = \"people\"\n{collaborative}"
            ),
        )
    };
    write(
        dir.path(),
        "c.toml",
        "name = \"c\"\n[[member]]\nagency = \"a\"\nprovinces = [\"CA-ONT\"]\n",
    );
    let p = pipeline("");
    let run = safecount(&repo(), &["run", p.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr.contains("c.toml:4:") && run.stderr.contains("CA-ON"),
        "{}",
        run.stderr
    );
    // A known province, an agency the store has never seen.
    write(
        dir.path(),
        "c.toml",
        "name = \"c\"\n[[member]]\nagency = \"nobody-here\"\nprovinces = [\"CA-ON\"]\n",
    );
    let store = dir.path().join("store");
    let run = safecount(
        &repo(),
        &[
            "run",
            p.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr.contains("c.toml:3:") && run.stderr.contains("nobody-here"),
        "{}",
        run.stderr
    );
    // An unknown protection.
    let p = write(
        dir.path(),
        "p.toml",
        "name = \"p\"\n[inputs]\nperiods = [\"2025Q4\"]\n[privacy]\nrho_per_period = 0.5\n[[tables]]\ntable = \"beds\"\nprotection = \"noise\"\n",
    );
    let run = safecount(&repo(), &["run", p.to_str().unwrap(), "--dry-run"]);
    assert_eq!(run.code, 78, "{}", run.stderr);
    assert!(
        run.stderr.contains("p.toml:8:") && run.stderr.contains("\"rules\""),
        "{}",
        run.stderr
    );
}

#[test]
fn a_yearly_pool_counts_each_person_once_and_is_charged_to_each_of_its_quarters() {
    let set = releases();
    let (store, _, _) = demo();
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    let opened = safecount::store::Store::open(&store).unwrap();
    let epoch = safecount::release::coverage::Collaborative::load(
        &repo().join("sample-data/collaborative.toml"),
    )
    .unwrap()
    .linked()
    .unwrap()
    .epoch;
    for year in ["2024", "2025"] {
        let pooled = set
            .get("service_gaps", year)
            .expect("a pooled service_gaps release");
        assert!(pooled.pooled);
        let quarters: Vec<String> = pooled.provenance["pooled_quarters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q.as_str().unwrap().to_string())
            .collect();
        assert_eq!(quarters.len(), 4);
        assert!(quarters.iter().all(|q| q.starts_with(year)));
        // One debit row per quarter read, each of the table's rho.
        let id = pooled.provenance["release_id"].as_str().unwrap();
        let mut stmt = conn
            .prepare("SELECT period, rho FROM budget_ledger WHERE event = 'debit' AND release_id = ?1 ORDER BY period")
            .unwrap();
        let rows: Vec<(String, f64)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
            quarters
        );
        let rho = pooled.provenance["rho"].as_f64().unwrap();
        assert!(rows.iter().all(|r| (r.1 - rho).abs() < 1e-12));
        // It counts people: one category's cells add up to the distinct
        // people of the year (counted here from the stored records alone:
        // a key of the collaborative's epoch is one person at every agency,
        // any other key one person at its agency), within 5 sigma of the
        // noise; far fewer than the year's person-quarters.
        let cells: Vec<Estimate> = pooled
            .cells
            .iter()
            .filter(|c| c.part == "legal")
            .map(|c| c.estimate)
            .collect();
        let pooled_total = Estimate::sum(cells).unwrap();
        let mut people = std::collections::BTreeSet::new();
        let mut person_quarters = 0;
        for q in &quarters {
            let mut of_quarter = std::collections::BTreeSet::new();
            for (receipt, frame) in opened
                .canonical_submissions(safecount::schema::ExtractKind::Cases, q, None)
                .unwrap()
            {
                let scope = match receipt.linkage_epoch.as_deref() == Some(epoch.as_str()) {
                    true => String::new(),
                    false => receipt.agency.clone(),
                };
                let keys = frame
                    .select([polars::prelude::col("person_key")])
                    .collect()
                    .unwrap();
                for key in keys
                    .column("person_key")
                    .unwrap()
                    .str()
                    .unwrap()
                    .into_iter()
                {
                    of_quarter.insert((scope.clone(), key.unwrap().to_string()));
                }
            }
            person_quarters += of_quarter.len();
            people.extend(of_quarter);
        }
        let sigma = pooled_total.half_width / 1.96;
        assert!(
            (pooled_total.value - people.len() as f64).abs() <= 5.0 * sigma,
            "{year}: {pooled_total:?} against {} people",
            people.len()
        );
        assert!(
            (people.len() as f64) < 0.85 * person_quarters as f64,
            "{} people, {person_quarters} person-quarters",
            people.len()
        );
    }
    // The demo's two years cost a person present in every quarter at most
    // its pipeline's lifetime cap, rho 2.0 (each yearly release counts
    // once); the cap set is 0.25 more, left for a pipeline of one's own.
    let lost = safecount::privacy::ledger::lifetime_spent(&conn).unwrap();
    assert!(lost <= 2.0 + 1e-9 && lost > 1.0, "lifetime rho {lost}");
    assert_eq!(
        safecount::privacy::ledger::lifetime_cap(&conn).unwrap(),
        Some(2.25)
    );
    // Every pooled release's file carries the head of its last debit, so the
    // whole demo store verifies.
    let verify = safecount(
        &repo(),
        &["budget", "--verify", "--store", store.to_str().unwrap()],
    );
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    // Quarters only in the report's time axis: no pooled label among them.
    assert!(
        set.periods().iter().all(|p| p.len() == 6),
        "{:?}",
        set.periods()
    );
}

#[test]
fn an_unknown_pool_or_a_pooled_returns_table_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (table, pool, expected) in [
        ("services", "\"month\"", "pool = \"year\""),
        (
            "services",
            "[\"2025Q1\", \"2024Q4\"]",
            "not one of inputs.periods",
        ),
        ("beds", "\"year\"", "only person-level tables"),
        (
            "services",
            "[\"2025Q1\", \"2025Q2\", \"2025q1\"]",
            "names the quarter 2025Q1 twice",
        ),
    ] {
        let p = write(
            dir.path(),
            "p.toml",
            format!(
                "name = \"p\"\n[inputs]\nperiods = [\"2025Q1\", \"2025Q2\"]\n[privacy]\nrho_per_period = 0.5\n[[tables]]\ntable = \"housing_outcome\"\npool = \"year\"\n[[tables]]\ntable = \"{table}\"\npool = {pool}\n"
            ),
        );
        let run = safecount(&repo(), &["run", p.to_str().unwrap(), "--dry-run"]);
        assert_eq!(run.code, 78, "{}", run.stderr);
        // The line of the bad entry's pool (from the TOML parser's spans), not
        // the first pool in the file.
        assert!(
            run.stderr.contains("p.toml:11:") && run.stderr.contains(expected),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_bad_setting_is_located_by_its_key_not_by_the_first_line_that_mentions_it() {
    let dir = tempfile::tempdir().unwrap();
    // A comment and agency_rho_per_period both mention rho_per_period before
    // the bad value; the national share of the second table, not the first.
    for (privacy, tables, line, expected) in [
        (
            "# rho_per_period is per quarter\nagency_rho_per_period = 0.2\nrho_per_period = -1\n",
            "",
            "p.toml:7:",
            "privacy.rho_per_period must be a positive number",
        ),
        (
            "rho_per_period = 0.5\ninterval_level = 0.95\n",
            "national_share = 0.1\n[[tables]]\ntable = \"services\"\nnational_share = 0.95\n",
            "p.toml:12:",
            "national_share must be at least 0",
        ),
    ] {
        let p = write(
            dir.path(),
            "p.toml",
            format!(
                "name = \"p\"\n[inputs]\nperiods = [\"2025Q1\"]\n[privacy]\n{privacy}[[tables]]\ntable = \"people\"\n{tables}"
            ),
        );
        let run = safecount(&repo(), &["run", p.to_str().unwrap(), "--dry-run"]);
        assert_eq!(run.code, 78, "{}", run.stderr);
        assert!(
            run.stderr.contains(line) && run.stderr.contains(expected),
            "{line} {expected}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_agency_whose_profile_says_never_is_left_out_of_every_returns_table() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // Four Ontario agencies' returns of one quarter; the clinic's profile says never.
    let sample = repo().join("sample-data");
    let mut released = Vec::new();
    for never in [false, true] {
        let store = store.join(if never { "never" } else { "aggregate" });
        for slug in [
            "danforth-refuge",
            "hamilton-bridge",
            "ottawa-valley-outreach",
            "lakeshore-legal-clinic",
        ] {
            let mut profile =
                std::fs::read_to_string(sample.join(format!("profiles/{slug}.toml"))).unwrap();
            if never && slug == "lakeshore-legal-clinic" {
                profile = profile.replacen("[returns]\n", "[returns]\npublish = \"never\"\n", 1);
            }
            let profile_path = write(dir.path(), &format!("{slug}.toml"), profile);
            let file = std::fs::read_dir(sample.join("returns").join(slug))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_string_lossy().contains("2025Q4"))
                .unwrap();
            let run = safecount(
                &repo(),
                &[
                    "submit",
                    file.to_str().unwrap(),
                    "--profile",
                    profile_path.to_str().unwrap(),
                    "--quarter",
                    "2025Q4",
                    "--kind",
                    "returns",
                    "--store",
                    store.to_str().unwrap(),
                ],
            );
            assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        }
        let p = write(
            dir.path(),
            "p.toml",
            "name = \"p\"\n[inputs]\nperiods = [\"2025Q4\"]\n[privacy]\nrho_per_period = 0.5\n[[tables]]\ntable = \"beds\"\n",
        );
        let run = safecount(
            &repo(),
            &[
                "run",
                p.to_str().unwrap(),
                "--store",
                store.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        // Two of the four keep beds (the clinics' returns have none): all withheld, in words.
        assert!(
            run.stdout.contains("every cell suppressed"),
            "{}",
            run.stdout
        );
        let set = ReleaseSet::load(&store.join("releases")).unwrap();
        let beds = set.get("beds", "2025Q4").unwrap();
        let inputs: Vec<&str> = beds.provenance["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["agency"].as_str().unwrap())
            .collect();
        released.push(inputs.contains(&"lakeshore-legal-clinic"));
        assert_eq!(inputs.len(), if never { 3 } else { 4 });
    }
    // The same four returns stored; the clinic's left out of the table when it says never.
    assert_eq!(released, [true, false]);
}

#[test]
fn the_demo_report_shows_what_the_forum_asked_to_see_with_intervals() {
    let v = report_json();
    // Each of the Forum's charts is drawn from its pooled table, with numbers
    // and their intervals (a group too small to estimate says so instead).
    for chart in [
        "served",
        "housing_group",
        "status_gap",
        "settlement_gap",
        "trp_claims",
        "continuum",
        "justice",
        "referral",
        "indigenous",
        "justice_group",
        "status_detail",
    ] {
        let shown: Vec<_> = points(&v, chart)
            .into_iter()
            .filter(|p| p["value"].is_number())
            .collect();
        assert!(shown.len() >= 4, "{chart}: {shown:?}");
        for p in &shown {
            // What a reader sees (a noisy count below 0 is shown as 0) lies in its interval.
            let (lo, shown, hi) = (
                p["lo"].as_f64().unwrap(),
                p["shown"].as_f64().unwrap(),
                p["hi"].as_f64().unwrap(),
            );
            assert!(lo <= shown && shown <= hi, "{chart}: {p}");
        }
    }
    // The approval the Indigenous-identity table was released under, and the
    // principles followed, are stated in the methods.
    let (_, report, _) = demo();
    for (lang, words) in [("en", "OCAP®"), ("fr", "PCAP®")] {
        let html = std::fs::read_to_string(report.join(format!("report.{lang}.html"))).unwrap();
        assert!(
            html.contains(words) && html.contains("demonstration only"),
            "{lang}"
        );
    }
    // TRP bars are their own series, never folded into refusals.
    assert!(
        points(&v, "trp")
            .iter()
            .any(|p| p["series"].as_str().unwrap().starts_with("Barred"))
    );
    // Labour exploitation without coercion is apart from labour trafficking.
    let series: Vec<&str> = points(&v, "exploitation")
        .iter()
        .map(|p| p["series"].as_str().unwrap())
        .collect();
    assert!(series.contains(&"Labour exploitation without coercion (not trafficking)"));
    assert!(series.contains(&"Forced labour or servitude"));
    // Rural people are estimated where they are many enough; the yearly
    // charts show every year released, each series named with its year.
    for chart in [
        "status_gap",
        "settlement_gap",
        "referral",
        "continuum",
        "justice_group",
    ] {
        for year in ["2024", "2025"] {
            assert!(
                points(&v, chart).iter().any(|p| p["series"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!(", {year}"))),
                "{chart} {year}"
            );
        }
    }
    assert!(
        points(&v, "settlement_gap")
            .iter()
            .any(|p| p["series"] == "Rural, 2025" && p["value"].is_number())
    );
}

#[test]
fn each_part_is_planned_to_its_target_from_the_previous_quarter_and_the_plan_is_stated() {
    let set = releases();
    // The first quarter has no previous figure: every definition at its floor
    // (equal rho). Later quarters: the broad definitions need far less than
    // the narrow ones, and the parts' rho add up to the release's.
    for (period, planned_from_figures) in [("2024Q1", false), ("2025Q4", true)] {
        let release = set.get("definitions", period).unwrap();
        let planned: Vec<f64> = release.provenance["request"]["part_rho"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[1].as_f64().unwrap())
            .collect();
        assert_eq!(planned.len(), 7);
        let (lo, hi) = planned
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), r| (l.min(*r), h.max(*r)));
        let total: f64 = planned.iter().sum();
        assert!((total - release.provenance["rho"].as_f64().unwrap()).abs() < 1e-9);
        match planned_from_figures {
            false => assert!(hi / lo < 1.0 + 1e-9, "{period}: {planned:?}"),
            true => assert!(hi / lo > 10.0, "{period}: {planned:?}"),
        }
        assert!(
            release.provenance["planning"]
                .as_str()
                .is_some_and(|s| s.contains("costs no privacy")),
            "{}",
            release.provenance["planning"]
        );
    }
}

#[test]
fn the_dry_run_says_which_tables_the_report_draws_and_the_lifetime_loss() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.toml",
        "name = \"p\"\n[inputs]\nperiods = [\"2025Q1\", \"2025Q2\"]\n[privacy]\nrho_per_period = 0.5\nlifetime_rho = 0.4\n[[tables]]\ntable = \"people\"\n[[tables]]\ntable = \"age_gender\"\n[report]\nout = \"r\"\n",
    );
    let run = safecount(&repo(), &["run", p.to_str().unwrap(), "--dry-run"]);
    // Over the lifetime cap: the preview exits as the run would be refused.
    assert_eq!(run.code, 75, "{}", run.stderr);
    let line = |table: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(table))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("people").contains("drawn"), "{}", run.stdout);
    assert!(line("age_gender").contains("UNUSED"), "{}", run.stdout);
    // Two quarters at 0.5: rho 1.0 after the run, over the declared cap of 0.4.
    assert!(
        run.stdout
            .contains("rho 0.0000 (epsilon 0.00) lost so far, up to 1.0000")
            && run.stdout.contains("OVER the cap of 0.4000"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dry_run_on_a_store_that_holds_the_releases_says_they_cost_nothing() {
    let (store, _, _) = demo();
    let run = safecount(
        &repo(),
        &[
            "run",
            "pipelines/demo.toml",
            "--dry-run",
            "--store",
            store.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("NOT ENOUGH"), "{}", run.stdout);
    let reserved = run
        .stdout
        .lines()
        .filter(|l| l.contains("(re-served, nothing spent)"))
        .count();
    assert!(
        reserved >= 100,
        "{reserved} lines re-served\n{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("would lose rho = 0.0000 more"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_funding_term_chart_shows_the_published_shares() {
    let v = report_json();
    // The one-time share is published every quarter (its term's cell and the
    // total are exact); a withheld term's share is not drawn.
    let one_time: Vec<_> = points(&v, "funding_term")
        .into_iter()
        .filter(|p| p["series"] == "One-time" && p["value"].is_number())
        .collect();
    assert_eq!(one_time.len(), 8, "{one_time:?}");
    for p in one_time {
        let share = p["value"].as_f64().unwrap();
        assert!(share > 0.0 && share < 1.0 && p["half_width"] == 0.0, "{p}");
    }
}

#[test]
fn a_chart_names_what_disclosure_control_withheld_entirely() {
    let (_, report, _) = demo();
    for (lang, words) in [
        (
            "en",
            "Withheld entirely, in every series: Alberta, Manitoba and Quebec",
        ),
        (
            "fr",
            "Retenus entièrement, dans toutes les séries\u{a0}: Alberta, Manitoba et Québec",
        ),
    ] {
        let html = std::fs::read_to_string(report.join(format!("report.{lang}.html"))).unwrap();
        assert!(html.contains(words), "{lang}: {words}");
    }
}

#[test]
fn people_and_funding_per_person_are_charted_by_province() {
    let v = report_json();
    let people = points(&v, "people_province");
    assert_eq!(people.len(), 5, "{people:?}");
    assert!(people.iter().all(|p| p["value"].as_f64().unwrap() > 0.0));
    // Per person where the province's funding is published; withheld where it is not.
    let per_person = points(&v, "funding_person_province");
    assert_eq!(per_person.len(), 5);
    assert!(per_person.iter().any(|p| p["suppressed"] == true));
    assert!(
        per_person
            .iter()
            .any(|p| p["value"].as_f64().is_some_and(|x| x > 0.0)
                && p["half_width"].as_f64().unwrap() > 0.0)
    );
}

/// The service-gap finding, checked by hand against the released yearly
/// table: for each category and province, gap / (gap + met) from the 2025
/// `service_gaps` file, with the delta method's interval, among those whose
/// 95% half-width is at most 15 points; the largest is the finding, and it
/// names 2025, the year it is of.
#[test]
fn the_largest_service_gap_finding_matches_a_hand_computation() {
    use polars::prelude::*;
    let (_, report, _) = crate::report::demo();
    let path = report.join("tables/2025/service_gaps.csv");
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(path))
        .unwrap()
        .finish()
        .unwrap();
    let text = |c: &str| -> Vec<String> {
        let s = df.column(c).unwrap().cast(&DataType::String).unwrap();
        s.str()
            .unwrap()
            .into_iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect()
    };
    let number = |c: &str| -> Vec<f64> {
        let s = df.column(c).unwrap().cast(&DataType::Float64).unwrap();
        s.f64().unwrap().into_iter().map(|v| v.unwrap()).collect()
    };
    let (part, province, outcome) = (text("part"), text("province"), text("outcome"));
    let (value, width) = (number("value"), number("ci_half_width"));
    let cell = |c: &str, p: &str, o: &str| {
        (0..df.height())
            .find(|&i| part[i] == c && province[i] == p && outcome[i] == o)
            .map(|i| (value[i], width[i]))
            .unwrap()
    };
    let mut best: Option<(f64, String, String)> = None;
    for c in safecount::schema::codes::SERVICE_CATEGORY.codes {
        for p in ["CA-AB", "CA-BC", "CA-MB", "CA-ON", "CA-QC"] {
            let ((g, hg), (m, hm)) = (cell(c, p, "gap"), cell(c, p, "met"));
            let (total, ht) = (g + m, hg.hypot(hm));
            if total <= 0.0 || total < 3.0 * ht {
                continue;
            }
            let share = (g / total).clamp(0.0, 1.0);
            let half = (m * hg).hypot(g * hm) / (total * total);
            if half <= 0.15 && best.as_ref().is_none_or(|b| share > b.0) {
                best = Some((share, c.to_string(), p.to_string()));
            }
        }
    }
    let (share, category, province) = best.unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("report.json")).unwrap())
            .unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .find(|f| f.starts_with("The largest service gap"))
        .unwrap();
    let names = |p: &str| match p {
        "CA-AB" => "Alberta",
        "CA-BC" => "British Columbia",
        "CA-MB" => "Manitoba",
        "CA-ON" => "Ontario",
        _ => "Quebec",
    };
    let expected = format!(
        "The largest service gap in 2025 is {} in {}: {:.0}%",
        category.replace('_', " "),
        names(&province),
        share * 100.0
    );
    assert!(
        finding.starts_with(&expected),
        "{finding}\nexpected {expected}"
    );
}
