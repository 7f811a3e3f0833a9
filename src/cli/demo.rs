//! `safecount demo`: the newcomer's first command. Today it checks every
//! extract of the synthetic sample (`sample-data/manifest.toml`) through its
//! agency's profile, shows a line per file, and prints in full the report of
//! the bad extract that the intake must reject.

use crate::ingest::{IngestOptions, Profile, validate_file};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The sample directory (with manifest.toml).
    #[arg(long, default_value = "sample-data")]
    pub sample: PathBuf,
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let manifest = match crate::sample::read_manifest(&args.sample) {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "safecount demo: {e}\nRun it from the repository root, or generate a sample with `safecount sample-data --out DIR` and pass --sample DIR."
            );
            return Ok(super::EXIT_NO_INPUT);
        }
    };
    writeln!(
        out,
        "safecount demo: checking {} sample extracts from {}\n",
        manifest.extracts.len(),
        args.sample.display()
    )?;
    let mut surprises = 0;
    let mut rejected = Vec::new();
    let (mut people, mut rows) = (0u64, 0u64);
    for entry in &manifest.extracts {
        let profile = match Profile::load(&args.sample.join(&entry.profile)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("safecount demo: {e}");
                return Ok(super::EXIT_CONFIG);
            }
        };
        let options = IngestOptions {
            kind: entry.kind,
            quarter: entry.quarter.clone(),
            ..Default::default()
        };
        let outcome = validate_file(&args.sample.join(&entry.file), &profile, &options)?;
        let r = &outcome.report;
        let verdict = if r.valid { "valid   " } else { "REJECTED" };
        writeln!(
            out,
            "  {verdict} {:<62} {:>5} rows -> {:>4} records",
            entry.file, r.rows_read, r.records
        )?;
        if r.valid != (entry.expect == "valid") {
            surprises += 1;
        }
        if r.valid {
            rows += r.rows_read;
            if entry.kind == crate::schema::ExtractKind::Cases {
                people += r.records;
            }
        } else {
            rejected.push(outcome.report);
        }
    }
    writeln!(
        out,
        "\n{rows} rows accepted; {people} person-quarter records after merging rows of the same person."
    )?;
    for report in rejected {
        writeln!(
            out,
            "\n--- The report an intake worker sees for the rejected file ---\n{}",
            report.to_text()
        )?;
    }
    if surprises > 0 {
        writeln!(
            out,
            "{surprises} files did not validate as the manifest expects."
        )?;
        return Ok(super::EXIT_DATA);
    }
    Ok(super::EXIT_OK)
}
