//! `safecount demo`: the newcomer's first command. It builds a fresh store
//! from the synthetic sample (`sample-data/manifest.toml`): submits every
//! extract through its agency's profile (the bad one is rejected and its
//! report shown), sets a budget for each quarter of data, and runs
//! `pipelines/demo.toml`: the standard tables of every quarter, through OpenDP,
//! and writes the funders' report (English and French) from those releases.
//! It speaks the chosen language (`--lang`, the locale).

use crate::i18n::{Args as Vars, Lang};
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

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = super::language(chosen, None);
    let manifest = match crate::sample::read_manifest(&args.sample) {
        Ok(m) => m,
        Err(e) => {
            let detail = Vars::new().with("detail", e);
            eprintln!("safecount demo: {}", lang.msg("demo-no-sample", &detail));
            return Ok(super::EXIT_NO_INPUT);
        }
    };
    if args.store.exists() {
        std::fs::remove_dir_all(&args.store)?;
    }
    let spec = match crate::pipeline::PipelineSpec::load(&args.pipeline) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount demo: {}", e.message().render(lang));
            return Ok(super::ExitCode::exit_code(&e));
        }
    };
    // A collaborative that links people refuses extracts keyed otherwise, as its server would.
    let epoch = spec
        .coverage
        .as_ref()
        .and_then(|c| c.linked())
        .map(|l| l.epoch);
    let store = Store::open(&args.store)?.with_linkage_epoch(epoch.clone());
    let fresh = Vars::new().with("store", args.store.display().to_string());
    writeln!(out, "{}\n", lang.msg("demo-fresh", &fresh))?;
    let submitted = submit_sample(&args.sample, &manifest, &store, (lang, out))?;
    if submitted != super::EXIT_OK {
        return Ok(submitted);
    }
    if let Some(epoch) = epoch {
        let epoch = Vars::new().with("epoch", epoch);
        writeln!(out, "   {}", lang.msg("demo-linkage", &epoch))?;
    }
    // The budget is what the demo's pipeline spends and a reserve for a
    // researcher's first pipeline of their own, said aloud.
    let rho = spec.rho_per_period(ledger::Scope::Person) + YOUR_OWN_RHO;
    let agency_rho = spec.rho_per_period(ledger::Scope::Agency);
    let budget = Vars::new()
        .with("rho", lang.dec(rho, 2))
        .with("quarters", spec.inputs.periods.len())
        .with("own", lang.dec(YOUR_OWN_RHO, 2));
    let returns = if agency_rho > 0.0 {
        lang.msg(
            "demo-budget-agency",
            &Vars::new().with("rho", lang.dec(agency_rho, 2)),
        )
    } else {
        lang.t("demo-budget-rules").to_string()
    };
    writeln!(
        out,
        "{}\n   {returns}",
        lang.msg("demo-step-budget", &budget)
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
    if let Some(cap) = spec.privacy.lifetime_rho {
        ledger::set_lifetime(&mut conn, cap + YOUR_OWN_RHO, "demo")?;
    }
    crate::release::claim::publish_statement(&store, &conn)?;
    let requests = spec.requests().len();
    let running = Vars::new()
        .with("pipeline", args.pipeline.display().to_string())
        .with("tables", spec.tables.len())
        .with("releases", requests);
    writeln!(out, "{}", lang.msg("demo-step-run", &running))?;
    let bar = super::progress_bar(requests as u64, lang);
    let released = crate::pipeline::run_with_progress(&spec, &store, |req, done, _| {
        bar.set_position(done as u64);
        bar.set_message(format!("{} {}", req.period, req.table));
    })?;
    bar.finish_and_clear();
    let files = Vars::new()
        .with("releases", released.len())
        .with("dir", store.root().join("releases").display().to_string());
    writeln!(out, "   {}", lang.msg("demo-releases", &files))?;
    let tables_dir = args.report.as_ref().map(|r| r.join("tables"));
    let outputs = crate::pipeline::write_outputs(&spec, &released, tables_dir.as_deref())?;
    if let Some(o) = &spec.outputs {
        let copies = Vars::new().with("files", outputs.len()).with(
            "dir",
            tables_dir.as_ref().unwrap_or(&o.dir).display().to_string(),
        );
        writeln!(out, "   {}", lang.msg("demo-copies", &copies))?;
    }
    let written = crate::pipeline::write_report(&spec, &released, args.report.as_deref())?;
    writeln!(out, "{}", lang.t("demo-step-report"))?;
    for w in &written {
        let file = Vars::new()
            .with("file", w.html.display().to_string())
            .with("charts", w.charts);
        writeln!(out, "   {}", lang.msg("demo-report-file", &file))?;
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
        chosen,
        &mut budget_out,
    )?;
    out.write_all(&budget_out)?;
    // The report in the reader's language, else the first written.
    let report = written
        .iter()
        .find(|w| {
            w.html
                .to_string_lossy()
                .ends_with(&format!(".{}.html", lang.code()))
        })
        .or(written.first());
    if let Some(w) = report {
        let file = Vars::new().with("file", w.html.display().to_string());
        writeln!(out, "\n{}", lang.msg("demo-next", &file))?;
        let tables = args
            .report
            .as_ref()
            .map(|r| r.join("tables"))
            .or_else(|| spec.outputs.as_ref().map(|o| o.dir.clone()))
            .unwrap_or_else(|| args.store.join("releases"));
        writeln!(
            out,
            "  pl.read_parquet(\"{}\")",
            tables.join("2025Q4").join("people.parquet").display()
        )?;
        let own = Vars::new()
            .with("own", lang.dec(YOUR_OWN_RHO, 2))
            .with("store", args.store.display().to_string());
        writeln!(out, "\n{}", lang.msg("demo-your-own", &own))?;
    }
    Ok(super::EXIT_OK)
}

/// Kept in each quarter's budget and in the lifetime cap beyond what the
/// demo's pipeline may spend: room for a researcher's first pipeline of
/// their own (`pipelines/quarterly-national.toml` asks for 0.2).
pub const YOUR_OWN_RHO: f64 = 0.25;

/// Step 1: every extract of the sample submitted as its agency would, and the
/// rejected ones explained as the intake worker sees them. Not `EXIT_OK` when
/// a file did not validate as the manifest expects.
fn submit_sample(
    sample: &std::path::Path,
    manifest: &crate::sample::Manifest,
    store: &Store,
    (lang, out): (Lang, &mut dyn Write),
) -> anyhow::Result<i32> {
    let mut profiles: Vec<&str> = manifest
        .extracts
        .iter()
        .map(|e| e.profile.as_str())
        .collect();
    profiles.sort();
    profiles.dedup();
    let step = Vars::new()
        .with("extracts", manifest.extracts.len())
        .with("agencies", profiles.len());
    writeln!(out, "{}", lang.msg("demo-step-submit", &step))?;
    let mut surprises = 0;
    let mut rejected = Vec::new();
    let (mut stored, mut people) = (0u64, 0u64);
    for entry in &manifest.extracts {
        let profile = match Profile::load(&sample.join(&entry.profile)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("safecount demo: {}", e.message().render(lang));
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
                let file = Vars::new().with("file", entry.file.as_str());
                writeln!(out, "   {}", lang.msg("demo-rejected", &file))?;
                if entry.expect == "valid" {
                    surprises += 1;
                }
                rejected.push(report);
            }
        }
    }
    let counts = Vars::new()
        .with("stored", stored)
        .with("records", people)
        .with("rejected", rejected.len());
    writeln!(out, "   {}", lang.msg("demo-stored", &counts))?;
    for report in &rejected {
        writeln!(
            out,
            "\n   {}\n{}",
            lang.t("demo-rejected-heading"),
            report.to_text_in(lang)
        )?;
    }
    if surprises > 0 {
        let files = Vars::new().with("files", surprises);
        writeln!(out, "{}", lang.msg("demo-surprises", &files))?;
        return Ok(super::EXIT_DATA);
    }
    Ok(super::EXIT_OK)
}
