//! `safecount run PIPELINE [--dry-run] [--json] [--store DIR]`: run a pipeline,
//! or preview its cost and accuracy without spending anything or reading data.

use super::{EXIT_OK, ExitCode};
use crate::pipeline::{self, PipelineSpec};
use crate::privacy::ledger::Scope;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The pipeline file (TOML), e.g. pipelines/quarterly-national.toml.
    pub pipeline: PathBuf,
    /// Print each release's mechanism, noise scale, interval half-width and cost; spend nothing, read no data.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the result as one JSON document.
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub store: Option<PathBuf>,
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let spec = match PipelineSpec::load(&args.pipeline) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount run: {e}");
            return Ok(e.exit_code());
        }
    };
    let store_dir = Store::resolve_dir(args.store.as_deref());
    if args.dry_run {
        let planned = dry_run(&spec, &store_dir, args.json, out)?;
        return Ok(held_back(&spec, planned));
    }
    let store = Store::open(&store_dir)?;
    let bar = super::progress_bar(spec.requests().len() as u64);
    let result = pipeline::run_with_progress(&spec, &store, |req, done, _| {
        bar.set_position(done as u64);
        bar.set_message(format!("{} {}", req.period, req.table));
    })
    .and_then(|released| {
        bar.finish_and_clear();
        let outputs = pipeline::write_outputs(&spec, &released, None)?;
        let written = pipeline::write_report(&spec, &released, None)?;
        Ok((released, outputs, written))
    });
    match result {
        Ok((released, outputs, written)) => {
            if args.json {
                let v: Vec<serde_json::Value> = released
                    .iter()
                    .map(|r| serde_json::json!({"release_id": r.id, "table": r.table, "period": r.period, "path": r.path, "spent_rho": r.spent_rho, "re_served": r.reserved, "cells": r.cells.height()}))
                    .collect();
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({"pipeline": spec.name, "releases": v, "outputs": outputs, "report": written})
                    )?
                )?;
            } else {
                for r in &released {
                    writeln!(
                        out,
                        "{} {:<19} {} {:>5} cells  {}{}",
                        r.period,
                        r.table,
                        r.id,
                        r.cells.height(),
                        if r.provenance["protection"]["method"] == "disclosure_control" {
                            "no rho (disclosure control)".to_string()
                        } else {
                            format!("rho {:.4}", r.spent_rho)
                        },
                        format!(
                            "{}{}",
                            if r.reserved {
                                " (re-served, nothing spent)"
                            } else {
                                ""
                            },
                            if all_suppressed(r) {
                                " — every cell suppressed (fewer than the minimum number of agencies, or one dominant): nothing of this table can be published"
                            } else {
                                ""
                            }
                        )
                    )?;
                }
                if let Some(o) = &spec.outputs {
                    writeln!(
                        out,
                        "processed copies: {} files in {}",
                        outputs.len(),
                        o.dir.display()
                    )?;
                }
                for w in &written {
                    writeln!(out, "report: {}", w.html.display())?;
                }
            }
            Ok(held_back(&spec, EXIT_OK))
        }
        Err(e) => {
            eprintln!("safecount run: {e}");
            Ok(e.exit_code())
        }
    }
}

/// Tell what the pipeline held back for a missing approval (the other tables
/// were released or planned); then the run exits with the configuration code.
fn held_back(spec: &PipelineSpec, code: i32) -> i32 {
    if code != EXIT_OK || spec.withheld.is_empty() {
        return code;
    }
    for message in &spec.withheld {
        eprintln!("safecount run: {message}");
    }
    super::EXIT_CONFIG
}

/// Whether every cell of a release under disclosure control that agencies
/// reported into is suppressed.
fn all_suppressed(r: &crate::release::Released) -> bool {
    let Ok(status) = r
        .cells
        .column(crate::release::establishment::DISCLOSURE_STATUS)
        .and_then(|c| c.str().cloned())
    else {
        return false;
    };
    let reported: Vec<&str> = status
        .into_iter()
        .flatten()
        .filter(|s| *s != "empty")
        .collect();
    !reported.is_empty() && reported.iter().all(|s| *s != "published")
}

/// The preview: every release's mechanism, noise scale, interval and cost,
/// and whether the budgets cover it; nothing spent, no data read.
fn dry_run(
    spec: &PipelineSpec,
    store_dir: &std::path::Path,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<i32> {
    let store = if store_dir.join("ledger.sqlite").is_file() {
        Some(Store::open(store_dir)?)
    } else {
        None
    };
    let (planned, budgets) = match pipeline::dry_run(spec, store.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("safecount run --dry-run: {e}");
            return Ok(e.exit_code());
        }
    };
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"pipeline": spec.name, "planned": planned, "budgets": budgets})
            )?
        )?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "Dry run of {} (nothing is spent, no data is read)\n",
        spec.name
    )?;
    print_planned(&planned, out)?;
    writeln!(out)?;
    print_budget_needs(spec, &planned, &budgets, out)?;
    let person: f64 = planned
        .iter()
        .filter(|p| p.scope == Scope::Person)
        // A release pooled over n quarters: n units of a person present in all, n² rho.
        .map(|p| p.preview.rho * (p.quarters.len() as f64).powi(2))
        .sum();
    writeln!(
        out,
        "A person present in every quarter of this run would lose rho = {person:.4} more (at most: re-served releases cost nothing),\nthat is epsilon = {:.3} at delta = {:.0e} for this run alone.",
        crate::privacy::ledger::zcdp_to_epsilon(person, crate::privacy::ledger::CONVERSION_DELTA),
        crate::privacy::ledger::CONVERSION_DELTA,
    )?;
    writeln!(
        out,
        "±cell is the widest cell's interval half-width at the stated level ({:.0}%); ±national that of the\ntable's national figure (people served, a definition's count), from the national margin where measured.",
        spec.privacy.interval_level * 100.0
    )?;
    return Ok(EXIT_OK);
}

/// One line per planned release.
fn print_planned(planned: &[pipeline::PlannedRelease], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<8} {:<19} {:>5} {:>6}  {:<18} {:>8} {:>9} {:>10}  {:>8}  {}",
        "period",
        "table",
        "parts",
        "cells",
        "mechanism",
        "scale",
        "±cell",
        "±national",
        "rho",
        "asked"
    )?;
    for p in planned {
        let Some((_, c)) = p.preview.parts.first() else {
            // Returns under disclosure-control rules: exact figures, no rho.
            writeln!(
                out,
                "{:<8} {:<19} {:>5} {:>6}  {:<18} {:>8} {:>9} {:>10}  {:>8.4}  exact; cells need 3 agencies, p% rule",
                p.period, p.preview.table, "-", "-", "disclosure control", "-", "0", "0", 0.0
            )?;
            continue;
        };
        writeln!(
            out,
            "{:<8} {:<19} {:>5} {:>6}  {:<18} {:>8.2} {:>9.1} {:>10}  {:>8.4}  {}",
            p.period,
            p.preview.table,
            p.preview.parts.len(),
            p.preview.cells,
            c.mechanism,
            c.scale,
            p.widest_half_width,
            p.national_half_width
                .map(|h| format!("{h:.1}"))
                .unwrap_or_default(),
            p.preview.rho,
            p.target_half_width
                .map(|t| format!("±{t} (rho solved)"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}

/// What each quarter needs of its budgets, against what remains.
fn print_budget_needs(
    spec: &PipelineSpec,
    planned: &[pipeline::PlannedRelease],
    budgets: &[crate::privacy::ledger::PeriodBudget],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for period in &spec.inputs.periods {
        let period = &period.to_string();
        for (scope, flag, whose) in [
            (Scope::Person, "--rho", "per person"),
            (Scope::Agency, "--agency-rho", "per agency (returns)"),
        ] {
            // Every release that reads the quarter (a pooled one reads several) and spends.
            let mine: Vec<_> = planned
                .iter()
                .filter(|p| p.quarters.contains(period) && p.scope == scope)
                .filter(|p| p.preview.rho > 0.0)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let needed: f64 = mine.iter().map(|p| p.preview.rho).sum();
            match budgets
                .iter()
                .find(|b| &b.period == period && b.scope == scope)
            {
                Some(b) => writeln!(
                    out,
                    "{period}: needs rho {needed:.4} {whose}; {:.4} of {:.4} remains{}",
                    b.remaining_rho,
                    b.budget_rho,
                    if needed > b.remaining_rho + 1e-12 {
                        format!(" — NOT ENOUGH: short by {:.4}", needed - b.remaining_rho)
                    } else {
                        String::new()
                    }
                )?,
                None => writeln!(
                    out,
                    "{period}: needs rho {needed:.4} {whose}; no budget set yet (safecount budget set --period {period} {flag} R)"
                )?,
            }
        }
    }
    Ok(())
}
