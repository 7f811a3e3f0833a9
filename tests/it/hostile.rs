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

/// A workbook whose sheet is `bytes` of white space inside `<sheetData>`,
/// stored with every size field saying 1 KiB.
fn write_lying_zip(path: &Path, bytes: usize) {
    let mut zip = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, part) in sample_xlsx_parts() {
        zip.start_file(name.as_str(), options).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            zip.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
            let spaces = vec![b' '; 1 << 20];
            for _ in 0..bytes >> 20 {
                zip.write_all(&spaces).unwrap();
            }
            zip.write_all(b"</sheetData></worksheet>").unwrap();
        } else {
            zip.write_all(&part).unwrap();
        }
    }
    zip.finish().unwrap();
    // Every local header (size at offset 22) and central directory entry
    // (size at offset 24) of the sheet now declares 1 KiB.
    let mut data = std::fs::read(path).unwrap();
    let name = b"xl/worksheets/sheet1.xml";
    for (signature, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
        let mut i = 0;
        while let Some(at) = data[i..].windows(4).position(|w| w == signature) {
            let start = i + at;
            if data[start + name_at..].starts_with(name) {
                data[start + size_at..start + size_at + 4].copy_from_slice(&1024u32.to_le_bytes());
            }
            i = start + 4;
        }
    }
    std::fs::write(path, data).unwrap();
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
        profile: parquet_profile.clone(),
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

    // A header cell in column 1,000, then one-cell rows: each row was once
    // padded to a thousand cells (2.4 GB for 100,000 rows of 8 KB zipped).
    let padded = dir.join("padded.xlsx");
    let mut xml = Vec::with_capacity(8 << 20);
    xml.extend_from_slice(br#"<row r="1"><c r="A1" t="inlineStr"><is><t>Client Ref</t></is></c><c r="ALL1" t="inlineStr"><is><t>x</t></is></c></row>"#);
    for r in 2..=100_001u32 {
        write!(
            xml,
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>a</t></is></c></row>"#
        )
        .unwrap();
    }
    workbook_with_sheet(&padded, &xml);
    cases.push(Case {
        name: "a header cell in column 1,000",
        file: padded,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "column",
    });

    // One 8 MB shared string used by 2,000 cells (6 GB once copied per cell).
    let shared = dir.join("shared-string.xlsx");
    let mut parts = sample_xlsx_parts();
    let long = format!("{}Zebulon", "x".repeat(8 << 20));
    for (name, bytes) in parts.iter_mut() {
        if name == "xl/sharedStrings.xml" {
            *bytes = format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{long}</t></si></sst>"#).into_bytes();
        }
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
            for r in 1..=2_000u32 {
                write!(xml, r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#).unwrap();
            }
            xml.extend_from_slice(b"</sheetData></worksheet>");
            *bytes = xml;
        }
    }
    write_zip(&shared, &parts);
    cases.push(Case {
        name: "one 8 MB shared string in 2,000 cells",
        file: shared,
        profile: xlsx_profile.clone(),
        planted: vec!["Zebulon"],
        says: "one cell",
    });

    // A zip whose directory declares 1 KiB for a sheet that inflates to 300 MiB.
    let lying = dir.join("lying-zip.xlsx");
    write_lying_zip(&lying, 300 << 20);
    cases.push(Case {
        name: "a zip that lies about its sizes",
        file: lying,
        profile: xlsx_profile.clone(),
        planted: vec![],
        says: "unpacked",
    });

    // A sheet named for a person, when the profile asks for "Clients".
    let named = dir.join("named-sheet.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Maria Santos").unwrap();
    sheet.write_string(0, 0, "Client Ref").unwrap();
    book.save(&named).unwrap();
    cases.push(Case {
        name: "a sheet named for a person",
        file: named,
        profile: xlsx_profile.clone(),
        planted: vec!["Maria Santos"],
        says: "not shown",
    });

    // A date far outside what polars-arrow converts: it once panicked (exit 101).
    let dates = dir.join("dates.parquet");
    let mut df = DataFrame::new(vec![
        Series::new("worker_uid".into(), [i32::MAX, i32::MIN])
            .cast(&DataType::Date)
            .unwrap()
            .into(),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&dates).unwrap())
        .finish(&mut df)
        .unwrap();
    cases.push(Case {
        name: "Parquet dates out of range",
        file: dates,
        profile: parquet_profile.clone(),
        planted: vec![],
        says: "Parquet",
    });

    // A footer that declares 2 GiB of metadata (five million columns took
    // 3.4 GB before the column limit was reached).
    let footer = dir.join("footer.parquet");
    let mut df = df!("worker_uid" => ["aaaaaaaaaaaa0001"]).unwrap();
    ParquetWriter::new(std::fs::File::create(&footer).unwrap())
        .finish(&mut df)
        .unwrap();
    let mut bytes = std::fs::read(&footer).unwrap();
    let at = bytes.len() - 8;
    bytes[at..at + 4].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    std::fs::write(&footer, bytes).unwrap();
    cases.push(Case {
        name: "a Parquet footer declaring 2 GiB",
        file: footer,
        profile: parquet_profile.clone(),
        planted: vec![],
        says: "metadata",
    });

    // One long value, stored once in a dictionary, in every row.
    let dictionary = dir.join("dictionary.parquet");
    let long = format!("{}Zebulon", "x".repeat(1 << 20));
    let mut df = DataFrame::new(vec![
        StringChunked::full("worker_uid".into(), &long, 5_000)
            .into_series()
            .into(),
    ])
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&dictionary).unwrap())
        .finish(&mut df)
        .unwrap();
    cases.push(Case {
        name: "a 1 MB dictionary value in 5,000 rows",
        file: dictionary,
        profile: parquet_profile.clone(),
        planted: vec!["Zebulon"],
        says: "one cell",
    });

    cases.push(Case {
        name: "CR-only line endings",
        file: write(dir, "cr.csv", canonical_csv("woman").replace('\n', "\r")),
        profile: canonical.clone(),
        planted: vec![],
        says: "carriage return",
    });

    cases.push(Case {
        name: "a column named for a person",
        file: write(
            dir,
            "named-column.csv",
            canonical_csv("woman")
                .replacen("province\n", "province,Maria Santos\n", 1)
                .replace("CA-MB\n", "CA-MB,x\n"),
        ),
        profile: canonical.clone(),
        planted: vec!["Maria Santos"],
        says: "looks like personal data",
    });

    let names = [
        "maria santos",
        "MARIA SANTOS",
        "Tremblay",
        "Gagnon-Roy",
        "O'Brien",
        "王秀英",
        "محمد علي",
        "woman/Maria Santos",
        "F (Marie)",
        "woman - Gagnon",
        "Tremblay 1987",
        "45 Elm",
        "Nguyen Van A",
        "Hélène Côté",
        "Мария Иванова",
    ];
    let mut text = "person_key,quarter,gender,province\n".to_string();
    for (i, n) in names.iter().enumerate() {
        text.push_str(&format!("aaaaaaaaaaaa{i:04},2025Q4,\"{n}\",CA-MB\n"));
    }
    cases.push(Case {
        name: "names of every shape in a code column",
        file: write(dir, "name-shapes.csv", text),
        profile: canonical.clone(),
        planted: names.to_vec(),
        says: "not shown",
    });

    let keys = [
        "Tremblay_Marie_19870412",
        "maria-santos-1987-04-12",
        "SIN130692544",
        "OHIP1234567890",
    ];
    let mut text = "person_key,quarter,gender,province\n".to_string();
    for k in keys {
        text.push_str(&format!("{k},2025Q4,woman,CA-MB\n"));
    }
    cases.push(Case {
        name: "person keys made of names, dates and numbers",
        file: write(dir, "keys.csv", text),
        profile: canonical.clone(),
        planted: keys.to_vec(),
        says: "person key",
    });

    // Identifiers in a column the profile does not read: the file is
    // refused (its raw copy would keep them), whatever their shape.
    let shapes: [(&'static str, Vec<&'static str>); 6] = [
        (
            "lower-case names in an unread column",
            vec!["maria santos", "jean tremblay", "ana cruz"],
        ),
        (
            "upper-case names in an unread column",
            vec!["MARIA SANTOS", "JEAN TREMBLAY", "ANA CRUZ"],
        ),
        (
            "names in other scripts in an unread column",
            vec!["王秀英", "محمد علي", "Мария Иванова"],
        ),
        ("a name in one row of ten", vec!["Maria Santos"]),
        (
            "phone numbers of several shapes",
            vec!["+1 613 555 0123", "613.555.0123", "(613)555-0123"],
        ),
        (
            "dates with the month in words",
            vec!["April 12, 1987", "12 avril 1987", "12-Apr-1987"],
        ),
    ];
    for (i, (name, values)) in shapes.into_iter().enumerate() {
        let mut text = "person_key,quarter,gender,province,extra\n".to_string();
        for row in 0..10 {
            let value = values.get(row).copied().unwrap_or(if values.len() == 1 {
                "x"
            } else {
                values[row % values.len()]
            });
            text.push_str(&format!(
                "aaaaaaaaaaaa{row:04},2025Q4,woman,CA-MB,\"{value}\"\n"
            ));
        }
        cases.push(Case {
            name,
            file: write(dir, &format!("unread-{i}.csv"), text),
            profile: canonical.clone(),
            planted: values,
            says: "not shown",
        });
    }

    cases.push(Case {
        name: "control characters in a code cell",
        file: write(dir, "control.csv", canonical_csv("wo\u{1b}[31mman")),
        profile: canonical.clone(),
        planted: vec!["\u{1b}"],
        says: "not shown",
    });

    // A distinct e-mail address in a code column on every row: one finding
    // per column and kind, never a line per address.
    let mut text = String::from("person_key,quarter,gender,province\n");
    for i in 0..200_000u32 {
        text.push_str(&format!("aaaaaaaa{i:08},2025Q4,p{i}@example.org,CA-MB\n"));
    }
    cases.push(Case {
        name: "a distinct e-mail on every row",
        file: write(dir, "emails.csv", text),
        profile: canonical.clone(),
        planted: vec!["p17@example.org", "example.org"],
        says: "e-mail",
    });

    // Distinct unknown items in a set column: the tally of spellings is capped.
    let mut text = String::from("person_key,quarter,gender,province,means\n");
    for i in 0..200_000u32 {
        text.push_str(&format!(
            "aaaaaaaa{i:08},2025Q4,woman,CA-MB,zq{i};zr{i};zs{i}\n"
        ));
    }
    cases.push(Case {
        name: "distinct unknown items in a set column",
        file: write(dir, "set-items.csv", text),
        profile: canonical.clone(),
        planted: vec!["zq77"],
        says: "more cells",
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
    run_measured_with(args, &[])
}

/// The same, with environment variables set for the run.
fn run_measured_with(args: &[&str], env: &[(&str, &str)]) -> (i32, u64, String) {
    let script = "import json, resource, subprocess, sys\n\
        r = subprocess.run(sys.argv[1:], capture_output=True)\n\
        print(json.dumps({'code': r.returncode, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, \
        'out': r.stdout.decode('utf-8', 'replace') + r.stderr.decode('utf-8', 'replace')}))";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_safecount"))
        .args(args)
        .envs(env.iter().copied())
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
            // Bounded whatever the file holds (a JSON report repeats each
            // message's arguments, so it is allowed more).
            if out.len() > if json { 256 * 1024 } else { 64 * 1024 } {
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

/// A file that kills the checker (a schema nested 5,000 deep overflows
/// polars' stack; a page header can make it allocate gigabytes) costs that
/// check only: `validate` says the file could not be checked, exit 65, in
/// bounded memory. The failpoints make the checker crash or overeat as such
/// a file would.
#[test]
fn a_checker_that_crashes_or_overeats_is_a_plain_refusal() {
    let file = repo().join("sample-data/extracts/maison-esperance/maison-esperance-2025Q4.csv");
    let profile = repo().join("sample-data/profiles/maison-esperance.toml");
    for (failpoint, says) in [("check-crash", "cannot read"), ("check-memory", "memory")] {
        let (code, rss_kb, out) = run_measured_with(
            &[
                "--lang",
                "en",
                "validate",
                file.to_str().unwrap(),
                "--profile",
                profile.to_str().unwrap(),
                "--quarter",
                "2025Q4",
            ],
            &[("SAFECOUNT_FAILPOINT", failpoint)],
        );
        assert_eq!(code, 65, "{failpoint}: {out}");
        assert!(
            out.contains("could not be checked") && out.contains(says),
            "{failpoint}: {out}"
        );
        assert!(!out.contains("panicked") && !out.contains("abort"), "{out}");
        assert!(rss_kb < MAX_RSS_KB, "{failpoint}: {rss_kb} KB");
    }
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
        // The canonical profile reads every extract of this shape: a refusal
        // before the rows would be a bug, and its words are checked too.
        let outcome = outcome.unwrap_or_else(|e| {
            let said = format!("{e} {}", e.message().render(safecount::i18n::Lang::En));
            for p in &planted {
                assert!(!said.contains(p), "{p:?} shown: {said}");
            }
            panic!("refused before its rows: {said}")
        });
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
