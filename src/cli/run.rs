//! `safecount run PIPELINE [--dry-run] [--json] [--store DIR]`: run a pipeline,
//! or preview its cost and accuracy without spending anything or reading data,
//! in the chosen language (`--lang`, the locale).

use super::{EXIT_OK, ExitCode, language};
use crate::i18n::{Args as Vars, Lang};
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

pub fn run(args: Args, chosen: Option<Lang>, out: &mut dyn Write) -> anyhow::Result<i32> {
    let lang = language(chosen, None);
    let spec = match PipelineSpec::load(&args.pipeline) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount run: {}", e.message().render(lang));
            return Ok(e.exit_code());
        }
    };
    let store_dir = Store::resolve_dir(args.store.as_deref());
    if args.dry_run {
        let planned = dry_run(&spec, &store_dir, args.json, (lang, out))?;
        return Ok(held_back(&spec, planned, lang));
    }
    let store = Store::open(&store_dir)?;
    let bar = super::progress_bar(spec.requests().len() as u64, lang);
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
                    let cost = if r.provenance["protection"]["method"] == "disclosure_control" {
                        lang.t("run-cost-rules").to_string()
                    } else {
                        lang.msg(
                            "run-cost-rho",
                            &Vars::new().with("rho", lang.dec(r.spent_rho, 4)),
                        )
                    };
                    let mut notes = String::new();
                    if r.reserved {
                        notes = format!(" {}", lang.t("run-reserved"));
                    }
                    if all_suppressed(r) {
                        notes.push(' ');
                        notes.push_str(lang.t("run-all-suppressed"));
                    }
                    let cells = lang.msg("run-cells", &Vars::new().with("cells", r.cells.height()));
                    writeln!(
                        out,
                        "{} {:<19} {} {cells:>11}  {cost}{notes}",
                        r.period, r.table, r.id,
                    )?;
                }
                if let Some(o) = &spec.outputs {
                    let copies = Vars::new()
                        .with("files", outputs.len())
                        .with("dir", o.dir.display().to_string());
                    writeln!(out, "{}", lang.msg("run-processed-copies", &copies))?;
                }
                for w in &written {
                    let file = Vars::new().with("file", w.html.display().to_string());
                    writeln!(out, "{}", lang.msg("run-report", &file))?;
                }
            }
            Ok(held_back(&spec, EXIT_OK, lang))
        }
        Err(e) => {
            eprintln!("safecount run: {}", e.message().render(lang));
            Ok(e.exit_code())
        }
    }
}

/// Tell what the pipeline held back for a missing approval (the other tables
/// were released or planned); then the run exits with the configuration code.
fn held_back(spec: &PipelineSpec, code: i32, lang: Lang) -> i32 {
    if code != EXIT_OK || spec.withheld.is_empty() {
        return code;
    }
    for message in &spec.withheld {
        eprintln!("safecount run: {}", message.render(lang));
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
    (lang, out): (Lang, &mut dyn Write),
) -> anyhow::Result<i32> {
    let store = if store_dir.join("ledger.sqlite").is_file() {
        Some(Store::open(store_dir)?)
    } else {
        None
    };
    let (planned, budgets) = match pipeline::dry_run(spec, store.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("safecount run --dry-run: {}", e.message().render(lang));
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
    let heading = Vars::new().with("pipeline", spec.name.as_str());
    writeln!(out, "{}\n", lang.msg("run-dry-heading", &heading))?;
    print_planned(&planned, lang, out)?;
    writeln!(out)?;
    let short = print_budget_needs(spec, &planned, &budgets, lang, out)?;
    let person: f64 = planned
        .iter()
        .filter(|p| p.scope == Scope::Person && !p.reserved)
        // A pooled release counts each person once: its rho, once (see `release::span`).
        .map(|p| p.preview.rho)
        .sum();
    let delta = crate::privacy::ledger::CONVERSION_DELTA;
    let epsilon = |rho: f64| lang.dec(crate::privacy::ledger::zcdp_to_epsilon(rho, delta), 2);
    let loss = Vars::new()
        .with("rho", lang.dec(person, 4))
        .with("epsilon", epsilon(person))
        .with("delta", format!("{delta:.0e}"));
    writeln!(out, "{}", lang.msg("run-person-loss", &loss))?;
    let (before, cap) = lifetime_so_far(store.as_ref())?;
    let cap = cap.or(spec.privacy.lifetime_rho);
    let after = before + person;
    let lifetime = Vars::new()
        .with("before", lang.dec(before, 4))
        .with("before_epsilon", epsilon(before))
        .with("after", lang.dec(after, 4))
        .with("after_epsilon", epsilon(after))
        .with("cap", cap.map(|c| lang.dec(c, 4)).unwrap_or_default());
    let over = cap.is_some_and(|c| after > c * (1.0 + 1e-12));
    let id = match (cap, over) {
        (None, _) => "run-lifetime-no-cap",
        (Some(_), true) => "run-lifetime-over",
        (Some(_), false) => "run-lifetime",
    };
    writeln!(out, "{}", lang.msg(id, &lifetime))?;
    // Releases planned to their floors make the figures upper bounds: the run
    // plans them on the quarters it releases first, and is then refused only
    // if the cap is really reached.
    let at_floor = planned.iter().filter(|p| p.at_floor && !p.reserved).count();
    if at_floor > 0 {
        let vars = Vars::new().with("releases", at_floor);
        writeln!(out, "{}", lang.msg("run-at-floor", &vars))?;
    }
    let over = over && at_floor == 0;
    let level = Vars::new().with("level", lang.pct(spec.privacy.interval_level));
    writeln!(out, "{}", lang.msg("run-dry-legend", &level))?;
    // The run would be refused by a budget: the preview says so in its exit code.
    Ok(if short || over {
        super::EXIT_BUDGET
    } else {
        EXIT_OK
    })
}

/// What a person present in every quarter has lost so far, and the
/// lifetime cap, from the store's ledger (0 and none without a store).
fn lifetime_so_far(store: Option<&Store>) -> anyhow::Result<(f64, Option<f64>)> {
    let Some(store) = store else {
        return Ok((0.0, None));
    };
    let conn = store.connect()?;
    Ok((
        crate::privacy::ledger::lifetime_spent(&conn)?,
        crate::privacy::ledger::lifetime_cap(&conn)?,
    ))
}

/// One line per planned release.
fn print_planned(
    planned: &[pipeline::PlannedRelease],
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let t = |id| lang.t(id);
    writeln!(
        out,
        "{:<8} {:<19} {:<6} {:>7} {:>8}  {:<18} {:>8} {:>9} {:>10}  {:>8}  {}",
        t("run-col-period"),
        t("run-col-table"),
        t("run-col-report"),
        t("run-col-parts"),
        t("run-col-cells"),
        t("run-col-mechanism"),
        t("run-col-scale"),
        t("run-col-cell"),
        t("run-col-national"),
        t("run-col-rho"),
        t("run-col-asked")
    )?;
    for p in planned {
        let reserved = match p.reserved {
            true => format!(" {}", t("run-reserved")),
            false => String::new(),
        };
        let drawn = t(if p.in_report {
            "run-report-drawn"
        } else {
            "run-report-unused"
        });
        let Some((_, c)) = p.preview.parts.first() else {
            // Returns under disclosure-control rules: exact figures, no rho.
            writeln!(
                out,
                "{:<8} {:<19} {:<6} {:>7} {:>8}  {:<18} {:>8} {:>9} {:>10}  {:>8}  {}",
                p.period,
                p.preview.table,
                drawn,
                "-",
                "-",
                t("run-dry-rules-mechanism"),
                "-",
                "0",
                "0",
                lang.dec(0.0, 4),
                t("run-dry-rules-note").to_string() + &reserved
            )?;
            continue;
        };
        writeln!(
            out,
            "{:<8} {:<19} {:<6} {:>7} {:>8}  {:<18} {:>8} {:>9} {:>10}  {:>8}  {}",
            p.period,
            p.preview.table,
            drawn,
            p.preview.parts.len(),
            p.preview.cells,
            c.mechanism,
            lang.dec(c.scale, 2),
            lang.dec(p.widest_half_width, 1),
            p.national_half_width
                .map(|h| lang.dec(h, 1))
                .unwrap_or_default(),
            lang.dec(p.preview.rho, 4),
            match (&p.target, p.target_half_width) {
                (Some(target), _) => lang.msg(
                    "run-dry-target",
                    &Vars::new()
                        .with("relative", lang.pct(target.relative.unwrap_or(0.0)))
                        .with("floor", target.floor())
                ),
                (None, Some(h)) => lang.msg("run-dry-solved", &Vars::new().with("target", h)),
                (None, None) => String::new(),
            } + &reserved
        )?;
    }
    Ok(())
}

/// What each quarter needs of its budgets, against what remains; whether
/// any quarter has too little left.
fn print_budget_needs(
    spec: &PipelineSpec,
    planned: &[pipeline::PlannedRelease],
    budgets: &[crate::privacy::ledger::PeriodBudget],
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<bool> {
    let mut short_anywhere = false;
    for period in &spec.inputs.periods {
        let period = &period.to_string();
        for (scope, flag, whose) in [
            (Scope::Person, "--rho", "run-whose-person"),
            (Scope::Agency, "--agency-rho", "run-whose-agency"),
        ] {
            // Every release that reads the quarter (a pooled one reads several) and spends.
            let mine: Vec<_> = planned
                .iter()
                .filter(|p| p.quarters.contains(period) && p.scope == scope && !p.reserved)
                .filter(|p| p.preview.rho > 0.0)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let needed: f64 = mine.iter().map(|p| p.preview.rho).sum();
            let vars = Vars::new()
                .with("period", period.as_str())
                .with("needed", lang.dec(needed, 4))
                .with("whose", lang.t(whose))
                .with("flag", flag);
            let line = match budgets
                .iter()
                .find(|b| &b.period == period && b.scope == scope)
            {
                Some(b) => {
                    let vars = vars
                        .with("remaining", lang.dec(b.remaining_rho, 4))
                        .with("budget", lang.dec(b.budget_rho, 4));
                    if needed > b.remaining_rho + 1e-12 {
                        short_anywhere = true;
                        let short = vars.with("short", lang.dec(needed - b.remaining_rho, 4));
                        lang.msg("run-needs-short", &short)
                    } else {
                        lang.msg("run-needs", &vars)
                    }
                }
                None => lang.msg("run-needs-unset", &vars),
            };
            writeln!(out, "{line}")?;
        }
    }
    Ok(short_anywhere)
}
