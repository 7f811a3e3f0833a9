//! Hostile and broken uploads: a corpus built by this module in a temporary
//! directory (no bomb is committed), each file fed to `safecount validate`.
//! Every one must be refused in plain words — no panic, no abort — without
//! echoing any value planted in it, in bounded memory.

use crate::support::{files_under, repo, submit_command, write};
use polars::prelude::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Peak memory allowed for validating any file of the corpus.
const MAX_RSS_KB: u64 = 1024 * 1024;

struct Case {
    name: &'static str,
    file: PathBuf,
    profile: String,
    /// Values that must never appear in the output.
    planted: Vec<&'static str>,
    /// Words the refusal must contain.
    says: &'static str,
}

/// The sample workbook's parts, to rebuild broken copies of it.
fn sample_xlsx_parts() -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(
        repo().join("sample-data/extracts/prairie-haven/prairie-haven-2025Q4.xlsx"),
    )
    .unwrap();
    let mut zip = ::zip::ZipArchive::new(file).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().to_string(), bytes)
        })
        .collect()
}

fn write_zip(path: &Path, parts: &[(String, Vec<u8>)]) {
    let mut zip = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// A workbook whose only sheet is `sheet_data` (the inside of `<sheetData>`).
fn workbook_with_sheet(path: &Path, sheet_data: &[u8]) {
    let mut parts = sample_xlsx_parts();
    for (name, bytes) in parts.iter_mut() {
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".to_vec();
            xml.extend_from_slice(sheet_data);
            xml.extend_from_slice(b"</sheetData></worksheet>");
            *bytes = xml;
        }
    }
    write_zip(path, &parts);
}

/// The canonical layout's header and a row, with `gender` set to `gender`.
fn canonical_csv(gender: &str) -> String {
    format!(
        "person_key,quarter,gender,province\naaaaaaaaaaaa0001,2025Q4,woman,CA-MB\naaaaaaaaaaaa0002,2025Q4,{gender},CA-MB\naaaaaaaaaaaa0003,2025Q4,{gender},CA-MB\n"
    )
}

fn corpus(dir: &Path) -> Vec<Case> {
    let profiles = repo().join("sample-data/profiles");
    let xlsx_profile = profiles.join("prairie-haven.toml").display().to_string();
    let parquet_profile = profiles
        .join("coastal-workers-centre.toml")
        .display()
        .to_string();
    let canonical = "canonical".to_string();
    let mut cases = Vec::new();

    // A sheet whose used range is A1:XFD1048576 (two cells): 512 GiB as a dense range.
    let sparse = dir.join("sparse.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Clients").unwrap();
    sheet.write_string(0, 0, "Client Ref").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    book.save(&sparse).unwrap();
    cases.push(Case {
        name: "sparse workbook",
        file: sparse,
        profile: xlsx_profile.clone(),
        planted: vec!["far away"],
        says: "columns",
    });

    let without_strings = dir.join("no-shared-strings.xlsx");
    let parts: Vec<_> = sample_xlsx_parts()
        .into_iter()
        .filter(|(n, _)| n != "xl/sharedStrings.xml")
        .collect();
    write_zip(&without_strings, &parts);
    cases.push(Case {
        name: "workbook without sharedStrings.xml",
        file: without_strings,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "workbook",
    });

    let bad_index = dir.join("bad-shared-index.xlsx");
    let parts: Vec<_> = sample_xlsx_parts()
        .into_iter()
        .map(|(n, b)| {
            if n == "xl/worksheets/sheet1.xml" {
                let text = String::from_utf8(b).unwrap();
                let re = regex::Regex::new(r#"t="s"(\s[^>]*)?><v>\d+</v>"#).unwrap();
                let text = re.replace_all(&text, r#"t="s"><v>987654</v>"#).into_owned();
                (n, text.into_bytes())
            } else {
                (n, b)
            }
        })
        .collect();
    write_zip(&bad_index, &parts);
    cases.push(Case {
        name: "shared-string index out of range",
        file: bad_index,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "workbook",
    });

    // 300 MiB of white space inside the sheet: about 300 KB zipped.
    let whitespace = dir.join("whitespace-bomb.xlsx");
    workbook_with_sheet(&whitespace, &vec![b' '; 300 << 20]);
    cases.push(Case {
        name: "zip bomb (white space)",
        file: whitespace,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "unpacked",
    });

    // More tiny cells than the reader keeps, within the unpacked-size limit.
    let rows_bomb = dir.join("rows-bomb.xlsx");
    let mut xml = Vec::with_capacity(120 << 20);
    for r in 1..=60_000u32 {
        write!(xml, "<row r=\"{r}\">").unwrap();
        for _ in 0..100 {
            xml.extend_from_slice(b"<c><v>1</v></c>");
        }
        xml.extend_from_slice(b"</row>");
    }
    workbook_with_sheet(&rows_bomb, &xml);
    drop(xml);
    cases.push(Case {
        name: "zip bomb (tiny cells)",
        file: rows_bomb,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "cells",
    });

    // Six million rows of one repeated value: a few kilobytes of Parquet.
    let parquet = dir.join("bomb.parquet");
    let mut df = df!("Case ID" => vec![0i64; 6_000_000]).unwrap();
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap())
        .finish(&mut df)
        .unwrap();
    cases.push(Case {
        name: "Parquet bomb",
        file: parquet,
        profile: parquet_profile,
        planted: vec![],
        says: "rows",
    });

    let columns = vec!["c"; 1_000_001].join(",");
    cases.push(Case {
        name: "a million columns",
        file: write(dir, "columns.csv", format!("{columns}\n{columns}\n")),
        profile: canonical.clone(),
        planted: vec![],
        says: "columns",
    });

    let long = "x".repeat(1 << 20);
    cases.push(Case {
        name: "a 1 MB header",
        file: write(dir, "header.csv", format!("person_key,{long}\na,b\n")),
        profile: canonical.clone(),
        planted: vec![],
        says: "column name",
    });

    // One cell of 2 MB (a pasted document): refused, and not echoed.
    let huge = format!("{}Zebulon", "x".repeat(2 << 20));
    cases.push(Case {
        name: "a 2 MB cell",
        file: write(dir, "cell.csv", canonical_csv(&huge)),
        profile: canonical.clone(),
        planted: vec!["Zebulon"],
        says: "one row",
    });

    let utf16: Vec<u8> = canonical_csv("woman")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    cases.push(Case {
        name: "UTF-16 without a byte-order mark",
        file: write(dir, "utf16.csv", utf16),
        profile: canonical.clone(),
        planted: vec![],
        says: "UTF-16",
    });

    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    utf32.extend(
        canonical_csv("woman")
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes()),
    );
    cases.push(Case {
        name: "UTF-32",
        file: write(dir, "utf32.csv", utf32),
        profile: canonical.clone(),
        planted: vec![],
        says: "UTF-32",
    });

    let nul = canonical_csv("wo\0man");
    cases.push(Case {
        name: "a NUL byte",
        file: write(dir, "nul.csv", nul),
        profile: canonical.clone(),
        planted: vec![],
        says: "line 3",
    });

    cases.push(Case {
        name: "names typed into a code column",
        file: write(dir, "names.csv", canonical_csv("Bob Tremblay")),
        profile: canonical.clone(),
        planted: vec!["Bob Tremblay", "Tremblay"],
        says: "not shown",
    });
    cases.push(Case {
        name: "a name-shaped unknown spelling",
        file: write(dir, "shaped.csv", canonical_csv("Zork Quuxley")),
        profile: canonical.clone(),
        planted: vec!["Zork", "Quuxley"],
        says: "not shown",
    });

    let unclosed = "\"person_key,quarter,gender,province\naaaaaaaaaaaa0001,2025Q4,woman,CA-MB\n"
        .repeat(1)
        + &"aaaaaaaaaaaa0002,2025Q4,woman,CA-MB\n".repeat(30);
    cases.push(Case {
        name: "an unclosed quote in the header",
        file: write(dir, "unclosed.csv", unclosed),
        profile: canonical,
        planted: vec![],
        says: "never closed",
    });
    cases
}

/// Run `safecount ARGS` under python3, which reports the child's peak memory.
fn run_measured(args: &[&str]) -> (i32, u64, String) {
    let script = "import json, resource, subprocess, sys\n\
        r = subprocess.run(sys.argv[1:], capture_output=True)\n\
        print(json.dumps({'code': r.returncode, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, \
        'out': r.stdout.decode('utf-8', 'replace') + r.stderr.decode('utf-8', 'replace')}))";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_safecount"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("python3 runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("{}", String::from_utf8_lossy(&out.stderr));
    });
    (
        v["code"].as_i64().unwrap() as i32,
        v["rss_kb"].as_u64().unwrap(),
        v["out"].as_str().unwrap().to_string(),
    )
}

#[test]
fn every_hostile_file_is_refused_clearly_without_echo_or_crash_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let cases = corpus(dir.path());
    let mut failures = Vec::new();
    for case in &cases {
        for json in [false, true] {
            let file = case.file.to_str().unwrap();
            let mut args = vec![
                "validate",
                file,
                "--profile",
                case.profile.as_str(),
                "--quarter",
                "2025Q4",
            ];
            if json {
                args.push("--json");
            }
            let (code, rss_kb, out) = run_measured(&args);
            eprintln!(
                "{:<40} {:<4} exit {code}, peak {} MB",
                case.name,
                if json { "json" } else { "text" },
                rss_kb / 1024
            );
            let mut wrong = Vec::new();
            if code != 65 {
                wrong.push(format!("exit {code}, not 65"));
            }
            if rss_kb > MAX_RSS_KB {
                wrong.push(format!("{rss_kb} KB of memory"));
            }
            if !json && !out.contains(case.says) {
                wrong.push(format!("does not say {:?}", case.says));
            }
            for p in &case.planted {
                if out.contains(p) {
                    wrong.push(format!("echoes {p:?}"));
                }
            }
            if out.contains("panicked") || out.contains("backtrace") {
                wrong.push("prints a panic".into());
            }
            if out.len() > 64 * 1024 {
                wrong.push(format!("{} bytes of output", out.len()));
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{} ({}): {}\n{}",
                    case.name,
                    if json { "json" } else { "text" },
                    wrong.join("; "),
                    out.chars().take(600).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_profile_without_the_section_is_a_profile_problem() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "returns-only.toml",
        "[agency]\nslug = \"only-returns\"\nname = \"Only Returns\"\nprovince = \"CA-MB\"\n\n[returns]\nformat = \"csv\"\n\n[returns.fields.funding_federal_cents]\ncolumn = \"Federal $\"\nunit = \"dollars\"\n",
    );
    let file = write(dir.path(), "x.csv", "a,b\n1,2\n");
    let run = crate::support::safecount(
        dir.path(),
        &[
            "validate",
            file.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 78, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("no [cases] section"), "{}", run.stderr);
}

#[test]
fn a_killed_submit_leaves_nothing_the_next_command_does_not_remove() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let submit = |failpoint: Option<&str>| {
        let mut cmd = submit_command(&store, "maison-esperance", "csv", "cases");
        if let Some(f) = failpoint {
            cmd.env("SAFECOUNT_FAILPOINT", f);
        }
        cmd.output().unwrap()
    };
    // Killed after the ledger row, before the files were moved into place.
    assert!(!submit(Some("submit-after-record")).status.success());
    let staged: Vec<_> = std::fs::read_dir(store.join("tmp")).unwrap().collect();
    assert!(!staged.is_empty(), "the kill left staged files");
    // The next command adopts them: the canonical file appears, tmp/ is empty.
    let verify = crate::support::safecount(
        &repo(),
        &["budget", "--verify", "--store", store.to_str().unwrap()],
    );
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    assert_eq!(std::fs::read_dir(store.join("tmp")).unwrap().count(), 0);
    let canonical: Vec<_> = files_under(&store.join("canonical"));
    assert_eq!(canonical.len(), 1, "{canonical:?}");
    // The same bytes again: the stored receipt, nothing new.
    let again = submit(None);
    assert!(again.status.success());
    // In French: Maison Espérance's profile says `language = "fr"`.
    assert!(String::from_utf8_lossy(&again.stdout).contains("Déjà enregistré"));
    assert_eq!(files_under(&store.join("canonical")).len(), 1);
}

/// Fuzzing of the profile mapper: random extracts in the canonical layout,
/// their coded cells drawn from codes, near-codes, junk and values that look
/// like people (names, e-mail addresses, phone numbers), never panic, and the
/// report never shows a person-like value. `SAFECOUNT_FUZZ_SECS` (default 2)
/// sets how long; `benches/fuzz.sh` runs it for ten minutes.
#[test]
fn fuzz_the_mapper_never_panics_or_shows_a_person() {
    use rand::Rng;
    use safecount::ingest::{IngestOptions, Profile, validate_file};
    const CODED: &[&str] = &[
        "gender",
        "province",
        "immigration_status",
        "housing_need",
        "means",
    ];
    const CELLS: &[&str] = &[
        "woman",
        "man",
        "CA-ON",
        "CA-QC",
        "not_collected",
        "Woman",
        "wom an",
        "",
        "?",
        "N/A",
        "1",
        "yes",
        "debt_bondage;deception",
        "threats; debt",
        "Femme",
        "étudiant",
    ];
    const PEOPLE: &[&str] = &[
        "Marie Tremblay",
        "Jean-Luc Gagnon",
        "Ahmed Khan",
        "maria.santos@example.org",
        "514-555-0199",
        "(416) 555 0123",
        "Santos, Maria",
        "Olu Adeyemi",
    ];
    let seconds: u64 = std::env::var("SAFECOUNT_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let dir = tempfile::tempdir().unwrap();
    let profile = Profile::canonical("fuzz-agency", None);
    let options = IngestOptions {
        quarter: "2025Q4".parse().ok(),
        ..Default::default()
    };
    let mut rng = rand::rng();
    let mut cases = 0u64;
    while std::time::Instant::now() < deadline {
        cases += 1;
        let mut text = format!("person_key,quarter,{}\n", CODED.join(","));
        let mut planted = Vec::new();
        for r in 0..rng.random_range(1..30) {
            text.push_str(&format!("aaaaaaaaaaaa{r:04},2025Q4"));
            for _ in CODED {
                let cell = if rng.random_bool(0.1) {
                    let p = PEOPLE[rng.random_range(0..PEOPLE.len())];
                    planted.push(p);
                    p
                } else {
                    CELLS[rng.random_range(0..CELLS.len())]
                };
                text.push_str(&format!(",\"{cell}\""));
            }
            text.push('\n');
        }
        let file = write(dir.path(), "fuzz.csv", &text);
        let outcome = std::panic::catch_unwind(|| validate_file(&file, &profile, &options))
            .unwrap_or_else(|_| panic!("the mapper panicked on {text:?}"));
        let Ok(outcome) = outcome else { continue };
        let shown = format!("{}{}", outcome.report.to_text(), outcome.report.to_json());
        for p in &planted {
            assert!(!shown.contains(p), "{p:?} shown for {text:?}:\n{shown}");
        }
    }
    eprintln!("fuzz_the_mapper_never_panics_or_shows_a_person: {cases} extracts in {seconds} s");
}

#[test]
fn six_concurrent_submits_of_the_same_bytes_store_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let running: Vec<_> = (0..6)
        .map(|_| {
            submit_command(&store, "lakeshore-legal-clinic", "csv", "cases")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<String> = running
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success());
            String::from_utf8_lossy(&o.stdout).into_owned()
        })
        .collect();
    assert_eq!(outputs.iter().filter(|o| o.contains("Stored.")).count(), 1);
    let s = safecount::store::Store::open(&store).unwrap();
    let stored = s.submissions(None, true).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(files_under(&store.join("tmp")).len(), 0);
    // The canonical file once, and the raw copy once if it is kept.
    assert_eq!(files_under(&store.join("canonical")).len(), 1);
    assert_eq!(
        files_under(&store.join("raw")).len(),
        usize::from(stored[0].raw_kept)
    );
}
