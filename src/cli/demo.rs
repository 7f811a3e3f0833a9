//! `safecount demo`: the newcomer's first command. It builds a fresh store
//! from the synthetic sample (`sample-data/manifest.toml`): submits every
//! extract through its agency's profile (the bad one is rejected and its
//! report shown), sets a budget for each quarter of data, and runs
//! `pipelines/demo.toml`: the standard tables of every quarter, through OpenDP,
//! and writes the funders' report (English and French) from those releases.

use crate::ingest::Profile;
use crate::privacy::ledger;
use crate::store::{Store, SubmitOutcome};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The sample directory (with manifest.toml).
    #[arg(long, default_value = "sample-data")]
    pub sample: PathBuf,
    /// Where to build the demo store; it is emptied first.
    #[arg(long, default_value = "safecount-data/demo")]
    pub store: PathBuf,
    /// The pipeline to run.
    #[arg(long, default_value = "pipelines/demo.toml")]
    pub pipeline: PathBuf,
    /// Where to write the report (default: the pipeline's [report] out, reports/demo); processed tables go to its tables/.
    #[arg(long)]
    pub report: Option<PathBuf>,
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
    if args.store.exists() {
        std::fs::remove_dir_all(&args.store)?;
    }
    let spec = match crate::pipeline::PipelineSpec::load(&args.pipeline) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount demo: {e}");
            return Ok(super::ExitCode::exit_code(&e));
        }
    };
    // A collaborative that links people refuses extracts keyed otherwise, as its server would.
    let epoch = spec
        .coverage
        .as_ref()
        .and_then(|c| c.linked())
        .map(|l| l.epoch);
    let store = Store::open(&args.store)?.with_linkage_epoch(epoch);
    writeln!(
        out,
        "safecount demo: a fresh store in {}\n",
        args.store.display()
    )?;
    let submitted = submit_sample(&args.sample, &manifest, &store, out)?;
    if submitted != super::EXIT_OK {
        return Ok(submitted);
    }
    let rho = spec.rho_per_period(ledger::Scope::Person);
    let agency_rho = spec.rho_per_period(ledger::Scope::Agency);
    writeln!(
        out,
        "2. Setting a privacy budget of rho = {rho} per person for each of {} quarters of data\n   {}",
        spec.inputs.periods.len(),
        if agency_rho > 0.0 {
            format!(
                "(and rho = {agency_rho} per agency for the agencies' returns, a separate budget)"
            )
        } else {
            "(the agencies' returns are published under disclosure-control rules: no budget)"
                .to_string()
        }
    )?;
    let mut conn = store.connect()?;
    for q in &spec.inputs.periods {
        let q = &q.to_string();
        ledger::set_budget(&mut conn, q, rho, "demo")?;
        if agency_rho > 0.0 {
            let key = ledger::ledger_key(ledger::Scope::Agency, q);
            ledger::set_budget(&mut conn, &key, agency_rho, "demo")?;
        }
    }
    crate::release::claim::publish_statement(&store, &conn)?;
    writeln!(
        out,
        "3. Running {} through OpenDP: {} tables for each quarter",
        args.pipeline.display(),
        spec.tables.len()
    )?;
    let bar = super::progress_bar(spec.requests().len() as u64);
    let released = crate::pipeline::run_with_progress(&spec, &store, |req, done, _| {
        bar.set_position(done as u64);
        bar.set_message(format!("{} {}", req.period, req.table));
    })?;
    bar.finish_and_clear();
    writeln!(
        out,
        "   {} release files in {}",
        released.len(),
        store.root().join("releases").display()
    )?;
    let tables_dir = args.report.as_ref().map(|r| r.join("tables"));
    let outputs = crate::pipeline::write_outputs(&spec, &released, tables_dir.as_deref())?;
    if let Some(o) = &spec.outputs {
        writeln!(
            out,
            "   {} processed copies (Parquet and CSV, raw noisy values kept) in {}",
            outputs.len(),
            tables_dir.as_ref().unwrap_or(&o.dir).display()
        )?;
    }
    let written = crate::pipeline::write_report(&spec, &released, args.report.as_deref())?;
    writeln!(
        out,
        "4. Writing the funders' report from those releases only"
    )?;
    for w in &written {
        writeln!(out, "   {}  ({} charts)", w.html.display(), w.charts)?;
    }
    writeln!(out)?;
    let mut budget_out = Vec::new();
    super::budget::run(
        super::budget::Args {
            action: None,
            store: Some(args.store.clone()),
            json: false,
            verify: false,
        },
        None,
        &mut budget_out,
    )?;
    out.write_all(&budget_out)?;
    if let Some(w) = written.first() {
        writeln!(
            out,
            "\nNext: open {} in a browser (the French version sits beside it),\nor read a release with any Parquet reader, e.g. polars:\n  pl.read_parquet(\"{}/releases/2025Q4/*.parquet\")",
            w.html.display(),
            args.store.display()
        )?;
    }
    Ok(super::EXIT_OK)
}

/// Step 1: every extract of the sample submitted as its agency would, and the
/// rejected ones explained as the intake worker sees them. Not `EXIT_OK` when
/// a file did not validate as the manifest expects.
fn submit_sample(
    sample: &std::path::Path,
    manifest: &crate::sample::Manifest,
    store: &Store,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
    let mut profiles: Vec<&str> = manifest
        .extracts
        .iter()
        .map(|e| e.profile.as_str())
        .collect();
    profiles.sort();
    profiles.dedup();
    writeln!(
        out,
        "1. Submitting {} sample extracts of {} fictional agencies",
        manifest.extracts.len(),
        profiles.len()
    )?;
    let mut surprises = 0;
    let mut rejected = Vec::new();
    let (mut stored, mut people) = (0u64, 0u64);
    for entry in &manifest.extracts {
        let profile = match Profile::load(&sample.join(&entry.profile)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("safecount demo: {e}");
                return Ok(super::EXIT_CONFIG);
            }
        };
        let Some(quarter) = entry.quarter else {
            eprintln!(
                "safecount demo: the sample's manifest gives no quarter for {}",
                entry.file
            );
            return Ok(super::EXIT_CONFIG);
        };
        match store.submit(&sample.join(&entry.file), &profile, entry.kind, quarter)? {
            SubmitOutcome::Stored(r) | SubmitOutcome::AlreadyStored(r) => {
                stored += 1;
                if entry.kind == crate::schema::ExtractKind::Cases {
                    people += r.records;
                }
                if entry.expect != "valid" {
                    surprises += 1;
                }
            }
            SubmitOutcome::Rejected(report) => {
                writeln!(out, "   REJECTED {}", entry.file)?;
                if entry.expect == "valid" {
                    surprises += 1;
                }
                rejected.push(report);
            }
        }
    }
    writeln!(
        out,
        "   {stored} stored ({people} person-quarter records after merging rows), {} rejected.",
        rejected.len()
    )?;
    for report in &rejected {
        writeln!(
            out,
            "\n   --- What the intake worker is told about the rejected file ---\n{}",
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
