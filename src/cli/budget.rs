//! `safecount budget [--json] [--verify]` and `safecount budget set --period Q --rho R`:
//! the privacy-budget ledger, per period of data.

use super::{EXIT_DATA, EXIT_IO, EXIT_OK, EXIT_USAGE};
use crate::privacy::ledger;
use crate::store::Store;
use std::io::Write;
use std::path::PathBuf;

/// delta used to express cumulative zCDP loss as (epsilon, delta) for readers.
pub const REPORT_DELTA: f64 = 1e-6;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Check the ledger's hash chain and append-only triggers.
    #[arg(long)]
    pub verify: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Set (or change) the budget of one period of data, in rho (zCDP).
    Set {
        /// The period (quarter) of data, YYYYQn.
        #[arg(long)]
        period: String,
        /// Budget in rho (zero-concentrated DP); e.g. 0.5.
        #[arg(long)]
        rho: f64,
        /// Why (kept in the ledger).
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub fn run(args: Args, out: &mut dyn Write) -> anyhow::Result<i32> {
    let store = match Store::open(&Store::resolve_dir(args.store.as_deref())) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("safecount budget: {e}");
            return Ok(EXIT_IO);
        }
    };
    let mut conn = store.connect()?;
    if let Some(Action::Set { period, rho, note }) = &args.action {
        let period = period.to_uppercase();
        if crate::schema::parse_quarter(&period).is_none() {
            eprintln!(
                "safecount budget: \"{period}\" is not a quarter: write it as YYYYQn, e.g. 2025Q3"
            );
            return Ok(EXIT_USAGE);
        }
        match ledger::set_budget(&mut conn, &period, *rho, note) {
            Ok(_) => writeln!(out, "Budget for {period} set to rho = {rho}.")?,
            Err(e) => {
                eprintln!("safecount budget: {e}");
                return Ok(EXIT_USAGE);
            }
        }
    }
    if args.verify {
        return match ledger::verify(&conn) {
            Ok(n) => {
                writeln!(
                    out,
                    "Ledger verified: {n} events, hash chain intact, append-only triggers in place."
                )?;
                Ok(EXIT_OK)
            }
            Err(e) => {
                eprintln!("safecount budget --verify: {e}");
                Ok(EXIT_DATA)
            }
        };
    }
    let periods = ledger::status(&conn)?;
    let total: f64 = periods.iter().map(|p| p.spent_rho).sum();
    let cumulative_eps = if total > 0.0 {
        ledger::zcdp_to_epsilon(total, REPORT_DELTA)
    } else {
        0.0
    };
    if args.json {
        let v = serde_json::json!({
            "accounting": "zCDP (rho)",
            "periods": periods,
            "cumulative_rho_for_a_person_in_every_period": total,
            "cumulative_epsilon_at_delta": {"epsilon": cumulative_eps, "delta": REPORT_DELTA},
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(EXIT_OK);
    }
    if periods.is_empty() {
        writeln!(
            out,
            "No budget is set yet. The collaborative sets one per quarter of data:\n  safecount budget set --period 2025Q3 --rho 0.5"
        )?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "Privacy budget per period of data (zero-concentrated DP, rho)\n"
    )?;
    writeln!(
        out,
        "{:<8} {:>10} {:>10} {:>10} {:>9}",
        "period", "budget", "spent", "remaining", "releases"
    )?;
    for p in &periods {
        writeln!(
            out,
            "{:<8} {:>10.4} {:>10.4} {:>10.4} {:>9}",
            p.period, p.budget_rho, p.spent_rho, p.remaining_rho, p.releases
        )?;
    }
    writeln!(
        out,
        "\nA person present in every period above has lost rho = {total:.4} in all (zCDP losses add up),\nwhich is (epsilon = {cumulative_eps:.3}, delta = {REPORT_DELTA:e})-differential privacy."
    )?;
    Ok(EXIT_OK)
}
