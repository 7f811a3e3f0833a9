//! The demo and the funders' report: built from releases only, in English and
//! French, self-contained, with intervals, and readable in a real browser.

use crate::support::{files_under, repo, safecount};
use safecount::report::data::ReleaseSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One demo run shared by the tests here: (store, report dir, stdout).
pub(crate) fn demo() -> &'static (PathBuf, PathBuf, String) {
    static DEMO: OnceLock<(PathBuf, PathBuf, String)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let store = dir.join("store");
        let report = dir.join("report");
        let run = safecount(
            &repo(),
            &[
                "demo",
                "--store",
                store.to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        (store, report, run.stdout)
    })
}

/// The demo's releases: each quarter, every standard table but the ten
/// pooled only (service_gaps and the Forum's nine) and the four the report
/// does not draw (age and gender, citizenship, immigration status, shelter
/// nights), with the linked table; and the eleven pooled over each of two
/// years (those ten and housing).
const DEMO_RELEASES: usize = 8
    * (safecount::release::STANDARD.len() - 10 - 4 + safecount::release::LINKED_TABLES.len())
    + 2 * 11;

#[test]
fn no_published_file_carries_a_plain_hash_of_an_input() {
    let (store, report, _) = demo();
    let conn = rusqlite::Connection::open(store.join("ledger.sqlite")).unwrap();
    let mut stmt = conn
        .prepare("SELECT agency, kind, quarter, sha256 FROM submissions")
        .unwrap();
    let inputs: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(inputs.len() >= 80, "{}", inputs.len());
    // Each input's SHA-256, and what an unkeyed id would have been derived from it.
    let mut planted: Vec<String> = Vec::new();
    for (agency, kind, quarter, sha) in &inputs {
        planted.push(sha[..16].to_string());
        let id = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            format!("{agency}|{kind}|{quarter}|{sha}").as_bytes(),
        ));
        planted.push(id[..16].to_string());
    }
    let mut published = files_under(&store.join("releases"));
    published.extend(files_under(report));
    assert!(published.len() > 100);
    for f in published {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for p in &planted {
            assert!(!text.contains(p.as_str()), "{} carries {p}", f.display());
        }
    }
}

#[test]
fn no_published_file_carries_a_time_finer_than_a_day() {
    let (store, report, _) = demo();
    let time = regex::Regex::new(r"\d{2}:\d{2}:\d{2}|T\d{2}:\d{2}").unwrap();
    let mut published = files_under(&store.join("releases"));
    published.extend(files_under(report));
    let mut read = 0;
    for f in published {
        if f.extension().is_some_and(|e| e == "png") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        read += 1;
        if let Some(m) = time.find(&text) {
            panic!("{} carries a time: {:?}", f.display(), m.as_str());
        }
    }
    assert!(read > 100, "{read} files read");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_demo_submits_the_sample_releases_every_quarter_and_writes_the_report() {
    let (store, report, stdout) = demo();
    assert!(
        stdout.contains("REJECTED bad/lakeshore-legal-clinic-2025Q2-bad.csv"),
        "{stdout}"
    );
    assert!(
        stdout.contains("What to do"),
        "the rejected file's report is shown"
    );
    assert!(!stdout.contains("Maria"), "no identifying value is printed");
    let releases: usize = std::fs::read_dir(store.join("releases"))
        .unwrap()
        .map(|q| q.unwrap().path())
        .filter(|q| q.is_dir())
        .map(|q| std::fs::read_dir(q).unwrap().count())
        .sum();
    assert_eq!(releases, DEMO_RELEASES);
    assert!(stdout.contains("A person present in every quarter above has lost rho"));
    for lang in ["en", "fr"] {
        assert!(report.join(format!("report.{lang}.html")).is_file());
    }
    // Processed copies keep the raw noisy value beside the processed one, and add national rows.
    let csv = read(&report.join("tables/2025Q4/housing_outcome.csv"));
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("value")
            && header.contains("value_processed")
            && header.contains("derived")
    );
    assert!(
        csv.lines().any(|l| l.contains(",CA,")),
        "national rows added"
    );
}

#[test]
fn the_report_is_self_contained_translated_and_has_a_table_and_intervals_for_every_chart() {
    let (_, report, _) = demo();
    let en = read(&report.join("report.en.html"));
    let fr = read(&report.join("report.fr.html"));
    for html in [&en, &fr] {
        // Nothing is fetched at view time.
        for needle in ["src=\"http", "href=\"http", "<link", "<script", "url(http"] {
            assert!(!html.contains(needle), "external resource: {needle}");
        }
        let figures = html.matches("<figure").count();
        assert!(figures >= 12, "{figures} figures");
        assert_eq!(
            html.matches("<figure").count(),
            html.matches("<table>").count(),
            "a table per chart"
        );
        assert_eq!(
            html.matches("<svg").count(),
            figures,
            "every chart drawn (none missing a release)"
        );
        assert!(html.contains("@media print"));
        // Every chart's SVG carries its alt text as an accessible title.
        assert_eq!(html.matches("role=\"img\"").count(), figures);
    }
    assert!(en.contains("Key findings") && en.contains("What differential privacy promises here"));
    assert!(
        fr.contains("Principaux constats")
            && fr.contains("Ce que promet ici la confidentialité différentielle")
    );
    assert!(!fr.contains("Key findings") && !fr.contains("People served each quarter"));
    // Findings name a change only where it is larger than its 95% interval
    // (the multiple-comparison correction only widens it), else say it is
    // within the noise; there is at least one finding.
    let number = |s: &str| -> f64 {
        let kept: String = s
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '−')
            .map(|c| if c == '−' { '-' } else { c })
            .collect();
        kept.parse()
            .unwrap_or_else(|_| panic!("not a number: {s:?}"))
    };
    // (An exact change, of the returns, states no interval: "; exact figures".)
    let change = regex::Regex::new(r"a change of ([^;)]+?), 95% interval ±([^)]+)\)").unwrap();
    let called: Vec<(f64, f64)> = change
        .captures_iter(&en)
        .map(|c| (number(&c[1]), number(&c[2])))
        .collect();
    for (d, h) in &called {
        assert!(
            d.abs() > *h,
            "a change of {d} called with an interval of ±{h}"
        );
    }
    let within = en.matches("within the noise").count();
    assert!(called.len() + within > 0, "no finding at all");
    // Every chart is also a PNG drawn with the bundled font.
    for lang in ["en", "fr"] {
        let pngs: Vec<_> = std::fs::read_dir(report.join("charts").join(lang))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .collect();
        assert!(pngs.len() >= 12);
        for p in pngs {
            let bytes = std::fs::read(&p).unwrap();
            assert_eq!(&bytes[1..4], b"PNG", "{}", p.display());
            assert!(bytes.len() > 5_000, "{} looks empty", p.display());
        }
    }
}

#[test]
fn the_report_shows_only_released_numbers() {
    let (store, report, _) = demo();
    let set = ReleaseSet::load(&store.join("releases")).unwrap();
    let en = read(&report.join("report.en.html"));
    // Unmet housing need in Quebec is the sum of two released cells; each quarter's appears in its table.
    for period in set.periods() {
        let unmet = set
            .total(
                "housing_outcome",
                &period,
                None,
                &[
                    ("province", &["CA-QC"]),
                    (
                        "housing_outcome",
                        &["unmet_no_capacity", "unmet_ineligible"],
                    ),
                ],
            )
            .unwrap();
        // As shown: a count and its interval cut at zero.
        let shown = safecount::report::i18n::Lang::En.int(unmet.value.max(0.0));
        let lo = safecount::report::i18n::Lang::En.int(unmet.lo().max(0.0));
        assert!(
            en.contains(&format!("{shown} ({lo} – ")),
            "{period}: {shown} not in the report"
        );
    }
}

#[test]
fn report_redraws_from_releases_without_records_or_budget() {
    let (store, _, _) = demo();
    let dir = tempfile::tempdir().unwrap();
    // A copy of the releases only: no records, no ledger anywhere near.
    let releases = dir.path().join("releases");
    for q in std::fs::read_dir(store.join("releases")).unwrap() {
        let q = q.unwrap().path();
        let to = releases.join(q.file_name().unwrap());
        if q.is_file() {
            // The ledger's public statement (budgets and spend).
            std::fs::copy(&q, &to).unwrap();
            continue;
        }
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(&q).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
    let budget_before = safecount(
        &repo(),
        &["budget", "--json", "--store", store.to_str().unwrap()],
    )
    .stdout;
    let out = dir.path().join("out");
    let run = safecount(
        &repo(),
        &[
            "report",
            releases.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            "fr",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(out.join("report.fr.html").is_file());
    assert!(!out.join("report.en.html").exists());
    let budget_after = safecount(
        &repo(),
        &["budget", "--json", "--store", store.to_str().unwrap()],
    )
    .stdout;
    assert_eq!(budget_before, budget_after, "a report spends nothing");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = safecount(
        &repo(),
        &[
            "report",
            empty.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 66);
    assert!(
        run.stderr.contains("no safecount release files"),
        "{}",
        run.stderr
    );
    let run = safecount(
        &repo(),
        &[
            "report",
            releases.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--lang",
            "de",
        ],
    );
    assert_eq!(run.code, 2);
}

/// Headless Chromium renders the report to PNG and PDF. `.ci/run` installs
/// Chromium; elsewhere a missing browser fails it unless SAFECOUNT_SKIP_BROWSER=1.
#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = crate::support::chromium() else {
        return;
    };
    let (_, report, _) = demo();
    let shots = report.join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["en", "fr"] {
        let html = report.join(format!("report.{lang}.html"));
        let png = shots.join(format!("report.{lang}.png"));
        let pdf = shots.join(format!("report.{lang}.pdf"));
        let profile = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(&chromium)
            .args(crate::support::CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--window-size=1200,4000")
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        assert!(png.is_file(), "{}", String::from_utf8_lossy(&status.stderr));
        assert!(
            std::fs::metadata(&png).unwrap().len() > 50_000,
            "the page rendered"
        );
        let status = std::process::Command::new(&chromium)
            .args(crate::support::CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg("--no-pdf-header-footer")
            .arg(format!("file://{}", html.display()))
            .output()
            .unwrap();
        assert!(pdf.is_file(), "{}", String::from_utf8_lossy(&status.stderr));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
    }
}

/// axe-core's WCAG 2.1 A/AA rules report no violation on the report, in
/// English or French (its data tables scroll, and can be reached by keyboard).
#[test]
fn the_report_passes_axe_in_english_and_french() {
    let (_, report, _) = demo();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let violations = runtime.block_on(async {
        let Some(browser) = crate::browser::Browser::start().await? else {
            return anyhow::Ok(None);
        };
        let Some(axe) = crate::browser::axe_script() else {
            return anyhow::Ok(None);
        };
        let mut out = Vec::new();
        for lang in ["en", "fr"] {
            let html = report.join(format!("report.{lang}.html"));
            browser.goto(&format!("file://{}", html.display())).await?;
            let shown = browser
                .script("return document.documentElement.lang;")
                .await?;
            assert_eq!(shown, lang);
            for v in browser.axe(&axe).await? {
                out.push(format!("report.{lang}.html: {v}"));
            }
        }
        browser.close().await;
        anyhow::Ok(Some(out))
    });
    if let Some(violations) = violations.unwrap() {
        assert!(violations.is_empty(), "axe: {violations:#?}");
    }
}

/// The axe harness itself: a page with known faults is reported, so a clean
/// run above means no violation, not a harness that checks nothing.
#[test]
fn axe_reports_a_page_with_known_faults() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("faulty.html");
    std::fs::write(&page, "<!DOCTYPE html><html><head><title>t</title></head><body><img src=\"x.png\"><div style=\"overflow:auto;height:40px\"><p>a</p><p>b</p><p>c</p><p>d</p></div></body></html>").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let found = runtime.block_on(async {
        let Some(browser) = crate::browser::Browser::start().await? else {
            return anyhow::Ok(None);
        };
        let Some(axe) = crate::browser::axe_script() else {
            return anyhow::Ok(None);
        };
        browser.goto(&format!("file://{}", page.display())).await?;
        let found = browser.axe(&axe).await?;
        browser.close().await;
        anyhow::Ok(Some(found))
    });
    if let Some(found) = found.unwrap() {
        for rule in ["html-has-lang", "image-alt", "scrollable-region-focusable"] {
            assert!(
                found.iter().any(|v| v.starts_with(rule)),
                "{rule}: {found:?}"
            );
        }
    }
}

#[test]
fn report_json_holds_every_figure_with_its_interval_and_sources() {
    let (_, report, _) = demo();
    let v: serde_json::Value = serde_json::from_str(&read(&report.join("report.json"))).unwrap();
    let figures = v["figures"].as_array().unwrap();
    assert!(figures.len() >= 10, "{} figures", figures.len());
    let mut points = 0;
    for f in figures {
        assert!(f["from_tables"].as_array().is_some_and(|t| !t.is_empty()));
        for p in f["points"].as_array().unwrap() {
            points += 1;
            if p["suppressed"] == true {
                // Withheld by disclosure control: no value, never a zero.
                assert!(p["value"].is_null() && p.get("shown").is_none(), "{p}");
                continue;
            }
            let (value, h) = (
                p["value"].as_f64().unwrap(),
                p["half_width"].as_f64().unwrap(),
            );
            assert!(h >= 0.0 && value.is_finite(), "{p}");
            if f["unit"] != "share" {
                // Shown: the value and its interval cut at zero; the raw noisy value is kept.
                let tolerance = 1e-9 * value.abs().max(h).max(1.0);
                assert!(
                    (p["lo"].as_f64().unwrap() - (value - h).max(0.0)).abs() < tolerance,
                    "{p}"
                );
                assert!((p["shown"].as_f64().unwrap() - value.max(0.0)).abs() < tolerance);
            }
            assert!(p["too_uncertain"].is_boolean());
        }
    }
    assert!(points > 100, "{points} points");
    assert_eq!(v["releases"].as_array().unwrap().len(), DEMO_RELEASES);
    assert!(v["budget"]["person_rho"].as_f64().unwrap() > 0.0);
    assert!(!v["findings"].as_array().unwrap().is_empty());
    // The French report's figures sit beside it, with the same numbers.
    let fr: serde_json::Value =
        serde_json::from_str(&read(&report.join("report.fr.json"))).unwrap();
    assert_eq!(fr["figures"].as_array().unwrap().len(), figures.len());
    assert_eq!(
        fr["figures"][0]["points"][0]["value"],
        figures[0]["points"][0]["value"]
    );
}

/// What a funder sees, read in a real browser from the demo's report, in
/// both languages: no chart empty without its reason, no "0 (0 – 0)",
/// every withheld figure marked at its chart (one x per suppressed cell of
/// its table), yearly charts with every released year, and download links
/// that lead to files.
#[test]
fn a_funder_reads_every_chart_of_the_demo_report_in_a_browser() {
    let (_, report, _) = demo();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pages = runtime.block_on(async {
        let Some(browser) = crate::browser::Browser::start().await? else {
            return anyhow::Ok(None);
        };
        let mut pages = Vec::new();
        for lang in ["en", "fr"] {
            let html = report.join(format!("report.{lang}.html"));
            browser.goto(&format!("file://{}", html.display())).await?;
            let page = browser
                .script(
                    "return {
                      text: document.body.innerText,
                      links: Array.from(document.querySelectorAll('a[href]'))
                        .map(a => a.getAttribute('href')),
                      figures: Array.from(document.querySelectorAll('figure')).map(f => ({
                        id: f.id,
                        title: f.querySelector('h3').innerText,
                        svg: !!f.querySelector('.chart svg'),
                        missing: (f.querySelector('.missing') || {innerText: ''}).innerText,
                        caption: (f.querySelector('figcaption') || {innerText: ''}).innerText,
                        marks: Array.from(f.querySelectorAll('.chart svg text'))
                          .filter(t => t.textContent.trim() === 'x').length,
                        headers: Array.from(f.querySelectorAll('thead th')).map(c => c.innerText),
                        rows: Array.from(f.querySelectorAll('tbody th')).map(c => c.innerText),
                        cells: Array.from(f.querySelectorAll('tbody td')).map(c => c.innerText),
                      })),
                    };",
                )
                .await?;
            pages.push((lang, page));
        }
        browser.close().await;
        anyhow::Ok(Some(pages))
    });
    let Some(pages) = pages.unwrap() else {
        return;
    };
    for (lang, page) in pages {
        let text = page["text"].as_str().unwrap();
        assert!(
            !text.contains("0 (0 – 0)") && !text.contains("0 (0 – 0)"),
            "{lang}: an interval below zero reads as an exact 0"
        );
        // Words each language uses for a withheld cell, an absent one, and the notes.
        let (suppressed, absent, note_x, year_word) = match lang {
            "en" => (
                "suppressed (disclosure control)",
                ["no data", "too few to compute"],
                "marked x",
                "by year",
            ),
            _ => (
                "supprimé (contrôle de la divulgation)",
                ["aucune donnée", "trop peu pour calculer"],
                "marqué x",
                "par année",
            ),
        };
        let figures = page["figures"].as_array().unwrap();
        assert!(figures.len() > 25, "{lang}: {} figures", figures.len());
        let mut yearly = 0;
        for f in figures {
            let id = f["id"].as_str().unwrap();
            let cells: Vec<&str> = f["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let caption = f["caption"].as_str().unwrap();
            let drawn = f["svg"].as_bool().unwrap();
            assert!(
                drawn || !f["missing"].as_str().unwrap().is_empty(),
                "{lang} {id}: neither a chart nor the reason it is missing"
            );
            let withheld = cells.iter().filter(|c| **c == suppressed).count();
            assert_eq!(
                f["marks"].as_u64().unwrap() as usize,
                withheld,
                "{lang} {id}: each suppressed cell is marked x at the chart"
            );
            if withheld > 0 {
                assert!(caption.contains(note_x), "{lang} {id}: {caption}");
            }
            for word in absent {
                if cells.iter().any(|c| *c == word) {
                    let quoted = word[..1].to_uppercase() + &word[1..];
                    assert!(
                        caption.contains(&quoted),
                        "{lang} {id}: \"{word}\" is not explained: {caption}"
                    );
                }
            }
            let numbers = cells
                .iter()
                .filter(|c| c.chars().any(|ch| ch.is_ascii_digit()));
            assert!(
                numbers.count() > 0 || withheld > 0 || !caption.is_empty(),
                "{lang} {id}: an empty chart without a reason"
            );
            if f["title"].as_str().unwrap().contains(year_word) {
                yearly += 1;
                let labels = format!("{} {}", f["headers"], f["rows"]);
                assert!(
                    labels.contains("2024") && labels.contains("2025"),
                    "{lang} {id}: a yearly chart shows every released year: {labels}"
                );
            }
        }
        assert!(yearly >= 8, "{lang}: {yearly} yearly charts");
        let files: Vec<&str> = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .filter(|l| !l.starts_with('#') && !l.starts_with("http"))
            .collect();
        for kind in [".json", ".csv", ".parquet", ".png", ".svg"] {
            assert!(
                files.iter().any(|l| l.ends_with(kind)),
                "{lang}: no download link to a {kind} file"
            );
        }
        for link in files {
            assert!(
                report.join(link).is_file(),
                "{lang}: the link {link} leads nowhere"
            );
        }
    }
}

/// A researcher's first hour: the demo says what it leaves for a pipeline of
/// one's own and prints the command to preview it; that pipeline, run on a
/// copy of the demo's store exactly as printed, fits (dry run exit 0) and
/// runs with no budget change; and the demo's Parquet tip names a file.
#[test]
fn after_the_demo_the_pipeline_it_names_runs_without_a_budget_change() {
    let (store, _, stdout) = demo();
    let tip = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("safecount run "))
        .unwrap_or_else(|| panic!("the demo names a pipeline to try: {stdout}"));
    assert!(
        tip.contains("pipelines/quarterly-national.toml") && tip.contains("--dry-run"),
        "{tip}"
    );
    let parquet = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("pl.read_parquet(\""))
        .and_then(|l| l.strip_suffix("\")"))
        .unwrap_or_else(|| panic!("a Parquet tip: {stdout}"));
    assert!(Path::new(parquet).is_file(), "{parquet}");
    // A copy of the store (the other tests read the demo's own).
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("store");
    let cp = std::process::Command::new("cp")
        .args(["-r", store.to_str().unwrap(), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(cp.success());
    let pipeline = crate::support::write(
        dir.path(),
        "quarterly-national.toml",
        crate::pipeline::shipped("quarterly-national").replace(
            "reports/quarterly-national",
            dir.path().join("reports").to_str().unwrap(),
        ),
    );
    let (p, s) = (pipeline.to_str().unwrap(), copy.to_str().unwrap());
    let dry = safecount(&repo(), &["run", p, "--store", s, "--dry-run"]);
    assert_eq!(dry.code, 0, "{}{}", dry.stdout, dry.stderr);
    assert!(!dry.stdout.contains("NOT ENOUGH"), "{}", dry.stdout);
    let run = safecount(&repo(), &["run", p, "--store", s]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// `releases/index.csv` maps every release file of the demo to its period
/// and table, so nobody matches `rel-…` ids by hand.
#[test]
fn an_index_names_every_release_file_by_period_and_table() {
    let (store, _, _) = demo();
    let releases = store.join("releases");
    let mut index = csv::Reader::from_path(releases.join("index.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = index.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), DEMO_RELEASES, "one row per release file");
    let set = ReleaseSet::load(&releases).unwrap();
    for row in &rows {
        let (period, table, id, file) = (&row[0], &row[1], &row[2], &row[3]);
        assert!(releases.join(file).is_file(), "{file}");
        assert!(
            file.contains(id) && file.starts_with(&format!("{period}/")),
            "{file}"
        );
        let release = set
            .get(table, period)
            .unwrap_or_else(|| panic!("{period} {table}"));
        assert_eq!(release.provenance["release_id"], id, "{period} {table}");
    }
}
