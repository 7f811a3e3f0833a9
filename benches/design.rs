//! The demo's measurement design before and after issue 29, without reading
//! a record: for every part of every person-level table the report draws,
//! the noise variance of its national figure in the old design (yearly
//! tables over person-quarters, equal shares, every table released) and in
//! the new one (yearly tables counting each person once, parts planned to
//! their targets, only what the report draws), each at its own rho and at
//! equal lifetime rho; and the lifetime rho of a person present in every
//! quarter under each.
//!
//! A yearly table over person-quarters cost a person present in all n = 4 of
//! its quarters n² = 16 times its rho; counting each person once costs rho.
//! So "variance × lifetime rho" (the variance the figure would have if it
//! alone cost a lifetime rho of 1; variance goes as 1/rho) compares the two
//! designs at equal privacy loss.
//!
//! The new design plans `people` and `definitions` to the previous quarter's
//! released figures. With a demo store at `SAFECOUNT_DESIGN_STORE` (default
//! `safecount-data/demo`, what `safecount demo` builds) its published
//! releases are read for that (public numbers, never records); without one
//! every quarter is planned to the targets' floors, the most they can cost.
//!
//!     cargo bench --bench design

use safecount::pipeline::{PipelineSpec, PlannedRelease, dry_run};
use safecount::privacy::ledger::{CONVERSION_DELTA, Scope, lifetime_cost, zcdp_to_epsilon};
use safecount::release::consistent::z_of;
use std::collections::BTreeMap;
use std::path::Path;

/// (table, span kind, part) → (rho of the release, variance of the part's national figure, lifetime rho of the release).
type Figures = BTreeMap<(String, &'static str, String), (f64, f64, f64)>;

fn figures(
    planned: &[PlannedRelease],
    level: f64,
    person_unit: bool,
    in_report: bool,
) -> (Figures, f64) {
    let z = z_of(level);
    let mut out = Figures::new();
    let mut lifetime = 0.0;
    for p in planned
        .iter()
        .filter(|p| p.scope == Scope::Person && p.preview.rho > 0.0)
    {
        let cost = lifetime_cost(
            p.preview.rho,
            p.quarters.len(),
            person_unit || p.quarters.len() == 1,
        );
        lifetime += cost;
        if in_report && !p.in_report {
            continue;
        }
        // The last quarter and the last year stand for the others.
        let span = if p.quarters.len() > 1 {
            "year"
        } else {
            "quarter"
        };
        let mut labels: Vec<&String> = p.preview.parts.iter().map(|(l, _)| l).collect();
        labels.dedup();
        for label in labels {
            let Some(h) = p.preview.national_half_width_of(label, level) else {
                continue;
            };
            let var = (h / z).powi(2);
            out.insert(
                (p.preview.table.clone(), span, label.clone()),
                (p.preview.rho, var, cost),
            );
        }
    }
    (out, lifetime)
}

fn main() -> anyhow::Result<()> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old = PipelineSpec::load(&repo.join("benches/fixtures/demo-before-issue-29.toml"))?;
    let new = PipelineSpec::load(&repo.join("pipelines/demo.toml"))?;
    let store_dir = std::env::var_os("SAFECOUNT_DESIGN_STORE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo.join("safecount-data/demo"));
    let store = if store_dir.join("ledger.sqlite").is_file() {
        Some(safecount::store::Store::open(&store_dir)?)
    } else {
        None
    };
    let started = std::time::Instant::now();
    let (old_planned, _) = dry_run(&old, None)?;
    let (new_planned, _) = dry_run(&new, store.as_ref())?;
    let level = new.privacy.interval_level;
    let (old_figures, old_lifetime) = figures(&old_planned, level, false, false);
    let (new_figures, new_lifetime) = figures(&new_planned, level, true, true);
    println!(
        "new design planned {}",
        match &store {
            Some(_) => format!("from the releases published in {}", store_dir.display()),
            None => "at the targets' floors (no demo store: the most it can cost)".into(),
        }
    );
    println!(
        "\n{:<20} {:<8} {:<22} {:>9} {:>10} {:>9} {:>10} {:>12} {:>12} {:>7}",
        "table",
        "span",
        "part",
        "old rho",
        "old var",
        "new rho",
        "new var",
        "old var·L",
        "new var·L",
        "gain"
    );
    for ((table, span, part), (rho, var, cost)) in &new_figures {
        let old = old_figures.get(&(table.clone(), span, part.clone()));
        let (old_rho, old_var, old_at) = match old {
            Some((r, v, c)) => (format!("{r:.4}"), format!("{v:.1}"), Some(v * c)),
            None => ("-".into(), "-".into(), None),
        };
        let new_at = var * cost;
        println!(
            "{table:<20} {span:<8} {:<22} {old_rho:>9} {old_var:>10} {rho:>9.4} {var:>10.1} {:>12} {new_at:>12.2} {:>7}",
            if part.is_empty() {
                "(all)"
            } else {
                part.as_str()
            },
            old_at.map(|v| format!("{v:.2}")).unwrap_or("-".into()),
            old_at
                .map(|v| format!("{:.1}x", v / new_at))
                .unwrap_or("-".into()),
        );
    }
    let not_shown: Vec<String> = old_planned
        .iter()
        .filter(|p| p.scope == Scope::Person && !safecount::report::draws(&p.preview.table))
        .map(|p| p.preview.table.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    println!(
        "\nold design also paid for tables the report never draws: {}",
        not_shown.join(", ")
    );
    for (name, rho) in [("old", old_lifetime), ("new", new_lifetime)] {
        println!(
            "{name} design: a person present in all {} quarters loses rho {rho:.3} (epsilon {:.2} at delta {CONVERSION_DELTA:.0e})",
            new.inputs.periods.len(),
            zcdp_to_epsilon(rho, CONVERSION_DELTA)
        );
    }
    println!(
        "(var·L: the figure's variance if it alone cost a lifetime rho of 1; gain: old over new. {:.2} s, no record read)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
